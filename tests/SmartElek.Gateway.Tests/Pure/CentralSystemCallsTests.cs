using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;
using static SmartElek.Gateway.Tests.Pure.ConnectorStateTests;

namespace SmartElek.Gateway.Tests.Pure;

// The answers to the central system's CALLs as pure functions: response, state and effects as values.
[Trait("Speed", "Fast")]
public class CentralSystemCallsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static CallContext Context(ConnectorSnapshot? charger = null, bool restartPending = false, bool firmware = true) =>
        new(new ChargerId("SE-1"), "SmartElek", new ElectricalSupply(240m, 1, 32m), charger ?? ChargerNow(), T0, restartPending, firmware);

    private static ConnectorState Charging()
    {
        var state = Fresh().Apply(new ConnectorFact.Authorised("TAG", null));
        return state.Apply(new ConnectorFact.TransactionStarted(state.DecideStart(ChargerNow(), false, T0)!)).Apply(new ConnectorFact.StartAnswered(-1, 42));
    }

    private static CallAnswer Answer(IOcppRequest request, ConnectorState? state = null, CallContext? context = null) =>
        CentralSystemCalls.Answer(request, state ?? Fresh(), context ?? Context());

    [Theory]
    [InlineData(false, false, ResetType.Soft, "Restart:Soft")]
    [InlineData(false, false, ResetType.Hard, "Restart:Hard")]
    [InlineData(true, false, ResetType.Soft, "RestartAfterStop:Soft")]
    [InlineData(true, false, ResetType.Hard, "StopTransaction:HardReset,Restart:Hard")]
    [InlineData(false, true, ResetType.Soft, "")]
    [InlineData(false, true, ResetType.Hard, "Restart:Hard")]
    [InlineData(true, true, ResetType.Soft, "")]
    [InlineData(true, true, ResetType.Hard, "Restart:Hard")]
    public void Reset_stops_a_transaction_before_a_soft_restart_and_at_once_with_a_hard_one(bool transaction, bool pending, ResetType type, string expected)
    {
        var answer = Answer(new ResetRequest(type), transaction ? Charging() : Fresh(), Context(restartPending: pending));
        Assert.Equal(ResetStatus.Accepted, ((ResetResponse)answer.Response).Status);
        Assert.Empty(answer.Before);
        var after = string.Join(",", answer.After.Select(e => e switch
        {
            CallEffect.Restart r => $"Restart:{r.Type}",
            CallEffect.RestartAfterStop r => $"RestartAfterStop:{r.Type}",
            CallEffect.StopTransaction s => $"StopTransaction:{s.Reason}",
            _ => e.ToString(),
        }));
        Assert.Equal(expected, after);
    }

    [Fact]
    public void ChangeAvailability_is_scheduled_during_a_transaction_asks_the_port_otherwise_and_is_rejected_when_the_port_refuses()
    {
        Assert.Equal(AvailabilityStatus.Rejected, ((ChangeAvailabilityResponse)Answer(new ChangeAvailabilityRequest(2, AvailabilityType.Inoperative)).Response).Status);
        var scheduled = Answer(new ChangeAvailabilityRequest(1, AvailabilityType.Inoperative), Charging());
        Assert.Equal(AvailabilityStatus.Scheduled, ((ChangeAvailabilityResponse)scheduled.Response).Status);
        Assert.True(scheduled.State.InoperativeScheduled);
        Assert.Empty(scheduled.Before);

        var now = Answer(new ChangeAvailabilityRequest(0, AvailabilityType.Inoperative));
        Assert.Equal(AvailabilityStatus.Accepted, ((ChangeAvailabilityResponse)now.Response).Status);
        Assert.Equal<CallEffect>([new CallEffect.SetAvailability(false)], now.Before);
        Assert.Equal<CallEffect>([new CallEffect.ReportStatus()], now.After);
        Assert.True(now.State.UnavailableRequested);
        Assert.Equal(AvailabilityStatus.Rejected, ((ChangeAvailabilityResponse)now.IfRefused!.Response).Status);
        Assert.False(now.IfRefused.State.UnavailableRequested);
        Assert.Empty(now.IfRefused.After);
    }

    [Fact]
    public void ChangeConfiguration_remembers_an_accepted_key_never_the_secret_and_changes_nothing_it_rejects()
    {
        var heartbeat = Answer(new ChangeConfigurationRequest("heartbeatinterval", "90"));
        Assert.Equal(ConfigurationStatus.Accepted, ((ChangeConfigurationResponse)heartbeat.Response).Status);
        Assert.Equal<CallEffect>([new CallEffect.ConfigurationChanged("HeartbeatInterval", "90", Remember: true, Accepted: true)], heartbeat.Before);
        Assert.Equal(TimeSpan.FromSeconds(90), heartbeat.State.Configuration.HeartbeatInterval);

        var key = Answer(new ChangeConfigurationRequest("AuthorizationKey", "0123456789abcdef"));
        Assert.Equal(ConfigurationStatus.RebootRequired, ((ChangeConfigurationResponse)key.Response).Status);
        Assert.Equal<CallEffect>([new CallEffect.ConfigurationChanged("AuthorizationKey", "0123456789abcdef", Remember: false, Accepted: false)], key.Before);

        var readOnly = Answer(new ChangeConfigurationRequest("NumberOfConnectors", "2"));
        Assert.Equal(ConfigurationStatus.Rejected, ((ChangeConfigurationResponse)readOnly.Response).Status);
        Assert.Empty(readOnly.Before);
    }

    [Fact]
    public void RemoteStart_authorises_as_configured_after_the_answer_and_is_rejected_when_it_could_not_begin()
    {
        var plain = Answer(new RemoteStartTransactionRequest("TAG"));
        Assert.Equal(RemoteStartStopStatus.Accepted, ((RemoteStartTransactionResponse)plain.Response).Status);
        Assert.Equal<CallEffect>([new CallEffect.Authorise("TAG", null)], plain.After);
        var config = ChargePointConfiguration.Default().Change("AuthorizeRemoteTxRequests", "true").Configuration;
        Assert.Equal<CallEffect>([new CallEffect.RequestAuthorization("TAG", null)], Answer(new RemoteStartTransactionRequest("TAG"), Fresh(config)).After);

        static RemoteStartStopStatus Status(CallAnswer a) => ((RemoteStartTransactionResponse)a.Response).Status;
        Assert.Equal(RemoteStartStopStatus.Rejected, Status(Answer(new RemoteStartTransactionRequest("TAG"), Charging())));
        Assert.Equal(RemoteStartStopStatus.Rejected, Status(Answer(new RemoteStartTransactionRequest("TAG", ConnectorId: 2))));
        Assert.Equal(RemoteStartStopStatus.Rejected, Status(Answer(new RemoteStartTransactionRequest("TAG"), context: Context(ChargerNow(fault: ConnectorFault.OverCurrent)))));
        Assert.Equal(RemoteStartStopStatus.Rejected, Status(Answer(new RemoteStartTransactionRequest("TAG"), context: Context(restartPending: true))));
    }

    [Fact]
    public void RemoteStop_stops_only_the_running_transaction_after_the_answer()
    {
        Assert.Equal<CallEffect>([new CallEffect.StopTransaction(StopTransactionReason.Remote)], Answer(new RemoteStopTransactionRequest(42), Charging()).After);
        var other = Answer(new RemoteStopTransactionRequest(41), Charging());
        Assert.Equal(RemoteStartStopStatus.Rejected, ((RemoteStopTransactionResponse)other.Response).Status);
        Assert.Empty(other.After);
    }

    [Fact]
    public void ReserveNow_names_why_it_cannot_reserve_and_a_reservation_expires_on_its_timer()
    {
        static ReservationStatus Status(CallAnswer a) => ((ReserveNowResponse)a.Response).Status;
        var request = new ReserveNowRequest(1, T0.AddMinutes(30), "TAG", 5);
        Assert.Equal(ReservationStatus.Rejected, Status(Answer(request with { ConnectorId = 0 })));
        Assert.Equal(ReservationStatus.Faulted, Status(Answer(request, context: Context(ChargerNow(VehicleConnection.None, ConnectorFault.GroundFailure)))));
        Assert.Equal(ReservationStatus.Unavailable, Status(Answer(request, context: Context(ChargerNow(VehicleConnection.None, operative: false)))));
        Assert.Equal(ReservationStatus.Occupied, Status(Answer(request, Charging())));
        Assert.Equal(ReservationStatus.Occupied, Status(Answer(request, context: Context(ChargerNow(VehicleConnection.Connected)))));
        var accepted = Answer(request, context: Context(ChargerNow(VehicleConnection.None)));
        Assert.Equal(ReservationStatus.Accepted, Status(accepted));
        Assert.Equal(5, accepted.State.Reservation!.Id);
        Assert.Equal<CallEffect>([new CallEffect.ReservationTimer(5, TimeSpan.FromMinutes(30))], accepted.Before);
        Assert.Equal(ReservationStatus.Occupied, Status(Answer(request with { ReservationId = 6 }, accepted.State, Context(ChargerNow(VehicleConnection.None)))));
        var cancelled = Answer(new CancelReservationRequest(5), accepted.State);
        Assert.Null(cancelled.State.Reservation);
        Assert.Equal<CallEffect>([CallEffect.CancelReservationTimer.Instance], cancelled.Before);
    }

    // Every message a central system may trigger, on every connector it may name.
    [Fact]
    public void TriggerMessage_sends_what_was_asked_after_its_Accepted()
    {
        foreach (var trigger in Enum.GetValues<MessageTrigger>())
        foreach (var connector in new int?[] { null, 0, 1, 2 })
        {
            var answer = Answer(new TriggerMessageRequest(trigger, connector), Charging());
            var status = ((TriggerMessageResponse)answer.Response).Status;
            if (connector == 2)
            {
                Assert.Equal((TriggerMessageStatus.Rejected, 0), (status, answer.After.Count));
                continue;
            }
            Assert.Equal(TriggerMessageStatus.Accepted, status);
            var effect = Assert.Single(answer.After);
            switch (trigger)
            {
                case MessageTrigger.BootNotification: Assert.IsType<CallEffect.BootAgain>(effect); break;
                case MessageTrigger.StatusNotification: Assert.Equal(new CallEffect.ReportStatus(true, true), effect); break;
                case MessageTrigger.Heartbeat: Assert.IsType<HeartbeatRequest>(Assert.IsType<CallEffect.SendTriggered>(effect).Request); break;
                case MessageTrigger.MeterValues:
                    var values = Assert.IsType<MeterValuesRequest>(Assert.IsType<CallEffect.SendTriggered>(effect).Request);
                    Assert.Equal(42, values.TransactionId);
                    Assert.All(values.MeterValue.Single().SampledValue, v => Assert.Equal(ReadingContext.Trigger, v.Context));
                    break;
                case MessageTrigger.FirmwareStatusNotification: Assert.IsType<FirmwareStatusNotificationRequest>(Assert.IsType<CallEffect.SendTriggered>(effect).Request); break;
                case MessageTrigger.DiagnosticsStatusNotification: Assert.IsType<DiagnosticsStatusNotificationRequest>(Assert.IsType<CallEffect.SendTriggered>(effect).Request); break;
            }
        }
    }

    [Fact]
    public void A_composite_schedule_in_a_unit_not_allowed_is_a_PropertyConstraintViolation_and_a_request_no_central_system_sends_is_NotSupported()
    {
        var config = ChargePointConfiguration.Default();
        config = config with { Keys = config.Keys.SetItem("ChargingScheduleAllowedChargingRateUnit", config.Keys["ChargingScheduleAllowedChargingRateUnit"] with { Value = "Current" }) };
        var e = Assert.Throws<OcppPayloadException>(() => Answer(new GetCompositeScheduleRequest(1, 3600, ChargingRateUnit.W), Fresh(config)));
        Assert.Equal(CallErrorCode.PropertyConstraintViolation, e.Code);
        var schedule = (GetCompositeScheduleResponse)Answer(new GetCompositeScheduleRequest(1, 3600, ChargingRateUnit.A), Fresh(config)).Response;
        Assert.Equal(GetCompositeScheduleStatus.Accepted, schedule.Status);
        Assert.Equal(CallErrorCode.NotSupported, Assert.Throws<OcppPayloadException>(() => Answer(new HeartbeatRequest())).Code);
    }

    [Fact]
    public void ClearCache_empties_the_cache_and_its_durable_copy_and_firmware_goes_to_the_chargers_path_or_fails()
    {
        var learnt = Fresh() with { Authorization = Fresh().Authorization.Remember("TAG", new IdTagInfo(AuthorizationStatus.Accepted), T0) };
        var cleared = Answer(new ClearCacheRequest(), learnt);
        Assert.Empty(cleared.State.Authorization.Cache.Entries);
        Assert.Equal<CallEffect>([CallEffect.ClearCache.Instance], cleared.Before);

        var update = new UpdateFirmwareRequest("http://fw.example/4500.bin", T0);
        Assert.Equal<CallEffect>([new CallEffect.UpdateFirmware(update)], Answer(update).After);
        Assert.IsType<CallEffect.FirmwareDownloadFailed>(Answer(update, context: Context(firmware: false)).After.Last());
        Assert.Equal<CallEffect>([CallEffect.UploadDiagnostics.Instance], Answer(new GetDiagnosticsRequest("ftp://logs.example/")).After);
    }
}
