using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SmartElek.Host.Tests;

/// <summary>
/// The operator's worst day, with the real executable: the site is charging, the process dies
/// (SIGKILL, as a power cut), it is started again on the same SQLite file, and the operator's
/// commands show what was kept.
/// </summary>
public sealed partial class PowerLossProcessTests : IDisposable
{
    private const double DurableReadingSeconds = 1;
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-powerloss-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_workDir, recursive: true); }
        catch (IOException) { /* a killed process's file may linger a moment; the OS cleans temp */ }
    }

    private sealed record Run(Process Process, StringBuilder Out, StringBuilder Err)
    {
        public string Text() { lock (Out) return Out.ToString(); }
        public string Errors() { lock (Err) return Err.ToString(); }
    }

    private Run Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "smartelek-site.dll"));
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(Repository.Config("host.json"));
        info.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        // One charger, a vehicle at once, nearly empty batteries that stay an hour: a long charging session.
        info.Environment["SMARTELEK__Node__Chargers__0"] = "charger-1";
        info.Environment["SMARTELEK__Simulation__MeanArrivalSeconds"] = "1";
        info.Environment["SMARTELEK__Simulation__MeanStaySeconds"] = "3600";
        info.Environment["SMARTELEK__Simulation__ArrivalSocMin"] = "10";
        info.Environment["SMARTELEK__Simulation__ArrivalSocMax"] = "20";
        info.Environment["SMARTELEK__Storage__DurableReadingSeconds"] = DurableReadingSeconds.ToString(CultureInfo.InvariantCulture);
        var process = Process.Start(info)!;
        var run = new Run(process, new StringBuilder(), new StringBuilder());
        process.OutputDataReceived += (_, e) => { lock (run.Out) run.Out.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (run.Err) run.Err.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    private sealed record StatusLine(string Session, double DrawnAmps, double RegisterWh, double SimulatedWh);

    [GeneratedRegex(@"charger-1 pilot=\w+ .* drawn=([\d.]+)A session=(\w+) [\d.]+kWh register=([\d.]+)Wh simulated=([\d.]+)Wh")]
    private static partial Regex StatusPattern();

    private static List<StatusLine> StatusLines(string output) =>
        StatusPattern().Matches(output).Select(m => new StatusLine(m.Groups[2].Value, Number(m.Groups[1].Value), Number(m.Groups[3].Value), Number(m.Groups[4].Value))).ToList();

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static async Task<StatusLine> WaitForStatus(Run run, Func<StatusLine, bool> wanted, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && !run.Process.HasExited)
        {
            if (StatusLines(run.Text()).LastOrDefault() is { } last && wanted(last)) return last;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"No status line with {what} in time.\nstdout:\n{run.Text()}\nstderr:\n{run.Errors()}");
    }

    private async Task<string> Command(params string[] arguments)
    {
        var run = Start(arguments);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await run.Process.WaitForExitAsync(cts.Token);
        Assert.True(run.Process.ExitCode == 0, $"{string.Join(' ', arguments)} exited {run.Process.ExitCode}: {run.Errors()}");
        run.Process.WaitForExit();
        var text = run.Text();
        run.Process.Dispose();
        return text;
    }

    [Fact]
    public async Task A_session_cut_by_a_kill_is_closed_as_power_loss_with_its_durable_energy_and_the_register_goes_on()
    {
        // 1. Charging until the simulator has delivered a little energy, then the power goes.
        var first = Start();
        StatusLine beforeCut;
        try
        {
            beforeCut = await WaitForStatus(first, s => s.Session == "Charging" && s.SimulatedWh >= 15 && s.DrawnAmps >= 5,
                TimeSpan.FromSeconds(120), "a session charging with 15 Wh delivered");
        }
        finally
        {
            first.Process.Kill(); // SIGKILL: no shutdown, no flush
        }
        await first.Process.WaitForExitAsync();
        first.Process.Dispose();
        Assert.True(File.Exists(Path.Combine(_workDir, "data", "smartelek.db")), "the first start did not create data/smartelek.db");

        // 2. The same database again: the unit closes the cut session at power-up and carries on.
        var second = Start();
        StatusLine afterRestart;
        try
        {
            // Until its journal has recovered the unit shows no register (and keeps its relays open).
            afterRestart = await WaitForStatus(second, s => s.RegisterWh > 0, TimeSpan.FromSeconds(90), "charger-1 recovered after the restart");
            // Let the projectors write what the restart journalled (batches every 0.5 s).
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-INT", second.Process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await second.Process.WaitForExitAsync(cts.Token);
        }
        Assert.Equal(0, second.Process.ExitCode);
        Assert.DoesNotContain("Exception", second.Errors());
        second.Process.Dispose();

        // 3. The operator's view.
        var sessions = await Command("sessions", "--charger", "charger-1");
        var cut = sessions.Split('\n').Select(l => l.Trim().Split(' ')).SingleOrDefault(c => c.Length == 10 && c[9] == "PowerLoss");
        Assert.True(cut is not null, "no session stopped by PowerLoss in:\n" + sessions);
        var cutEnergyWh = Number(cut[6]) * 1000;
        var cutRegisterWh = Number(cut[7]) * 1000;
        Assert.True(cutEnergyWh > 0, $"the cut session kept no energy: {string.Join(' ', cut)}");
        Assert.NotEqual("-", cut[3]); // plugged out, closed at power-up

        // The register went on from the durable value; it never went backwards (the report prints kWh
        // with three decimals: ±0.5 Wh of rounding).
        Assert.True(afterRestart.RegisterWh >= cutRegisterWh - 0.55,
            $"register {afterRestart.RegisterWh} Wh after the restart is below the durable {cutRegisterWh} Wh");

        // What was lost is at most one durable-reading interval of charging, against the simulator's own
        // exact count, plus 1 s for the journal write in flight and the moment between the status line and the kill.
        const double powerW = 30 * 250; // the rated 30 A at a high line voltage
        var slackWh = powerW * (DurableReadingSeconds + 1) / 3600;
        Assert.InRange(cutRegisterWh, beforeCut.SimulatedWh - slackWh, beforeCut.SimulatedWh + slackWh);

        // Daily energy holds at least what the cut session's register reached (this charger started at 0).
        var energy = await Command("energy", "--charger", "charger-1");
        var total = energy.Split('\n').Select(l => l.Trim().Split(' ')).Single(c => c[0] == "total");
        Assert.True(Number(total[2]) * 1000 >= cutRegisterWh - 0.5, $"daily energy {total[2]} kWh is below the register {cutRegisterWh} Wh:\n{energy}");
    }
}
