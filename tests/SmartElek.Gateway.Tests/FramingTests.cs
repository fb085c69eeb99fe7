using System.Text.Json;
using CsCheck;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.Tests;

[Trait("Speed", "Fast")]
public class FramingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static readonly IOcppRequest[] Requests =
    [
        new BootNotificationRequest("SmartElek", "#4500", ChargePointSerialNumber: "SE-0001", FirmwareVersion: "1.2.3"),
        new AuthorizeRequest("TAG-1"),
        new HeartbeatRequest(),
        new StartTransactionRequest(1, "TAG-1", 1200, T0, ReservationId: 7),
        new StopTransactionRequest(2400, T0.AddHours(1), 42, "TAG-1", StopTransactionReason.EVDisconnected,
            [new MeterValue(T0, [new SampledValue("2400", ReadingContext.TransactionEnd, Measurand: Measurand.EnergyActiveImportRegister, Unit: UnitOfMeasure.Wh)])]),
        new StatusNotificationRequest(1, ChargePointErrorCode.GroundFailure, ChargePointStatus.Faulted, Timestamp: T0),
        new MeterValuesRequest(1, [new MeterValue(T0, [new SampledValue("230.1", ReadingContext.SamplePeriodic, Measurand: Measurand.Voltage, Phase: Phase.L1L2, Unit: UnitOfMeasure.V)])], 42),
        new SetChargingProfileRequest(1, new ChargingProfile(5, 2, ChargingProfilePurpose.TxDefaultProfile, ChargingProfileKind.Recurring,
            new ChargingSchedule(ChargingRateUnit.W, [new ChargingSchedulePeriod(0, 7200m), new ChargingSchedulePeriod(3600, 3600.5m, 1)], 86400, T0),
            RecurrencyKind: RecurrencyKind.Daily, ValidTo: T0.AddDays(30))),
        new GetConfigurationRequest(["HeartbeatInterval", "NumberOfConnectors"]),
        new SendLocalListRequest(3, UpdateType.Full, [new AuthorizationData("TAG-1", new IdTagInfo(AuthorizationStatus.Accepted, T0.AddYears(1)))]),
        new TriggerMessageRequest(MessageTrigger.MeterValues, 1),
        new UpdateFirmwareRequest("https://example.test/fw.bin", T0),
    ];

    [Fact]
    public void Every_request_round_trips_through_a_CALL_frame()
    {
        foreach (var request in Requests)
        {
            var id = MessageIds.Next();
            var text = OcppFrames.EncodeCall(id, request);
            var decoded = Assert.IsType<DecodedCall>(OcppFrames.Decode(text));
            Assert.Equal(id, decoded.MessageId);
            Assert.Equal(OcppActions.ForRequest(request).Name, decoded.Action);
            Assert.Equal(OcppFrames.EncodePayload(request), OcppFrames.EncodePayload(decoded.Request));
        }
    }

    [Fact]
    public void Responses_round_trip_through_CALLRESULT_and_enums_use_the_specs_strings()
    {
        var response = new GetCompositeScheduleResponse(GetCompositeScheduleStatus.Accepted, 1, T0,
            new ChargingSchedule(ChargingRateUnit.A, [new ChargingSchedulePeriod(0, 16m)], 600, T0));
        var text = OcppFrames.EncodeResult("abc", response);
        Assert.Equal("""[3,"abc",{"status":"Accepted","connectorId":1,"scheduleStart":"2026-03-01T10:00:00.000Z","chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16}],"duration":600,"startSchedule":"2026-03-01T10:00:00.000Z"}}]""", text);
        var result = Assert.IsType<DecodedResult>(OcppFrames.Decode(text));
        var read = Assert.IsType<ResponseOk>(OcppFrames.ReadResponse("GetCompositeSchedule", result.Payload));
        Assert.Equal(text, OcppFrames.EncodeResult("abc", read.Response));

        var meter = OcppFrames.EncodePayload(Requests[6]);
        Assert.Contains("\"measurand\":\"Voltage\"", meter);
        Assert.Contains("\"phase\":\"L1-L2\"", meter);
        Assert.Contains("\"context\":\"Sample.Periodic\"", meter);
    }

    [Fact]
    public void A_CALLERROR_is_written_with_the_1_6_spelling_and_both_spellings_are_read()
    {
        var text = OcppFrames.Error("x1", CallErrorCode.OccurenceConstraintViolation, "missing idTag");
        Assert.Equal("""[4,"x1","OccurenceConstraintViolation","missing idTag",{}]""", text);
        var e1 = Assert.IsType<DecodedError>(OcppFrames.Decode(text));
        var e2 = Assert.IsType<DecodedError>(OcppFrames.Decode("""[4,"x1","OccurrenceConstraintViolation","missing",{"a":1}]"""));
        Assert.Equal(CallErrorCode.OccurenceConstraintViolation, e1.Code);
        Assert.Equal(CallErrorCode.OccurenceConstraintViolation, e2.Code);
        Assert.Equal("OccurrenceConstraintViolation", e2.CodeText);
        Assert.Equal(CallErrorCode.GenericError, Assert.IsType<DecodedError>(OcppFrames.Decode("""[4,"x1","Whatever","",{}]""")).Code);
    }

    [Theory]
    [InlineData("not json", "-1", CallErrorCode.FormationViolation)]
    [InlineData("""{"a":1}""", "-1", CallErrorCode.FormationViolation)]
    [InlineData("""[2,"m1"]""", "-1", CallErrorCode.ProtocolError)]
    [InlineData("""[7,"m1","Heartbeat",{}]""", "m1", CallErrorCode.ProtocolError)]
    [InlineData("""[2,"m1","Heartbeat",[]]""", "m1", CallErrorCode.FormationViolation)]
    [InlineData("""[2,"m1","FlyToTheMoon",{}]""", "m1", CallErrorCode.NotImplemented)]
    [InlineData("""[2,"m1","InstallCertificate",{}]""", "m1", CallErrorCode.NotSupported)]
    [InlineData("""[2,"m1","Reset",{"type":5}]""", "m1", CallErrorCode.TypeConstraintViolation)]
    [InlineData("""[2,"m1","RemoteStopTransaction",{"transactionId":"7"}]""", "m1", CallErrorCode.TypeConstraintViolation)]
    [InlineData("""[2,"m1","UnlockConnector",{"connectorId":1.5}]""", "m1", CallErrorCode.TypeConstraintViolation)]
    [InlineData("""[2,"m1","Reset",{}]""", "m1", CallErrorCode.OccurenceConstraintViolation)]
    [InlineData("""[2,"m1","SetChargingProfile",{"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Absolute"}}]""", "m1", CallErrorCode.OccurenceConstraintViolation)]
    [InlineData("""[2,"m1","Reset",{"type":"Warm"}]""", "m1", CallErrorCode.PropertyConstraintViolation)]
    [InlineData("""[2,"m1","ReserveNow",{"connectorId":1,"expiryDate":"2026-01-01T00:00:00Z","idTag":"123456789012345678901","reservationId":1}]""", "m1", CallErrorCode.PropertyConstraintViolation)]
    [InlineData("""[2,"m1","ReserveNow",{"connectorId":1,"expiryDate":"2026-01-01T00:00:00","idTag":"A","reservationId":1}]""", "m1", CallErrorCode.PropertyConstraintViolation)]
    [InlineData("""[2,"m1","UpdateFirmware",{"location":"not a uri","retrieveDate":"2026-01-01T00:00:00Z"}]""", "m1", CallErrorCode.PropertyConstraintViolation)]
    public void Bad_CALLs_are_answered_with_the_code_that_names_the_fault(string frame, string replyTo, CallErrorCode code)
    {
        var rejected = Assert.IsType<Rejected>(OcppFrames.Decode(frame));
        Assert.Equal(replyTo, rejected.ReplyTo);
        Assert.Equal(code, rejected.Code);
        Assert.False(string.IsNullOrWhiteSpace(rejected.Description));
        var reply = Assert.IsType<DecodedError>(OcppFrames.Decode(rejected.Reply!));
        Assert.Equal(code, reply.Code);
    }

    [Fact]
    public void A_broken_CALLRESULT_is_never_answered_and_a_bad_result_payload_is_named()
    {
        Assert.Null(Assert.IsType<Rejected>(OcppFrames.Decode("""[3,"m1",{},1]""")).ReplyTo);
        var result = Assert.IsType<DecodedResult>(OcppFrames.Decode("""[3,"m1",{"status":"Maybe","currentTime":"2026-01-01T00:00:00Z","interval":10}]"""));
        var invalid = Assert.IsType<ResponseInvalid>(OcppFrames.ReadResponse("BootNotification", result.Payload));
        Assert.Equal(CallErrorCode.PropertyConstraintViolation, invalid.Code);
        Assert.Contains("Maybe", invalid.Description);
    }

    [Fact]
    public void Message_ids_are_unique_and_within_36_characters() =>
        Gen.Int[1, 200].Sample(n =>
        {
            var ids = Enumerable.Range(0, n).Select(_ => MessageIds.Next()).ToList();
            return ids.Distinct().Count() == n && ids.All(i => i.Length is > 0 and <= MessageIds.MaxLength);
        }, iter: 50);

    // ---- fuzz: the decoder never throws; every frame is a valid message or a named rejection ----

    private static bool IsWellFormedOutcome(Decoded d) => d switch
    {
        DecodedCall c => c.MessageId.Length is > 0 and <= 36 && OcppActions.TryGet(c.Action, out _),
        DecodedResult r => r.MessageId.Length is > 0 and <= 36,
        DecodedError e => e.MessageId.Length is > 0 and <= 36,
        Rejected r => !string.IsNullOrWhiteSpace(r.Description)
                      && (r.Reply is null || OcppFrames.Decode(r.Reply) is DecodedError),
        _ => false,
    };

    [Fact]
    public void Random_text_never_throws_and_always_yields_a_callerror_or_a_message() =>
        Gen.String.Sample(text => IsWellFormedOutcome(OcppFrames.Decode(text)), iter: 5000);

    private static readonly string[] ValidFrames =
        Requests.Select(r => OcppFrames.EncodeCall(MessageIds.Next(), r))
            .Append(OcppFrames.EncodeResult("r1", new BootNotificationResponse(RegistrationStatus.Accepted, T0, 300)))
            .Append(OcppFrames.Error("e1", CallErrorCode.InternalError, "boom"))
            .ToArray();

    private static readonly string[] Splices =
        ["", "\"", "{", "}", "[", "]", ",", ":", "null", "true", "-1", "1e999", "\"Accepted\"", "\"x\"", "0.1", "\\u0000", "{}", "[]", "\"2026-13-01T00:00:00Z\""];

    /// <summary>Valid frames with bytes replaced, deleted or spliced: the decoder stays total.</summary>
    [Fact]
    public void Mutated_frames_never_throw_and_always_yield_a_callerror_or_a_message()
    {
        var gen = from frame in Gen.OneOfConst(ValidFrames)
                  from edits in Gen.Int[1, 4]
                  from positions in Gen.Int[0, 10_000].Array[edits]
                  from splices in Gen.OneOfConst(Splices).Array[edits]
                  from cut in Gen.Int[0, 3].Array[edits]
                  select Mutate(frame, positions, splices, cut);
        gen.Sample(text => IsWellFormedOutcome(OcppFrames.Decode(text)), iter: 5000);
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

    /// <summary>Structured mutation: valid CALL shapes with wrong-typed, missing or odd fields.</summary>
    [Fact]
    public void Calls_with_random_payload_values_yield_a_message_or_a_callerror()
    {
        var value = Gen.OneOf(
            Gen.Int.Select(i => i.ToString()),
            Gen.String[0, 30].Select(s => JsonSerializer.Serialize(s)),
            Gen.Const("null"), Gen.Const("{}"), Gen.Const("[]"), Gen.Const("1.5"), Gen.Const("\"Accepted\""),
            Gen.Const("\"2026-01-01T00:00:00Z\""));
        var fields = new[] { "connectorId", "idTag", "type", "status", "transactionId", "key", "value", "requestedMessage", "listVersion", "updateType", "csChargingProfiles", "meterValue", "reservationId", "expiryDate" };
        var gen = from action in Gen.OneOfConst(OcppActions.All.Select(a => a.Name).ToArray())
                  from n in Gen.Int[0, 5]
                  from names in Gen.OneOfConst(fields).Array[n]
                  from values in value.Array[n]
                  select $"[2,\"f1\",\"{action}\",{{{string.Join(",", names.Distinct().Select((f, i) => $"\"{f}\":{values[i]}"))}}}]";
        gen.Sample(text => IsWellFormedOutcome(OcppFrames.Decode(text)), iter: 5000);
    }

    [Fact]
    public void The_action_table_covers_the_six_profiles_both_ways_and_every_type_has_generated_JSON()
    {
        Assert.Equal(28, OcppActions.All.Count);
        Assert.Equal(OcppActions.All.Count, OcppActions.All.Select(a => a.Name).Distinct().Count());
        Assert.Equal(6, OcppActions.All.Select(a => a.Profile).Distinct().Count());
        foreach (var a in OcppActions.All)
        {
            Assert.True(OcppActions.TryGet(a.Name, out var back) && back == a);
            Assert.True(typeof(IOcppRequest).IsAssignableFrom(a.RequestType) && typeof(IOcppResponse).IsAssignableFrom(a.ResponseType), a.Name);
            Assert.Equal(a.Name + "Request", a.RequestType.Name);
            Assert.Equal(a.Name + "Response", a.ResponseType.Name);
            Assert.NotNull(OcppJsonContext.Default.GetTypeInfo(a.RequestType));
            Assert.NotNull(OcppJsonContext.Default.GetTypeInfo(a.ResponseType));
            Assert.False(OcppActions.KnownUnsupported.Contains(a.Name), a.Name);
        }
    }
}
