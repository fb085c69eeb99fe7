using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.Framing;

/// <summary>
/// Encodes and decodes OCPP-J 1.6 frames. Decoding never throws: every input yields a typed
/// message or a <see cref="Rejected"/> that names what is wrong.
/// </summary>
public static class OcppFrames
{
    public const int Call = 2;
    public const int CallResult = 3;
    public const int CallError = 4;

    // ---- encoding: one pass over the payload (its own writer, or the source-generated one) into a reused buffer ----

    /// <summary>[2, id, action, payload].</summary>
    public static string EncodeCall(string messageId, IOcppRequest request)
    {
        CheckId(messageId);
        return FrameWriter.Write((messageId, request, OcppActions.ForRequest(request)), static (w, s) =>
        {
            w.WriteStartArray();
            w.WriteNumberValue(Call);
            w.WriteStringValue(s.messageId);
            w.WriteStringValue(s.Item3.EncodedName);
            if (s.Item3.RequestWriter is { } write) write(w, s.request);
            else JsonSerializer.Serialize(w, s.request, s.Item3.RequestInfo);
            w.WriteEndArray();
        });
    }

    /// <summary>[3, id, payload].</summary>
    public static string EncodeResult(string messageId, IOcppResponse response) =>
        FrameWriter.Write((messageId, response, OcppActions.ForResponse(response)), static (w, s) =>
        {
            w.WriteStartArray();
            w.WriteNumberValue(CallResult);
            w.WriteStringValue(s.messageId);
            JsonSerializer.Serialize(w, s.response, s.Item3.ResponseInfo);
            w.WriteEndArray();
        });

    /// <summary>[4, id, code, description, details]; details is an object ({} when there are none).</summary>
    public static string Error(string messageId, CallErrorCode code, string description, JsonElement? details = null) =>
        FrameWriter.Write((messageId, code, description, details), static (w, s) =>
        {
            w.WriteStartArray();
            w.WriteNumberValue(CallError);
            w.WriteStringValue(s.messageId);
            w.WriteStringValue(CallErrorCodes.ToWire(s.code));
            // 1.6 allows up to 255 characters of description; longer ones are cut, not refused.
            w.WriteStringValue(s.description.Length <= 255 ? s.description : s.description[..252] + "...");
            if (s.details is { ValueKind: JsonValueKind.Object } d) d.WriteTo(w);
            else { w.WriteStartObject(); w.WriteEndObject(); }
            w.WriteEndArray();
        });

    /// <summary>The JSON of one payload alone (tests, logs, queue storage).</summary>
    public static string EncodePayload(object payload) =>
        JsonSerializer.Serialize(payload, TypeInfo(payload.GetType()));

    private static JsonTypeInfo TypeInfo(Type type) =>
        OcppJsonContext.Default.GetTypeInfo(type)
        ?? throw new InvalidOperationException($"{type.Name} is missing from OcppJsonContext.");

    private static void CheckId(string messageId)
    {
        if (string.IsNullOrEmpty(messageId) || messageId.Length > MessageIds.MaxLength)
            throw new ArgumentException($"A message id must have 1 to {MessageIds.MaxLength} characters, not {messageId?.Length ?? 0}.", nameof(messageId));
    }

