using System.CommandLine;
using System.Diagnostics;
using Akka.Actor;
using SmartElek.Actors.Charger;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Simulation;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.SmartCharging;

namespace SmartElek.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/SmartElek.Benchmarks -- scale ocpp [--chargers 1000] [--hold 15] [--connector-only]</c>:
/// that many real chargers (ChargerUnit on SimulatedCharger behind ChargerUnitPort; with
/// --connector-only a plain in-memory port instead) each an OCPP charge point with its own
/// WebSocket to the node central system of tests/interop (ocpp-rpc, strict mode) and its SQLite
/// memory, all started at once from this process. Prints the time until all are booted and have
/// reported their status, then this process's working set, GC heap and CPU, while connecting and
/// while holding the connections.
/// </summary>
public sealed class OcppScaleRun : IScaleRun
{
    private const string Password = "scale-key-0123456789";

    private readonly Option<int> chargers = ScaleOptions.Positive("--chargers", 1000, "Charge points started at once, each with its own WebSocket.");
    private readonly Option<int> holdSeconds = ScaleOptions.Positive("--hold", 15, "Seconds to hold the connections once all have reported their status.");
    private readonly Option<bool> connectorOnlyOption = new("--connector-only") { Description = "A plain in-memory port instead of ChargerUnit on SimulatedCharger." };

    public string Name => "ocpp";
    public string Description => "That many real chargers connected at once to the node central system (ocpp-rpc): time to boot and report, memory and CPU.";
    public IEnumerable<Option> Options => [chargers, holdSeconds, connectorOnlyOption];

