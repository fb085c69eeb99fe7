using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SmartElek.Benchmarks;

/// <summary>The built Host (smartelek-site) as a process on a one-node site of N simulated chargers, for the scale runs of its web side.</summary>
internal static partial class ScaleHost
{
    /// <summary>The console line that gives the dashboard's and API's address.</summary>
    [GeneratedRegex(@"Operator dashboard and API at (http://127\.0\.0\.1:\d+)/")]
    public static partial Regex StartLine();

    public static double At(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * q))];

    // Panels of 50 chargers, each on its own 40 A branch, under one feeder (the topology's own rules apply).
    public static string WriteSite(string work, int chargers)
    {
        var panels = new List<object>();
        for (int p = 0, n = 0; n < chargers; p++)
        {
            var branches = new List<object>();
            for (var b = 0; b < 50 && n < chargers; b++, n++)
                branches.Add(new { id = $"branch-{p + 1:00}-{b + 1:00}", kind = "branch", ratingAmps = 40, chargers = new[] { new { id = $"charger-{n + 1:0000}", ratingAmps = 30, lines = "L1-L2" } } });
            panels.Add(new { id = $"panel-{p + 1:00}", kind = "panel", ratingAmps = 400, children = branches });
        }
        var site = new { name = $"scale-{chargers}", phases = "split-phase", feeder = new { id = "feeder", kind = "feeder", ratingAmps = 1200, children = panels } };
        File.WriteAllText(Path.Combine(work, "site.json"), JsonSerializer.Serialize(site));
        var repoConfig = Path.Combine(AppContext.BaseDirectory, "config");
        File.Copy(Path.Combine(repoConfig, "akka.site.hocon"), Path.Combine(work, "akka.site.hocon"));
        var host = File.ReadAllText(Path.Combine(repoConfig, "host.json"));
        File.WriteAllText(Path.Combine(work, "host.json"), host);
        return Path.Combine(work, "host.json");
    }

    public static Process Start(string work, string hostJson, string user, string password, out Func<string> output)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "smartelek-site.dll"));
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(hostJson);
        info.Environment["SMARTELEK__Api__Url"] = "http://127.0.0.1:0";
        info.Environment["SMARTELEK__Site__Topology"] = "site.json";
        info.Environment["SMARTELEK__Console__LiveTable"] = "false";
        info.Environment["SMARTELEK_OPERATOR_USER"] = user;
        info.Environment["SMARTELEK_OPERATOR_PASSWORD"] = password;
        var process = Process.Start(info)!;
        var text = new System.Text.StringBuilder();
        // Only the start line is wanted; the status lines of N chargers are read and dropped.
        process.OutputDataReceived += (_, e) => { if (e.Data?.Contains("Operator dashboard", StringComparison.Ordinal) == true) lock (text) text.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = () => { lock (text) return text.ToString(); };
        return process;
    }

    public static async Task<string> WaitForAsync(Func<string?> probe, TimeSpan within, string what, Process host)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && !host.HasExited)
        {
            if (probe() is { } value) return value;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"no {what} within {within.TotalSeconds:0} s");
    }

    /// <summary>The share of one core the process used over the next <paramref name="seconds"/>.</summary>
    public static async Task<double> CpuAsync(Process process, int seconds)
    {
        process.Refresh();
        var before = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalSeconds / watch.Elapsed.TotalSeconds;
    }
}
