namespace SmartElek.Gateway.Connection;

/// <summary>
/// Reconnect delays: exponential from <see cref="Min"/> to <see cref="Max"/>, with jitter in
/// [half, whole] of that step, so a site's chargers do not all reconnect in the same instant
/// after a central system comes back.
/// </summary>
public sealed record Backoff(TimeSpan Min, TimeSpan Max)
{
    public static readonly Backoff Default = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));

    /// <param name="attempt">failed attempts so far (0 = the first retry)</param>
    /// <param name="random01">a uniform number in [0, 1)</param>
    public TimeSpan Delay(int attempt, double random01)
    {
        var step = Math.Min(Max.TotalMilliseconds, Min.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt, 0, 30)));
        return TimeSpan.FromMilliseconds(step * (0.5 + 0.5 * Math.Clamp(random01, 0, 1)));
    }
}
