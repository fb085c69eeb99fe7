using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SmartElek.Benchmarks;

/// <summary>
/// The scale runs' counts and durations: whole numbers with a least value and a default that
/// <c>--help</c> shows. A run takes long, so a bad value stops it at once with an error naming the
/// option, rather than silently falling back to the default.
/// </summary>
public static class ScaleOptions
{
    /// <summary>An option <c>--name N</c>, N above zero.</summary>
    public static Option<int> Positive(string name, int fallback, string description) => AtLeast(1, name, fallback, description);

    /// <summary>An option <c>--name N</c>, N at least <paramref name="minimum"/>.</summary>
    public static Option<int> AtLeast(int minimum, string name, int fallback, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = result => WholeNumber(result, minimum, name, fallback),
    };

    /// <summary>An optional positional argument, above zero.</summary>
    public static Argument<int> PositiveArgument(string name, int fallback, string description) => new(name)
    {
        Description = description,
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => fallback,
        CustomParser = result => WholeNumber(result, 1, name, fallback),
    };

    // A custom parser rather than a validator: the parser's own conversion error would not name the
    // option, and a validator cannot read a value that failed to convert.
    private static int WholeNumber(ArgumentResult result, int minimum, string name, int fallback)
    {
        if (result.Tokens.Count == 0) return fallback;
        var token = result.Tokens[0].Value;
        if (!int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            result.AddError($"{name} takes a whole number, not '{token}'.");
        else if (value < minimum)
            result.AddError($"{name} must be at least {minimum}, not {value}.");
        return value;
    }
}
