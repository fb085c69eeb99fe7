using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SmartElek.TestSupport;

/// <summary>
/// The built <c>smartelek-site</c> as a child process in its own working directory, with the
/// environment a test gives it, its output collected line by line, and the plain status lines
/// (non-interactive output) of one charger parsed for what the tests check.
/// </summary>
public sealed partial class HostProcess : IDisposable
{
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();

    public Process Process { get; }

    private HostProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => { lock (_out) _out.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_err) _err.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Text() { lock (_out) return _out.ToString(); }

    public string Errors() { lock (_err) return _err.ToString(); }

    public static HostProcess Start(string workDir, string hostJson, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        // Through env(1) with SIGINT back at its default: a test run started in the background
        // (`.ci/run &`) inherits SIGINT ignored, .NET keeps an ignored SIGINT ignored, and the
        // Ctrl+C of SendInterruptAsync would never reach the site.
        var info = new ProcessStartInfo("env") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "smartelek-site.dll"));
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(hostJson);
        info.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        // The operator's API on any free port unless the test names one: parallel sites never share 8080.
        info.Environment["SMARTELEK__Api__Url"] = "http://127.0.0.1:0";
        // A fresh allocator counts the chargers it has not heard (the topology's others, when a
        // test runs some of them) at full rating for lease + 5 s: 25 s here rather than 65 s.
        info.Environment["SMARTELEK__Site__LeaseSeconds"] = "20";
        foreach (var (k, v) in environment) info.Environment[k] = v;
        return new HostProcess(Process.Start(info)!);
    }

    /// <summary>How a run to its end went: exit code, stdout, stderr.</summary>
    public sealed record Ending(int Code, string Out, string Err);

    /// <summary>Runs the site (a report, or a start refused) to its end, within 90 s; asserts nothing.</summary>
    public static async Task<Ending> RunAsync(string workDir, string hostJson, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        using var run = Start(workDir, hostJson, environment, arguments);
        var code = await run.WaitForExitAsync(TimeSpan.FromSeconds(90), $"'{string.Join(' ', arguments)}' did not end");
        return new Ending(code, run.Text(), run.Errors());
    }

    /// <summary>Runs a command (a report) to its end; its stdout, after asserting exit code 0.</summary>
    public static async Task<string> RunToEndAsync(string workDir, string hostJson, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var (code, stdout, stderr) = await RunAsync(workDir, hostJson, environment, arguments);
        Assert.True(code == 0, $"{string.Join(' ', arguments)} exited {code}: {stderr}");
        return stdout;
    }

    /// <summary>The rows of a report (its lines split at spaces) that are <paramref name="wanted"/>.</summary>
    public static List<string[]> ReportRows(string report, Func<string[], bool> wanted) =>
        report.Split('\n').Select(l => l.Trim().Split(' ')).Where(wanted).ToList();

    /// <summary>Ctrl+C (SIGINT), without waiting: several processes can be stopped at once.</summary>
    public async Task SendInterruptAsync()
    {
        using var kill = Process.Start("kill", ["-INT", Process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits for the process to end, its output read to the last line; the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within, string what)
    {
        using var cts = new CancellationTokenSource(within);
        try
        {
            await Process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            var text = Text();
            throw new Xunit.Sdk.XunitException($"{what} within {within.TotalSeconds:0} s.\nstdout (end):\n{text[Math.Max(0, text.Length - 6000)..]}\nstderr:\n{Errors()}");
        }
        Process.WaitForExit(); // the output's last lines
        return Process.ExitCode;
    }

    /// <summary>Ctrl+C, then waits for the clean stop; the exit code.</summary>
    public async Task<int> InterruptAsync()
    {
        await SendInterruptAsync();
        return await WaitForExitAsync(TimeSpan.FromSeconds(30), "No clean stop after Ctrl+C");
    }

    /// <summary>SIGKILL, as a power cut: no shutdown, no flush.</summary>
    public async Task KillAsync()
    {
        if (!Process.HasExited) Process.Kill();
        await Process.WaitForExitAsync();
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }

    public sealed record StatusLine(string Pilot, string Session, double DrawnAmps, double RegisterWh, double SimulatedWh);

    [GeneratedRegex(@"(\S+) pilot=(\w+) .* drawn=([\d.]+)A session=(\w+) [\d.]+kWh register=([\d.]+)Wh simulated=([\d.]+)Wh")]
    private static partial Regex StatusPattern();

    public IReadOnlyList<StatusLine> StatusLines(string charger) =>
        StatusPattern().Matches(Text()).Where(m => m.Groups[1].Value == charger)
            .Select(m => new StatusLine(m.Groups[2].Value, m.Groups[4].Value, Number(m.Groups[3].Value), Number(m.Groups[5].Value), Number(m.Groups[6].Value)))
            .ToList();

    public async Task<StatusLine> WaitForStatusAsync(string charger, Func<StatusLine, bool> wanted, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && !Process.HasExited)
        {
            if (StatusLines(charger).LastOrDefault() is { } last && wanted(last)) return last;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"No status line of {charger} with {what} in time.\nstdout:\n{Text()}\nstderr:\n{Errors()}");
    }

    public async Task WaitForTextAsync(Func<HostProcess, string> source, string text, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && !Process.HasExited)
        {
            if (source(this).Contains(text, StringComparison.Ordinal)) return;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"'{text}' did not appear in time.\nstdout:\n{Text()}\nstderr:\n{Errors()}");
    }

    public static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>A site of one charger (charger-1 on a 40 A branch): the allocator waits for no other charger's report.</summary>
    public static string OneChargerTopology(string folder)
    {
        var file = Path.Combine(folder, "site-one-charger.json");
        File.WriteAllText(file, """
            { "name": "one", "phases": "split-phase",
              "feeder": { "id": "feeder", "kind": "feeder", "ratingAmps": 40,
                "children": [ { "id": "branch-1", "kind": "branch", "ratingAmps": 40,
                  "chargers": [ { "id": "charger-1", "ratingAmps": 30, "lines": "L1-L2" } ] } ] } }
            """);
        return file;
    }
}
