using System.Globalization;
using System.Text;
using SmartElek.Operator.Api;

namespace SmartElek.Operator.Dashboard;

/// <summary>
/// A blink pattern as CSS: keyframes at each segment's start (held with step-end), named after the
/// segments so that equal patterns share one animation. Solid and dark patterns need none.
/// </summary>
public sealed record LedAnimation(string? Name, int PeriodMs, string? Css)
{
    private static readonly LedAnimation Steady = new(null, 0, null);

    public static LedAnimation Of(LedDto view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var segments = view.Segments;
        if (segments.All(s => s.On) || segments.All(s => !s.On)) return Steady;
        var period = segments.Sum(s => Math.Max(1, s.Milliseconds));
        var name = "led-" + string.Join('-', segments.Select(s => (s.On ? "n" : "f") + Math.Max(1, s.Milliseconds).ToString(CultureInfo.InvariantCulture)));
        var css = new StringBuilder().Append("@keyframes ").Append(name).Append(" {");
        var at = 0;
        foreach (var s in segments)
        {
            var percent = 100.0 * at / period;
            css.Append(CultureInfo.InvariantCulture, $" {percent:0.###}% {{ {Look(s.On)} }}");
            at += Math.Max(1, s.Milliseconds);
        }
        // The last segment holds to the end of the period.
        css.Append(CultureInfo.InvariantCulture, $" 100% {{ {Look(segments[^1].On)} }} }}");
        return new LedAnimation(name, period, css.ToString());
    }

    // Lit: the LED's colour and its glow (set per colour in dashboard.css); dark: an unlit lens.
    private static string Look(bool on) => on
        ? "background-color: var(--led-lit); box-shadow: 0 0 6px 1px var(--led-glow);"
        : "background-color: var(--led-dark); box-shadow: inset 0 1px 2px rgba(0,0,0,.35);";
}
