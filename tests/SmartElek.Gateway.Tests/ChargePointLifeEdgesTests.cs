using Akka.Actor;
using Akka.TestKit;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.Tests.Interop;
using Xunit.Abstractions;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.Tests;

/// <summary>
/// The two edges of a charge point's life: a vehicle that plugs in while the controller starts up
/// (its Authorize waits for the first registration), and a controller that stops mid-transaction
/// (it drains the StopTransaction it owes before its connection closes).
/// </summary>
[Trait("Speed", "Fast")]
public sealed class ChargePointLifeEdgesTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(UnitTestConfig.VirtualClock, output: output)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);
    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;
    private TestProbe _wire = null!;
    private readonly SimulatedConnector _connector = new() { Vehicle = VehicleConnection.RequestingEnergy };
    private IActorRef _cp = null!;

    private void Start(params (string Key, string Value)[] changes)
    {
        var config = ChargePointConfiguration.Default(meterSampleSeconds: 0, heartbeatSeconds: 0);
        foreach (var (key, value) in changes) config = config.Change(key, value).Configuration;
        _wire = CreateTestProbe();
        var start = Scheduler.Now;
        _cp = Sys.ActorOf(ChargePointActor.Props(new ChargePointSettings(new ChargerId("SE-EDGE"), Configuration: config,
            Clock: () => T0 + (Scheduler.Now - start), AuthorizeWaitAtStart: Wait), _connector, new ProbeLink(_wire.Ref)));
    }

    private async Task Boot()
    {
        _cp.Tell(new OcppLinkProtocol.Connected(new Uri("ws://test/SE-EDGE")));
        Answer(await Next("BootNotification"), new BootNotificationResponse(RegistrationStatus.Accepted, T0, 0));
    }

    private void Answer(DecodedCall call, IOcppResponse response) =>
        _cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeResult(call.MessageId, response)));

    /// <summary>Our next CALL of <paramref name="action"/>, answering status notifications on the way.</summary>
    private async Task<DecodedCall> Next(string action)
    {
        while (true)
        {
            var call = Assert.IsType<DecodedCall>(OcppFrames.Decode(await _wire.ExpectMsgAsync<string>(TimeSpan.FromSeconds(5))));
            if (call.Action == action) return call;
            Assert.True(call.Action == "StatusNotification", $"{call.Action} came before {action}");
            Answer(call, new StatusNotificationResponse());
        }
    }

    /// <summary>Until nothing more comes for a moment: status notifications answered, any other CALL a failure.</summary>
    private async Task OnlyStatusNotifications()
    {
        while (await _wire.ReceiveOneAsync(TimeSpan.FromMilliseconds(300)) is string text)
        {
            var call = Assert.IsType<DecodedCall>(OcppFrames.Decode(text));
            Assert.True(call.Action == "StatusNotification", $"unexpected {call.Action}");
            Answer(call, new StatusNotificationResponse());
        }
    }

    private Task<ChargePointState> State() => _cp.Ask<ChargePointState>(GetState.Instance);

    private static IdTagInfo Accepted => new(AuthorizationStatus.Accepted);

    [Fact]
    public async Task A_start_asked_while_the_charge_point_connects_waits_for_its_registration_and_asks_the_central_system()
    {
        Start();
        _cp.Tell(new LocalStartRequested("TAG-NEW")); // plugged in before the connection is up: unknown locally
        await State();
        Scheduler.Advance(Wait - TimeSpan.FromSeconds(5));
        Assert.Null((await State()).TransactionId);

        await Boot();
        var authorize = await Next("Authorize");
        Assert.Equal("TAG-NEW", ((AuthorizeRequest)authorize.Request).IdTag);
        Answer(authorize, new AuthorizeResponse(Accepted));
        var start = await Next("StartTransaction");
        Answer(start, new StartTransactionResponse(Accepted, 77));
        await AwaitAssertAsync(async () => Assert.Equal(77, (await State()).TransactionId));
    }

    [Fact]
    public async Task Without_a_registration_in_time_the_waiting_start_is_refused_as_offline_and_never_asked_later()
    {
        Start(("AllowOfflineTxForUnknownId", "false"));
        _cp.Tell(new LocalStartRequested("TAG-NEW"));
        await State();
        Scheduler.Advance(Wait + TimeSpan.FromSeconds(1));
        Assert.Null((await State()).TransactionId);
        // Decided: registering later sends no Authorize for it.
        await Boot();
        await OnlyStatusNotifications();
        Assert.Null((await State()).TransactionId);
    }

    [Fact]
    public async Task Starting_up_an_unknown_tag_the_configuration_admits_offline_starts_at_once()
    {
        Start(("AllowOfflineTxForUnknownId", "true"));
        _cp.Tell(new LocalStartRequested("TAG-NEW"));
        // No wait: offline rules that admit it decide as they would after the start-up.
        Assert.True((await State()).TransactionId < 0);
    }

    [Fact]
    public async Task A_registration_that_is_refused_decides_the_waiting_start_locally_at_once()
    {
        Start(("AllowOfflineTxForUnknownId", "false"));
        _cp.Tell(new LocalStartRequested("TAG-NEW"));
        _cp.Tell(new OcppLinkProtocol.Connected(new Uri("ws://test/SE-EDGE")));
        Answer(await Next("BootNotification"), new BootNotificationResponse(RegistrationStatus.Rejected, T0, 60));
        // Refused: no Authorize may go out while Rejected, and the unknown tag is not admitted offline.
        Assert.Null(await _wire.ReceiveOneAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Null((await State()).TransactionId);
    }

    [Fact]
    public async Task A_stopping_controller_is_answered_once_the_StopTransaction_it_owes_is_answered()
    {
        Start(("LocalPreAuthorize", "false"));
        await Boot();
        _cp.Tell(new LocalStartRequested("TAG-OK"));
        Answer(await Next("Authorize"), new AuthorizeResponse(Accepted));
        Answer(await Next("StartTransaction"), new StartTransactionResponse(Accepted, 12));
        await AwaitAssertAsync(async () => Assert.Equal(12, (await State()).TransactionId));

        var stopping = CreateTestProbe();
        _cp.Tell(new Drain(TimeSpan.FromSeconds(10)), stopping.Ref);
        // The transaction runs: its stop is still to come from the charger.
        await stopping.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        _cp.Tell(new LocalStopRequested(StopTransactionReason.Reboot));
        var stop = await Next("StopTransaction");
        Assert.Equal(12, ((StopTransactionRequest)stop.Request).TransactionId);
        await stopping.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        Answer(stop, new StopTransactionResponse());
        Assert.Equal(0, (await stopping.ExpectMsgAsync<Drained>(TimeSpan.FromSeconds(5))).QueuedTransactionMessages);
    }

    [Fact]
    public async Task A_stopping_controller_waits_no_longer_than_it_said_and_the_unanswered_stop_stays_queued()
    {
        Start(("LocalPreAuthorize", "false"));
        await Boot();
        _cp.Tell(new LocalStartRequested("TAG-OK"));
        Answer(await Next("Authorize"), new AuthorizeResponse(Accepted));
        Answer(await Next("StartTransaction"), new StartTransactionResponse(Accepted, 13));
        await AwaitAssertAsync(async () => Assert.Equal(13, (await State()).TransactionId));
        _cp.Tell(new LocalStopRequested(StopTransactionReason.Reboot));
        await Next("StopTransaction"); // never answered

        var stopping = CreateTestProbe();
        _cp.Tell(new Drain(TimeSpan.FromSeconds(3)), stopping.Ref);
        await stopping.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        Scheduler.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(1, (await stopping.ExpectMsgAsync<Drained>(TimeSpan.FromSeconds(5))).QueuedTransactionMessages);
    }

    [Fact]
    public async Task Offline_a_stopping_controller_is_answered_at_once_with_what_stays_queued()
    {
        Start(("AllowOfflineTxForUnknownId", "true"));
        _cp.Tell(new LocalStartRequested("TAG-NEW"));
        await State(); // started: its start-up wait is on the (virtual) clock
        Scheduler.Advance(Wait + TimeSpan.FromSeconds(1));
        await AwaitAssertAsync(async () => Assert.True((await State()).TransactionId < 0));
        _cp.Tell(new LocalStopRequested(StopTransactionReason.Reboot));
        var stopping = CreateTestProbe();
        _cp.Tell(new Drain(TimeSpan.FromSeconds(10)), stopping.Ref);
        Assert.Equal(2, (await stopping.ExpectMsgAsync<Drained>(TimeSpan.FromSeconds(5))).QueuedTransactionMessages);
    }
}
