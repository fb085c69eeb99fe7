using Akka.Actor;
using Akka.TestKit;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;
using Xunit.Abstractions;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.Tests;

/// <summary>A charger port that reports by itself (as the real unit's does), its register set by the test.</summary>
internal sealed class ReportingPort : IConnectorPort, IObservableConnectorPort
{
    private long _registerWh;

    public IActorRef ChargePoint { get; private set; } = ActorRefs.Nobody;
    public VehicleConnection Vehicle { get; set; } = VehicleConnection.None;
    public long RegisterWh { get => Interlocked.Read(ref _registerWh); set => Interlocked.Exchange(ref _registerWh, value); }
    public List<StopTransactionReason> Stops { get; } = [];
    private volatile bool _registerKnown = true;
    public bool RegisterKnown { get => _registerKnown; set => _registerKnown = value; }

    public void Attach(IActorRef chargePoint, IActorRefFactory context) => ChargePoint = chargePoint;

    public ConnectorSnapshot Read() => new(Vehicle, ConnectorFault.None, true,
        new MeterSnapshot(DateTimeOffset.UnixEpoch, RegisterWh, 0, 0, 0, 240, 60, 1, RegisterKnown: RegisterKnown));

    public bool StartCharging(string idTag) => Vehicle != VehicleConnection.None;
    public void StopCharging(StopTransactionReason reason) => Stops.Add(reason);
    public void ApplyCurrentLimit(decimal amps) { }
    public UnlockStatus Unlock() => UnlockStatus.NotSupported;
    public bool SetAvailability(bool operative) => true;
    public bool Reset(ResetType type) => true;
}

/// <summary>An in-memory <see cref="IChargePointMemory"/> (what a durable one keeps, without the file).</summary>
internal sealed class RememberingMemory(RememberedTransaction? running) : IChargePointMemory
{
    public RememberedTransaction? Running { get; private set; } = running;
    public List<RememberedTransaction?> Written { get; } = [];

    public RememberedChargePoint Recall() => RememberedChargePoint.Nothing with { Transaction = Running };
    public void RememberProfiles(IReadOnlyList<InstalledProfile> profiles) { }
    public void RememberConfiguration(string key, string value) { }
    public void RememberLocalList(LocalList list) { }
    public void RememberCacheEntry(string idTag, CachedAuthorization entry, IReadOnlyCollection<string> evicted) { }
    public void ClearCache() { }

    public void RememberTransaction(RememberedTransaction? transaction)
    {
        Running = transaction;
        Written.Add(transaction);
    }
}

