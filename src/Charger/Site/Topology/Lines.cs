namespace SmartElek.Site.Topology;

/// <summary>A supply line (leg) of the site. Split-phase sites have L1 and L2; 3-phase sites L1, L2 and L3.</summary>
public enum Line
{
    L1 = 0,
    L2 = 1,
    L3 = 2,
}

/// <summary>How the site is supplied.</summary>
public enum SitePhases
{
    /// <summary>120/240 V split-phase: two lines, every charger on L1-L2.</summary>
    SplitPhase,
    /// <summary>3-phase wye: three lines, each charger on two of them (L1-L2, L2-L3 or L3-L1).</summary>
    ThreePhase,
}

/// <summary>
/// The two lines a charger is connected between. A line-to-line load draws the same current
/// through both of its lines, so a charger's current counts against each of them.
/// </summary>
public readonly record struct LinePair
{
    public Line First { get; }
    public Line Second { get; }

    public LinePair(Line first, Line second)
    {
        if (first == second)
            throw new ArgumentException($"A charger needs two different lines, not {first}-{second}.");
        First = first;
        Second = second;
    }

    public bool Contains(Line line) => First == line || Second == line;

    public override string ToString() => $"{First}-{Second}";

    /// <summary>Parses "L1-L2"; null with the reason when the text is not two known, different lines.</summary>
    public static LinePair? TryParse(string? text, out string error)
    {
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "lines are missing; write them as \"L1-L2\", \"L2-L3\" or \"L3-L1\"";
            return null;
        }
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2)
        {
            error = $"\"{text}\" is not two lines; write them as \"L1-L2\", \"L2-L3\" or \"L3-L1\"";
            return null;
        }
        if (!TryParseLine(parts[0], out var a))
        {
            error = $"unknown line \"{parts[0]}\" in \"{text}\" (known: L1, L2, L3)";
            return null;
        }
        if (!TryParseLine(parts[1], out var b))
        {
            error = $"unknown line \"{parts[1]}\" in \"{text}\" (known: L1, L2, L3)";
            return null;
        }
        if (a == b)
        {
            error = $"\"{text}\" names the same line twice; a charger sits between two different lines";
            return null;
        }
        return new LinePair(a, b);
    }

    public static bool TryParseLine(string text, out Line line)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "L1": line = Line.L1; return true;
            case "L2": line = Line.L2; return true;
            case "L3": line = Line.L3; return true;
            default: line = default; return false;
        }
    }
}
