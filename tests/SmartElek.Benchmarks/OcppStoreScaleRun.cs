using System.CommandLine;
using System.Diagnostics;
using Akka.Actor;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;

namespace SmartElek.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/SmartElek.Benchmarks -- scale ocpp-store [--messages 2000] [--chargers 1000] [--meter-interval 10] [--hold 30]</c>:
/// what the charge points' synchronous store writes cost. First a focused measure on one SQLite
/// file (WAL, synchronous = FULL): a MeterValues of 8 sampled values queued (insert) and delivered
/// (delete), each waited for until committed, one charge point, then two threads on two. Then that many charge points (in-memory
/// ports, a vehicle charging on each) in a transaction against the node central system
/// (ocpp-rpc, strict), MeterValues every --meter-interval seconds: MeterValues received per
/// second against the rate due, the store's changes and commits per second (group commit: one
/// commit takes what all charge points changed meanwhile), the time it was busy and the time threads
/// were held in it, and the queue left at the end.
/// </summary>
public sealed class OcppStoreScaleRun : IScaleRun
{
    private const string Password = "store-key-0123456789";

    private readonly Option<int> messages = ScaleOptions.Positive("--messages", 2000, "MeterValues queued and delivered in the focused measure on one SQLite file (one charge point, then two on two threads).");
    private readonly Option<int> chargers = ScaleOptions.Positive("--chargers", 1000, "Charge points charging against the node central system.");
    private readonly Option<int> meterInterval = ScaleOptions.Positive("--meter-interval", 10, "Seconds between a charge point's MeterValues.");
    private readonly Option<int> holdSeconds = ScaleOptions.Positive("--hold", 30, "Seconds measured once all are in a transaction.");

    public string Name => "ocpp-store";
    public string Description => "What the charge points' synchronous SQLite store writes cost: one file focused, then that many charge points charging.";
    public IEnumerable<Option> Options => [messages, chargers, meterInterval, holdSeconds];

    private static MeterValuesRequest Reading(int i) => new(1, [new MeterValue(DateTimeOffset.UnixEpoch.AddSeconds(i),
        ChargePointConfiguration.Default().SampledMeasurands().Select(m => new SampledValue("1234.5", ReadingContext.SamplePeriodic, Measurand: m)).ToList())], 1000 + i);

