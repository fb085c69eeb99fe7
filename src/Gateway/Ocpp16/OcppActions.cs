using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SmartElek.Gateway.Ocpp16;

/// <summary>The feature profile an operation belongs to (spec section 3.3).</summary>
public enum FeatureProfile { Core, FirmwareManagement, LocalAuthListManagement, Reservation, SmartCharging, RemoteTrigger }

/// <summary>Who sends the CALL of an operation.</summary>
public enum Initiator { ChargePoint, CentralSystem, Both }

/// <summary>One OCPP 1.6 operation: its action name and the types of its request and response.</summary>
public sealed record OcppAction(string Name, FeatureProfile Profile, Initiator Initiator, Type RequestType, Type ResponseType)
{
    /// <summary>The name as UTF-8, as a frame carries it (the decoder compares bytes, the encoder writes it).</summary>
    internal byte[] Utf8Name { get; } = Encoding.UTF8.GetBytes(Name);

    internal JsonEncodedText EncodedName { get; } = JsonEncodedText.Encode(Name);

    /// <summary>The source-generated JSON of the request, found once.</summary>
    internal JsonTypeInfo RequestInfo { get; } = OcppJsonContext.Default.GetTypeInfo(RequestType)
        ?? throw new InvalidOperationException($"{RequestType.Name} is missing from OcppJsonContext.");

    /// <summary>The one-pass reader of the request, for the payloads that make most of the traffic (null: the general one).</summary>
    internal PayloadReaders.Reader? RequestReader { get; } = PayloadReaders.For(Name);

    /// <summary>The one-pass writer of the request for the same payloads (null: the general one).</summary>
    internal PayloadWriters.Writer? RequestWriter { get; } = PayloadWriters.For(Name);

    internal JsonTypeInfo ResponseInfo { get; } = OcppJsonContext.Default.GetTypeInfo(ResponseType)
        ?? throw new InvalidOperationException($"{ResponseType.Name} is missing from OcppJsonContext.");
}

/// <summary>The table action name &lt;-&gt; request/response types, both ways.</summary>
public static class OcppActions
{
    public static readonly IReadOnlyList<OcppAction> All =
    [
        new("Authorize", FeatureProfile.Core, Initiator.ChargePoint, typeof(AuthorizeRequest), typeof(AuthorizeResponse)),
        new("BootNotification", FeatureProfile.Core, Initiator.ChargePoint, typeof(BootNotificationRequest), typeof(BootNotificationResponse)),
        new("ChangeAvailability", FeatureProfile.Core, Initiator.CentralSystem, typeof(ChangeAvailabilityRequest), typeof(ChangeAvailabilityResponse)),
        new("ChangeConfiguration", FeatureProfile.Core, Initiator.CentralSystem, typeof(ChangeConfigurationRequest), typeof(ChangeConfigurationResponse)),
        new("ClearCache", FeatureProfile.Core, Initiator.CentralSystem, typeof(ClearCacheRequest), typeof(ClearCacheResponse)),
        new("DataTransfer", FeatureProfile.Core, Initiator.Both, typeof(DataTransferRequest), typeof(DataTransferResponse)),
        new("GetConfiguration", FeatureProfile.Core, Initiator.CentralSystem, typeof(GetConfigurationRequest), typeof(GetConfigurationResponse)),
        new("Heartbeat", FeatureProfile.Core, Initiator.ChargePoint, typeof(HeartbeatRequest), typeof(HeartbeatResponse)),
        new("MeterValues", FeatureProfile.Core, Initiator.ChargePoint, typeof(MeterValuesRequest), typeof(MeterValuesResponse)),
        new("RemoteStartTransaction", FeatureProfile.Core, Initiator.CentralSystem, typeof(RemoteStartTransactionRequest), typeof(RemoteStartTransactionResponse)),
        new("RemoteStopTransaction", FeatureProfile.Core, Initiator.CentralSystem, typeof(RemoteStopTransactionRequest), typeof(RemoteStopTransactionResponse)),
        new("Reset", FeatureProfile.Core, Initiator.CentralSystem, typeof(ResetRequest), typeof(ResetResponse)),
        new("StartTransaction", FeatureProfile.Core, Initiator.ChargePoint, typeof(StartTransactionRequest), typeof(StartTransactionResponse)),
        new("StatusNotification", FeatureProfile.Core, Initiator.ChargePoint, typeof(StatusNotificationRequest), typeof(StatusNotificationResponse)),
        new("StopTransaction", FeatureProfile.Core, Initiator.ChargePoint, typeof(StopTransactionRequest), typeof(StopTransactionResponse)),
        new("UnlockConnector", FeatureProfile.Core, Initiator.CentralSystem, typeof(UnlockConnectorRequest), typeof(UnlockConnectorResponse)),
        new("GetDiagnostics", FeatureProfile.FirmwareManagement, Initiator.CentralSystem, typeof(GetDiagnosticsRequest), typeof(GetDiagnosticsResponse)),
        new("DiagnosticsStatusNotification", FeatureProfile.FirmwareManagement, Initiator.ChargePoint, typeof(DiagnosticsStatusNotificationRequest), typeof(DiagnosticsStatusNotificationResponse)),
        new("FirmwareStatusNotification", FeatureProfile.FirmwareManagement, Initiator.ChargePoint, typeof(FirmwareStatusNotificationRequest), typeof(FirmwareStatusNotificationResponse)),
        new("UpdateFirmware", FeatureProfile.FirmwareManagement, Initiator.CentralSystem, typeof(UpdateFirmwareRequest), typeof(UpdateFirmwareResponse)),
        new("GetLocalListVersion", FeatureProfile.LocalAuthListManagement, Initiator.CentralSystem, typeof(GetLocalListVersionRequest), typeof(GetLocalListVersionResponse)),
        new("SendLocalList", FeatureProfile.LocalAuthListManagement, Initiator.CentralSystem, typeof(SendLocalListRequest), typeof(SendLocalListResponse)),
        new("ReserveNow", FeatureProfile.Reservation, Initiator.CentralSystem, typeof(ReserveNowRequest), typeof(ReserveNowResponse)),
        new("CancelReservation", FeatureProfile.Reservation, Initiator.CentralSystem, typeof(CancelReservationRequest), typeof(CancelReservationResponse)),
        new("SetChargingProfile", FeatureProfile.SmartCharging, Initiator.CentralSystem, typeof(SetChargingProfileRequest), typeof(SetChargingProfileResponse)),
        new("ClearChargingProfile", FeatureProfile.SmartCharging, Initiator.CentralSystem, typeof(ClearChargingProfileRequest), typeof(ClearChargingProfileResponse)),
        new("GetCompositeSchedule", FeatureProfile.SmartCharging, Initiator.CentralSystem, typeof(GetCompositeScheduleRequest), typeof(GetCompositeScheduleResponse)),
        new("TriggerMessage", FeatureProfile.RemoteTrigger, Initiator.CentralSystem, typeof(TriggerMessageRequest), typeof(TriggerMessageResponse)),
    ];

