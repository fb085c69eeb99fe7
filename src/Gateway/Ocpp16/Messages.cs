using SmartElek.Gateway.Framing;

namespace SmartElek.Gateway.Ocpp16;

// The requests (.req) and responses (.conf) of OCPP 1.6 edition 2, profiles Core, Firmware
// Management, Local Auth List Management, Reservation, Smart Charging and Remote Trigger.
// Positional parameters without a default are the spec's required fields; the JSON context
// makes them required on reading. Strings with a CiString length (and URIs) are checked by the
// payload itself (IOcppCheckedPayload) when it is read and before it is written.

/// <summary>The payload of a CALL.</summary>
public interface IOcppRequest;

/// <summary>The payload of a CALLRESULT.</summary>
public interface IOcppResponse;

// ---- shared types ----

public sealed record IdTagInfo(
    AuthorizationStatus Status,
    DateTimeOffset? ExpiryDate = null,
    string? ParentIdTag = null) : IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code) => OcppChecks.CiString(ParentIdTag, 20, "parentIdTag", code);
}

public sealed record SampledValue(
    string Value,
    ReadingContext? Context = null,
    ValueFormat? Format = null,
    Measurand? Measurand = null,
    Phase? Phase = null,
    Location? Location = null,
    UnitOfMeasure? Unit = null);

public sealed record MeterValue(DateTimeOffset Timestamp, IReadOnlyList<SampledValue> SampledValue);

public sealed record ChargingSchedulePeriod(int StartPeriod, decimal Limit, int? NumberPhases = null);

public sealed record ChargingSchedule(
    ChargingRateUnit ChargingRateUnit,
    IReadOnlyList<ChargingSchedulePeriod> ChargingSchedulePeriod,
    int? Duration = null,
    DateTimeOffset? StartSchedule = null,
    decimal? MinChargingRate = null);

public sealed record ChargingProfile(
    int ChargingProfileId,
    int StackLevel,
    ChargingProfilePurpose ChargingProfilePurpose,
    ChargingProfileKind ChargingProfileKind,
    ChargingSchedule ChargingSchedule,
    int? TransactionId = null,
    RecurrencyKind? RecurrencyKind = null,
    DateTimeOffset? ValidFrom = null,
    DateTimeOffset? ValidTo = null);

public sealed record ConfigurationKeyValue(
    string Key,
    bool Readonly,
    string? Value = null) : IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code)
    {
        OcppChecks.CiString(Key, 50, "key", code);
        OcppChecks.CiString(Value, 500, "value", code);
    }
}

public sealed record AuthorizationData(
    string IdTag,
    IdTagInfo? IdTagInfo = null) : IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code) => OcppChecks.CiString(IdTag, 20, "idTag", code);
}

// ---- Core ----

public sealed record AuthorizeRequest(string IdTag) : IOcppRequest, IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code) => OcppChecks.CiString(IdTag, 20, "idTag", code);
}
public sealed record AuthorizeResponse(IdTagInfo IdTagInfo) : IOcppResponse;

public sealed record BootNotificationRequest(
    string ChargePointVendor,
    string ChargePointModel,
    string? ChargePointSerialNumber = null,
    string? ChargeBoxSerialNumber = null,
    string? FirmwareVersion = null,
    string? Iccid = null,
    string? Imsi = null,
    string? MeterType = null,
    string? MeterSerialNumber = null) : IOcppRequest, IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code)
    {
        OcppChecks.CiString(ChargePointVendor, 20, "chargePointVendor", code);
        OcppChecks.CiString(ChargePointModel, 20, "chargePointModel", code);
        OcppChecks.CiString(ChargePointSerialNumber, 25, "chargePointSerialNumber", code);
        OcppChecks.CiString(ChargeBoxSerialNumber, 25, "chargeBoxSerialNumber", code);
        OcppChecks.CiString(FirmwareVersion, 50, "firmwareVersion", code);
        OcppChecks.CiString(Iccid, 20, "iccid", code);
        OcppChecks.CiString(Imsi, 20, "imsi", code);
        OcppChecks.CiString(MeterType, 25, "meterType", code);
        OcppChecks.CiString(MeterSerialNumber, 25, "meterSerialNumber", code);
    }
}
public sealed record BootNotificationResponse(RegistrationStatus Status, DateTimeOffset CurrentTime, int Interval) : IOcppResponse;

