using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SmartElek.Actors.ReadSide;
using SmartElek.Actors.SiteView;
using SmartElek.Operator.Users;

namespace SmartElek.Operator.Rules;

/// <summary>Who is told the chargers' drivers (the site's rules keeper).</summary>
public interface IDriversListener
{
    Task SetDriversAsync(IReadOnlyList<ChargerDriver> drivers, CancellationToken cancel);
}

/// <summary>
/// Tells the site's rules keeper whose session each charger's is (<see cref="ChargerDrivers"/>), so
/// that a driver's budget and group (tariff, timers) follow the driver: at start, at once when users,
/// groups or assignments change or a charger's session changes, and every <see cref="Every"/> (a
/// keeper that moved to another node, or one that did not answer, hears it again).
/// </summary>
public sealed class SiteDrivers(UserStore users, ReadStore reads, SiteViewStore view, IEnumerable<IDriversListener> listeners, TimeProvider clock,
    ILogger<SiteDrivers> log)
    : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(30);

    /// <summary>After a failed attempt (the keeper not up yet, the database not answering).</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    // Sessions plugged in longer ago than this are not looked for (a vehicle left a week is no one's session to plan).
    private static readonly int SessionDays = 7;

    private readonly SemaphoreSlim _wake = new(0, 1);
    private string _sessions = "";

    /// <summary>The last list made (charger order).</summary>
    public IReadOnlyList<ChargerDriver> Current { get; private set; } = [];

    /// <summary>Users, groups or assignments changed: tell the keeper soon.</summary>
    public void Changed()
    {
        try { _wake.Release(); }
        catch (SemaphoreFullException) { /* already due */ }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        view.Changed += OnViewChanged;
        try
        {
            DateTimeOffset? failingSince = null;
            var warned = false;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    Current = await MakeAsync(stoppingToken);
                    foreach (var listener in listeners) await listener.SetDriversAsync(Current, stoppingToken);
                    if (warned) log.LogInformation("Drivers of the chargers sent to the site's rules again");
                    (failingSince, warned) = (null, false);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException or Akka.Actor.AskTimeoutException)
                {
                    // At start the keeper (a singleton) is not up for some seconds: that is no news. Said once, when it lasts.
                    var now = clock.GetUtcNow();
                    failingSince ??= now;
                    if (!warned && now - failingSince >= Every)
                    {
                        log.LogWarning("Drivers of the chargers not sent to the site's rules for {Seconds} s ({Reason}); trying again every {Retry} s",
                            (int)(now - failingSince.Value).TotalSeconds, e.Message, RetryAfter.TotalSeconds);
                        warned = true;
                    }
                    else
                    {
                        log.LogDebug("Drivers of the chargers not sent to the site's rules yet ({Reason})", e.Message);
                    }
                }
                try { await _wake.WaitAsync(failingSince is not null ? RetryAfter : Every, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
        finally
        {
            view.Changed -= OnViewChanged;
        }
    }

    private async Task<IReadOnlyList<ChargerDriver>> MakeAsync(CancellationToken cancel)
    {
        var all = await users.ListUsersAsync(cancel);
        var assignments = await users.AllAssignmentsAsync(cancel);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var running = new Dictionary<string, string?>(StringComparer.Ordinal);
        var current = view.Current.Chargers;
        foreach (var s in await reads.SessionsAsync(new ReadPeriod(today.AddDays(-SessionDays), today.AddDays(1)), null, cancel))
            // The session the charger runs now, as its live state names it.
            if (current.TryGetValue(s.Charger, out var row) && row.Last.SessionId == s.SessionId && s.PluggedOutAt is null)
                running[s.Charger.Value] = s.AuthorisedBy;
        return ChargerDrivers.Of(all, assignments, running);
    }

    // A charger's session started or ended: the driver may have changed.
    private void OnViewChanged(SmartElek.Site.View.SiteView current)
    {
        var key = string.Join('|', current.Chargers.OrderBy(c => c.Key.Value, StringComparer.Ordinal).Select(c => c.Value.Last.SessionId));
        if (key == Volatile.Read(ref _sessions)) return;
        Volatile.Write(ref _sessions, key);
        Changed();
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
