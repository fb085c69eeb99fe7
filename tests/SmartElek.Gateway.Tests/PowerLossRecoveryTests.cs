using CsCheck;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.Tests;

/// <summary>The rules for a transaction found running at start (cut by a power loss or a crash).</summary>
[Trait("Speed", "Fast")]
public sealed class PowerLossRecoveryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static QueuedTransactionMessage Start(long seq, int placeholder) =>
        new(seq, new StartTransactionRequest(1, "TAG", 100, T0), 0, placeholder);

    private static QueuedTransactionMessage Stop(long seq, int transactionId) =>
        new(seq, new StopTransactionRequest(150, T0, transactionId, "TAG", StopTransactionReason.Local), 0);

    private static QueuedTransactionMessage Meter(long seq, int transactionId) =>
        new(seq, new MeterValuesRequest(1, [new MeterValue(T0, [new SampledValue("120")])], transactionId), 0);

    [Fact]
    public void The_stop_says_PowerLoss_and_its_meter_never_goes_below_meterStart()
    {
        Gen.Select(Gen.Int[-5, 1000], Gen.Long[0, 1_000_000], Gen.Long[-1, 1_000_000]).Sample((id, meterStart, register) =>
        {
            var cut = new RememberedTransaction(1, id, "TAG-CUT", meterStart, T0);
            var stop = PowerLossRecovery.Stop(cut, register, T0.AddHours(3));
            Assert.Equal(StopTransactionReason.PowerLoss, stop.Reason);
            Assert.Equal((id, "TAG-CUT", T0.AddHours(3)), (stop.TransactionId, stop.IdTag!, stop.Timestamp));
            Assert.Equal(register >= meterStart ? register : meterStart, stop.MeterStop);
            Assert.True(stop.MeterStop >= meterStart);
        });
    }

    // Every moment, a register known or not, below, at or above meterStart.
    [Theory]
    [InlineData(CutStopMoment.Now, false, 0, CutStopStep.StopNow)]
    [InlineData(CutStopMoment.Now, true, -1, CutStopStep.StopNow)]
    [InlineData(CutStopMoment.Now, true, 0, CutStopStep.StopNow)]
    [InlineData(CutStopMoment.RegisterAtStart, false, 1, CutStopStep.NotYet)]
    [InlineData(CutStopMoment.RegisterAtStart, true, -1, CutStopStep.NotYet)]
    [InlineData(CutStopMoment.RegisterAtStart, true, 0, CutStopStep.StopNow)]
    [InlineData(CutStopMoment.RegisterAtStart, true, 1, CutStopStep.StopNow)]
    [InlineData(CutStopMoment.WaitOver, false, 1, CutStopStep.WaitOn)]
    [InlineData(CutStopMoment.WaitOver, true, -1, CutStopStep.StopNow)]
    [InlineData(CutStopMoment.WaitOver, true, 1, CutStopStep.StopNow)]
    public void The_cut_stop_waits_for_a_known_register_at_or_above_meterStart_until_the_wait_is_over(
        CutStopMoment moment, bool registerKnown, long overMeterStart, CutStopStep expected)
    {
        var cut = new RememberedTransaction(1, 42, "TAG", 1_000, T0);
        Assert.Equal(expected, PowerLossRecovery.WhenToStop(moment, cut, registerKnown, cut.MeterStart + overMeterStart));
    }

    [Fact]
    public void A_transaction_with_the_central_systems_id_owes_its_stop_unless_one_is_queued()
    {
        var cut = new RememberedTransaction(1, 42, "TAG", 100, T0);
        Assert.True(PowerLossRecovery.OwesStop(cut, []));
        Assert.True(PowerLossRecovery.OwesStop(cut, [Meter(1, 42), Stop(2, 41)]));
        Assert.False(PowerLossRecovery.OwesStop(cut, [Meter(1, 42), Stop(2, 42)]));
    }

    [Fact]
    public void A_placeholder_owes_its_stop_only_while_its_start_is_queued()
    {
        var cut = new RememberedTransaction(1, -3, "TAG", 100, T0);
        Assert.True(PowerLossRecovery.OwesStop(cut, [Stop(1, 40), Start(2, -3), Meter(3, -3)]));
        Assert.False(PowerLossRecovery.OwesStop(cut, [Start(1, -3), Stop(2, -3)]));
        // Its start was never queued, or was answered before the id could be remembered: no id to stop.
        Assert.False(PowerLossRecovery.OwesStop(cut, [Start(1, -2), Meter(2, -3)]));
        Assert.False(PowerLossRecovery.OwesStop(cut, []));
    }
}