public sealed record ChangeAvailabilityRequest(int ConnectorId, AvailabilityType Type) : IOcppRequest;
public sealed record ChangeAvailabilityResponse(AvailabilityStatus Status) : IOcppResponse;

public sealed record ChangeConfigurationRequest(
    string Key,
    string Value) : IOcppRequest, IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code)
    {
        OcppChecks.CiString(Key, 50, "key", code);
        OcppChecks.CiString(Value, 500, "value", code);
    }
}
public sealed record ChangeConfigurationResponse(ConfigurationStatus Status) : IOcppResponse;

public sealed record ClearCacheRequest : IOcppRequest;
public sealed record ClearCacheResponse(ClearCacheStatus Status) : IOcppResponse;

public sealed record DataTransferRequest(
    string VendorId,
    string? MessageId = null,
    string? Data = null) : IOcppRequest, IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code)
    {
        OcppChecks.CiString(VendorId, 255, "vendorId", code);
        OcppChecks.CiString(MessageId, 50, "messageId", code);
    }
}
public sealed record DataTransferResponse(DataTransferStatus Status, string? Data = null) : IOcppResponse;

public sealed record GetConfigurationRequest(
    IReadOnlyList<string>? Key = null) : IOcppRequest, IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code) => OcppChecks.CiStrings(Key, 50, "key", code);
}
public sealed record GetConfigurationResponse(
    IReadOnlyList<ConfigurationKeyValue>? ConfigurationKey = null,
    IReadOnlyList<string>? UnknownKey = null) : IOcppResponse, IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code) => OcppChecks.CiStrings(UnknownKey, 50, "unknownKey", code);
}

public sealed record HeartbeatRequest : IOcppRequest;
public sealed record HeartbeatResponse(DateTimeOffset CurrentTime) : IOcppResponse;

public sealed record MeterValuesRequest(int ConnectorId, IReadOnlyList<MeterValue> MeterValue, int? TransactionId = null) : IOcppRequest;
public sealed record MeterValuesResponse : IOcppResponse;

public sealed record RemoteStartTransactionRequest(
    string IdTag,
    int? ConnectorId = null,
    ChargingProfile? ChargingProfile = null) : IOcppRequest, IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code) => OcppChecks.CiString(IdTag, 20, "idTag", code);
}
public sealed record RemoteStartTransactionResponse(RemoteStartStopStatus Status) : IOcppResponse;

public sealed record RemoteStopTransactionRequest(int TransactionId) : IOcppRequest;
public sealed record RemoteStopTransactionResponse(RemoteStartStopStatus Status) : IOcppResponse;

public sealed record ResetRequest(ResetType Type) : IOcppRequest;
public sealed record ResetResponse(ResetStatus Status) : IOcppResponse;

public sealed record StartTransactionRequest(
    int ConnectorId,
    string IdTag,
    int MeterStart,
    DateTimeOffset Timestamp,
    int? ReservationId = null) : IOcppRequest, IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code) => OcppChecks.CiString(IdTag, 20, "idTag", code);
}
public sealed record StartTransactionResponse(IdTagInfo IdTagInfo, int TransactionId) : IOcppResponse;

public sealed record StatusNotificationRequest(
    int ConnectorId,
    ChargePointErrorCode ErrorCode,
    ChargePointStatus Status,
    string? Info = null,
    DateTimeOffset? Timestamp = null,
    string? VendorId = null,
    string? VendorErrorCode = null) : IOcppRequest, IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code)
    {
        OcppChecks.CiString(Info, 50, "info", code);
        OcppChecks.CiString(VendorId, 255, "vendorId", code);
        OcppChecks.CiString(VendorErrorCode, 50, "vendorErrorCode", code);
    }
}
public sealed record StatusNotificationResponse : IOcppResponse;

public sealed record StopTransactionRequest(
    int MeterStop,
    DateTimeOffset Timestamp,
    int TransactionId,
    string? IdTag = null,
    StopTransactionReason? Reason = null,
    IReadOnlyList<MeterValue>? TransactionData = null) : IOcppRequest, IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code) => OcppChecks.CiString(IdTag, 20, "idTag", code);
}
public sealed record StopTransactionResponse(IdTagInfo? IdTagInfo = null) : IOcppResponse;

