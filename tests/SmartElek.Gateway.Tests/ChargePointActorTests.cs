using Akka.Actor;
using CsCheck;
using Akka.TestKit;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.Tests.Interop;
using Xunit.Abstractions;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.Tests;

/// <summary>A link that hands every sent frame to a probe; the test plays the central system.</summary>
internal sealed class ProbeLink(IActorRef probe) : IOcppLink
{
    public void Start(IActorRef owner) { }
    public bool Send(string frame) { probe.Tell(frame); return true; }
    public Task StopAsync() => Task.CompletedTask;
}

/// <summary>The charge point's OCPP rules with a scripted central system on the virtual clock.</summary>
[Trait("Speed", "Fast")]
public sealed class ChargePointActorTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(UnitTestConfig.VirtualClock, output: output)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;
    private TestProbe _wire = null!;
    private IActorRef _cp = null!;
    private SimulatedConnector _connector = null!;

    private static readonly HashSet<string> Chatter = ["StatusNotification", "Heartbeat"];

    /// <param name="at">the charge point's clock at the start (the virtual clock moves it on)</param>
    private void Start(ChargePointConfiguration? config = null, DateTimeOffset? at = null)
    {
        var wire = _wire = CreateTestProbe();
        _connector = new SimulatedConnector();
        var start = Scheduler.Now;
        var t0 = at ?? T0;
        _cp = Sys.ActorOf(ChargePointActor.Props(new ChargePointSettings(new ChargerId("SE-T1"), Configuration: config,
            CallTimeout: TimeSpan.FromSeconds(30), Clock: () => t0 + (Scheduler.Now - start)),
            _connector, new ProbeLink(wire.Ref)));
    }

    private async Task<Decoded> NextFrame() => OcppFrames.Decode(await _wire.ExpectMsgAsync<string>(TimeSpan.FromSeconds(5)));

    /// <summary>The next CALL of ours, answering status and heartbeats on the way (one CALL at a time needs them answered).</summary>
    private async Task<DecodedCall> ExpectCall(string action)
    {
        while (true)
        {
            var call = Assert.IsType<DecodedCall>(await NextFrame());
            if (call.Action == action) return call;
            Assert.Contains(call.Action, Chatter);
            Answer(call, call.Action == "Heartbeat" ? new HeartbeatResponse(T0) : new StatusNotificationResponse());
        }
    }

    private void Answer(DecodedCall call, IOcppResponse response) =>
        _cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeResult(call.MessageId, response)));

    /// <summary>Answers with a CALLERROR and waits until the actor has processed it (the virtual clock moves next).</summary>
    private async Task Fail(DecodedCall call, CallErrorCode code)
    {
        _cp.Tell(new OcppLinkProtocol.Received(OcppFrames.Error(call.MessageId, code, "test")));
        await _cp.Ask<ChargePointState>(GetState.Instance);
    }

    private void CsCall(string id, IOcppRequest request) =>
        _cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeCall(id, request)));

    private async Task Boot()
    {
        _cp.Tell(new OcppLinkProtocol.Connected(new Uri("ws://test/SE-T1")));
        Answer(await ExpectCall("BootNotification"), new BootNotificationResponse(RegistrationStatus.Accepted, T0, 0));
    }

    /// <summary>The answer to the central system's CALL <paramref name="id"/>, answering our chatter on the way.</summary>
    private async Task<Decoded> ExpectAnswer(string id)
    {
        while (true)
        {
            var frame = await NextFrame();
            if (frame is DecodedResult r && r.MessageId == id) return r;
            if (frame is DecodedError e && e.MessageId == id) return e;
            var call = Assert.IsType<DecodedCall>(frame);
            Assert.Contains(call.Action, Chatter);
            Answer(call, call.Action == "Heartbeat" ? new HeartbeatResponse(T0) : new StatusNotificationResponse());
        }
    }

    /// <summary>For a while nothing but status and heartbeats is sent.</summary>
    private async Task OnlyChatter()
    {
        while (await _wire.ReceiveOneAsync(TimeSpan.FromMilliseconds(300)) is string text)
        {
            var call = Assert.IsType<DecodedCall>(OcppFrames.Decode(text));
            Assert.Contains(call.Action, Chatter);
            Answer(call, call.Action == "Heartbeat" ? new HeartbeatResponse(T0) : new StatusNotificationResponse());
        }
    }

    [Fact]
    public async Task Nothing_but_Boot_before_acceptance_and_Pending_waits_its_interval()
    {
        Start();
        _cp.Tell(new OcppLinkProtocol.Connected(new Uri("ws://test/SE-T1")));
        var boot = await ExpectCall("BootNotification");
        Assert.Equal("SmartElek", ((BootNotificationRequest)boot.Request).ChargePointVendor);
        CsCall("cs1", new GetLocalListVersionRequest());
        var refused = Assert.IsType<DecodedError>(await NextFrame());
        Assert.Equal(("cs1", CallErrorCode.SecurityError), (refused.MessageId, refused.Code));

        Answer(boot, new BootNotificationResponse(RegistrationStatus.Pending, T0, 60));
        _cp.Tell(new LocalStartRequested("TAG"));         // no Authorize while Pending
        CsCall("cs2", new GetConfigurationRequest(["HeartbeatInterval"]));  // but the central system is answered
        var answered = Assert.IsType<DecodedResult>(await NextFrame());
        Assert.Equal("cs2", answered.MessageId);
        Scheduler.Advance(TimeSpan.FromSeconds(59));
        await _wire.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Answer(await ExpectCall("BootNotification"), new BootNotificationResponse(RegistrationStatus.Accepted, T0, 0));
        Answer(await ExpectCall("StatusNotification"), new StatusNotificationResponse());
        var state = await _cp.Ask<ChargePointState>(GetState.Instance);
        Assert.Equal(Registration.Accepted, state.Registration);
    }

    [Fact]
    public async Task A_plain_reconnect_sends_the_current_status_not_a_new_Boot()
    {
        Start();
        await Boot();
        _cp.Tell(new OcppLinkProtocol.Disconnected("test"));
        _cp.Tell(new OcppLinkProtocol.Connected(new Uri("ws://test/SE-T1")));
        var first = Assert.IsType<DecodedCall>(await NextFrame());
        Assert.Equal("StatusNotification", first.Action);
    }

    [Fact]
    public async Task Concurrent_incoming_CALLs_are_each_answered_while_our_own_stay_one_at_a_time()
    {
        Start();
        await Boot();
        _connector.Vehicle = VehicleConnection.Connected;
        _cp.Tell(ConnectorChanged.Instance);
        var status = await ExpectCall("StatusNotification");   // left unanswered: our one outstanding CALL
        _cp.Tell(new LocalStartRequested("TAG-1"));
        CsCall("a", new GetConfigurationRequest(["NumberOfConnectors", "NoSuchKey"]));
        CsCall("b", new ClearCacheRequest());
        CsCall("c", new ChangeConfigurationRequest("NumberOfConnectors", "2"));
        var a = Assert.IsType<DecodedResult>(await NextFrame());
        var b = Assert.IsType<DecodedResult>(await NextFrame());
        var c = Assert.IsType<DecodedResult>(await NextFrame());
        Assert.Equal(["a", "b", "c"], new[] { a.MessageId, b.MessageId, c.MessageId });
        var config = Assert.IsType<GetConfigurationResponse>(Assert.IsType<ResponseOk>(OcppFrames.ReadResponse("GetConfiguration", a.Payload)).Response);
        Assert.Equal(["NoSuchKey"], config.UnknownKey!);
        Assert.Equal("1", config.ConfigurationKey!.Single().Value);
        Assert.Equal(ConfigurationStatus.Rejected, ((ChangeConfigurationResponse)((ResponseOk)OcppFrames.ReadResponse("ChangeConfiguration", c.Payload)).Response).Status);
        await _wire.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300)); // Authorize waits for the status answer
        Answer(status, new StatusNotificationResponse());
        var authorize = await ExpectCall("Authorize");
        Assert.Equal("TAG-1", ((AuthorizeRequest)authorize.Request).IdTag);
    }

    [Fact]
    public async Task An_offline_transaction_is_queued_in_order_and_its_placeholder_id_is_replaced()
    {
        Start(ChargePointConfiguration.Default().Change("AllowOfflineTxForUnknownId", "true").Configuration);
        _connector.Vehicle = VehicleConnection.RequestingEnergy;
        _cp.Tell(ConnectorChanged.Instance);
        _cp.Tell(new LocalStartRequested("TAG-OFFLINE"));
        var offline = await _cp.Ask<ChargePointState>(GetState.Instance);
        Assert.True(offline.TransactionId < 0);
        Scheduler.Advance(TimeSpan.FromSeconds(60));          // one periodic meter value
        _cp.Tell(new LocalStopRequested());
        Assert.Equal(3, (await _cp.Ask<ChargePointState>(GetState.Instance)).QueuedTransactionMessages);

        await Boot();
        var start = await ExpectCall("StartTransaction");
        Answer(start, new StartTransactionResponse(new IdTagInfo(AuthorizationStatus.Accepted), 77));
        var meter = await ExpectCall("MeterValues");
        Assert.Equal(77, ((MeterValuesRequest)meter.Request).TransactionId);
        Answer(meter, new MeterValuesResponse());
        var stop = await ExpectCall("StopTransaction");
        Assert.Equal((77, StopTransactionReason.Local), (((StopTransactionRequest)stop.Request).TransactionId, ((StopTransactionRequest)stop.Request).Reason!.Value));
        Assert.True(((StopTransactionRequest)stop.Request).MeterStop >= ((StartTransactionRequest)start.Request).MeterStart);
    }

    [Fact]
    public async Task A_transaction_message_answered_with_CALLERROR_is_retried_with_growing_waits_then_dropped()
    {
        Start(ChargePointConfiguration.Default(meterSampleSeconds: 0)); // no meter values in between
        await Boot();
        _connector.Vehicle = VehicleConnection.RequestingEnergy;
        _cp.Tell(ConnectorChanged.Instance);
        _cp.Tell(new LocalStartRequested("TAG-1"));
        Answer(await ExpectCall("Authorize"), new AuthorizeResponse(new IdTagInfo(AuthorizationStatus.Accepted)));
        await Fail(await ExpectCall("StartTransaction"), CallErrorCode.InternalError);      // attempt 1
        Scheduler.Advance(TimeSpan.FromSeconds(59));
        await OnlyChatter();
        Scheduler.Advance(TimeSpan.FromSeconds(1));                                   // 60 s x 1
        await Fail(await ExpectCall("StartTransaction"), CallErrorCode.InternalError);      // attempt 2
        Scheduler.Advance(TimeSpan.FromSeconds(119));
        await OnlyChatter();
        Scheduler.Advance(TimeSpan.FromSeconds(1));                                   // 60 s x 2
        await Fail(await ExpectCall("StartTransaction"), CallErrorCode.InternalError);      // attempt 3: dropped
        _cp.Tell(new LocalStopRequested());
        var stop = await ExpectCall("StopTransaction");                                // the queue went on
        Assert.Equal(StopTransactionReason.Local, ((StopTransactionRequest)stop.Request).Reason);
    }

    [Fact]
    public async Task A_disallowed_composite_unit_is_a_PropertyConstraintViolation_and_a_rejected_tag_stops_the_transaction()
    {
        var config = ChargePointConfiguration.Default();
        var keys = config.Keys.SetItem("ChargingScheduleAllowedChargingRateUnit", config.Keys["ChargingScheduleAllowedChargingRateUnit"] with { Value = "Current" });
        Start(new ChargePointConfiguration(keys));
        await Boot();
        CsCall("g", new GetCompositeScheduleRequest(1, 60, ChargingRateUnit.W));
        var error = Assert.IsType<DecodedError>(await ExpectAnswer("g"));
        Assert.Equal(CallErrorCode.PropertyConstraintViolation, error.Code);

        _connector.Vehicle = VehicleConnection.RequestingEnergy;
        _cp.Tell(ConnectorChanged.Instance);
        CsCall("r", new RemoteStartTransactionRequest("TAG-X", 1));
        Assert.IsType<DecodedResult>(await ExpectAnswer("r"));
        // Some central systems answer a refused tag with transactionId 0.
        Answer(await ExpectCall("StartTransaction"), new StartTransactionResponse(new IdTagInfo(AuthorizationStatus.Invalid), 0));
        var stop = (StopTransactionRequest)(await ExpectCall("StopTransaction")).Request;
        Assert.Equal((0, StopTransactionReason.DeAuthorized), (stop.TransactionId, stop.Reason!.Value));
        Assert.Equal([StopTransactionReason.DeAuthorized], _connector.Stops);
    }

    [Fact]
    public async Task The_composite_limit_reaches_the_connector_when_a_profile_period_begins()
    {
        Start(ChargePointConfiguration.Default(meterSampleSeconds: 0));
        await Boot();
        var max = new ChargingProfile(1, 0, ChargingProfilePurpose.ChargePointMaxProfile, ChargingProfileKind.Absolute,
            new ChargingSchedule(ChargingRateUnit.W, [new ChargingSchedulePeriod(0, 4800m), new ChargingSchedulePeriod(600, 1920m)], StartSchedule: T0));
        CsCall("p", new SetChargingProfileRequest(0, max));
        var answer = Assert.IsType<DecodedResult>(await ExpectAnswer("p"));
        Assert.Equal(ChargingProfileStatus.Accepted, ((SetChargingProfileResponse)((ResponseOk)OcppFrames.ReadResponse("SetChargingProfile", answer.Payload)).Response).Status);
        await AwaitAssertAsync(() => Assert.Equal(20m, _connector.Limit));      // 4800 W / 240 V
        Scheduler.Advance(TimeSpan.FromSeconds(599));
        await _cp.Ask<ChargePointState>(GetState.Instance);
        Assert.Equal(20m, _connector.Limit);
        Scheduler.Advance(TimeSpan.FromSeconds(2));
        await AwaitAssertAsync(() => Assert.Equal(8m, _connector.Limit));       // 1920 W / 240 V, at most 1 s late
        CsCall("c", new ClearChargingProfileRequest(Id: 1));
        await ExpectAnswer("c");
        await AwaitAssertAsync(() => Assert.Equal(32m, _connector.Limit));      // the charger's own maximum again
        Assert.Equal([32m, 20m, 8m, 32m], _connector.AppliedLimits);
    }

    [Fact]
    public async Task Heartbeats_follow_the_interval_the_Boot_answer_gave()
    {
        Start(ChargePointConfiguration.Default(meterSampleSeconds: 0));
        _cp.Tell(new OcppLinkProtocol.Connected(new Uri("ws://test/SE-T1")));
        Answer(await ExpectCall("BootNotification"), new BootNotificationResponse(RegistrationStatus.Accepted, T0, 60));
        Answer(await ExpectCall("StatusNotification"), new StatusNotificationResponse());
        Scheduler.Advance(TimeSpan.FromSeconds(59));
        await _wire.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Answer(Assert.IsType<DecodedCall>(await NextFrame()) is { Action: "Heartbeat" } hb ? hb : throw new Xunit.Sdk.XunitException("expected a Heartbeat"), new HeartbeatResponse(T0));
        Scheduler.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal("Heartbeat", Assert.IsType<DecodedCall>(await NextFrame()).Action);
        CsCall("k", new GetConfigurationRequest(["HeartbeatInterval"]));
        var config = (GetConfigurationResponse)((ResponseOk)OcppFrames.ReadResponse("GetConfiguration", ((DecodedResult)await ExpectAnswer("k")).Payload)).Response;
        Assert.Equal("60", config.ConfigurationKey!.Single().Value);
    }

    private static ChargePointConfiguration With(ChargePointConfiguration c, params (string Key, string Value)[] changes) =>
        changes.Aggregate(c, (acc, kv) => acc.Change(kv.Key, kv.Value) is var (next, status) && status == ConfigurationStatus.Accepted
            ? next : throw new InvalidOperationException($"{kv.Key}={kv.Value}: {status}"));

    private static IEnumerable<string> Contexts(MeterValue v) => v.SampledValue.Select(x => OcppEnumConverter<ReadingContext>.NameOf(x.Context!.Value)).Distinct();

    [Fact]
    public async Task Clock_aligned_meter_values_come_at_midnight_aligned_boundaries_with_context_Sample_Clock()
    {
        // 10:07:30 with a 15 min interval: readings at 10:15:00 and 10:30:00, stamped with the boundary.
        Start(With(ChargePointConfiguration.Default(meterSampleSeconds: 0), ("ClockAlignedDataInterval", "900"),
            ("MeterValuesAlignedData", "Energy.Active.Import.Register,Voltage")), at: T0.AddMinutes(7.5));
        await Boot();
        Scheduler.Advance(TimeSpan.FromSeconds(449));
        await OnlyChatter();
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        var first = await ExpectCall("MeterValues");
        var reading = ((MeterValuesRequest)first.Request).MeterValue.Single();
        Assert.Equal(T0.AddMinutes(15), reading.Timestamp);
        Assert.Equal(["Sample.Clock"], Contexts(reading));
        Assert.Equal([Measurand.EnergyActiveImportRegister, Measurand.Voltage], reading.SampledValue.Select(v => v.Measurand!.Value));
        Assert.Null(((MeterValuesRequest)first.Request).TransactionId); // no transaction: not a transaction message
        Answer(first, new MeterValuesResponse());
        Scheduler.Advance(TimeSpan.FromSeconds(899));
        await OnlyChatter();
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(T0.AddMinutes(30), ((MeterValuesRequest)(await ExpectCall("MeterValues")).Request).MeterValue.Single().Timestamp);
    }

    [Fact]
    public async Task An_interval_that_does_not_divide_the_day_starts_again_at_midnight()
    {
        // 7 h: 00:00, 07:00, 14:00, 21:00, then 00:00 (not 04:00). From 20:00 the next two are 21:00 and midnight.
        var evening = new DateTimeOffset(2026, 3, 1, 20, 0, 0, TimeSpan.Zero);
        Start(With(ChargePointConfiguration.Default(meterSampleSeconds: 0, heartbeatSeconds: 0), ("ClockAlignedDataInterval", "25200")), at: evening);
        await Boot();
        Scheduler.Advance(TimeSpan.FromHours(1));
        var first = await ExpectCall("MeterValues");
        Assert.Equal(evening.AddHours(1), ((MeterValuesRequest)first.Request).MeterValue.Single().Timestamp);
        Answer(first, new MeterValuesResponse());
        Scheduler.Advance(TimeSpan.FromHours(3) - TimeSpan.FromSeconds(1));
        await OnlyChatter();
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(evening.AddHours(4), ((MeterValuesRequest)(await ExpectCall("MeterValues")).Request).MeterValue.Single().Timestamp);
    }

    [Fact]
    public void The_next_boundary_is_after_now_within_one_interval_and_on_the_midnight_grid()
    {
        Gen.Select(Gen.Int[0, 86_400 * 3], Gen.Int[1, 86_400]).Sample((second, interval) =>
        {
            var now = T0.AddSeconds(second).AddMilliseconds(second % 7 * 100);
            var next = ClockAlignment.Next(now, interval);
            var midnight = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
            Assert.True(next > now && next - now <= TimeSpan.FromSeconds(interval), $"{now:O} -> {next:O} ({interval} s)");
            var fromMidnight = (next - midnight).TotalSeconds;
            Assert.True(fromMidnight % interval == 0 || next == midnight.AddDays(1), $"{next:O} is off the grid of {interval} s");
        });
    }

    [Fact]
    public async Task StopTransaction_carries_the_StopTxn_sampled_and_aligned_data_of_the_transaction_in_time_order()
    {
        // Start 10:07:30, sample every 60 s, 15 min clock, stop 10:20:00:
        // Begin 10:07:30, periodic 10:08:30 ... 10:19:30 (12), clock 10:15:00, End 10:20:00.
        var start = T0.AddMinutes(7.5);
        Start(With(ChargePointConfiguration.Default(meterSampleSeconds: 60), ("ClockAlignedDataInterval", "900"), ("MeterValuesAlignedData", ""),
            ("StopTxnSampledData", "Energy.Active.Import.Register"), ("StopTxnAlignedData", "Energy.Active.Import.Register,Current.Import"),
            ("AllowOfflineTxForUnknownId", "true")), at: start);
        _connector.Vehicle = VehicleConnection.RequestingEnergy;
        _cp.Tell(ConnectorChanged.Instance);
        _cp.Tell(new LocalStartRequested("TAG-1"));                // offline: everything is queued
        Assert.True((await _cp.Ask<ChargePointState>(GetState.Instance)).TransactionId < 0);
        for (var i = 0; i < 750; i += 30)
        {
            Scheduler.Advance(TimeSpan.FromSeconds(30));
            await _cp.Ask<ChargePointState>(GetState.Instance);
        }
        _cp.Tell(new LocalStopRequested());
        await _cp.Ask<ChargePointState>(GetState.Instance);
        await Boot();
        Answer(await ExpectCall("StartTransaction"), new StartTransactionResponse(new IdTagInfo(AuthorizationStatus.Accepted), 5));
        StopTransactionRequest? stop = null;
        while (stop is null)
        {
            var call = Assert.IsType<DecodedCall>(await NextFrame());
            if (call.Action == "StopTransaction") stop = (StopTransactionRequest)call.Request;
            else if (call.Action == "MeterValues") Answer(call, new MeterValuesResponse());
            else Answer(call, call.Action == "Heartbeat" ? new HeartbeatResponse(T0) : new StatusNotificationResponse());
        }
        var data = stop.TransactionData!;
        Assert.Equal(15, data.Count);
        Assert.Equal(data.Select(d => d.Timestamp).Order(), data.Select(d => d.Timestamp));
        Assert.Equal(["Transaction.Begin"], Contexts(data[0]));
        Assert.Equal(start, data[0].Timestamp);
        Assert.Equal(["Transaction.End"], Contexts(data[^1]));
        Assert.Equal(T0.AddMinutes(20), data[^1].Timestamp);
        var clock = Assert.Single(data, d => Contexts(d).Single() == "Sample.Clock");
        Assert.Equal(T0.AddMinutes(15), clock.Timestamp);
        Assert.Equal([Measurand.EnergyActiveImportRegister, Measurand.CurrentImport], clock.SampledValue.Select(v => v.Measurand!.Value));
        var periodic = data.Where(d => Contexts(d).Single() == "Sample.Periodic").Select(d => d.Timestamp).ToList();
        Assert.Equal(Enumerable.Range(1, 12).Select(k => start.AddSeconds(60 * k)), periodic);
        Assert.All(data.Where(d => Contexts(d).Single() != "Sample.Clock"),
            d => Assert.Equal([Measurand.EnergyActiveImportRegister], d.SampledValue.Select(v => v.Measurand!.Value)));
        // The energy register in the data never goes backwards and ends at meterStop.
        var energy = data.Select(d => long.Parse(d.SampledValue[0].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(energy.Order(), energy);
        Assert.InRange(energy[^1], stop.MeterStop, stop.MeterStop + 1); // read a moment after meterStop
    }

    [Fact]
    public async Task UpdateFirmware_on_a_charger_without_a_firmware_path_is_answered_and_ends_in_DownloadFailed()
    {
        Start();
        await Boot();
        CsCall("fw-1", new UpdateFirmwareRequest("https://firmware.example/4500-2.0.0.bin", T0));
        Assert.IsType<DecodedResult>(await ExpectAnswer("fw-1"));
        var notification = await ExpectCall("FirmwareStatusNotification");
        Assert.Equal(FirmwareStatus.DownloadFailed, Assert.IsType<FirmwareStatusNotificationRequest>(notification.Request).Status);
    }
}
