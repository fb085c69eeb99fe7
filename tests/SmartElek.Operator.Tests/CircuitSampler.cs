using System.Net;
using System.Text.Json;

namespace SmartElek.Operator.Tests;

/// <summary>
/// Samples every line of every circuit a node's API shows, every 100 ms until stopped: what the
/// allocator counts (granted and may-draw) and what the meters read must stay within the line's limit.
/// </summary>
internal static class CircuitSampler
{
    /// <summary>One figure over its line's limit, and when it was read.</summary>
    public sealed record Over(DateTimeOffset At, string Node, string Circuit, string Line, string Figure, double Amps, double Limit)
    {
        public override string ToString() => $"{At:HH:mm:ss.fff} {Node}: {Circuit} {Line} {Figure} {Amps} > {Limit}";
    }

    /// <summary>
    /// Waits until the site's allocator (started by one of <paramref name="nodes"/>) is past its start: until
    /// every lease an older allocator could have given is over, it counts a charger it has not heard at its
    /// full rating, a just placed one too (GrantLedger.Exposure), so that its circuits show may-draw over the
    /// limit by that rating while the new unit offers 0 A. Tests of a change in steady state wait for it.
    /// </summary>
    public static async Task OldLeasesOverAsync(params ApiHost[] nodes)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (nodes.All(n => n.OldLeasesOverAt().Count == 0))
        {
            Assert.True(DateTime.UtcNow < deadline, "no node logged its allocator's start");
            await Task.Delay(200);
        }
        var until = nodes.SelectMany(n => n.OldLeasesOverAt()).Max();
        while (DateTimeOffset.UtcNow < until) await Task.Delay(200);
    }

    /// <summary>
    /// Samples until <paramref name="stop"/>, and on after it until 10 more samples were read, and more than 10
    /// in all (the settled state after the last change is sampled too; a busy machine may have delayed the
    /// first ones; at most a minute more); asserts that there were.
    /// </summary>
    public static async Task<List<Over>> SampleAsync(HttpClient client, CancellationToken stop, string node = "")
    {
        const int Enough = 10;
        var over = new List<Over>();
        var samples = 0;
        var afterStop = 0;
        DateTimeOffset? stoppedAt = null;
        while (true)
        {
            if (stop.IsCancellationRequested)
            {
                stoppedAt ??= DateTimeOffset.UtcNow;
                if ((samples > Enough && afterStop >= Enough) || DateTimeOffset.UtcNow - stoppedAt > TimeSpan.FromMinutes(1)) break;
                afterStop++;
            }
            var circuits = await client.GetAsync("/api/circuits").Expect(HttpStatusCode.OK);
            var at = DateTimeOffset.UtcNow;
            samples++;
            foreach (var c in circuits.GetProperty("circuits").EnumerateArray())
                foreach (var line in c.GetProperty("lines").EnumerateArray())
                {
                    var limit = line.GetProperty("limitAmps").GetDouble();
                    foreach (var figure in new[] { "grantedAmps", "mayDrawAmps", "drawnAmps" })
                        // 0.05 A: the API's one-decimal figures; the meters read the vehicles' own currents.
                        if (line.GetProperty(figure).GetDouble() > limit + 0.05)
                            over.Add(new Over(at, node, c.GetProperty("id").GetString()!, line.GetProperty("line").GetString()!, figure,
                                line.GetProperty(figure).GetDouble(), limit));
                }
            await Task.Delay(100);
        }
        Assert.True(samples > Enough && afterStop >= Enough, $"only {samples} samples of the circuits{(node.Length > 0 ? " on " + node : "")}, {afterStop} after the last change");
        return over;
    }
}
