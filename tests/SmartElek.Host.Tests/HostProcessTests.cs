namespace SmartElek.Host.Tests;

/// <summary>The real executable, as an operator starts it: not the classes, the process.</summary>
public sealed class HostProcessTests : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-host-").FullName;

    // Vehicles arrive quickly so the run shows charging within seconds.
    private static readonly Dictionary<string, string> QuickArrivals = new() { ["SMARTELEK__Simulation__MeanArrivalSeconds"] = "1" };

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    [Fact]
    public async Task The_default_site_shows_its_chargers_charging_and_stops_cleanly_on_ctrl_c()
    {
        int ended;
        using (var site = HostProcess.Start(_workDir, Repository.Config("host.json"), QuickArrivals))
        {
            await site.WaitForTextAsync(p => p.Text(), "pilot=C", TimeSpan.FromSeconds(60));
            Assert.Contains("charger-1 pilot=", site.Text());
            Assert.Contains("pilot=C", site.Text());

            Assert.Equal(0, await site.InterruptAsync());
            Assert.Contains("Application is shutting down", site.Text());
            // A controlled stop of every charger (sessions ended, relays open, journals flushed), not a power cut.
            Assert.Matches(@"Charger units shut down: (\d+) of \1, \1 with their journal flushed", site.Text());
            ended = Count(site.Text(), "(Shutdown: the controller stops)");
            Assert.True(ended >= 1, "no session ended by the stop");
            Assert.DoesNotContain("Exception", site.Errors());
        }

        // Started again on the same database: the sessions the stop ended were not cut, and the log says so.
        using var again = HostProcess.Start(_workDir, Repository.Config("host.json"), QuickArrivals);
        const string Closed = "had stopped before the controller went down";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Count(again.Text(), Closed) < ended && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Equal(ended, Count(again.Text(), Closed));
        Assert.Equal(0, await again.InterruptAsync());
        Assert.DoesNotContain("cut by a power loss", again.Text() + again.Errors());
    }

    private static int Count(string text, string part) => text.Split(part).Length - 1;

    [Fact]
    public async Task A_bad_topology_is_refused_at_start_naming_the_file_and_the_offender()
    {
        var config = Path.Combine(_workDir, "config");
        Directory.CreateDirectory(config);
        File.Copy(Repository.Config("host.json"), Path.Combine(config, "host.json"));
        var site = File.ReadAllText(Repository.Config("site.json"))
            .Replace("\"id\": \"branch-a1\", \"kind\": \"branch\", \"ratingAmps\": 40", "\"id\": \"branch-a1\", \"kind\": \"branch\", \"ratingAmps\": 20");
        File.WriteAllText(Path.Combine(config, "site.json"), site);

        var (code, _, stderr) = await HostProcess.RunAsync(_workDir, Path.Combine(config, "host.json"), QuickArrivals);
        Assert.Equal(2, code);
        Assert.Contains(Path.Combine(config, "site.json"), stderr);
        Assert.Contains("charger-1", stderr);
    }
}
