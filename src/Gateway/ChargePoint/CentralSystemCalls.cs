using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;
using static SmartElek.Gateway.ChargePoint.ConnectorState;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// What the charge point knows besides its <see cref="ConnectorState"/> when it answers a CALL: who
/// it is, the charger's state now, the time, and its firmware and diagnostics.
/// </summary>
/// <param name="RestartPending">a soft reset waits for its StopTransaction</param>
/// <param name="CanUpdateFirmware">the charger has a firmware path (<see cref="IFirmwarePort"/>)</param>
public sealed record CallContext(
    ChargerId Id, string Vendor, ElectricalSupply Supply, ConnectorSnapshot Charger, DateTimeOffset Now,
    bool RestartPending = false, bool CanUpdateFirmware = false,
    FirmwareStatus FirmwareStatus = FirmwareStatus.Idle, DiagnosticsStatus DiagnosticsStatus = DiagnosticsStatus.Idle);

/// <summary>
/// The answers to the central system's CALLs (OCPP 1.6 chapter 5) as pure functions of the
/// connector's state: a response, the state after it and the effects as values
/// (<see cref="CallAnswer"/>). UnlockConnector on our connector is not here: its answer waits for
/// the transaction's stop (the actor's). A request the central system may not send, or a payload
/// that breaks a rule, is an <see cref="OcppPayloadException"/> (answered with its CALLERROR).
/// </summary>
public static class CentralSystemCalls
{
    public static CallAnswer Answer(IOcppRequest request, ConnectorState state, CallContext context) => request switch
    {
        ChangeAvailabilityRequest r => ChangeAvailability(r, state),
        ChangeConfigurationRequest r => ChangeConfiguration(r, state),
        ClearCacheRequest => new(new ClearCacheResponse(ClearCacheStatus.Accepted), state with { Authorization = state.Authorization.ClearCache() },
            [CallEffect.ClearCache.Instance], []),
        DataTransferRequest r => CallAnswer.Of(new DataTransferResponse(r.VendorId == context.Vendor ? DataTransferStatus.UnknownMessageId : DataTransferStatus.UnknownVendorId), state),
        GetConfigurationRequest r => CallAnswer.Of(state.Configuration.Get(r.Key), state),
        RemoteStartTransactionRequest r => RemoteStart(r, state, context),
        RemoteStopTransactionRequest r => state.Transaction?.Id == r.TransactionId
            ? new(new RemoteStopTransactionResponse(RemoteStartStopStatus.Accepted), state, [], [new CallEffect.StopTransaction(StopTransactionReason.Remote)])
            : CallAnswer.Of(new RemoteStopTransactionResponse(RemoteStartStopStatus.Rejected), state),
        ResetRequest r => Reset(r, state, context),
        UnlockConnectorRequest => CallAnswer.Of(new UnlockConnectorResponse(UnlockStatus.NotSupported), state), // a connector we do not have
        GetDiagnosticsRequest => new(new GetDiagnosticsResponse($"{context.Id}-{context.Now:yyyyMMddHHmmss}.log"), state, [], [CallEffect.UploadDiagnostics.Instance]),
        UpdateFirmwareRequest r => context.CanUpdateFirmware
            ? new(new UpdateFirmwareResponse(), state, [], [new CallEffect.UpdateFirmware(r)])
            : new(new UpdateFirmwareResponse(), state, [],
                [new CallEffect.Note($"UpdateFirmware from {r.Location}: this charger cannot update its firmware", Warning: true), CallEffect.FirmwareDownloadFailed.Instance]),
        GetLocalListVersionRequest => CallAnswer.Of(new GetLocalListVersionResponse(state.Configuration.LocalAuthListEnabled ? state.Authorization.ListVersion : -1), state),
        SendLocalListRequest r => SendLocalList(r, state),
        ReserveNowRequest r => ReserveNow(r, state, context),
        CancelReservationRequest r => state.Reservation?.Id == r.ReservationId
            ? new(new CancelReservationResponse(CancelReservationStatus.Accepted), state.Apply(new ConnectorFact.ReservationEnded(r.ReservationId)),
                [CallEffect.CancelReservationTimer.Instance], [new CallEffect.ReportStatus()])
            : CallAnswer.Of(new CancelReservationResponse(CancelReservationStatus.Rejected), state),
        SetChargingProfileRequest r => SetChargingProfile(r, state, context),
        ClearChargingProfileRequest r => ClearChargingProfile(r, state),
        GetCompositeScheduleRequest r => GetCompositeSchedule(r, state, context),
        TriggerMessageRequest r => Trigger(r, state, context),
        _ => throw new OcppPayloadException(CallErrorCode.NotSupported, $"{request.GetType().Name} is not a request a central system sends."),
    };