/// <summary>
/// A transaction found running at start, with a port that learns the charger's register only after
/// power-up (a unit recovers it from its journal): on the virtual clock, the central system played by the test.
/// </summary>
[Trait("Speed", "Fast")]
public sealed class PowerLossStopActorTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(UnitTestConfig.VirtualClock, output: output)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly RememberedTransaction Cut = new(1, 42, "TAG-CUT", 10_000, T0.AddHours(-2));
    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;
    private TestProbe _wire = null!;
    private IActorRef _cp = null!;
    private readonly ReportingPort _port = new();
    private RememberingMemory _memory = null!;
    private InMemoryTransactionMessageQueue _queue = null!;

    private async Task Start(RememberedTransaction? running, params IOcppRequest[] queued)
    {
        _wire = CreateTestProbe();
        _memory = new RememberingMemory(running);
        _queue = new InMemoryTransactionMessageQueue();
        foreach (var q in queued) _queue.Enqueue(q, q is StartTransactionRequest ? -1 : null);
        var start = Scheduler.Now;
        _cp = Sys.ActorOf(ChargePointActor.Props(new ChargePointSettings(new ChargerId("SE-PL"), CallTimeout: TimeSpan.FromSeconds(30),
            Clock: () => T0 + (Scheduler.Now - start)), _port, new ProbeLink(_wire.Ref), _queue, _memory));
        _cp.Tell(new OcppLinkProtocol.Connected(new Uri("ws://test/SE-PL")));
        var boot = await NextCall();
        Assert.Equal("BootNotification", boot.Action);
        Answer(boot, new BootNotificationResponse(RegistrationStatus.Accepted, T0, 0));
    }

    private async Task<DecodedCall> NextCall() =>
        Assert.IsType<DecodedCall>(OcppFrames.Decode(await _wire.ExpectMsgAsync<string>(TimeSpan.FromSeconds(5))));

    /// <summary>The next transaction message, answering status notifications on the way.</summary>
    private async Task<DecodedCall> NextTransactionMessage()
    {
        while (true)
        {
            var call = await NextCall();
            if (call.Action != "StatusNotification") return call;
            Answer(call, new StatusNotificationResponse());
        }
    }

    private void Answer(DecodedCall call, IOcppResponse response) =>
        _cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeResult(call.MessageId, response)));

    private async Task NothingButStatus()
    {
        while (await _wire.ReceiveOneAsync(TimeSpan.FromMilliseconds(300)) is string text)
        {
            var call = Assert.IsType<DecodedCall>(OcppFrames.Decode(text));
            Assert.Equal("StatusNotification", call.Action);
            Answer(call, new StatusNotificationResponse());
        }
    }

    [Fact]
    public async Task The_stop_waits_for_a_register_at_or_above_meterStart_and_carries_it()
    {
        _port.RegisterWh = 0; // not yet recovered
        await Start(Cut);
        _port.ChargePoint.Tell(ConnectorChanged.Instance);
        await NothingButStatus();
        Assert.Equal(Cut, _memory.Running);

        _port.RegisterWh = 12_345; // the unit recovered its register
        _port.ChargePoint.Tell(ConnectorChanged.Instance);
        var call = await NextTransactionMessage();
        var stop = Assert.IsType<StopTransactionRequest>(call.Request);
        Assert.Equal((42, 12_345, StopTransactionReason.PowerLoss, "TAG-CUT"), (stop.TransactionId, stop.MeterStop, stop.Reason!.Value, stop.IdTag));
        Assert.Null(_memory.Running);
        Answer(call, new StopTransactionResponse());
        await NothingButStatus();
        Assert.Empty(_port.Stops); // the unit closed its own session at power-up: nothing to tell it
    }

    [Fact]
    public async Task With_a_known_register_below_meterStart_the_stop_goes_after_the_wait_with_meterStart()
    {
        _port.RegisterWh = 0; // known, but below meterStart (the register was reset)
        await Start(Cut);
        await NothingButStatus();
        Scheduler.Advance(TimeSpan.FromSeconds(10));
        var stop = Assert.IsType<StopTransactionRequest>((await NextTransactionMessage()).Request);
        Assert.Equal((42, 10_000, StopTransactionReason.PowerLoss), (stop.TransactionId, stop.MeterStop, stop.Reason!.Value));
    }

    [Fact]
    public async Task A_register_not_yet_recovered_is_no_meterStop_however_long_the_wait_even_at_or_above_meterStart()
    {
        // A transaction that started at 0 Wh: the charger's register before its journal recovers
        // (0 Wh, counting from power-up) is "at or above meterStart", and still not the energy charged.
        var fromZero = Cut with { MeterStart = 0 };
        _port.RegisterWh = 0;
        _port.RegisterKnown = false;
        await Start(fromZero);
        _port.ChargePoint.Tell(ConnectorChanged.Instance);
        await NothingButStatus();
        Scheduler.Advance(TimeSpan.FromSeconds(10));
        await NothingButStatus();
        Scheduler.Advance(TimeSpan.FromSeconds(30));
        await NothingButStatus();
        Assert.Equal(fromZero, _memory.Running);

        _port.RegisterWh = 5;
        _port.RegisterKnown = true; // the unit recovered its register from the journal
        _port.ChargePoint.Tell(ConnectorChanged.Instance);
        var stop = Assert.IsType<StopTransactionRequest>((await NextTransactionMessage()).Request);
        Assert.Equal((42, 5, StopTransactionReason.PowerLoss), (stop.TransactionId, stop.MeterStop, stop.Reason!.Value));
        Assert.Null(_memory.Running);
    }

    [Fact]
    public async Task A_new_transaction_begins_only_after_the_cut_one_is_stopped_and_a_queued_start_goes_first()
    {
        _port.RegisterWh = 0;
        var cutOffline = Cut with { TransactionId = -1 };
        await Start(cutOffline, new StartTransactionRequest(1, "TAG-CUT", 10_000, T0.AddHours(-2)));
        _port.Vehicle = VehicleConnection.Connected;
        _port.RegisterWh = 10_500;
        _cp.Tell(new LocalStartRequested("TAG-NEW"));

        // The queued start first; the new tag's Authorize; once authorised, the cut transaction is
        // stopped (placeholder replaced by the central system's id) before the new one starts.
        var start = await NextTransactionMessage();
        Assert.IsType<StartTransactionRequest>(start.Request);
        Answer(start, new StartTransactionResponse(new IdTagInfo(AuthorizationStatus.Accepted), 77));
        var authorize = await NextTransactionMessage();
        Assert.Equal("Authorize", authorize.Action);
        Answer(authorize, new AuthorizeResponse(new IdTagInfo(AuthorizationStatus.Accepted)));
        var stopCall = await NextTransactionMessage();
        var stop = Assert.IsType<StopTransactionRequest>(stopCall.Request);
        Assert.Equal((77, 10_500, StopTransactionReason.PowerLoss), (stop.TransactionId, stop.MeterStop, stop.Reason!.Value));
        Answer(stopCall, new StopTransactionResponse());
        var newStart = Assert.IsType<StartTransactionRequest>((await NextTransactionMessage()).Request);
        Assert.Equal("TAG-NEW", newStart.IdTag);
        Assert.Equal("TAG-NEW", _memory.Running!.IdTag);
    }
}