    public async Task RunAsync(ParseResult parse)
    {
        var count = parse.GetValue(chargers);
        var hold = TimeSpan.FromSeconds(parse.GetValue(holdSeconds));
        var connectorOnly = parse.GetValue(connectorOnlyOption);
        var folder = Directory.CreateTempSubdirectory("smartelek-ocpp-scale-").FullName;
        await using var cs = await CentralSystemProcess.StartAsync(Password, heartbeatSeconds: 300);
        var system = ActorSystem.Create("ocpp-scale", "akka.loglevel = WARNING");
        var store = ChargePointStore.Sqlite(Path.Combine(folder, "ocpp.db"));
        var me = Process.GetCurrentProcess();
        try
        {
            Console.WriteLine($"{count} charge points ({(connectorOnly ? "in-memory ports" : "ChargerUnit on SimulatedCharger")}) -> node ocpp-rpc on 127.0.0.1:{cs.Port}; {Environment.ProcessorCount} cores, load {Load()}");
            var cpu0 = me.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var chargePoints = new List<IActorRef>(count);
            var clock = ChargerClock.Of(system);
            for (var i = 0; i < count; i++)
            {
                var id = new ChargerId($"SE-{i:D5}");
                IConnectorPort port;
                if (connectorOnly)
                {
                    port = new IdleConnector();
                }
                else
                {
                    var board = new SimulatedCharger(clock, GridSpec.Default with { Seed = i });
                    var unit = system.ActorOf(ChargerUnit.Props(id, board, ChargerSettings.Factory with { AutoStart = false }), $"unit-{i}");
                    port = new ChargerUnitPort(unit);
                }
                var link = new WebSocketLink(new OcppConnectionSettings(new Uri($"ws://127.0.0.1:{cs.Port}/ocpp"), id.Value, Password,
                    Backoff: new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), ConnectTimeout: TimeSpan.FromSeconds(60)));
                var memory = store.For(id);
                chargePoints.Add(system.ActorOf(ChargePointActor.Props(new ChargePointSettings(id, SerialNumber: id.Value,
                    Supply: new ElectricalSupply(240m, 1, 30m), CallTimeout: TimeSpan.FromSeconds(60)), port, link, memory, memory), $"cp-{i}"));
            }
            var started = watch.Elapsed;

            TimeSpan? allBooted = null;
            var deadline = TimeSpan.FromMinutes(5);
            while (watch.Elapsed < deadline)
            {
                var states = await Task.WhenAll(chargePoints.Select(cp => cp.Ask<ChargePointProtocol.ChargePointState>(ChargePointProtocol.GetState.Instance, TimeSpan.FromSeconds(30))));
                var accepted = states.Count(s => s.Registration == Registration.Accepted);
                if (accepted == count)
                {
                    allBooted = watch.Elapsed;
                    break;
                }
                Console.WriteLine($"  {watch.Elapsed.TotalSeconds,6:0.0} s: {accepted} booted, {states.Count(s => s.Connected)} connected");
                await Task.Delay(500);
            }
            CentralSystemRecord record;
            TimeSpan? allStatus = null;
            while (true)
            {
                record = await cs.RecordAsync();
                if (record.Of("StatusNotification").Select(r => r.Identity).Distinct().Count() >= count) { allStatus = watch.Elapsed; break; }
                if (watch.Elapsed > deadline) break;
                await Task.Delay(500);
            }
            var cpuConnect = me.TotalProcessorTime - cpu0;
            var wallConnect = watch.Elapsed;
            me.Refresh();
            Console.WriteLine($"actors created in {started.TotalSeconds:0.00} s; all {count} booted (BootNotification accepted) after {Fmt(allBooted)}; " +
                $"all StatusNotifications in after {Fmt(allStatus)}");
            Console.WriteLine($"central system: {record.Of("BootNotification").Count()} boots, {record.Of("StatusNotification").Count()} statuses, " +
                $"{record.PasswordMatched.Count(p => p)} of {record.PasswordMatched.Count} connections authenticated, {record.Failures.Count} strict-mode failures");
            Memory("connected", me);
            Console.WriteLine($"CPU while connecting: {cpuConnect.TotalSeconds:0.0} s over {wallConnect.TotalSeconds:0.0} s wall = {cpuConnect / wallConnect:0.00} cores; load {Load()}");

            var cpu1 = me.TotalProcessorTime;
            var holdWatch = Stopwatch.StartNew();
            await Task.Delay(hold);
            var cpuHold = me.TotalProcessorTime - cpu1;
            me.Refresh();
            Memory($"held {hold.TotalSeconds:0} s", me);
            Console.WriteLine($"CPU while holding {count} connections{(connectorOnly ? "" : " and running the units")}: {cpuHold / holdWatch.Elapsed:0.00} cores; load {Load()}");
        }
        finally
        {
            await system.Terminate();
            store.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Fmt(TimeSpan? t) => t is { } v ? $"{v.TotalSeconds:0.00} s" : "not within 5 min";

    private static void Memory(string when, Process me)
    {
        var gc = GC.GetGCMemoryInfo();
        Console.WriteLine($"memory ({when}): working set {me.WorkingSet64 / 1048576.0:0} MB, GC heap {GC.GetTotalMemory(false) / 1048576.0:0} MB " +
            $"(heap size {gc.HeapSizeBytes / 1048576.0:0} MB, committed {gc.TotalCommittedBytes / 1048576.0:0} MB)");
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    /// <summary>A charger with no vehicle: the charge point's protocol load alone.</summary>
    private sealed class IdleConnector : IConnectorPort
    {
        private static readonly ConnectorSnapshot Idle = new(VehicleConnection.None, ConnectorFault.None, true,
            new MeterSnapshot(DateTimeOffset.UnixEpoch, 0, 0, 0, 0, 240, 60, 1));

        public ConnectorSnapshot Read() => Idle with { Meter = Idle.Meter with { Timestamp = DateTimeOffset.UtcNow } };
        public bool StartCharging(string idTag) => false;
        public void StopCharging(SmartElek.Gateway.Ocpp16.StopTransactionReason reason) { }
        public void ApplyCurrentLimit(decimal amps) { }
        public SmartElek.Gateway.Ocpp16.UnlockStatus Unlock() => SmartElek.Gateway.Ocpp16.UnlockStatus.NotSupported;
        public bool SetAvailability(bool operative) => true;
        public bool Reset(SmartElek.Gateway.Ocpp16.ResetType type) => true;
    }
}
