using Akka.Actor;
using Akka.TestKit;
using CsCheck;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.Tests.Interop;
using Xunit.Abstractions;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.Tests;

/// <summary>StopTransaction.transactionData stays within StopTxnMaxMeterValues however long the session.</summary>
[Trait("Speed", "Fast")]
public sealed class TransactionDataTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(UnitTestConfig.VirtualClock, output: output)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 18, 0, 0, TimeSpan.Zero);

    private static MeterValue Reading(int i) =>
        new(T0.AddSeconds(i), [new SampledValue(i.ToString(System.Globalization.CultureInfo.InvariantCulture), ReadingContext.SamplePeriodic)]);

    private static int IndexOf(MeterValue v) => int.Parse(v.SampledValue[0].Value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Any_session_keeps_the_first_and_the_last_reading_and_evenly_spaced_ones_between_within_the_capacity()
    {
        Gen.Select(Gen.Int[0, 5000], Gen.Int[TransactionData.MinimumCapacity, 120]).Sample((n, capacity) =>
        {
            var data = TransactionData.Empty(capacity);
            for (var i = 0; i < n; i++)
            {
                data = data.Add(Reading(i));
                Assert.True(data.Kept.Count <= capacity - 1, $"{data.Kept.Count} readings held with a capacity of {capacity}"); // memory bound
            }
            var readings = data.Readings();
            if (n == 0)
            {
                Assert.Null(readings);
                return;
            }
            var indexes = readings!.Select(IndexOf).ToList();
            Assert.True(indexes.Count <= capacity, $"{indexes.Count} readings for a capacity of {capacity}");
            Assert.True(indexes.Count >= Math.Min(n, (capacity + 1) / 2), $"only {indexes.Count} of {n} readings kept with a capacity of {capacity}");
            Assert.Equal(0, indexes[0]);
            Assert.Equal(n - 1, indexes[^1]);
            var gaps = indexes.Zip(indexes.Skip(1), (a, b) => b - a).ToList();
            Assert.All(gaps, g => Assert.True(g > 0));
            // Even: every gap but the one to the last reading is the same stride, and that one is not longer.
            if (gaps.Count > 1) Assert.All(gaps.SkipLast(1), g => Assert.Equal(gaps[0], g));
            if (gaps.Count > 1) Assert.True(gaps[^1] <= gaps[0], $"the last gap {gaps[^1]} is longer than the stride {gaps[0]}");
        });
    }

    [Fact]
    public void StopTxnMaxMeterValues_below_two_is_rejected_and_readings_without_values_are_not_data()
    {
        var config = ChargePointConfiguration.Default();
        Assert.Equal(ConfigurationStatus.Rejected, config.Change("StopTxnMaxMeterValues", "1").Status);
        Assert.Equal(ConfigurationStatus.Rejected, config.Change("StopTxnMaxMeterValues", "-5").Status);
        Assert.Equal(ConfigurationStatus.Accepted, config.Change("StopTxnMaxMeterValues", "2").Status);
        Assert.Throws<ArgumentOutOfRangeException>(() => TransactionData.Empty(1));
        Assert.Null(TransactionData.Empty(4).Add(new MeterValue(T0, [])).Readings());
    }

    [Fact]
    public async Task A_twelve_hour_session_sampled_every_minute_stops_with_at_most_StopTxnMaxMeterValues_readings_spread_over_it()
    {
        const int cap = 20;
        var scheduler = (TestScheduler)Sys.Scheduler;
        var config = new[] { ("StopTxnSampledData", ChargePointConfiguration.DefaultMeasurands), ("StopTxnMaxMeterValues", cap.ToString()),
            ("AllowOfflineTxForUnknownId", "true"), ("MeterValueSampleInterval", "60") }
            .Aggregate(ChargePointConfiguration.Default(), (c, kv) => c.Change(kv.Item1, kv.Item2).Configuration);
        Assert.Equal(cap, config.Int("StopTxnMaxMeterValues"));
        var connector = new SimulatedConnector { Vehicle = VehicleConnection.RequestingEnergy };
        var queue = new InMemoryTransactionMessageQueue();
        var start = scheduler.Now;
        var cp = Sys.ActorOf(ChargePointActor.Props(new ChargePointSettings(new ChargerId("SE-LONG"), Configuration: config,
            Clock: () => T0 + (scheduler.Now - start)), connector, new ProbeLink(CreateTestProbe().Ref), queue));
        cp.Tell(ConnectorChanged.Instance);
        cp.Tell(new LocalStartRequested("TAG-LONG"));                 // offline: every message is queued
        Assert.True((await cp.Ask<ChargePointState>(GetState.Instance)).TransactionId < 0);
        const int minutes = 12 * 60;
        for (var i = 0; i < minutes; i++)
        {
            scheduler.Advance(TimeSpan.FromSeconds(60));
            await cp.Ask<ChargePointState>(GetState.Instance);
        }
        cp.Tell(new LocalStopRequested());
        await cp.Ask<ChargePointState>(GetState.Instance);

        var sent = queue.Snapshot();
        Assert.Equal(minutes, sent.Count(m => m.Request is MeterValuesRequest)); // every periodic reading went out on its own
        var stop = Assert.IsType<StopTransactionRequest>(sent[^1].Request);
        var data = stop.TransactionData!;
        Assert.InRange(data.Count, cap / 2, cap);
        Assert.Equal(ReadingContext.TransactionBegin, data[0].SampledValue[0].Context);
        Assert.Equal(T0, data[0].Timestamp);
        Assert.Equal(ReadingContext.TransactionEnd, data[^1].SampledValue[0].Context);
        Assert.Equal(T0.AddMinutes(minutes), data[^1].Timestamp);
        var gaps = data.Zip(data.Skip(1), (a, b) => b.Timestamp - a.Timestamp).ToList();
        Assert.All(gaps.SkipLast(1), g => Assert.Equal(gaps[0], g));  // evenly spread over the session
        Assert.True(gaps[0] * (data.Count - 1) >= TimeSpan.FromMinutes(minutes) * 0.9, $"the readings cover only {gaps[0] * (data.Count - 1)}");
        // The frame is bounded by the cap: at most cap readings of all eight measurands.
        var frame = OcppFrames.EncodeCall("x", stop);
        var oneReading = OcppFrames.EncodeCall("x", stop with { TransactionData = [data[^1]] }).Length - OcppFrames.EncodeCall("x", stop with { TransactionData = null }).Length;
        Assert.True(frame.Length <= OcppFrames.EncodeCall("x", stop with { TransactionData = null }).Length + (cap + 1) * (oneReading + 16),
            $"a {frame.Length}-character StopTransaction for {data.Count} readings");
        Assert.Equal(8, data[^1].SampledValue.Count);
    }
}