    private static CallAnswer ChangeAvailability(ChangeAvailabilityRequest r, ConnectorState state)
    {
        if (r.ConnectorId is < 0 or > Connector) return CallAnswer.Of(new ChangeAvailabilityResponse(AvailabilityStatus.Rejected), state);
        var operative = r.Type == AvailabilityType.Operative;
        // Inoperative during a transaction is taken at its stop.
        if (!operative && state.Transaction is not null)
            return CallAnswer.Of(new ChangeAvailabilityResponse(AvailabilityStatus.Scheduled), state with { InoperativeScheduled = true });
        var asked = state with { InoperativeScheduled = false };
        return new(new ChangeAvailabilityResponse(AvailabilityStatus.Accepted), asked with { UnavailableRequested = !operative },
            [new CallEffect.SetAvailability(operative)], [new CallEffect.ReportStatus()],
            IfRefused: CallAnswer.Of(new ChangeAvailabilityResponse(AvailabilityStatus.Rejected), asked));
    }

    private static CallAnswer ChangeConfiguration(ChangeConfigurationRequest r, ConnectorState state)
    {
        var (config, status) = state.Configuration.Change(r.Key, r.Value);
        var changed = status is ConfigurationStatus.Accepted or ConfigurationStatus.RebootRequired;
        // The AuthorizationKey is a secret: it is never written to the store (the link takes it from the environment).
        var effects = changed
            ? [new CallEffect.ConfigurationChanged(config.Keys[r.Key].Name, r.Value, Remember: !config.Keys[r.Key].WriteOnly, Accepted: status == ConfigurationStatus.Accepted)]
            : Array.Empty<CallEffect>();
        return new(new ChangeConfigurationResponse(status), state with { Configuration = config }, effects, []);
    }

    private static CallAnswer RemoteStart(RemoteStartTransactionRequest r, ConnectorState state, CallContext context)
    {
        var s = context.Charger;
        if (state.Transaction is not null || r.ConnectorId is { } c && c != Connector || s.Fault != ConnectorFault.None
            || !s.Operative || state.UnavailableRequested || context.RestartPending
            || r.ChargingProfile is { ChargingProfilePurpose: not ChargingProfilePurpose.TxProfile })
            return CallAnswer.Of(new RemoteStartTransactionResponse(RemoteStartStopStatus.Rejected), state);
        CallEffect start = state.Configuration.AuthorizeRemoteTxRequests
            ? new CallEffect.RequestAuthorization(r.IdTag, r.ChargingProfile)
            : new CallEffect.Authorise(r.IdTag, r.ChargingProfile);
        return new(new RemoteStartTransactionResponse(RemoteStartStopStatus.Accepted), state, [], [start]);
    }

    // OCPP 1.6 §5.14: a soft reset stops the transaction gracefully, StopTransaction (SoftReset)
    // first, and then restarts once that message went. A hard reset need not stop gracefully: the
    // charger restarts at once and its StopTransaction (HardReset) goes after the Boot is accepted.
    private static CallAnswer Reset(ResetRequest r, ConnectorState state, CallContext context)
    {
        var accepted = new ResetResponse(ResetStatus.Accepted);
        if (context.RestartPending)
            return new(accepted, state, [], r.Type == ResetType.Hard ? [new CallEffect.Restart(ResetType.Hard)] : []);
        CallEffect[] after = state.Transaction is null ? [new CallEffect.Restart(r.Type)]
            : r.Type == ResetType.Hard ? [new CallEffect.StopTransaction(StopTransactionReason.HardReset), new CallEffect.Restart(ResetType.Hard)]
            : [new CallEffect.RestartAfterStop(r.Type)];
        return new(accepted, state, [], after);
    }

    private static CallAnswer SendLocalList(SendLocalListRequest r, ConnectorState state)
    {
        var (auth, status) = state.Authorization.Update(r, state.Configuration.LocalAuthListEnabled, state.Configuration.SendLocalListMaxLength);
        var effects = status == UpdateStatus.Accepted
            ? [new CallEffect.RememberLocalList(new LocalList(auth.ListVersion, auth.List.Select(e => new AuthorizationData(e.Key, e.Value)).ToList()))]
            : Array.Empty<CallEffect>();
        return new(new SendLocalListResponse(status), state with { Authorization = auth }, effects, []);
    }

