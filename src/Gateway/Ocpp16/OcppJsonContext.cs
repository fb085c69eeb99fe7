using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartElek.Gateway.Ocpp16;

/// <summary>
/// Source-generated JSON for every OCPP 1.6 payload. Required constructor parameters and
/// nullable annotations are enforced on reading, so a missing required field or a null where
/// the spec wants a value is a JsonException the codec can name.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    Converters = [typeof(UtcDateTimeConverter)])]
[JsonSerializable(typeof(AuthorizeRequest))]
[JsonSerializable(typeof(AuthorizeResponse))]
[JsonSerializable(typeof(BootNotificationRequest))]
[JsonSerializable(typeof(BootNotificationResponse))]
[JsonSerializable(typeof(ChangeAvailabilityRequest))]
[JsonSerializable(typeof(ChangeAvailabilityResponse))]
[JsonSerializable(typeof(ChangeConfigurationRequest))]
[JsonSerializable(typeof(ChangeConfigurationResponse))]
[JsonSerializable(typeof(ClearCacheRequest))]
[JsonSerializable(typeof(ClearCacheResponse))]
[JsonSerializable(typeof(DataTransferRequest))]
[JsonSerializable(typeof(DataTransferResponse))]
[JsonSerializable(typeof(GetConfigurationRequest))]
[JsonSerializable(typeof(GetConfigurationResponse))]
[JsonSerializable(typeof(HeartbeatRequest))]
[JsonSerializable(typeof(HeartbeatResponse))]
[JsonSerializable(typeof(MeterValuesRequest))]
[JsonSerializable(typeof(MeterValuesResponse))]
[JsonSerializable(typeof(RemoteStartTransactionRequest))]
[JsonSerializable(typeof(RemoteStartTransactionResponse))]
[JsonSerializable(typeof(RemoteStopTransactionRequest))]
[JsonSerializable(typeof(RemoteStopTransactionResponse))]
[JsonSerializable(typeof(ResetRequest))]
[JsonSerializable(typeof(ResetResponse))]
[JsonSerializable(typeof(StartTransactionRequest))]
[JsonSerializable(typeof(StartTransactionResponse))]
[JsonSerializable(typeof(StatusNotificationRequest))]
[JsonSerializable(typeof(StatusNotificationResponse))]
[JsonSerializable(typeof(StopTransactionRequest))]
[JsonSerializable(typeof(StopTransactionResponse))]
[JsonSerializable(typeof(UnlockConnectorRequest))]
[JsonSerializable(typeof(UnlockConnectorResponse))]
[JsonSerializable(typeof(GetDiagnosticsRequest))]
[JsonSerializable(typeof(GetDiagnosticsResponse))]
[JsonSerializable(typeof(DiagnosticsStatusNotificationRequest))]
[JsonSerializable(typeof(DiagnosticsStatusNotificationResponse))]
[JsonSerializable(typeof(FirmwareStatusNotificationRequest))]
[JsonSerializable(typeof(FirmwareStatusNotificationResponse))]
[JsonSerializable(typeof(UpdateFirmwareRequest))]
[JsonSerializable(typeof(UpdateFirmwareResponse))]
[JsonSerializable(typeof(GetLocalListVersionRequest))]
[JsonSerializable(typeof(GetLocalListVersionResponse))]
[JsonSerializable(typeof(SendLocalListRequest))]
[JsonSerializable(typeof(SendLocalListResponse))]
[JsonSerializable(typeof(ReserveNowRequest))]
[JsonSerializable(typeof(ReserveNowResponse))]
[JsonSerializable(typeof(CancelReservationRequest))]
[JsonSerializable(typeof(CancelReservationResponse))]
[JsonSerializable(typeof(SetChargingProfileRequest))]
[JsonSerializable(typeof(SetChargingProfileResponse))]
[JsonSerializable(typeof(ClearChargingProfileRequest))]
[JsonSerializable(typeof(ClearChargingProfileResponse))]
[JsonSerializable(typeof(GetCompositeScheduleRequest))]
[JsonSerializable(typeof(GetCompositeScheduleResponse))]
[JsonSerializable(typeof(TriggerMessageRequest))]
[JsonSerializable(typeof(TriggerMessageResponse))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class OcppJsonContext : JsonSerializerContext;