public sealed record UnlockConnectorRequest(int ConnectorId) : IOcppRequest;
public sealed record UnlockConnectorResponse(UnlockStatus Status) : IOcppResponse;

// ---- Firmware Management ----

public sealed record GetDiagnosticsRequest(
    string Location,
    int? Retries = null,
    int? RetryInterval = null,
    DateTimeOffset? StartTime = null,
    DateTimeOffset? StopTime = null) : IOcppRequest, IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code) => OcppChecks.AbsoluteUri(Location, "location", code);
}
public sealed record GetDiagnosticsResponse(string? FileName = null) : IOcppResponse, IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code) => OcppChecks.CiString(FileName, 255, "fileName", code);
}

public sealed record DiagnosticsStatusNotificationRequest(DiagnosticsStatus Status) : IOcppRequest;
public sealed record DiagnosticsStatusNotificationResponse : IOcppResponse;

public sealed record FirmwareStatusNotificationRequest(FirmwareStatus Status) : IOcppRequest;
public sealed record FirmwareStatusNotificationResponse : IOcppResponse;

public sealed record UpdateFirmwareRequest(
    string Location,
    DateTimeOffset RetrieveDate,
    int? Retries = null,
    int? RetryInterval = null) : IOcppRequest, IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code) => OcppChecks.AbsoluteUri(Location, "location", code);
}
public sealed record UpdateFirmwareResponse : IOcppResponse;

// ---- Local Auth List Management ----

public sealed record GetLocalListVersionRequest : IOcppRequest;
public sealed record GetLocalListVersionResponse(int ListVersion) : IOcppResponse;

public sealed record SendLocalListRequest(
    int ListVersion,
    UpdateType UpdateType,
    IReadOnlyList<AuthorizationData>? LocalAuthorizationList = null) : IOcppRequest;
public sealed record SendLocalListResponse(UpdateStatus Status) : IOcppResponse;

// ---- Reservation ----

public sealed record ReserveNowRequest(
    int ConnectorId,
    DateTimeOffset ExpiryDate,
    string IdTag,
    int ReservationId,
    string? ParentIdTag = null) : IOcppRequest, IOcppCheckedPayload
{
    void IOcppCheckedPayload.Check(CallErrorCode code)
    {
        OcppChecks.CiString(IdTag, 20, "idTag", code);
        OcppChecks.CiString(ParentIdTag, 20, "parentIdTag", code);
    }
}
public sealed record ReserveNowResponse(ReservationStatus Status) : IOcppResponse;

public sealed record CancelReservationRequest(int ReservationId) : IOcppRequest;
public sealed record CancelReservationResponse(CancelReservationStatus Status) : IOcppResponse;

// ---- Smart Charging ----

public sealed record SetChargingProfileRequest(int ConnectorId, ChargingProfile CsChargingProfiles) : IOcppRequest;
public sealed record SetChargingProfileResponse(ChargingProfileStatus Status) : IOcppResponse;

public sealed record ClearChargingProfileRequest(
    int? Id = null,
    int? ConnectorId = null,
    ChargingProfilePurpose? ChargingProfilePurpose = null,
    int? StackLevel = null) : IOcppRequest;
public sealed record ClearChargingProfileResponse(ClearChargingProfileStatus Status) : IOcppResponse;

public sealed record GetCompositeScheduleRequest(int ConnectorId, int Duration, ChargingRateUnit? ChargingRateUnit = null) : IOcppRequest;
public sealed record GetCompositeScheduleResponse(
    GetCompositeScheduleStatus Status,
    int? ConnectorId = null,
    DateTimeOffset? ScheduleStart = null,
    ChargingSchedule? ChargingSchedule = null) : IOcppResponse;

// ---- Remote Trigger ----

public sealed record TriggerMessageRequest(MessageTrigger RequestedMessage, int? ConnectorId = null) : IOcppRequest;
public sealed record TriggerMessageResponse(TriggerMessageStatus Status) : IOcppResponse;
