using System.Text.Json;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.Framing;

/// <summary>What the decoder made of one received WebSocket text message.</summary>
public abstract record Decoded;

/// <summary>A valid CALL [2, id, action, payload] with its typed request.</summary>
public sealed record DecodedCall(string MessageId, string Action, IOcppRequest Request) : Decoded;

/// <summary>A CALLRESULT [3, id, payload]; the payload is typed once the pending CALL's action is known.</summary>
public sealed record DecodedResult(string MessageId, JsonElement Payload) : Decoded;

/// <summary>A CALLERROR [4, id, code, description, details].</summary>
public sealed record DecodedError(string MessageId, CallErrorCode Code, string CodeText, string Description, JsonElement Details) : Decoded;

/// <summary>
/// A message that could not be accepted. <see cref="ReplyTo"/> is the id to answer with a
/// CALLERROR (null: do not answer, e.g. a broken CALLRESULT, which must never be answered).
/// </summary>
public sealed record Rejected(string? ReplyTo, CallErrorCode Code, string Description) : Decoded
{
    /// <summary>The CALLERROR frame to send back, if any.</summary>
    public string? Reply => ReplyTo is null ? null : OcppFrames.Error(ReplyTo, Code, Description);
}

/// <summary>A typed CALLRESULT payload, or why it could not be read.</summary>
public abstract record ResponseRead;
public sealed record ResponseOk(IOcppResponse Response) : ResponseRead;
public sealed record ResponseInvalid(CallErrorCode Code, string Description) : ResponseRead;

/// <summary>Unique message ids for CALLs we send: 32 hex characters (the limit is 36).</summary>
public static class MessageIds
{
    public const int MaxLength = 36;
    public static string Next() => Guid.NewGuid().ToString("N");
}
