using Xunit.Abstractions;

namespace SmartElek.Host.Tests;

/// <summary>
/// The real executable as a charge point of the independent central system (ocpp-rpc in strict
/// mode): a graceful stop mid-transaction ends it as a reboot, and that StopTransaction reaches
/// the central system once, before or after the next start, never as a power loss.
/// </summary>
public sealed class OcppProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Key = "host-process-key";
    private const string Charger = "charger-1";
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-ocpp-process-").FullName;
    private CentralSystemProcess _central = null!;

    public async Task InitializeAsync() => _central = await CentralSystemProcess.StartAsync(Key, heartbeatSeconds: 30);

    public async Task DisposeAsync()
    {
        await _central.DisposeAsync();
        try { Directory.Delete(_workDir, recursive: true); }
        catch (IOException) { /* the OS cleans temp */ }
    }

    // One charger on SQLite, a vehicle at once with a nearly empty battery that stays an hour; the
    // central system knows the local tag.
    private Dictionary<string, string> Environment() => new()
    {
        ["SMARTELEK__Storage__DurableReadingSeconds"] = "1",
        ["SMARTELEK__Site__Topology"] = HostProcess.OneChargerTopology(_workDir),
        ["SMARTELEK__Simulation__MeanArrivalSeconds"] = "1",
        ["SMARTELEK__Simulation__MeanStaySeconds"] = "3600",
        ["SMARTELEK__Simulation__ArrivalSocMin"] = "10",
        ["SMARTELEK__Simulation__ArrivalSocMax"] = "20",
        ["SMARTELEK__Ocpp__Enabled"] = "true",
        ["SMARTELEK__Ocpp__CentralSystemUrl"] = $"ws://127.0.0.1:{_central.Port}/ocpp/",
        ["SMARTELEK__Ocpp__AuthorizationKeyVariable"] = "SMARTELEK_TEST_OCPP_KEY",
        ["SMARTELEK_TEST_OCPP_KEY"] = Key,
        ["SMARTELEK__Ocpp__LocalIdTag"] = "TAG-OK",
        ["SMARTELEK__Ocpp__MeterValueSampleSeconds"] = "5",
    };

    private async Task<CentralSystemRecord> WaitForAsync(Func<CentralSystemRecord, bool> wanted, TimeSpan within, string what, HostProcess site)
    {
        var until = DateTime.UtcNow + within;
        while (true)
        {
            var record = await _central.RecordAsync();
            if (wanted(record)) return record;
            if (DateTime.UtcNow > until)
                throw new Xunit.Sdk.XunitException($"{what} within {within.TotalSeconds:0} s; the central system received: " +
                    string.Join(", ", record.Received.Select(r => r.Method)) +
                    $"\nstdout (end):\n{Tail(site.Text())}\nstderr:\n{site.Errors()}");
            await Task.Delay(250);
        }
    }

    private static string Tail(string text) => text[Math.Max(0, text.Length - 8000)..];

    private static double RegisterWh(ReceivedCall meterValues) =>
        meterValues.Params["meterValue"]!.AsArray()
            .SelectMany(v => v!["sampledValue"]!.AsArray())
            .Where(v => v!["measurand"]?.GetValue<string>() is null or "Energy.Active.Import.Register")
            .Select(v => double.Parse(v!["value"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0).Max();

    /// <summary>What the central system saw of two lives of the site: the first ends (Ctrl+C or a kill) once
    /// 5 Wh of its transaction were reported; the second runs until the first transaction's stop and a
    /// new transaction arrived (whatever the first life owed is queued before that start).</summary>
    private sealed record TwoLives(CentralSystemRecord Record, int FirstTransactionId, double LastReportedWh)
    {
        public ReceivedCall FirstStop => Assert.Single(Record.Of("StopTransaction"), s => s.TransactionId == FirstTransactionId);
        public List<int> MeterStarts => Record.Of("StartTransaction").Select(s => s.Params["meterStart"]!.GetValue<int>()).ToList();
        public static int MeterStop(ReceivedCall stop) => stop.Params["meterStop"]!.GetValue<int>();
    }

    private async Task<TwoLives> RunTwoLivesAsync(Func<HostProcess, Task> endFirstLife)
    {
        var environment = Environment();
        CentralSystemRecord beforeEnd;
        using (var first = HostProcess.Start(_workDir, Repository.Config("host.json"), environment))
        {
            beforeEnd = await WaitForAsync(r => r.Of("StartTransaction").Any() && r.Of("MeterValues").Any(m => m.TransactionId is not null && RegisterWh(m) >= 5),
                TimeSpan.FromSeconds(90), "a transaction with 5 Wh charged", first);
            Assert.Equal(Charger, beforeEnd.Of("StartTransaction").Single().Identity);
            await endFirstLife(first);
        }
        var lastReportedWh = (await _central.RecordAsync()).Of("MeterValues").Where(m => m.TransactionId is not null).Max(RegisterWh);

        using var second = HostProcess.Start(_workDir, Repository.Config("host.json"), environment);
        await WaitForAsync(r => r.Of("StopTransaction").Any() && r.Of("StartTransaction").Count() >= 2,
            TimeSpan.FromSeconds(90), "the first transaction's stop and, the vehicle still plugged in, a new transaction", second);
        // No waiting for more: the durable queue is first in, first out, and the first transaction's
        // stop (sent again or owed since the cut) was queued before the new start.
        var record = await _central.RecordAsync();
        Assert.Equal(0, await second.InterruptAsync());
        foreach (var r in record.Received.Where(r => r.Method is "StartTransaction" or "StopTransaction"))
            output.WriteLine($"{r.Identity} {r.Method} {r.Params.ToJsonString()}");
        Assert.Empty(record.Failures);
        // The central system handed out its ids from 1000: the first transaction's is 1000.
        return new TwoLives(record, 1000, lastReportedWh);
    }

    [Fact]
    public async Task A_graceful_stop_mid_transaction_ends_it_once_as_a_reboot_and_the_next_start_owes_no_power_loss_stop()
    {
        // The stop may reach the central system before the process ends; if not, it is in the charge
        // point's durable queue and goes out at the next start. Either way once.
        var lives = await RunTwoLivesAsync(async first => Assert.Equal(0, await first.InterruptAsync()));

        var stop = lives.FirstStop;
        Assert.Equal("Reboot", stop.Params["reason"]?.GetValue<string>());
        var (starts, meterStop) = (lives.MeterStarts, TwoLives.MeterStop(stop));
        Assert.True(meterStop >= starts[0] + 5, $"meterStop {meterStop} Wh, meterStart {starts[0]} Wh: the 5 Wh charged are missing");
        // The register carried on across the stop: the next transaction starts where this one stopped.
        Assert.True(starts[1] >= meterStop, $"the next transaction starts at {starts[1]} Wh, below the last stop's {meterStop} Wh");
        Assert.DoesNotContain(lives.Record.Of("StopTransaction"), s => s.Params["reason"]?.GetValue<string>() == "PowerLoss");
    }

    [Fact]
    public async Task A_kill_mid_transaction_is_a_power_loss_the_next_start_stops_it_once_as_PowerLoss_with_the_durable_energy()
    {
        var lives = await RunTwoLivesAsync(async first =>
        {
            await first.KillAsync();
            Assert.Empty((await _central.RecordAsync()).Of("StopTransaction"));
        });

        var stop = lives.FirstStop;
        Assert.Equal("PowerLoss", stop.Params["reason"]?.GetValue<string>());
        var (starts, meterStop) = (lives.MeterStarts, TwoLives.MeterStop(stop));
        // What the kill can leave unrecorded is at most one durable interval (1 s) of charging: 30 A at
        // 240 V is 2 Wh, plus the 1 Wh the integer register rounds off.
        output.WriteLine($"meterStop {meterStop} Wh; the last MeterValues before the kill said {lives.LastReportedWh:0.###} Wh");
        Assert.InRange(meterStop, lives.LastReportedWh - 3, double.MaxValue);
        Assert.True(starts[1] >= meterStop, $"the next transaction starts at {starts[1]} Wh, below the cut one's stop at {meterStop} Wh");
    }
}
