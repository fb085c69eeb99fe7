namespace SmartElek.Host.Tests;

/// <summary>
/// The operator's worst day with the real executable, on whichever storage the environment selects:
/// charger-1 charging a long session, the process killed (SIGKILL, as a power cut), started again on
/// the same database, and the operator's reports showing what was kept. The environment gives one
/// charger, a vehicle at once with a nearly empty battery, and durable readings every
/// <paramref name="durableReadingSeconds"/>.
/// </summary>
internal sealed class PowerCutScenario(string workDir, string hostJson, IReadOnlyDictionary<string, string> environment, double durableReadingSeconds)
{
    /// <summary>
    /// Charges until the simulator has delivered 15 Wh, cuts the power, calls <paramref name="afterCut"/>,
    /// starts again until the unit has recovered its register, then stops it cleanly.
    /// </summary>
    public async Task<(HostProcess.StatusLine BeforeCut, HostProcess.StatusLine AfterRestart)> CutAndRestartAsync(Action afterCut)
    {
        HostProcess.StatusLine beforeCut;
        using (var first = HostProcess.Start(workDir, hostJson, environment))
        {
            try
            {
                beforeCut = await first.WaitForStatusAsync("charger-1", s => s.Session == "Charging" && s.SimulatedWh >= 15 && s.DrawnAmps >= 5,
                    TimeSpan.FromSeconds(120), "a session charging with 15 Wh delivered");
            }
            finally
            {
                await first.KillAsync(); // SIGKILL: no shutdown, no flush
            }
        }
        afterCut();

        // The same database again: the unit closes the cut session at power-up and carries on.
        HostProcess.StatusLine afterRestart;
        using (var second = HostProcess.Start(workDir, hostJson, environment))
        {
            // Until its journal has recovered the unit shows no register (and keeps its relays open).
            afterRestart = await second.WaitForStatusAsync("charger-1", s => s.RegisterWh > 0, TimeSpan.FromSeconds(90), "charger-1 recovered after the restart");
            // The reports catch the read tables up with the journal themselves: no waiting for the projectors.
            Assert.Equal(0, await second.InterruptAsync());
            Assert.DoesNotContain("Exception", second.Errors());
        }
        return (beforeCut, afterRestart);
    }

    /// <summary>
    /// The reports hold the cut session, closed as PowerLoss with its durable energy; the register went on
    /// from it; what was lost is within one durable-reading interval; the daily energy holds it all.
    /// </summary>
    public async Task AssertReportsKeptTheCutSessionAsync(HostProcess.StatusLine beforeCut, HostProcess.StatusLine afterRestart)
    {
        var sessions = await HostProcess.RunToEndAsync(workDir, hostJson, environment, "sessions", "--charger", "charger-1");
        var cuts = HostProcess.ReportRows(sessions, c => c.Length == 10 && c[9] == "PowerLoss");
        Assert.True(cuts.Count == 1, "not one session stopped by PowerLoss in:\n" + sessions);
        var cut = cuts[0];
        var cutEnergyWh = HostProcess.Number(cut[6]) * 1000;
        var cutRegisterWh = HostProcess.Number(cut[7]) * 1000;
        Assert.True(cutEnergyWh > 0, $"the cut session kept no energy: {string.Join(' ', cut)}");
        Assert.NotEqual("-", cut[3]); // plugged out, closed at power-up

        // The register went on from the durable value; it never went backwards (the report prints kWh
        // with three decimals: ±0.5 Wh of rounding).
        Assert.True(afterRestart.RegisterWh >= cutRegisterWh - 0.55,
            $"register {afterRestart.RegisterWh} Wh after the restart is below the durable {cutRegisterWh} Wh");

        // What was lost is at most one durable-reading interval of charging, against the simulator's own
        // exact count, plus 1 s for the journal write in flight and the moment between the status line and the kill.
        const double powerW = 30 * 250; // the rated 30 A at a high line voltage
        var slackWh = powerW * (durableReadingSeconds + 1) / 3600;
        Assert.InRange(cutRegisterWh, beforeCut.SimulatedWh - slackWh, beforeCut.SimulatedWh + slackWh);

        // Daily energy holds at least what the cut session's register reached (this charger started at 0).
        var energy = await HostProcess.RunToEndAsync(workDir, hostJson, environment, "energy", "--charger", "charger-1");
        var total = Assert.Single(HostProcess.ReportRows(energy, c => c[0] == "total"));
        Assert.True(HostProcess.Number(total[2]) * 1000 >= cutRegisterWh - 0.5, $"daily energy {total[2]} kWh is below the register {cutRegisterWh} Wh:\n{energy}");
    }
}
