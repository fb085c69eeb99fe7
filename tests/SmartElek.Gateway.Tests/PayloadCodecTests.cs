using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.Tests;

/// <summary>
/// The one-pass readers and writers of BootNotification, MeterValues and SetChargingProfile
/// (Ocpp16/PayloadReaders, PayloadWriters) against the general, source-generated ones: the same
/// bytes written, the same message read, and for any frame, however broken, the same outcome.
/// </summary>
[Trait("Speed", "Fast")]
public sealed class PayloadCodecTests
{
    private static Gen<T?> Maybe<T>(Gen<T> gen) where T : struct =>
        from some in Gen.Bool
        from v in gen
        select some ? v : (T?)null;

    private static Gen<string?> MaybeText(int max) =>
        from some in Gen.Bool
        from v in Gen.String[0, max]
        select some ? v : null;

    private static readonly Gen<DateTimeOffset> Time =
        Gen.Long[0, 4_102_444_800_000L].Select(ms => DateTimeOffset.FromUnixTimeMilliseconds(ms));

    private static readonly Gen<BootNotificationRequest> Boot =
        from vendor in Gen.String[1, 20]
        from model in Gen.String[1, 20]
        from serial in MaybeText(25)
        from box in MaybeText(25)
        from firmware in MaybeText(50)
        from iccid in MaybeText(20)
        from imsi in MaybeText(20)
        from meterType in MaybeText(25)
        from meterSerial in MaybeText(25)
        select new BootNotificationRequest(vendor, model, serial, box, firmware, iccid, imsi, meterType, meterSerial);

    private static readonly Gen<SampledValue> Sampled =
        from value in Gen.String[0, 12]
        from context in Maybe(Gen.Enum<ReadingContext>())
        from format in Maybe(Gen.Enum<ValueFormat>())
        from measurand in Maybe(Gen.Enum<Measurand>())
        from phase in Maybe(Gen.Enum<Phase>())
        from location in Maybe(Gen.Enum<Location>())
        from unit in Maybe(Gen.Enum<UnitOfMeasure>())
        select new SampledValue(value, context, format, measurand, phase, location, unit);

    private static readonly Gen<MeterValuesRequest> Meter =
        from connector in Gen.Int[0, 10]
        from values in (from t in Time from s in Sampled.Array[0, 12] select new MeterValue(t, s)).Array[0, 3]
        from transaction in Maybe(Gen.Int)
        select new MeterValuesRequest(connector, values, transaction);

    private static readonly Gen<decimal> Limit = Gen.Int[-1_000_000, 1_000_000].Select(i => i / 10m);

    private static readonly Gen<SetChargingProfileRequest> Profile =
        from connector in Gen.Int[0, 10]
        from periods in (from start in Gen.Int[0, 86_400] from limit in Limit from phases in Maybe(Gen.Int[1, 3])
                         select new ChargingSchedulePeriod(start, limit, phases)).Array[0, 30]
        from unit in Gen.Enum<ChargingRateUnit>()
        from duration in Maybe(Gen.Int[0, 604_800])
        from start in Maybe(Time)
        from minRate in Maybe(Limit)
        from id in Gen.Int
        from stack in Gen.Int[0, 10]
        from purpose in Gen.Enum<ChargingProfilePurpose>()
        from kind in Gen.Enum<ChargingProfileKind>()
        from transaction in Maybe(Gen.Int)
        from recurrency in Maybe(Gen.Enum<RecurrencyKind>())
        from validFrom in Maybe(Time)
        from validTo in Maybe(Time)
        select new SetChargingProfileRequest(connector, new ChargingProfile(id, stack, purpose, kind,
            new ChargingSchedule(unit, periods, duration, start, minRate), transaction, recurrency, validFrom, validTo));

    private static readonly Gen<IOcppRequest> Request = Gen.OneOf(Boot.Select(r => (IOcppRequest)r), Meter.Select(r => (IOcppRequest)r), Profile.Select(r => (IOcppRequest)r));

    private static string Frame(IOcppRequest r, string payload) => $"[2,\"m-1\",\"{OcppActions.ForRequest(r).Name}\",{payload}]";

    // The general writer: EncodePayload serialises with the source-generated metadata.
    [Fact]
    public void The_one_pass_writers_write_the_general_writers_bytes() =>
        Request.Sample(r => OcppFrames.EncodeCall("m-1", r) == Frame(r, OcppFrames.EncodePayload(r)), iter: 2000);

