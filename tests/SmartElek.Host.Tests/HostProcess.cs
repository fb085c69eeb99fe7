using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SmartElek.Host.Tests;

/// <summary>
/// The built <c>smartelek-site</c> as a child process in its own working directory, with the
/// environment a test gives it, its output collected line by line, and the plain status lines
/// (non-interactive output) of one charger parsed for what the tests check.
/// </summary>
internal sealed partial class HostProcess : IDisposable
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
        // Ctrl+C of InterruptAsync would never reach the site.
        var info = new ProcessStartInfo("env") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "smartelek-site.dll"));
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(hostJson);
        info.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        foreach (var (k, v) in environment) info.Environment[k] = v;
        return new HostProcess(Process.Start(info)!);
    }

    /// <summary>Runs a command (a report) to its end; its stdout, after asserting exit code 0.</summary>
    public static async Task<string> RunToEndAsync(string workDir, string hostJson, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        using var run = Start(workDir, hostJson, environment, arguments);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await run.Process.WaitForExitAsync(cts.Token);
        run.Process.WaitForExit(); // the output's last lines
        Assert.True(run.Process.ExitCode == 0, $"{string.Join(' ', arguments)} exited {run.Process.ExitCode}: {run.Errors()}");
        return run.Text();
    }

    /// <summary>Ctrl+C, then waits for the clean stop; the exit code.</summary>
    public async Task<int> InterruptAsync()
    {
        using (var kill = Process.Start("kill", ["-INT", Process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await Process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            var text = Text();
            throw new Xunit.Sdk.XunitException($"No clean stop within 30 s of Ctrl+C.\nstdout (end):\n{text[Math.Max(0, text.Length - 6000)..]}\nstderr:\n{Errors()}");
        }
        return Process.ExitCode;
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
