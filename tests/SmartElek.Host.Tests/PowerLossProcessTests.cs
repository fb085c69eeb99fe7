using System.Globalization;

namespace SmartElek.Host.Tests;

/// <summary>
/// The operator's worst day, with the real executable: the site is charging, the process dies
/// (SIGKILL, as a power cut), it is started again on the same SQLite file, and the operator's
/// commands show what was kept.
/// </summary>
public sealed class PowerLossProcessTests : IDisposable
{
    private const double DurableReadingSeconds = 1;
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-powerloss-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_workDir, recursive: true); }
        catch (IOException) { /* a killed process's file may linger a moment; the OS cleans temp */ }
    }

    private static string HostJson => Repository.Config("host.json");

    // One charger, a vehicle at once, nearly empty batteries that stay an hour: a long charging session.
    private Dictionary<string, string> Environment => new()
    {
        // A site of that one charger: the allocator grants as soon as it reports.
        ["SMARTELEK__Node__Chargers__0"] = "charger-1",
        ["SMARTELEK__Site__Topology"] = HostProcess.OneChargerTopology(_workDir),
        ["SMARTELEK__Simulation__MeanArrivalSeconds"] = "1",
        ["SMARTELEK__Simulation__MeanStaySeconds"] = "3600",
        ["SMARTELEK__Simulation__ArrivalSocMin"] = "10",
        ["SMARTELEK__Simulation__ArrivalSocMax"] = "20",
        ["SMARTELEK__Storage__DurableReadingSeconds"] = DurableReadingSeconds.ToString(CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task A_session_cut_by_a_kill_is_closed_as_power_loss_with_its_durable_energy_and_the_register_goes_on()
    {
        var scenario = new PowerCutScenario(_workDir, HostJson, Environment, DurableReadingSeconds);
        var (beforeCut, afterRestart) = await scenario.CutAndRestartAsync(afterCut: () =>
            Assert.True(File.Exists(Path.Combine(_workDir, "data", "smartelek.db")), "the first start did not create data/smartelek.db"));
        await scenario.AssertReportsKeptTheCutSessionAsync(beforeCut, afterRestart);
    }
}