    private static CallAnswer ReserveNow(ReserveNowRequest r, ConnectorState state, CallContext context)
    {
        CallAnswer Refuse(ReservationStatus status) => CallAnswer.Of(new ReserveNowResponse(status), state);
        if (r.ConnectorId != Connector) return Refuse(ReservationStatus.Rejected); // ReserveConnectorZeroSupported = false
        var s = context.Charger;
        if (s.Fault != ConnectorFault.None) return Refuse(ReservationStatus.Faulted);
        if (!s.Operative || state.UnavailableRequested) return Refuse(ReservationStatus.Unavailable);
        if (state.Transaction is not null || (s.Vehicle != VehicleConnection.None && state.Reservation?.Id != r.ReservationId))
            return Refuse(ReservationStatus.Occupied);
        if (state.Reservation is { } existing && existing.Id != r.ReservationId) return Refuse(ReservationStatus.Occupied);
        var until = r.ExpiryDate - context.Now;
        return new(new ReserveNowResponse(ReservationStatus.Accepted),
            state.Apply(new ConnectorFact.Reserved(new Reservation(r.ReservationId, r.IdTag, r.ParentIdTag, r.ExpiryDate))),
            [new CallEffect.ReservationTimer(r.ReservationId, until > TimeSpan.Zero ? until : TimeSpan.Zero)], [new CallEffect.ReportStatus()]);
    }

    private static CallAnswer SetChargingProfile(SetChargingProfileRequest r, ConnectorState state, CallContext context)
    {
        var outcome = state.Profiles.Set(r.ConnectorId, r.CsChargingProfiles, state.ActiveTransaction, state.Configuration.SmartChargingLimits, context.Now);
        CallEffect[] before = outcome.Reason is { } why ? [new CallEffect.Note($"charging profile {r.CsChargingProfiles.ChargingProfileId} rejected: {why}")] : [];
        return new(new SetChargingProfileResponse(outcome.Status), state with { Profiles = outcome.Profiles }, before, [CallEffect.UpdateLimit.Instance]);
    }

    private static CallAnswer ClearChargingProfile(ClearChargingProfileRequest r, ConnectorState state)
    {
        var (profiles, status) = state.Profiles.Clear(r);
        return new(new ClearChargingProfileResponse(status), state with { Profiles = profiles }, [], [CallEffect.UpdateLimit.Instance]);
    }

    private static CallAnswer GetCompositeSchedule(GetCompositeScheduleRequest r, ConnectorState state, CallContext context)
    {
        if (r.ChargingRateUnit is { } u && !state.Configuration.AllowsRateUnit(u))
            throw new OcppPayloadException(CallErrorCode.PropertyConstraintViolation,
                $"chargingRateUnit {u} is not allowed ({state.Configuration.ChargingScheduleAllowedChargingRateUnit}).");
        if (r.ConnectorId is < 0 or > Connector || r.Duration < 0)
            return CallAnswer.Of(new GetCompositeScheduleResponse(GetCompositeScheduleStatus.Rejected), state);
        var schedule = CompositeSchedule.Compute(state.Profiles, r.ConnectorId, context.Now, r.Duration, r.ChargingRateUnit ?? ChargingRateUnit.A,
            context.Supply, state.ActiveTransaction);
        return CallAnswer.Of(new GetCompositeScheduleResponse(GetCompositeScheduleStatus.Accepted, r.ConnectorId, context.Now, schedule), state);
    }

    private static CallAnswer Trigger(TriggerMessageRequest r, ConnectorState state, CallContext context)
    {
        if (r.ConnectorId is < 0 or > Connector) return CallAnswer.Of(new TriggerMessageResponse(TriggerMessageStatus.Rejected), state);
        CallEffect[] send = r.RequestedMessage switch
        {
            MessageTrigger.BootNotification => [CallEffect.BootAgain.Instance],
            MessageTrigger.Heartbeat => [new CallEffect.SendTriggered(new HeartbeatRequest())],
            MessageTrigger.StatusNotification => [new CallEffect.ReportStatus(Force: true, Triggered: true)],
            MessageTrigger.MeterValues => [new CallEffect.SendTriggered(new MeterValuesRequest(Connector,
                [MeterSampling.Sample(context.Charger.Meter, ReadingContext.Trigger, state.Configuration.MeterValuesSampledData, context.Now)], state.Transaction?.Id))],
            MessageTrigger.FirmwareStatusNotification => [new CallEffect.SendTriggered(new FirmwareStatusNotificationRequest(context.FirmwareStatus))],
            MessageTrigger.DiagnosticsStatusNotification => [new CallEffect.SendTriggered(new DiagnosticsStatusNotificationRequest(context.DiagnosticsStatus))],
            _ => [],
        };
        return new(new TriggerMessageResponse(TriggerMessageStatus.Accepted), state, [], send);
    }
}