    /// <summary>
    /// Actions that exist in OCPP 1.6J (the security whitepaper's extension) but that this charge
    /// point does not implement: answered with NotSupported rather than NotImplemented.
    /// </summary>
    public static readonly FrozenSet<string> KnownUnsupported = new[]
    {
        "CertificateSigned", "DeleteCertificate", "ExtendedTriggerMessage", "GetInstalledCertificateIds",
        "GetLog", "InstallCertificate", "SignedUpdateFirmware", "SecurityEventNotification",
        "SignCertificate", "LogStatusNotification", "SignedFirmwareStatusNotification",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly OcppAction[] Table = [.. All];
    private static readonly FrozenDictionary<string, OcppAction> ByName =
        All.ToFrozenDictionary(a => a.Name, StringComparer.Ordinal);
    private static readonly FrozenDictionary<Type, OcppAction> ByRequest = All.ToFrozenDictionary(a => a.RequestType);
    private static readonly FrozenDictionary<Type, OcppAction> ByResponse = All.ToFrozenDictionary(a => a.ResponseType);

    public static bool TryGet(string name, out OcppAction action) => ByName.TryGetValue(name, out action!);

    /// <summary>The action whose name is these UTF-8 bytes, without making a string.</summary>
    internal static OcppAction? Find(ReadOnlySpan<byte> utf8Name)
    {
        foreach (var a in Table)
            if (utf8Name.SequenceEqual(a.Utf8Name)) return a;
        return null;
    }

    /// <summary>The action whose request is this type.</summary>
    public static OcppAction ForRequest(IOcppRequest request) =>
        ByRequest.TryGetValue(request.GetType(), out var a) ? a
            : throw new ArgumentException($"{request.GetType().Name} is not an OCPP 1.6 request.", nameof(request));

    public static OcppAction ForResponse(IOcppResponse response) =>
        ByResponse.TryGetValue(response.GetType(), out var a) ? a
            : throw new ArgumentException($"{response.GetType().Name} is not an OCPP 1.6 response.", nameof(response));
}
