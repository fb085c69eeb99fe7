using BenchmarkDotNet.Attributes;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Benchmarks;

/// <summary>
/// Encode + decode of one OCPP-J CALL frame (frames/s = 1 / mean). Run:
/// dotnet run -c Release --project tests/SmartElek.Benchmarks -- --filter "*OcppFraming*"
/// </summary>
[MemoryDiagnoser]
public class OcppFramingBenchmarks
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private BootNotificationRequest _boot = null!;
    private MeterValuesRequest _meter = null!;
    private SetChargingProfileRequest _profile = null!;

    [GlobalSetup]
    public void Setup()
    {
        _boot = new BootNotificationRequest("SmartElek", "4500", ChargePointSerialNumber: "SE-000001", FirmwareVersion: "1.4.2",
            MeterType: "SE-MTR", MeterSerialNumber: "M-000001");
        Measurand[] measurands =
        [
            Measurand.EnergyActiveImportRegister, Measurand.PowerActiveImport, Measurand.CurrentImport, Measurand.CurrentOffered,
            Measurand.Voltage, Measurand.Frequency, Measurand.PowerFactor, Measurand.SoC, Measurand.Temperature, Measurand.PowerOffered,
        ];
        _meter = new MeterValuesRequest(1,
            [new MeterValue(T0, measurands.Select((m, i) => new SampledValue((1000.5m + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ReadingContext.SamplePeriodic, Measurand: m, Location: Location.Outlet)).ToList())], 4711);
        _profile = new SetChargingProfileRequest(1, new ChargingProfile(12, 2, ChargingProfilePurpose.TxDefaultProfile, ChargingProfileKind.Recurring,
            new ChargingSchedule(ChargingRateUnit.A,
                Enumerable.Range(0, 24).Select(h => new ChargingSchedulePeriod(h * 3600, 6m + h % 10, 1)).ToList(), 86400, T0),
            RecurrencyKind: RecurrencyKind.Daily, ValidFrom: T0, ValidTo: T0.AddDays(365)));
    }

    private static object RoundTrip(IOcppRequest request) =>
        OcppFrames.Decode(OcppFrames.EncodeCall("0123456789abcdef0123456789abcdef", request));

    [Benchmark]
    public object BootNotification() => RoundTrip(_boot);

    [Benchmark]
    public object MeterValues10() => RoundTrip(_meter);

    [Benchmark]
    public object SetChargingProfile24Periods() => RoundTrip(_profile);
}