    // ---- decoding ----

    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };

    /// <summary>Decodes one received text message. Never throws.</summary>
    public static Decoded Decode(string text) => Decode(text, onePass: true);

    /// <summary>The general decoder alone, without the one-pass path (tests hold that path to it).</summary>
    internal static Decoded DecodeGenerally(string text) => Decode(text, onePass: false);

    private static Decoded Decode(string text, bool onePass)
    {
        try
        {
            return (onePass ? DecodeCall(text) : null) ?? DecodeCarefully(text);
        }
        catch (Exception e)
        {
            // Our own failure, not the peer's: still answered, never thrown to the connection.
            return new Rejected("-1", CallErrorCode.InternalError, $"The frame could not be processed: {e.GetType().Name}.");
        }
    }

    // A well-formed CALL is read in one pass over its UTF-8 bytes (a pooled copy of the text): the
    // action found by its bytes, the payload deserialised straight from the reader. Anything else
    // (a CALLRESULT or CALLERROR, a fault of any kind) returns null and goes the careful way below,
    // which names what is wrong exactly as it always has.
    private static DecodedCall? DecodeCall(string text)
    {
        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var reader = new Utf8JsonReader(utf8.AsSpan(0, Encoding.UTF8.GetBytes(text, utf8)), ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray
                || !reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var type) || type != Call
                || !reader.Read() || reader.TokenType != JsonTokenType.String
                || reader.ValueIsEscaped || reader.ValueSpan.Length is 0 or > MessageIds.MaxLength)
                return null;
            var id = reader.GetString()!;
            if (!reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped
                || OcppActions.Find(reader.ValueSpan) is not { } action
                || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return null;
            var request = action.RequestReader is { } read
                ? read(ref reader, out var r) ? r : null
                : JsonSerializer.Deserialize(ref reader, action.RequestInfo) as IOcppRequest;
            if (request is null
                || !reader.Read() || reader.TokenType != JsonTokenType.EndArray || reader.Read())
                return null;
            return new DecodedCall(id, action.Name, request);
        }
        catch (Exception e) when (e is JsonException or OcppPayloadException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    private static Decoded DecodeCarefully(string text)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            // No id can be read from broken JSON; "-1" is the customary id for such an answer.
            return new Rejected("-1", CallErrorCode.FormationViolation, $"Not valid JSON: {e.Message}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
                return new Rejected("-1", CallErrorCode.FormationViolation, $"A frame must be a JSON array, not {root.ValueKind}.");
            var n = root.GetArrayLength();
            if (n < 3)
                return new Rejected("-1", CallErrorCode.ProtocolError, $"A frame has at least 3 elements, this one has {n}.");
            var typeElement = root[0];
            var idElement = root[1];
            if (idElement.ValueKind != JsonValueKind.String)
                return new Rejected("-1", CallErrorCode.ProtocolError, $"The message id must be a string, not {idElement.ValueKind}.");
            var id = idElement.GetString()!;
            if (typeElement.ValueKind != JsonValueKind.Number || !typeElement.TryGetInt32(out var type) || type is < Call or > CallError)
                return new Rejected(ReplyId(id), CallErrorCode.ProtocolError, $"The message type must be 2, 3 or 4, not {Raw(typeElement)}.");
            if (id.Length is 0 or > MessageIds.MaxLength)
                return new Rejected(type == Call ? ReplyId(id) : null, CallErrorCode.ProtocolError,
                    $"A message id has 1 to {MessageIds.MaxLength} characters, this one has {id.Length}.");
            return type switch
            {
                Call => DecodeCall(root, n, id),
                CallResult => n == 3
                    ? new DecodedResult(id, root[2].Clone())
                    : new Rejected(null, CallErrorCode.ProtocolError, $"A CALLRESULT has 3 elements, this one has {n}."),
                _ => DecodeError(root, n, id),
            };
        }
    }

    private static Decoded DecodeCall(JsonElement root, int n, string id)
    {
        if (n != 4)
            return new Rejected(id, CallErrorCode.ProtocolError, $"A CALL has 4 elements, this one has {n}.");
        if (root[2].ValueKind != JsonValueKind.String)
            return new Rejected(id, CallErrorCode.ProtocolError, $"The action must be a string, not {root[2].ValueKind}.");
        var name = root[2].GetString()!;
        if (!OcppActions.TryGet(name, out var action))
            return OcppActions.KnownUnsupported.Contains(name)
                ? new Rejected(id, CallErrorCode.NotSupported, $"Action {name} is not supported by this charge point.")
                : new Rejected(id, CallErrorCode.NotImplemented, $"Unknown action '{OcppEnumConverter<ResetType>.Truncate(name)}'.");
        var read = ReadPayload(root[3], action.RequestType, name);
        return read.Value is IOcppRequest request
            ? new DecodedCall(id, name, request)
            : new Rejected(id, read.Code, read.Description);
    }

    private static Decoded DecodeError(JsonElement root, int n, string id)
    {
        if (n != 5 || root[2].ValueKind != JsonValueKind.String || root[3].ValueKind != JsonValueKind.String)
            return new Rejected(null, CallErrorCode.ProtocolError, "A CALLERROR is [4, id, code, description, details] with string code and description.");
        var codeText = root[2].GetString()!;
        return new DecodedError(id, CallErrorCodes.FromWire(codeText), codeText, root[3].GetString()!, root[4].Clone());
    }

    /// <summary>Reads the payload of a CALLRESULT as the response of <paramref name="action"/>. Never throws.</summary>
    public static ResponseRead ReadResponse(string action, JsonElement payload)
    {
        if (!OcppActions.TryGet(action, out var a))
            return new ResponseInvalid(CallErrorCode.NotImplemented, $"Unknown action '{action}'.");
        try
        {
            var read = ReadPayload(payload, a.ResponseType, action);
            return read.Value is IOcppResponse response ? new ResponseOk(response) : new ResponseInvalid(read.Code, read.Description);
        }
        catch (Exception e)
        {
            return new ResponseInvalid(CallErrorCode.InternalError, $"The {action} response could not be processed: {e.GetType().Name}.");
        }
    }

    private readonly record struct PayloadRead(object? Value, CallErrorCode Code, string Description);

    private static PayloadRead ReadPayload(JsonElement payload, Type type, string action)
    {
        if (payload.ValueKind != JsonValueKind.Object)
            return new(null, CallErrorCode.FormationViolation, $"The {action} payload must be a JSON object, not {payload.ValueKind}.");
        try
        {
            var value = payload.Deserialize(TypeInfo(type));
            return value is null
                ? new(null, CallErrorCode.FormationViolation, $"The {action} payload is empty.")
                : new(value, default, "");
        }
        catch (OcppPayloadException e)
        {
            return new(null, e.Code, $"{action}: {e.Message}");
        }
        catch (JsonException e) when (e.Message.Contains("missing required properties", StringComparison.Ordinal))
        {
            return new(null, CallErrorCode.OccurenceConstraintViolation, $"{action}: {e.Message}");
        }
        catch (JsonException e)
        {
            return new(null, CallErrorCode.TypeConstraintViolation, $"{action}: {e.Message}");
        }
    }

    private static string? ReplyId(string id) => id.Length is 0 or > MessageIds.MaxLength ? null : id;

    private static string Raw(JsonElement e) => OcppEnumConverter<ResetType>.Truncate(e.GetRawText());
}
