using Akka.Actor;
using Akka.Event;
using Npgsql;
using SmartElek.Actors.Persistence;

namespace SmartElek.Host.Storage;

/// <summary>What one attempt to reach the database found.</summary>
public enum StorageReach
{
    /// <summary>The database answered.</summary>
    Answers,
    /// <summary>No answer (server down, refused connection, timeout): worth waiting for.</summary>
    Unreachable,
    /// <summary>The server answered and refuses this site (no such database, bad credentials): a configuration error.</summary>
    Refused,
}

/// <param name="Where">host:port/database, never the connection string (it may hold a password).</param>
public sealed record StorageProbeResult(StorageReach Reach, string Where, string Reason);

/// <summary>
/// One short connection attempt to the configured PostgreSQL database, told apart the way an operator
/// acts on it: unreachable (wait; what the chargers do meanwhile: <see cref="HostStorage.UnreachableAtStart"/>)
/// or refused (a configuration error to fix). SQLite always answers: it is a file created at start.
/// </summary>
public static class StorageProbe
{
    /// <summary>How long one attempt may take.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    // The server's answers that no amount of waiting changes: no such database, bad password or user,
    // no permission to connect. Anything else (socket errors, timeouts, "the database system is
    // starting up" 57P03, too many connections 53300) passes with time.
    private static readonly HashSet<string> RefusingStates = ["3D000", "28P01", "28000", "42501"];

    public static async Task<StorageProbeResult> ProbeAsync(PersistenceOptions options, Func<string, string?>? environment = null, CancellationToken cancel = default)
    {
        if (options.Provider != PersistenceProvider.PostgreSql)
            return new StorageProbeResult(StorageReach.Answers, options.SqliteFilePath, "");
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString(environment))
        {
            Pooling = false,
            Timeout = (int)AttemptTimeout.TotalSeconds,
        };
        var where = Where(builder);
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancel);
            return new StorageProbeResult(StorageReach.Answers, where, "");
        }
        catch (PostgresException e) when (RefusingStates.Contains(e.SqlState))
        {
            return new StorageProbeResult(StorageReach.Refused, where, e.MessageText);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return new StorageProbeResult(StorageReach.Unreachable, where, DatabaseFailure.Innermost(e).Message);
        }
    }

    /// <summary>host:port/database of a PostgreSQL connection string: what an operator may be shown.</summary>
    public static string Where(NpgsqlConnectionStringBuilder builder) => $"{builder.Host}:{builder.Port}/{builder.Database}";

}

/// <summary>
/// Watches the PostgreSQL database while the site runs and tells the operator when it stops and starts
/// answering (and, while it is down, once a minute that it still is): the persistence plugins' own
/// errors are stack traces, this is the line to act on. It changes nothing: the chargers' journals
/// retry by themselves (see PersistenceGuard), this only reports.
/// </summary>
public sealed class StorageWatch : ReceiveActor, IWithTimers
{
    private sealed record Probe
    {
        public static readonly Probe Instance = new();
        private Probe() { }
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PersistenceOptions _options;
    private readonly TimeSpan _every;
    private readonly TimeSpan _remindEvery;
    private StorageReach _last;
    private DateTime _downSince;
    private DateTime _remindedAt;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="assumed">What the start-up check found (so only a change is told again).</param>
    public static Props Props(PersistenceOptions options, StorageReach assumed, TimeSpan? every = null) =>
        Akka.Actor.Props.Create(() => new StorageWatch(options, assumed, every ?? TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60)));

    public StorageWatch(PersistenceOptions options, StorageReach assumed, TimeSpan every, TimeSpan remindEvery)
    {
        _options = options;
        _every = every;
        _remindEvery = remindEvery;
        _last = assumed;
        _downSince = _remindedAt = DateTime.UtcNow;
        ReceiveAsync<Probe>(async _ =>
        {
            var result = await StorageProbe.ProbeAsync(_options);
            Seen(result);
            Timers.StartSingleTimer("probe", Probe.Instance, _every);
        });
    }

    protected override void PreStart() => Timers.StartSingleTimer("probe", Probe.Instance, _every);

    private void Seen(StorageProbeResult result)
    {
        var now = DateTime.UtcNow;
        if (result.Reach == StorageReach.Answers)
        {
            if (_last != StorageReach.Answers)
                _log.Info("Storage: PostgreSQL at {0} answers again after {1:0} s; the chargers' journals catch up by themselves",
                    result.Where, (now - _downSince).TotalSeconds);
        }
        else if (_last == StorageReach.Answers)
        {
            _downSince = _remindedAt = now;
            _log.Warning("Storage: PostgreSQL at {0} does not answer ({1}); the chargers keep charging and hold their events in memory until it does",
                result.Where, result.Reason);
        }
        else if (now - _remindedAt >= _remindEvery)
        {
            _remindedAt = now;
            _log.Warning("Storage: PostgreSQL at {0} still does not answer after {1:0} s ({2})", result.Where, (now - _downSince).TotalSeconds, result.Reason);
        }
        _last = result.Reach;
    }
}
