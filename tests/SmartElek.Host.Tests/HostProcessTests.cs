using System.Diagnostics;
using System.Text;

namespace SmartElek.Host.Tests;

/// <summary>The real executable, as an operator starts it: not the classes, the process.</summary>
public sealed class HostProcessTests : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-host-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    private (Process Process, StringBuilder Out, StringBuilder Err) Start(string hostJson)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "smartelek-site.dll"));
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(hostJson);
        // Vehicles arrive quickly so the run shows charging within seconds.
        info.Environment["SMARTELEK__Simulation__MeanArrivalSeconds"] = "1";
        var process = Process.Start(info)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, stdout, stderr);
    }

    private static string Text(StringBuilder b) { lock (b) return b.ToString(); }

    [Fact]
    public async Task The_default_site_shows_its_chargers_charging_and_stops_cleanly_on_ctrl_c()
    {
        var (process, stdout, stderr) = Start(Repository.Config("host.json"));
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!Text(stdout).Contains("pilot=C") && DateTime.UtcNow < deadline && !process.HasExited)
                await Task.Delay(200);
            Assert.Contains("charger-1 pilot=", Text(stdout));
            Assert.Contains("pilot=C", Text(stdout));

            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString()])) await kill.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(cts.Token);
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("Application is shutting down", Text(stdout));
            Assert.DoesNotContain("Exception", Text(stderr));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }

    [Fact]
    public async Task A_bad_topology_is_refused_at_start_naming_the_file_and_the_offender()
    {
        var config = Path.Combine(_workDir, "config");
        Directory.CreateDirectory(config);
        File.Copy(Repository.Config("host.json"), Path.Combine(config, "host.json"));
        var site = File.ReadAllText(Repository.Config("site.json"))
            .Replace("\"id\": \"branch-a1\", \"kind\": \"branch\", \"ratingAmps\": 40", "\"id\": \"branch-a1\", \"kind\": \"branch\", \"ratingAmps\": 20");
        File.WriteAllText(Path.Combine(config, "site.json"), site);

        var (process, _, stderr) = Start(Path.Combine(config, "host.json"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        Assert.Equal(2, process.ExitCode);
        var message = Text(stderr);
        Assert.Contains(Path.Combine(config, "site.json"), message);
        Assert.Contains("charger-1", message);
        process.Dispose();
    }
}
