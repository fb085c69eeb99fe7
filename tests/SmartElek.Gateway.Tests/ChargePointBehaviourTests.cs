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

/// <summary>Points of issue 5 that had no test of their own: Boot Rejected, DataTransfer, reservations, ChangeAvailability Scheduled, UnlockConnector, the authorisation keys.</summary>
[Trait("Speed", "Fast")]
public sealed class ChargePointBehaviourTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(UnitTestConfig.VirtualClock, output: output)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;
    private TestProbe _wire = null!;
    private IActorRef _cp = null!;
    private readonly SimulatedConnector _connector = new();
    private readonly List<ChargePointStatus> _statuses = [];
    private int _ids;

    private void Start(params (string Key, string Value)[] changes)
    {
        var config = ChargePointConfiguration.Default(meterSampleSeconds: 0, heartbeatSeconds: 0);
        foreach (var (key, value) in changes)
        {
            var (next, status) = config.Change(key, value);
            Assert.Equal(ConfigurationStatus.Accepted, status);
            config = next;
        }
        _wire = CreateTestProbe();
        var start = Scheduler.Now;
        _cp = Sys.ActorOf(ChargePointActor.Props(new ChargePointSettings(new ChargerId("SE-B"), Configuration: config,
            Clock: () => T0 + (Scheduler.Now - start)), _connector, new ProbeLink(_wire.Ref)));
    }

    private void Connect() => _cp.Tell(new OcppLinkProtocol.Connected(new Uri("ws://test/SE-B")));

    private async Task Boot()
    {
        Connect();
        Answer(await Next("BootNotification"), new BootNotificationResponse(RegistrationStatus.Accepted, T0, 0));
        await Settle();
    }

    private void Answer(DecodedCall call, IOcppResponse response) =>
        _cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeResult(call.MessageId, response)));

    private DecodedCall Status(DecodedCall call)
    {
        _statuses.Add(((StatusNotificationRequest)call.Request).Status);
        Answer(call, new StatusNotificationResponse());
        return call;
    }

    /// <summary>Our next CALL of <paramref name="action"/>, answering (and recording) status notifications on the way.</summary>
    private async Task<DecodedCall> Next(string action)
    {
        while (true)
        {
            var call = Assert.IsType<DecodedCall>(OcppFrames.Decode(await _wire.ExpectMsgAsync<string>(TimeSpan.FromSeconds(5))));
            if (call.Action == action) return call;
            Assert.Equal("StatusNotification", call.Action);
            Status(call);
        }
    }

    /// <summary>Until nothing more comes for a moment: status notifications answered, anything else is a failure.</summary>
    private async Task Settle()
    {
        while (await _wire.ReceiveOneAsync(TimeSpan.FromMilliseconds(300)) is string text)
        {
            var call = Assert.IsType<DecodedCall>(OcppFrames.Decode(text));
            Assert.True(call.Action == "StatusNotification", $"unexpected {call.Action}");
            Status(call);
        }
    }

    private async Task<TResponse> CsCall<TResponse>(IOcppRequest request) where TResponse : IOcppResponse
    {
        var id = $"cs{++_ids}";
        _cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeCall(id, request)));
        while (true)
        {
            var frame = OcppFrames.Decode(await _wire.ExpectMsgAsync<string>(TimeSpan.FromSeconds(5)));
            if (frame is DecodedCall { Action: "StatusNotification" } s) { Status(s); continue; }
            var result = Assert.IsType<DecodedResult>(frame);
            Assert.Equal(id, result.MessageId);
            return Assert.IsType<TResponse>(Assert.IsType<ResponseOk>(OcppFrames.ReadResponse(OcppActions.ForRequest(request).Name, result.Payload)).Response);
        }
    }

    private async Task<int> StartTransaction(string tag)
    {
        _connector.Vehicle = VehicleConnection.RequestingEnergy;
        _cp.Tell(ConnectorChanged.Instance);
        _cp.Tell(new LocalStartRequested(tag));
        Answer(await Next("Authorize"), new AuthorizeResponse(new IdTagInfo(AuthorizationStatus.Accepted)));
        Answer(await Next("StartTransaction"), new StartTransactionResponse(new IdTagInfo(AuthorizationStatus.Accepted), 31));
        await Settle();
        return (await _cp.Ask<ChargePointState>(GetState.Instance)).TransactionId!.Value;
    }

    [Fact]
    public async Task A_rejected_Boot_sends_nothing_else_refuses_the_central_systems_calls_and_boots_again_after_the_interval()
    {
        Start();
        Connect();
        Answer(await Next("BootNotification"), new BootNotificationResponse(RegistrationStatus.Rejected, T0, 120));
        _connector.Vehicle = VehicleConnection.Connected;
        _cp.Tell(ConnectorChanged.Instance);                           // no StatusNotification while Rejected
        _cp.Tell(new LocalStartRequested("TAG-R"));                    // no Authorize either
        _cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeCall("r1", new GetConfigurationRequest())));
        var refused = Assert.IsType<DecodedError>(OcppFrames.Decode(await _wire.ExpectMsgAsync<string>(TimeSpan.FromSeconds(5))));
        Assert.Equal(("r1", CallErrorCode.SecurityError), (refused.MessageId, refused.Code));
        Scheduler.Advance(TimeSpan.FromSeconds(119));
        await _wire.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        Assert.Equal(Registration.Rejected, (await _cp.Ask<ChargePointState>(GetState.Instance)).Registration);
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Answer(await Next("BootNotification"), new BootNotificationResponse(RegistrationStatus.Accepted, T0, 0));
        Assert.Equal("StatusNotification", Status(await Next("StatusNotification")).Action);
        Assert.Equal(ChargePointStatus.Preparing, _statuses[^1]);
    }

    [Fact]
    public async Task DataTransfer_names_an_unknown_vendor_or_an_unknown_message_of_ours()
    {
        Start();
        await Boot();
        Assert.Equal(DataTransferStatus.UnknownVendorId, (await CsCall<DataTransferResponse>(new DataTransferRequest("com.other"))).Status);
        Assert.Equal(DataTransferStatus.UnknownMessageId, (await CsCall<DataTransferResponse>(new DataTransferRequest("SmartElek", "whatever"))).Status);
    }

    [Fact]
    public async Task A_reservation_holds_the_connector_for_its_tag_until_cancelled_or_expired()
    {
        Start(("LocalPreAuthorize", "false"));
        await Boot();
        Assert.Equal(ReservationStatus.Accepted, (await CsCall<ReserveNowResponse>(new ReserveNowRequest(1, T0.AddMinutes(10), "TAG-RES", 7))).Status);
        await Settle();
        Assert.Equal(ChargePointStatus.Reserved, _statuses[^1]);
        Assert.Equal(ReservationStatus.Occupied, (await CsCall<ReserveNowResponse>(new ReserveNowRequest(1, T0.AddMinutes(10), "TAG-X", 8))).Status);
        Assert.Equal(ReservationStatus.Rejected, (await CsCall<ReserveNowResponse>(new ReserveNowRequest(0, T0.AddMinutes(10), "TAG-X", 9))).Status);

        // Another tag, accepted by the central system, is refused at the reserved connector.
        _connector.Vehicle = VehicleConnection.RequestingEnergy;
        _cp.Tell(ConnectorChanged.Instance);
        _cp.Tell(new LocalStartRequested("TAG-OTHER"));
        Answer(await Next("Authorize"), new AuthorizeResponse(new IdTagInfo(AuthorizationStatus.Accepted)));
        await Settle();
        Assert.Null((await _cp.Ask<ChargePointState>(GetState.Instance)).TransactionId);
        Assert.Equal(7, (await _cp.Ask<ChargePointState>(GetState.Instance)).ReservationId);

        Assert.Equal(CancelReservationStatus.Rejected, (await CsCall<CancelReservationResponse>(new CancelReservationRequest(99))).Status);
        Assert.Equal(CancelReservationStatus.Accepted, (await CsCall<CancelReservationResponse>(new CancelReservationRequest(7))).Status);
        await Settle();
        Assert.Null((await _cp.Ask<ChargePointState>(GetState.Instance)).ReservationId);
        Assert.NotEqual(ChargePointStatus.Reserved, _statuses[^1]);

        // A new one expires at its expiryDate.
        _connector.Vehicle = VehicleConnection.None;
        _cp.Tell(ConnectorChanged.Instance);
        await Settle();
        Assert.Equal(ReservationStatus.Accepted, (await CsCall<ReserveNowResponse>(new ReserveNowRequest(1, T0.AddMinutes(5), "TAG-RES", 10))).Status);
        await Settle();
        Assert.Equal(ChargePointStatus.Reserved, _statuses[^1]);
        Scheduler.Advance(TimeSpan.FromMinutes(5));
        await Settle();
        Assert.Equal(ChargePointStatus.Available, _statuses[^1]);
        Assert.Null((await _cp.Ask<ChargePointState>(GetState.Instance)).ReservationId);
    }

    [Fact]
    public async Task Inoperative_during_a_transaction_is_Scheduled_and_taken_at_its_stop()
    {
        Start();
        await Boot();
        var tx = await StartTransaction("TAG-A");
        Assert.Equal(AvailabilityStatus.Scheduled, (await CsCall<ChangeAvailabilityResponse>(new ChangeAvailabilityRequest(1, AvailabilityType.Inoperative))).Status);
        Assert.Equal(AvailabilityStatus.Rejected, (await CsCall<ChangeAvailabilityResponse>(new ChangeAvailabilityRequest(2, AvailabilityType.Inoperative))).Status);
        Assert.Equal(ChargePointStatus.Charging, _statuses[^1]);
        Assert.Equal(RemoteStartStopStatus.Accepted, (await CsCall<RemoteStopTransactionResponse>(new RemoteStopTransactionRequest(tx))).Status);
        Answer(await Next("StopTransaction"), new StopTransactionResponse());
        await Settle();
        Assert.Equal(ChargePointStatus.Unavailable, _statuses[^1]);
        Assert.False(_connector.Operative);
        Assert.Equal(RemoteStartStopStatus.Rejected, (await CsCall<RemoteStartTransactionResponse>(new RemoteStartTransactionRequest("TAG-A", 1))).Status);
        Assert.Equal(AvailabilityStatus.Accepted, (await CsCall<ChangeAvailabilityResponse>(new ChangeAvailabilityRequest(0, AvailabilityType.Operative))).Status);
        await Settle();
        Assert.True(_connector.Operative);
        Assert.NotEqual(ChargePointStatus.Unavailable, _statuses[^1]);
    }

    [Fact]
    public async Task UnlockConnector_stops_the_transaction_with_UnlockCommand_and_a_connector_we_do_not_have_is_NotSupported()
    {
        Start();
        await Boot();
        await StartTransaction("TAG-U");
        Assert.Equal(UnlockStatus.NotSupported, (await CsCall<UnlockConnectorResponse>(new UnlockConnectorRequest(2))).Status);
        Assert.Empty(_connector.Stops);
        // §5.18: the transaction is finished first: its StopTransaction goes out before the answer.
        _cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeCall("unlock", new UnlockConnectorRequest(1))));
        UnlockConnectorResponse? unlocked = null;
        StopTransactionRequest? stop = null;
        while (unlocked is null || stop is null)
        {
            switch (OcppFrames.Decode(await _wire.ExpectMsgAsync<string>(TimeSpan.FromSeconds(5))))
            {
                case DecodedResult { MessageId: "unlock" } r:
                    Assert.NotNull(stop);
                    unlocked = (UnlockConnectorResponse)((ResponseOk)OcppFrames.ReadResponse("UnlockConnector", r.Payload)).Response;
                    break;
                case DecodedCall { Action: "StopTransaction" } c:
                    stop = (StopTransactionRequest)c.Request;
                    break;
                case DecodedCall { Action: "StatusNotification" } c:
                    Status(c);
                    break;
                case var other:
                    Assert.Fail($"unexpected {other}");
                    break;
            }
        }
        Assert.Equal(UnlockStatus.Unlocked, unlocked.Status);
        Assert.Equal(StopTransactionReason.UnlockCommand, stop.Reason);
        Assert.Equal([StopTransactionReason.UnlockCommand], _connector.Stops);
    }

    [Fact]
    public async Task A_soft_reset_with_a_CALL_of_ours_outstanding_sends_StopTransaction_first_and_restarts_only_once_it_is_answered()
    {
        Start();
        await Boot();
        var tx = await StartTransaction("TAG-S");
        // Our Heartbeat is outstanding (triggered, not answered yet) when the Reset arrives.
        Assert.Equal(TriggerMessageStatus.Accepted, (await CsCall<TriggerMessageResponse>(new TriggerMessageRequest(MessageTrigger.Heartbeat))).Status);
        var heartbeat = await Next("Heartbeat");
        Assert.Equal(ResetStatus.Accepted, (await CsCall<ResetResponse>(new ResetRequest(ResetType.Soft))).Status);
        Assert.Equal([StopTransactionReason.SoftReset], _connector.Stops); // the charging stops at once

        Answer(heartbeat, new HeartbeatResponse(T0));
        var stop = await Next("StopTransaction");
        Assert.Equal((tx, StopTransactionReason.SoftReset), (((StopTransactionRequest)stop.Request).TransactionId, ((StopTransactionRequest)stop.Request).Reason));
        await _wire.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300)); // no Boot while the stop is unanswered
        Assert.Empty(_connector.Resets);

        Answer(stop, new StopTransactionResponse(new IdTagInfo(AuthorizationStatus.Accepted)));
        var boot = Assert.IsType<DecodedCall>(OcppFrames.Decode(await _wire.ExpectMsgAsync<string>(TimeSpan.FromSeconds(5))));
        Assert.Equal("BootNotification", boot.Action);
        Assert.Equal([ResetType.Soft], _connector.Resets);
    }

    [Fact]
    public async Task UnlockConnector_with_a_CALL_of_ours_outstanding_answers_only_after_its_StopTransaction_went_out()
    {
        Start();
        await Boot();
        var tx = await StartTransaction("TAG-U");
        Assert.Equal(TriggerMessageStatus.Accepted, (await CsCall<TriggerMessageResponse>(new TriggerMessageRequest(MessageTrigger.Heartbeat))).Status);
        var heartbeat = await Next("Heartbeat");
        _cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeCall("unlock", new UnlockConnectorRequest(1))));
        await _wire.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300)); // the stop cannot go yet, so neither can the answer
        Assert.Equal([StopTransactionReason.UnlockCommand], _connector.Stops);

        Answer(heartbeat, new HeartbeatResponse(T0));
        var stop = (StopTransactionRequest)(await Next("StopTransaction")).Request;
        Assert.Equal((tx, StopTransactionReason.UnlockCommand), (stop.TransactionId, stop.Reason));
        var answer = Assert.IsType<DecodedResult>(OcppFrames.Decode(await _wire.ExpectMsgAsync<string>(TimeSpan.FromSeconds(5))));
        Assert.Equal("unlock", answer.MessageId);
        Assert.Equal(UnlockStatus.Unlocked, ((UnlockConnectorResponse)((ResponseOk)OcppFrames.ReadResponse("UnlockConnector", answer.Payload)).Response).Status);
    }

    [Fact]
    public async Task UnlockConnector_with_a_welded_relay_waits_for_it_to_open_and_then_answers_UnlockFailed()
    {
        Start();
        await Boot();
        await StartTransaction("TAG-W");
        _connector.RelayWelded = true;
        _cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeCall("unlock", new UnlockConnectorRequest(1))));
        var stop = await Next("StopTransaction");
        Answer(stop, new StopTransactionResponse(new IdTagInfo(AuthorizationStatus.Accepted)));
        await Settle(); // nothing but status notifications: the answer waits for the relays
        Scheduler.Advance(TimeSpan.FromSeconds(9));
        await Settle();
        Scheduler.Advance(TimeSpan.FromSeconds(1)); // UnlockWait (10 s) is over
        var answer = Assert.IsType<DecodedResult>(OcppFrames.Decode(await _wire.ExpectMsgAsync<string>(TimeSpan.FromSeconds(5))));
        Assert.Equal("unlock", answer.MessageId);
        Assert.Equal(UnlockStatus.UnlockFailed, ((UnlockConnectorResponse)((ResponseOk)OcppFrames.ReadResponse("UnlockConnector", answer.Payload)).Response).Status);
    }

    [Fact]
    public async Task AuthorizeRemoteTxRequests_decides_whether_a_remote_start_is_authorised_first()
    {
        Start(("AuthorizeRemoteTxRequests", "true"));
        await Boot();
        _connector.Vehicle = VehicleConnection.RequestingEnergy;
        _cp.Tell(ConnectorChanged.Instance);
        Assert.Equal(RemoteStartStopStatus.Accepted, (await CsCall<RemoteStartTransactionResponse>(new RemoteStartTransactionRequest("TAG-REM", 1))).Status);
        Assert.Equal("TAG-REM", ((AuthorizeRequest)(await Next("Authorize")).Request).IdTag);
    }

    [Fact]
    public async Task Without_AuthorizeRemoteTxRequests_a_remote_start_goes_straight_to_StartTransaction()
    {
        Start(("AuthorizeRemoteTxRequests", "false"));
        await Boot();
        _connector.Vehicle = VehicleConnection.RequestingEnergy;
        _cp.Tell(ConnectorChanged.Instance);
        Assert.Equal(RemoteStartStopStatus.Accepted, (await CsCall<RemoteStartTransactionResponse>(new RemoteStartTransactionRequest("TAG-REM", 1))).Status);
        var call = Assert.IsType<DecodedCall>(OcppFrames.Decode(await _wire.ExpectMsgAsync<string>(TimeSpan.FromSeconds(5))));
        while (call.Action == "StatusNotification")
        {
            Status(call);
            call = Assert.IsType<DecodedCall>(OcppFrames.Decode(await _wire.ExpectMsgAsync<string>(TimeSpan.FromSeconds(5))));
        }
        Assert.Equal("StartTransaction", call.Action);
    }

    [Fact]
    public async Task A_tag_authorised_with_no_vehicle_lapses_after_ConnectionTimeOut()
    {
        Start(("ConnectionTimeOut", "30"));
        await Boot();
        _cp.Tell(new LocalStartRequested("TAG-LATE"));
        Answer(await Next("Authorize"), new AuthorizeResponse(new IdTagInfo(AuthorizationStatus.Accepted)));
        await Settle();
        Scheduler.Advance(TimeSpan.FromSeconds(31));
        await _cp.Ask<ChargePointState>(GetState.Instance);
        _connector.Vehicle = VehicleConnection.RequestingEnergy;        // plugged in too late
        _cp.Tell(ConnectorChanged.Instance);
        await Settle();
        Assert.Null((await _cp.Ask<ChargePointState>(GetState.Instance)).TransactionId);

        _cp.Tell(new LocalStartRequested("TAG-LATE"));                // in time this once: the cache admits it at once
        Answer(await Next("StartTransaction"), new StartTransactionResponse(new IdTagInfo(AuthorizationStatus.Accepted), 5));
        await Settle();
        Assert.Equal(5, (await _cp.Ask<ChargePointState>(GetState.Instance)).TransactionId);
    }

    [Fact]
    public async Task Offline_a_cached_tag_is_admitted_only_with_LocalAuthorizeOffline()
    {
        foreach (var offline in new[] { "true", "false" })
        {
            Start(("LocalAuthorizeOffline", offline));
            await Boot();
            _cp.Tell(new LocalStartRequested("TAG-OFF"));
            Answer(await Next("Authorize"), new AuthorizeResponse(new IdTagInfo(AuthorizationStatus.Accepted)));  // learnt
            await Settle();
            _cp.Tell(new OcppLinkProtocol.Disconnected("test"));
            await _cp.Ask<ChargePointState>(GetState.Instance);
            Scheduler.Advance(TimeSpan.FromSeconds(130));                // the first authorisation lapsed (ConnectionTimeOut 120 s)
            _connector.Vehicle = VehicleConnection.RequestingEnergy;
            _cp.Tell(ConnectorChanged.Instance);
            _cp.Tell(new LocalStartRequested("TAG-OFF"));
            var state = await _cp.Ask<ChargePointState>(GetState.Instance);
            Assert.Equal(offline == "true", state.TransactionId is not null);
            Sys.Stop(_cp);
            _connector.Vehicle = VehicleConnection.None;
        }
    }
}
