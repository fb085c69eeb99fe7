using System.Text.Json.Serialization;

namespace SmartElek.Gateway.Ocpp16;

// The requests (.req) and responses (.conf) of OCPP 1.6 edition 2, profiles Core, Firmware
// Management, Local Auth List Management, Reservation, Smart Charging and Remote Trigger.
// Positional parameters without a default are the spec's required fields; the JSON context
// makes them required on reading. Strings carry their CiString length as a converter.

/// <summary>The payload of a CALL.</summary>
public interface IOcppRequest;

/// <summary>The payload of a CALLRESULT.</summary>
public interface IOcppResponse;

// ---- shared types ----

public sealed record IdTagInfo(
    AuthorizationStatus Status,
    DateTimeOffset? ExpiryDate = null,
    [property: JsonConverter(typeof(CiString20))] string? ParentIdTag = null);

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
    [property: JsonConverter(typeof(CiString50))] string Key,
    bool Readonly,
    [property: JsonConverter(typeof(CiString500))] string? Value = null);

public sealed record AuthorizationData(
    [property: JsonConverter(typeof(CiString20))] string IdTag,
    IdTagInfo? IdTagInfo = null);

// ---- Core ----

public sealed record AuthorizeRequest([property: JsonConverter(typeof(CiString20))] string IdTag) : IOcppRequest;
public sealed record AuthorizeResponse(IdTagInfo IdTagInfo) : IOcppResponse;

public sealed record BootNotificationRequest(
    [property: JsonConverter(typeof(CiString20))] string ChargePointVendor,
    [property: JsonConverter(typeof(CiString20))] string ChargePointModel,
    [property: JsonConverter(typeof(CiString25))] string? ChargePointSerialNumber = null,
    [property: JsonConverter(typeof(CiString25))] string? ChargeBoxSerialNumber = null,
    [property: JsonConverter(typeof(CiString50))] string? FirmwareVersion = null,
    [property: JsonConverter(typeof(CiString20))] string? Iccid = null,
    [property: JsonConverter(typeof(CiString20))] string? Imsi = null,
    [property: JsonConverter(typeof(CiString25))] string? MeterType = null,
    [property: JsonConverter(typeof(CiString25))] string? MeterSerialNumber = null) : IOcppRequest;
public sealed record BootNotificationResponse(RegistrationStatus Status, DateTimeOffset CurrentTime, int Interval) : IOcppResponse;

public sealed record ChangeAvailabilityRequest(int ConnectorId, AvailabilityType Type) : IOcppRequest;
public sealed record ChangeAvailabilityResponse(AvailabilityStatus Status) : IOcppResponse;

public sealed record ChangeConfigurationRequest(
    [property: JsonConverter(typeof(CiString50))] string Key,
    [property: JsonConverter(typeof(CiString500))] string Value) : IOcppRequest;
public sealed record ChangeConfigurationResponse(ConfigurationStatus Status) : IOcppResponse;

public sealed record ClearCacheRequest : IOcppRequest;
public sealed record ClearCacheResponse(ClearCacheStatus Status) : IOcppResponse;

public sealed record DataTransferRequest(
    [property: JsonConverter(typeof(CiString255))] string VendorId,
    [property: JsonConverter(typeof(CiString50))] string? MessageId = null,
    string? Data = null) : IOcppRequest;
public sealed record DataTransferResponse(DataTransferStatus Status, string? Data = null) : IOcppResponse;

public sealed record GetConfigurationRequest(
    [property: JsonConverter(typeof(CiString50List))] IReadOnlyList<string>? Key = null) : IOcppRequest;
public sealed record GetConfigurationResponse(
    IReadOnlyList<ConfigurationKeyValue>? ConfigurationKey = null,
    [property: JsonConverter(typeof(CiString50List))] IReadOnlyList<string>? UnknownKey = null) : IOcppResponse;

public sealed record HeartbeatRequest : IOcppRequest;
public sealed record HeartbeatResponse(DateTimeOffset CurrentTime) : IOcppResponse;

public sealed record MeterValuesRequest(int ConnectorId, IReadOnlyList<MeterValue> MeterValue, int? TransactionId = null) : IOcppRequest;
public sealed record MeterValuesResponse : IOcppResponse;

public sealed record RemoteStartTransactionRequest(
    [property: JsonConverter(typeof(CiString20))] string IdTag,
    int? ConnectorId = null,
    ChargingProfile? ChargingProfile = null) : IOcppRequest;
public sealed record RemoteStartTransactionResponse(RemoteStartStopStatus Status) : IOcppResponse;

public sealed record RemoteStopTransactionRequest(int TransactionId) : IOcppRequest;
public sealed record RemoteStopTransactionResponse(RemoteStartStopStatus Status) : IOcppResponse;

public sealed record ResetRequest(ResetType Type) : IOcppRequest;
public sealed record ResetResponse(ResetStatus Status) : IOcppResponse;

public sealed record StartTransactionRequest(
    int ConnectorId,
    [property: JsonConverter(typeof(CiString20))] string IdTag,
    int MeterStart,
    DateTimeOffset Timestamp,
    int? ReservationId = null) : IOcppRequest;
public sealed record StartTransactionResponse(IdTagInfo IdTagInfo, int TransactionId) : IOcppResponse;

public sealed record StatusNotificationRequest(
    int ConnectorId,
    ChargePointErrorCode ErrorCode,
    ChargePointStatus Status,
    [property: JsonConverter(typeof(CiString50))] string? Info = null,
    DateTimeOffset? Timestamp = null,
    [property: JsonConverter(typeof(CiString255))] string? VendorId = null,
    [property: JsonConverter(typeof(CiString50))] string? VendorErrorCode = null) : IOcppRequest;
public sealed record StatusNotificationResponse : IOcppResponse;

public sealed record StopTransactionRequest(
    int MeterStop,
    DateTimeOffset Timestamp,
    int TransactionId,
    [property: JsonConverter(typeof(CiString20))] string? IdTag = null,
    StopReason? Reason = null,
    IReadOnlyList<MeterValue>? TransactionData = null) : IOcppRequest;
public sealed record StopTransactionResponse(IdTagInfo? IdTagInfo = null) : IOcppResponse;

public sealed record UnlockConnectorRequest(int ConnectorId) : IOcppRequest;
public sealed record UnlockConnectorResponse(UnlockStatus Status) : IOcppResponse;

// ---- Firmware Management ----

public sealed record GetDiagnosticsRequest(
    [property: JsonConverter(typeof(AbsoluteUri))] string Location,
    int? Retries = null,
    int? RetryInterval = null,
    DateTimeOffset? StartTime = null,
    DateTimeOffset? StopTime = null) : IOcppRequest;
public sealed record GetDiagnosticsResponse([property: JsonConverter(typeof(CiString255))] string? FileName = null) : IOcppResponse;

public sealed record DiagnosticsStatusNotificationRequest(DiagnosticsStatus Status) : IOcppRequest;
public sealed record DiagnosticsStatusNotificationResponse : IOcppResponse;

public sealed record FirmwareStatusNotificationRequest(FirmwareStatus Status) : IOcppRequest;
public sealed record FirmwareStatusNotificationResponse : IOcppResponse;

public sealed record UpdateFirmwareRequest(
    [property: JsonConverter(typeof(AbsoluteUri))] string Location,
    DateTimeOffset RetrieveDate,
    int? Retries = null,
    int? RetryInterval = null) : IOcppRequest;
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
    [property: JsonConverter(typeof(CiString20))] string IdTag,
    int ReservationId,
    [property: JsonConverter(typeof(CiString20))] string? ParentIdTag = null) : IOcppRequest;
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