    [Fact]
    public void The_one_pass_readers_read_the_message_that_was_written() =>
        Request.Sample(r =>
        {
            var call = Assert.IsType<DecodedCall>(OcppFrames.Decode(OcppFrames.EncodeCall("m-1", r)));
            return OcppFrames.EncodePayload(call.Request) == OcppFrames.EncodePayload(r);
        }, iter: 2000);

    // The same payload with its properties in another order, an unknown property, explicit nulls
    // where a field is optional, and whitespace: read as the general reader reads it.
    [Fact]
    public void The_one_pass_readers_read_any_property_order_unknown_properties_and_nulls_as_the_general_reader() =>
        Gen.Select(Request, Gen.Int, Gen.Bool).Sample((r, seed, spaced) =>
        {
            var json = Reshape(JsonNode.Parse(OcppFrames.EncodePayload(r))!, new Random(seed));
            var text = Frame(r, json.ToJsonString(new JsonSerializerOptions { WriteIndented = spaced }));
            return Same(OcppFrames.Decode(text), OcppFrames.DecodeGenerally(text));
        }, iter: 2000);

    private static readonly string[] Splices =
        ["", "\"", "{", "}", "[", "]", ",", ":", "null", "true", "-1", "1.5", "1e3", "\"x\"", "\"Sample.Clock\"", "\"A\"", "{}", "[]",
         "\"2026-01-01T00:00:00\"", "\"2026-01-01T00:00:00Z\"", "\"\\u0041\"", "\"123456789012345678901234567890\""];

    /// <summary>Frames of the three actions with bytes replaced, cut or spliced: the same message, or the same named rejection.</summary>
    [Fact]
    public void Any_frame_of_the_three_actions_decodes_as_the_general_decoder_decodes_it()
    {
        var gen = from r in Request
                  from edits in Gen.Int[1, 4]
                  from positions in Gen.Int[0, 10_000].Array[edits]
                  from splices in Gen.OneOfConst(Splices).Array[edits]
                  from cut in Gen.Int[0, 3].Array[edits]
                  select Mutate(OcppFrames.EncodeCall("m-1", r), positions, splices, cut);
        gen.Sample(text =>
        {
            var (fast, general) = (OcppFrames.Decode(text), OcppFrames.DecodeGenerally(text));
            Assert.True(Same(fast, general), $"one pass: {fast}\ngeneral: {general}");
        }, iter: 5000);
    }

    private static bool Same(Decoded fast, Decoded general) => (fast, general) switch
    {
        (DecodedCall a, DecodedCall b) => a.MessageId == b.MessageId && a.Action == b.Action
                                          && OcppFrames.EncodePayload(a.Request) == OcppFrames.EncodePayload(b.Request),
        (Rejected a, Rejected b) => a == b,
        (DecodedResult a, DecodedResult b) => a.MessageId == b.MessageId && a.Payload.GetRawText() == b.Payload.GetRawText(),
        (DecodedError a, DecodedError b) => a.MessageId == b.MessageId && a.CodeText == b.CodeText && a.Description == b.Description,
        _ => false,
    };

    private static JsonNode Reshape(JsonNode node, Random random)
    {
        switch (node)
        {
            case JsonObject o:
            {
                var properties = o.Select(p => (p.Key, Value: p.Value is null ? null : Reshape(p.Value.DeepClone(), random)))
                    .OrderBy(_ => random.Next()).ToList();
                var shaped = new JsonObject();
                foreach (var (key, value) in properties) shaped[key] = value;
                shaped["vendorExtension"] = new JsonObject { ["ignored"] = new JsonArray(1, "two") };
                return shaped;
            }
            case JsonArray a:
                return new JsonArray(a.Select(e => e is null ? null : Reshape(e.DeepClone(), random)).ToArray());
            default:
                return node.DeepClone();
        }
    }

    private static string Mutate(string frame, int[] positions, string[] splices, int[] cut)
    {
        var s = frame;
        for (var i = 0; i < positions.Length; i++)
        {
            var at = positions[i] % (s.Length + 1);
            var remove = Math.Min(cut[i], s.Length - at);
            s = s.Remove(at, remove).Insert(at, splices[i]);
        }
        return s;
    }
}
