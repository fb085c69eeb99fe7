namespace SmartElek;

/// <summary>The identity of one charger on a site; also its OCPP charge point identity.</summary>
public readonly record struct ChargerId
{
    public string Value { get; }

    public ChargerId(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException("A charger id must not be empty.", nameof(value));
        if (value.Length > 48 || value.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            throw new ArgumentException($"Charger id '{value}' may hold only letters, digits, '-', '_' and '.', at most 48 characters.", nameof(value));
        Value = value;
    }

    public override string ToString() => Value;
}
