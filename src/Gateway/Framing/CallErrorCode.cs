namespace SmartElek.Gateway.Framing;

/// <summary>The CALLERROR codes of OCPP-J 1.6 (section 4.2.3), spelled as 1.6 spells them.</summary>
public enum CallErrorCode
{
    NotImplemented,
    NotSupported,
    InternalError,
    ProtocolError,
    SecurityError,
    FormationViolation,
    PropertyConstraintViolation,
    /// <summary>Written "OccurenceConstraintViolation" (one r) as in 1.6; both spellings are read.</summary>
    OccurenceConstraintViolation,
    TypeConstraintViolation,
    GenericError,
}

public static class CallErrorCodes
{
    /// <summary>The code as written on the wire.</summary>
    public static string ToWire(CallErrorCode code) => code.ToString();

    /// <summary>
    /// Reads a received code. Peers differ: "OccurrenceConstraintViolation" (two r's, later
    /// editions and ocpp-rpc) and "FormatViolation" (2.0 name, sent by ocpp-rpc's validator) are
    /// understood; anything else unknown is a GenericError (the raw text is kept by the frame).
    /// </summary>
    public static CallErrorCode FromWire(string text) => text switch
    {
        "OccurrenceConstraintViolation" => CallErrorCode.OccurenceConstraintViolation,
        "FormatViolation" => CallErrorCode.FormationViolation,
        _ => Enum.TryParse<CallErrorCode>(text, ignoreCase: false, out var code) && Enum.IsDefined(code) && !char.IsDigit(text[0])
            ? code : CallErrorCode.GenericError,
    };
}
