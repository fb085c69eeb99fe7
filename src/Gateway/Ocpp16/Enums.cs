using System.Text.Json.Serialization;

namespace SmartElek.Gateway.Ocpp16;

// The enumerations of OCPP 1.6 edition 2 (section 7). Each is written on the wire as the spec's
// exact string: the member name, or the JsonStringEnumMemberName where the spec's name is not a
// C# identifier. An unknown string is a PropertyConstraintViolation (see OcppEnumConverter).

[JsonConverter(typeof(OcppEnumConverter<RegistrationStatus>))]
public enum RegistrationStatus { Accepted, Pending, Rejected }

[JsonConverter(typeof(OcppEnumConverter<AuthorizationStatus>))]
public enum AuthorizationStatus { Accepted, Blocked, Expired, Invalid, ConcurrentTx }

[JsonConverter(typeof(OcppEnumConverter<AvailabilityType>))]
public enum AvailabilityType { Inoperative, Operative }

[JsonConverter(typeof(OcppEnumConverter<AvailabilityStatus>))]
public enum AvailabilityStatus { Accepted, Rejected, Scheduled }

[JsonConverter(typeof(OcppEnumConverter<ConfigurationStatus>))]
public enum ConfigurationStatus { Accepted, Rejected, RebootRequired, NotSupported }

[JsonConverter(typeof(OcppEnumConverter<ClearCacheStatus>))]
public enum ClearCacheStatus { Accepted, Rejected }

[JsonConverter(typeof(OcppEnumConverter<ChargingProfilePurpose>))]
public enum ChargingProfilePurpose { ChargePointMaxProfile, TxDefaultProfile, TxProfile }

[JsonConverter(typeof(OcppEnumConverter<ChargingProfileKind>))]
public enum ChargingProfileKind { Absolute, Recurring, Relative }

[JsonConverter(typeof(OcppEnumConverter<RecurrencyKind>))]
public enum RecurrencyKind { Daily, Weekly }

[JsonConverter(typeof(OcppEnumConverter<ChargingRateUnit>))]
public enum ChargingRateUnit { A, W }

[JsonConverter(typeof(OcppEnumConverter<ClearChargingProfileStatus>))]
public enum ClearChargingProfileStatus { Accepted, Unknown }

[JsonConverter(typeof(OcppEnumConverter<ChargingProfileStatus>))]
public enum ChargingProfileStatus { Accepted, Rejected, NotSupported }

[JsonConverter(typeof(OcppEnumConverter<DataTransferStatus>))]
public enum DataTransferStatus { Accepted, Rejected, UnknownMessageId, UnknownVendorId }

[JsonConverter(typeof(OcppEnumConverter<DiagnosticsStatus>))]
public enum DiagnosticsStatus { Idle, Uploaded, UploadFailed, Uploading }

[JsonConverter(typeof(OcppEnumConverter<FirmwareStatus>))]
public enum FirmwareStatus { Downloaded, DownloadFailed, Downloading, Idle, InstallationFailed, Installing, Installed }

[JsonConverter(typeof(OcppEnumConverter<GetCompositeScheduleStatus>))]
public enum GetCompositeScheduleStatus { Accepted, Rejected }

[JsonConverter(typeof(OcppEnumConverter<ReadingContext>))]
public enum ReadingContext
{
    [JsonStringEnumMemberName("Interruption.Begin")] InterruptionBegin,
    [JsonStringEnumMemberName("Interruption.End")] InterruptionEnd,
    Other,
    [JsonStringEnumMemberName("Sample.Clock")] SampleClock,
    [JsonStringEnumMemberName("Sample.Periodic")] SamplePeriodic,
    [JsonStringEnumMemberName("Transaction.Begin")] TransactionBegin,
    [JsonStringEnumMemberName("Transaction.End")] TransactionEnd,
    Trigger,
}

[JsonConverter(typeof(OcppEnumConverter<ValueFormat>))]
public enum ValueFormat { Raw, SignedData }

