using CsCheck;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.Tests.Pure;

// The order rule "status after the transaction message that explains it", without an actor.
[Trait("Speed", "Fast")]
public class StatusReportingTests
{
    private static readonly ConnectorStatus Preparing = new(ChargePointStatus.Preparing, ChargePointErrorCode.NoError);
    private static readonly ConnectorStatus Charging = new(ChargePointStatus.Charging, ChargePointErrorCode.NoError);
    private static readonly ConnectorStatus SuspendedEvse = new(ChargePointStatus.SuspendedEVSE, ChargePointErrorCode.NoError);

    [Fact]
    public void A_change_goes_once_and_a_forced_report_goes_again()
    {
        var (reported, send) = new StatusReporting().Report(Preparing);
        Assert.True(send);
        Assert.False(reported.Report(Preparing).Send);
        Assert.True(reported.Report(Preparing, force: true).Send);
        Assert.True(reported.Report(Charging).Send);
    }

    [Fact]
    public void A_status_the_queued_StartTransaction_explains_waits_for_it_and_the_status_of_that_moment_goes()
    {
        var reporting = new StatusReporting().Report(Preparing).Next.TransactionMessageQueued(7);
        var (held, send) = reporting.Report(SuspendedEvse);
        Assert.False(send);
        Assert.True(held.Held);
        // An earlier message going out releases nothing.
        var (stillHeld, early) = held.TransactionMessageSent(6);
        Assert.False(early);
        var (released, now) = stillHeld.TransactionMessageSent(7);
        Assert.True(now);
        Assert.Null(released.Awaits);
        Assert.True(released.Report(Charging, force: true).Send);
    }

    [Fact]
    public void A_triggered_status_goes_at_once_even_while_a_transaction_message_is_awaited()
    {
        var awaiting = new StatusReporting().TransactionMessageQueued(3);
        var (next, send) = awaiting.Report(SuspendedEvse, force: true, triggered: true);
        Assert.True(send);
        Assert.False(next.Held);
        Assert.False(next.TransactionMessageSent(3).ReportNow);
    }

    // Any interleaving: while a StartTransaction or StopTransaction is awaited, no untriggered status goes.
    [Fact]
    public void No_untriggered_status_goes_ahead_of_the_awaited_transaction_message()
    {
        var statuses = new[] { Preparing, Charging, SuspendedEvse };
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 2], Gen.Bool).Array[1, 50].Sample(steps =>
        {
            var reporting = new StatusReporting();
            long sequence = 0;
            long? awaited = null;
            foreach (var (kind, which, force) in steps)
            {
                switch (kind)
                {
                    case 0:
                        (reporting, var send) = reporting.Report(statuses[which], force);
                        if (send && awaited is not null) return false;
                        break;
                    case 1:
                        awaited = ++sequence;
                        reporting = reporting.TransactionMessageQueued(sequence);
                        break;
                    default:
                        if (awaited is { } a)
                        {
                            reporting = reporting.TransactionMessageSent(a).Next;
                            awaited = null;
                        }
                        break;
                }
            }
            return true;
        });
    }
}
