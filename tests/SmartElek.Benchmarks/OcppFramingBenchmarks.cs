using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using SmartElek.Benchmarks.Ocpp;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Benchmarks;

/// <summary>
/// Encode + decode of one OCPP-J CALL frame, ours beside a Newtonsoft.Json-based codec
/// (<see cref="NewtonsoftFrames"/>) in one process on the same frames: BootNotification,
/// MeterValues with 10 sampled values, SetChargingProfile with 24 periods. Newtonsoft is each
/// frame's baseline; the Ratio column reads "N.NNx faster". Run:
/// dotnet run -c Release --project tests/SmartElek.Benchmarks -- --filter "*OcppFraming*" --inProcess
/// (in this process, as the comparison asks; add --job short while iterating).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[Config(typeof(TrendRatio))]
public class OcppFramingBenchmarks
{
    private const string MessageId = "0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private sealed class TrendRatio : ManualConfig
    {
        public TrendRatio() => SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend);
    }

    private static readonly Measurand[] Measurands =
    [
        Measurand.EnergyActiveImportRegister, Measurand.PowerActiveImport, Measurand.CurrentImport, Measurand.CurrentOffered,
        Measurand.Voltage, Measurand.Frequency, Measurand.PowerFactor, Measurand.SoC, Measurand.Temperature, Measurand.PowerOffered,
    ];

    private BootNotificationRequest _boot = null!;
    private MeterValuesRequest _meter = null!;
    private SetChargingProfileRequest _profile = null!;
    private NsBootNotificationRequest _nsBoot = null!;
    private NsMeterValuesRequest _nsMeter = null!;
    private NsSetChargingProfileRequest _nsProfile = null!;

    private static string Reading(int i) => (1000.5m + i).ToString(CultureInfo.InvariantCulture);

    [GlobalSetup]
    public void Setup()
    {
        _boot = new BootNotificationRequest("SmartElek", "4500", ChargePointSerialNumber: "SE-000001", FirmwareVersion: "1.4.2",
            MeterType: "SE-MTR", MeterSerialNumber: "M-000001");
        _nsBoot = new NsBootNotificationRequest
        {
            ChargePointVendor = "SmartElek", ChargePointModel = "4500", ChargePointSerialNumber = "SE-000001", FirmwareVersion = "1.4.2",
            MeterType = "SE-MTR", MeterSerialNumber = "M-000001",
        };
        _meter = new MeterValuesRequest(1,
            [new MeterValue(T0, Measurands.Select((m, i) => new SampledValue(Reading(i), ReadingContext.SamplePeriodic, Measurand: m, Location: Location.Outlet)).ToList())],
            4711);
        _nsMeter = new NsMeterValuesRequest
        {
            ConnectorId = 1, TransactionId = 4711,
            MeterValue =
            [
                new NsMeterValue
                {
                    Timestamp = T0,
                    SampledValue = Measurands.Select((m, i) => new NsSampledValue
                    {
                        Value = Reading(i), Context = NsReadingContext.SamplePeriodic, Measurand = (NsMeasurand)i, Location = NsLocation.Outlet,
                    }).ToList(),
                },
            ],
        };
        _profile = new SetChargingProfileRequest(1, new ChargingProfile(12, 2, ChargingProfilePurpose.TxDefaultProfile, ChargingProfileKind.Recurring,
            new ChargingSchedule(ChargingRateUnit.A,
                Enumerable.Range(0, 24).Select(h => new ChargingSchedulePeriod(h * 3600, 6m + h % 10, 1)).ToList(), 86400, T0),
            RecurrencyKind: RecurrencyKind.Daily, ValidFrom: T0, ValidTo: T0.AddDays(365)));
        _nsProfile = new NsSetChargingProfileRequest
        {
            ConnectorId = 1,
            CsChargingProfiles = new NsChargingProfile
            {
                ChargingProfileId = 12, StackLevel = 2, ChargingProfilePurpose = NsChargingProfilePurpose.TxDefaultProfile,
                ChargingProfileKind = NsChargingProfileKind.Recurring, RecurrencyKind = NsRecurrencyKind.Daily, ValidFrom = T0, ValidTo = T0.AddDays(365),
                ChargingSchedule = new NsChargingSchedule
                {
                    ChargingRateUnit = NsChargingRateUnit.A, Duration = 86400, StartSchedule = T0,
                    ChargingSchedulePeriod = Enumerable.Range(0, 24).Select(h => new NsChargingSchedulePeriod { StartPeriod = h * 3600, Limit = 6m + h % 10, NumberPhases = 1 }).ToList(),
                },
            },
        };
        SameFrames();
    }

    // The two sides carry the same frames: each decodes the other's frame to the same content.
    private void SameFrames()
    {
        void Check(bool same, string what)
        {
            if (!same) throw new InvalidOperationException($"the two codecs' {what} frames differ");
        }
        var boot = (BootNotificationRequest)((DecodedCall)OcppFrames.Decode(NewtonsoftFrames.EncodeCall(MessageId, "BootNotification", _nsBoot))).Request;
        Check(boot == _boot, "BootNotification");
        var meter = (MeterValuesRequest)((DecodedCall)OcppFrames.Decode(NewtonsoftFrames.EncodeCall(MessageId, "MeterValues", _nsMeter))).Request;
        Check(OcppFrames.EncodePayload(meter) == OcppFrames.EncodePayload(_meter), "MeterValues");
        var profile = (SetChargingProfileRequest)((DecodedCall)OcppFrames.Decode(NewtonsoftFrames.EncodeCall(MessageId, "SetChargingProfile", _nsProfile))).Request;
        // Newtonsoft writes a decimal 6 as 6.0: the same number, so periods are compared by value.
        var (theirs, ours) = (profile.CsChargingProfiles.ChargingSchedule, _profile.CsChargingProfiles.ChargingSchedule);
        Check(theirs.ChargingSchedulePeriod.SequenceEqual(ours.ChargingSchedulePeriod)
            && theirs with { ChargingSchedulePeriod = [] } == ours with { ChargingSchedulePeriod = [] }
            && profile.CsChargingProfiles with { ChargingSchedule = ours } == _profile.CsChargingProfiles && profile.ConnectorId == _profile.ConnectorId,
            "SetChargingProfile");
        var nsMeter = (NsMeterValuesRequest)NewtonsoftFrames.Decode(OcppFrames.EncodeCall(MessageId, _meter)).Payload;
        Check(nsMeter.MeterValue[0].SampledValue.Select(v => (v.Value, (int)v.Measurand!)).SequenceEqual(_meter.MeterValue[0].SampledValue.Select((v, i) => (v.Value, i))),
            "MeterValues (read by Newtonsoft)");
        var nsProfile = (NsSetChargingProfileRequest)NewtonsoftFrames.Decode(OcppFrames.EncodeCall(MessageId, _profile)).Payload;
        Check(nsProfile.CsChargingProfiles.ChargingSchedule.ChargingSchedulePeriod.Select(p => p.Limit)
            .SequenceEqual(_profile.CsChargingProfiles.ChargingSchedule.ChargingSchedulePeriod.Select(p => p.Limit)), "SetChargingProfile (read by Newtonsoft)");
    }

    private static object RoundTrip(IOcppRequest request) => OcppFrames.Decode(OcppFrames.EncodeCall(MessageId, request));

    [Benchmark(Baseline = true, Description = "Newtonsoft"), BenchmarkCategory("BootNotification")]
    public object NewtonsoftBootNotification() => NewtonsoftFrames.Decode(NewtonsoftFrames.EncodeCall(MessageId, "BootNotification", _nsBoot));

    [Benchmark(Description = "SmartElek"), BenchmarkCategory("BootNotification")]
    public object BootNotification() => RoundTrip(_boot);

    [Benchmark(Baseline = true, Description = "Newtonsoft"), BenchmarkCategory("MeterValues (10 values)")]
    public object NewtonsoftMeterValues10() => NewtonsoftFrames.Decode(NewtonsoftFrames.EncodeCall(MessageId, "MeterValues", _nsMeter));

    [Benchmark(Description = "SmartElek"), BenchmarkCategory("MeterValues (10 values)")]
    public object MeterValues10() => RoundTrip(_meter);

    [Benchmark(Baseline = true, Description = "Newtonsoft"), BenchmarkCategory("SetChargingProfile (24 periods)")]
    public object NewtonsoftSetChargingProfile24Periods() => NewtonsoftFrames.Decode(NewtonsoftFrames.EncodeCall(MessageId, "SetChargingProfile", _nsProfile));

    [Benchmark(Description = "SmartElek"), BenchmarkCategory("SetChargingProfile (24 periods)")]
    public object SetChargingProfile24Periods() => RoundTrip(_profile);
}