    public async Task RunAsync(ParseResult parse)
    {
        var folder = Directory.CreateTempSubdirectory("smartelek-ocpp-store-").FullName;
        try
        {
            Micro(Path.Combine(folder, "micro.db"), parse.GetValue(messages));
            await Sessions(Path.Combine(folder, "sessions.db"), parse.GetValue(chargers), parse.GetValue(meterInterval), parse.GetValue(holdSeconds));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Micro(string file, int messages)
    {
        using var store = ChargePointStore.Sqlite(file);
        Console.WriteLine($"SQLite {file} (WAL, synchronous = FULL); {Environment.ProcessorCount} cores, load {Load()}");
        var one = store.For(new ChargerId("SE-MICRO-0"));
        for (var i = 0; i < 50; i++) { one.Enqueue(Reading(i)); one.RemoveHead(); } // warm up
        one.WaitWritten(TimeSpan.FromSeconds(30));
        var enqueue = new List<double>(messages);
        var remove = new List<double>(messages);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < messages; i++)
        {
            var t = Stopwatch.GetTimestamp();
            one.Enqueue(Reading(i));
            one.WaitWritten(TimeSpan.FromSeconds(30)); // until its row is committed: what a charge point waits before sending it
            enqueue.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            t = Stopwatch.GetTimestamp();
            one.RemoveHead();
            one.WaitWritten(TimeSpan.FromSeconds(30));
            remove.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        Console.WriteLine($"one charge point: {messages} MeterValues queued and delivered in {watch.Elapsed.TotalSeconds:0.00} s = {2 * messages / watch.Elapsed.TotalSeconds:0} writes/s; " +
            $"Enqueue until stored {Percentiles(enqueue)}; RemoveHead until deleted {Percentiles(remove)}");

        var two = new[] { store.For(new ChargerId("SE-MICRO-1")), store.For(new ChargerId("SE-MICRO-2")) };
        var both = new List<double>[] { new(messages), new(messages) };
        watch.Restart();
        Parallel.For(0, 2, k =>
        {
            for (var i = 0; i < messages; i++)
            {
                var t = Stopwatch.GetTimestamp();
                two[k].Enqueue(Reading(i));
                two[k].WaitWritten(TimeSpan.FromSeconds(30));
                two[k].RemoveHead();
                two[k].WaitWritten(TimeSpan.FromSeconds(30));
                both[k].Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        });
        Console.WriteLine($"two threads, two charge points: {4 * messages / watch.Elapsed.TotalSeconds:0} writes/s; Enqueue+RemoveHead {Percentiles(both[0].Concat(both[1]).ToList())}");
    }

    private static async Task Sessions(string file, int count, int meterSeconds, int holdSeconds)
    {
        await using var cs = await CentralSystemProcess.StartAsync(Password, heartbeatSeconds: 300);
        var system = ActorSystem.Create("ocpp-store", "akka.loglevel = WARNING");
        using var store = ChargePointStore.Sqlite(file);
        var me = Process.GetCurrentProcess();
        try
        {
            Console.WriteLine($"{count} charge points charging, MeterValues every {meterSeconds} s, SQLite store; load {Load()}");
            var config = ChargePointConfiguration.Default(heartbeatSeconds: 300, meterSampleSeconds: meterSeconds);
            var chargePoints = new List<IActorRef>(count);
            for (var i = 0; i < count; i++)
            {
                var id = new ChargerId($"SE-{i:D5}");
                var link = new WebSocketLink(new OcppConnectionSettings(new Uri($"ws://127.0.0.1:{cs.Port}/ocpp"), id.Value, Password,
                    Backoff: new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), ConnectTimeout: TimeSpan.FromSeconds(60)));
                var memory = store.For(id);
                chargePoints.Add(system.ActorOf(ChargePointActor.Props(new ChargePointSettings(id, Supply: new ElectricalSupply(240m, 1, 30m),
                    CallTimeout: TimeSpan.FromSeconds(60), Configuration: config), new ChargingConnector(),
                    link, memory, memory), $"cp-{i}"));
            }
            var watch = Stopwatch.StartNew();
            await Until(chargePoints, s => s.Registration == Registration.Accepted, "booted", watch);
            foreach (var cp in chargePoints) cp.Tell(new ChargePointProtocol.LocalStartRequested("TAG-OK"));
            await Until(chargePoints, s => s.TransactionId > 0, "in a transaction", watch);
            Console.WriteLine($"all {count} in a transaction after {watch.Elapsed.TotalSeconds:0.0} s");

            var meter0 = (await cs.RecordAsync()).Of("MeterValues").Count();
            var figures0 = store.Figures;
            var cpu0 = me.TotalProcessorTime;
            var hold = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(holdSeconds));
            var held = hold.Elapsed;
            var cpu = me.TotalProcessorTime - cpu0;
            var figures = store.Figures;
            var record = await cs.RecordAsync();
            var meter = record.Of("MeterValues").Count() - meter0;
            var states = await Task.WhenAll(chargePoints.Select(cp => cp.Ask<ChargePointProtocol.ChargePointState>(ChargePointProtocol.GetState.Instance, TimeSpan.FromSeconds(30))));
            var roundTrips = figures.RoundTrips - figures0.RoundTrips;
            var changes = figures.Changes - figures0.Changes;
            var busy = figures.Busy - figures0.Busy;
            var blocked = figures.Blocked - figures0.Blocked;
            Console.WriteLine($"over {held.TotalSeconds:0.0} s: {meter / held.TotalSeconds:0} MeterValues/s received (due {count / (double)meterSeconds:0}/s); " +
                $"store {changes / held.TotalSeconds:0} changes/s in {roundTrips / held.TotalSeconds:0} commits/s, busy {busy.TotalSeconds / held.TotalSeconds:P1} of the time " +
                $"({busy.TotalMilliseconds / Math.Max(1, roundTrips):0.00} ms each), threads held in it {blocked.TotalSeconds / held.TotalSeconds:0.00} thread-seconds per second");
            Console.WriteLine($"queued at the end: {states.Sum(s => s.QueuedTransactionMessages)} transaction messages (max {states.Max(s => s.QueuedTransactionMessages)} on one); " +
                $"{record.Failures.Count} strict-mode failures; CPU {cpu / held:0.00} cores; load {Load()}");
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static async Task Until(List<IActorRef> chargePoints, Func<ChargePointProtocol.ChargePointState, bool> done, string what, Stopwatch watch)
    {
        while (watch.Elapsed < TimeSpan.FromMinutes(5))
        {
            var states = await Task.WhenAll(chargePoints.Select(cp => cp.Ask<ChargePointProtocol.ChargePointState>(ChargePointProtocol.GetState.Instance, TimeSpan.FromSeconds(30))));
            if (states.All(done)) return;
            Console.WriteLine($"  {watch.Elapsed.TotalSeconds,6:0.0} s: {states.Count(done)} {what}");
            await Task.Delay(1000);
        }
        throw new TimeoutException($"not all {chargePoints.Count} charge points {what} within 5 min");
    }

    private static string Percentiles(List<double> ms)
    {
        ms.Sort();
        return $"p50 {ms[ms.Count / 2]:0.00} ms, p99 {ms[(int)(ms.Count * 0.99)]:0.00} ms, max {ms[^1]:0.00} ms, mean {ms.Average():0.00} ms";
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    /// <summary>A vehicle plugged in and drawing 16 A at 240 V: the register rises with the wall clock.</summary>
    private sealed class ChargingConnector : IConnectorPort
    {
        private readonly DateTimeOffset _since = DateTimeOffset.UtcNow;

        public ConnectorSnapshot Read()
        {
            var now = DateTimeOffset.UtcNow;
            var wh = (long)((now - _since).TotalHours * 3840);
            return new ConnectorSnapshot(VehicleConnection.RequestingEnergy, ConnectorFault.None, true, new MeterSnapshot(now, 10_000 + wh, 3840, 16, 30, 240, 60, 0.99m, 50));
        }

        public bool StartCharging(string idTag) => true;
        public void StopCharging(StopTransactionReason reason) { }
        public void ApplyCurrentLimit(decimal amps) { }
        public UnlockStatus Unlock() => UnlockStatus.NotSupported;
        public bool SetAvailability(bool operative) => true;
        public bool Reset(ResetType type) => true;
    }
}