[JsonConverter(typeof(OcppEnumConverter<Measurand>))]
public enum Measurand
{
    [JsonStringEnumMemberName("Current.Export")] CurrentExport,
    [JsonStringEnumMemberName("Current.Import")] CurrentImport,
    [JsonStringEnumMemberName("Current.Offered")] CurrentOffered,
    [JsonStringEnumMemberName("Energy.Active.Export.Register")] EnergyActiveExportRegister,
    [JsonStringEnumMemberName("Energy.Active.Import.Register")] EnergyActiveImportRegister,
    [JsonStringEnumMemberName("Energy.Reactive.Export.Register")] EnergyReactiveExportRegister,
    [JsonStringEnumMemberName("Energy.Reactive.Import.Register")] EnergyReactiveImportRegister,
    [JsonStringEnumMemberName("Energy.Active.Export.Interval")] EnergyActiveExportInterval,
    [JsonStringEnumMemberName("Energy.Active.Import.Interval")] EnergyActiveImportInterval,
    [JsonStringEnumMemberName("Energy.Reactive.Export.Interval")] EnergyReactiveExportInterval,
    [JsonStringEnumMemberName("Energy.Reactive.Import.Interval")] EnergyReactiveImportInterval,
    Frequency,
    [JsonStringEnumMemberName("Power.Active.Export")] PowerActiveExport,
    [JsonStringEnumMemberName("Power.Active.Import")] PowerActiveImport,
    [JsonStringEnumMemberName("Power.Factor")] PowerFactor,
    [JsonStringEnumMemberName("Power.Offered")] PowerOffered,
    [JsonStringEnumMemberName("Power.Reactive.Export")] PowerReactiveExport,
    [JsonStringEnumMemberName("Power.Reactive.Import")] PowerReactiveImport,
    RPM,
    SoC,
    Temperature,
    Voltage,
}

[JsonConverter(typeof(OcppEnumConverter<Phase>))]
public enum Phase
{
    L1, L2, L3, N,
    [JsonStringEnumMemberName("L1-N")] L1N,
    [JsonStringEnumMemberName("L2-N")] L2N,
    [JsonStringEnumMemberName("L3-N")] L3N,
    [JsonStringEnumMemberName("L1-L2")] L1L2,
    [JsonStringEnumMemberName("L2-L3")] L2L3,
    [JsonStringEnumMemberName("L3-L1")] L3L1,
}

[JsonConverter(typeof(OcppEnumConverter<Location>))]
public enum Location { Body, Cable, EV, Inlet, Outlet }

/// <summary>Units of 1.6; "Celcius" is the spec's own misspelling, kept beside "Celsius" (errata).</summary>
[JsonConverter(typeof(OcppEnumConverter<UnitOfMeasure>))]
public enum UnitOfMeasure { Wh, kWh, varh, kvarh, W, kW, VA, kVA, var, kvar, A, V, Celcius, Celsius, Fahrenheit, K, Percent }

[JsonConverter(typeof(OcppEnumConverter<RemoteStartStopStatus>))]
public enum RemoteStartStopStatus { Accepted, Rejected }

[JsonConverter(typeof(OcppEnumConverter<ReservationStatus>))]
public enum ReservationStatus { Accepted, Faulted, Occupied, Rejected, Unavailable }

[JsonConverter(typeof(OcppEnumConverter<CancelReservationStatus>))]
public enum CancelReservationStatus { Accepted, Rejected }

[JsonConverter(typeof(OcppEnumConverter<ResetType>))]
public enum ResetType { Hard, Soft }

[JsonConverter(typeof(OcppEnumConverter<ResetStatus>))]
public enum ResetStatus { Accepted, Rejected }

[JsonConverter(typeof(OcppEnumConverter<UpdateStatus>))]
public enum UpdateStatus { Accepted, Failed, NotSupported, VersionMismatch }

[JsonConverter(typeof(OcppEnumConverter<UpdateType>))]
public enum UpdateType { Differential, Full }

[JsonConverter(typeof(OcppEnumConverter<ChargePointErrorCode>))]
public enum ChargePointErrorCode
{
    ConnectorLockFailure, EVCommunicationError, GroundFailure, HighTemperature, InternalError,
    LocalListConflict, NoError, OtherError, OverCurrentFailure, OverVoltage, PowerMeterFailure,
    PowerSwitchFailure, ReaderFailure, ResetFailure, UnderVoltage, WeakSignal,
}

[JsonConverter(typeof(OcppEnumConverter<ChargePointStatus>))]
public enum ChargePointStatus { Available, Preparing, Charging, SuspendedEVSE, SuspendedEV, Finishing, Reserved, Unavailable, Faulted }

/// <summary>OCPP 1.6's <c>Reason</c> of a StopTransaction (the charger's own <see cref="SmartElek.Charger.Sessions.StopReason"/> maps onto it).</summary>
[JsonConverter(typeof(OcppEnumConverter<StopTransactionReason>))]
public enum StopTransactionReason { EmergencyStop, EVDisconnected, HardReset, Local, Other, PowerLoss, Reboot, Remote, SoftReset, UnlockCommand, DeAuthorized }

[JsonConverter(typeof(OcppEnumConverter<MessageTrigger>))]
public enum MessageTrigger { BootNotification, DiagnosticsStatusNotification, FirmwareStatusNotification, Heartbeat, MeterValues, StatusNotification }

[JsonConverter(typeof(OcppEnumConverter<TriggerMessageStatus>))]
public enum TriggerMessageStatus { Accepted, Rejected, NotImplemented }

[JsonConverter(typeof(OcppEnumConverter<UnlockStatus>))]
public enum UnlockStatus { Unlocked, UnlockFailed, NotSupported }
