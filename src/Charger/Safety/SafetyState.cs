using System.Collections.Immutable;

namespace SmartElek.Charger.Safety;

public enum FaultEntryType { Raised, Retried, Latched, Cleared }

/// <summary>One line of the fault log: every fault is recorded with its time.</summary>
public sealed record FaultLogEntry(TimeSpan At, FaultKind Kind, FaultEntryType Type, string Detail);

/// <param name="RetryAt">When an automatic retry clears it; null when it waits for unplug, SET or its condition.</param>
/// <param name="Latched">True when its retries are used up: only unplug clears it.</param>
public sealed record ActiveFault(FaultKind Kind, TimeSpan Since, string Detail, TimeSpan? RetryAt, bool Latched)
{
    public FaultRule Rule => FaultRules.For(Kind);
}

/// <summary>
/// The charger's faults: which are active, how and when each clears, retry and trip counts, and
/// the log. Pure: every change returns a new state.
/// </summary>
public sealed record SafetyState(
    ImmutableDictionary<FaultKind, ActiveFault> Active,
    ImmutableDictionary<FaultKind, int> RetriesUsed,
    ImmutableDictionary<FaultKind, int> Trips,
    ImmutableList<FaultLogEntry> Log)
{
    /// <summary>The log keeps this many entries; older ones drop off.</summary>
    public const int LogCapacity = 500;

    public static readonly SafetyState Initial = new(
        ImmutableDictionary<FaultKind, ActiveFault>.Empty,
        ImmutableDictionary<FaultKind, int>.Empty,
        ImmutableDictionary<FaultKind, int>.Empty,
        ImmutableList<FaultLogEntry>.Empty);

    public bool Faulted => !Active.IsEmpty;

    public int TripCount(FaultKind kind) => Trips.GetValueOrDefault(kind);

    public int RetryCount(FaultKind kind) => RetriesUsed.GetValueOrDefault(kind);

    public TimeSpan? NextRetryAt => Active.Values.Where(f => f.RetryAt.HasValue).Select(f => f.RetryAt).Min();

    /// <summary>Records a fault. Raising one that is already active changes nothing.</summary>
    public SafetyState Raise(FaultKind kind, TimeSpan at, string detail)
    {
        if (Active.ContainsKey(kind))
            return this;
        var rule = FaultRules.For(kind);
        var trips = Trips.SetItem(kind, TripCount(kind) + 1);
        if (rule.Clearing != FaultClearing.AutoRetry)
            return this with
            {
                Active = Active.Add(kind, new ActiveFault(kind, at, detail, null, false)),
                Trips = trips,
                Log = Append(new FaultLogEntry(at, kind, FaultEntryType.Raised, detail)),
            };
        var used = RetryCount(kind);
        if (used < rule.MaxRetries)
            return this with
            {
                Active = Active.Add(kind, new ActiveFault(kind, at, detail, at + rule.RetryAfter, false)),
                Trips = trips,
                Log = Append(new FaultLogEntry(at, kind, FaultEntryType.Raised, $"{detail}; retry {used + 1} of {rule.MaxRetries} in {rule.RetryAfter}")),
            };
        return this with
        {
            Active = Active.Add(kind, new ActiveFault(kind, at, detail, null, true)),
            Trips = trips,
            Log = Append(new FaultLogEntry(at, kind, FaultEntryType.Latched, $"{detail}; {rule.MaxRetries} retries used, latched until unplug")),
        };
    }

    /// <summary>Clears the faults whose retry time has come; each counts one retry.</summary>
    public SafetyState Tick(TimeSpan now)
    {
        var due = Active.Values.Where(f => f.RetryAt is { } t && t <= now).ToList();
        if (due.Count == 0)
            return this;
        var state = this;
        foreach (var fault in due)
            state = state with
            {
                Active = state.Active.Remove(fault.Kind),
                RetriesUsed = state.RetriesUsed.SetItem(fault.Kind, state.RetryCount(fault.Kind) + 1),
                Log = state.Append(new FaultLogEntry(now, fault.Kind, FaultEntryType.Retried, "automatic retry")),
            };
        return state;
    }

    /// <summary>The vehicle left: clears every fault but those that need the SET button, and resets retry counts.</summary>
    public SafetyState Unplugged(TimeSpan at) =>
        ClearWhere(f => f.Rule.Clearing is FaultClearing.OnUnplug or FaultClearing.AutoRetry, at, "unplugged")
            with { RetriesUsed = ImmutableDictionary<FaultKind, int>.Empty };

    public SafetyState SetButtonPressed(TimeSpan at) =>
        ClearWhere(f => f.Rule.Clearing == FaultClearing.WithSetButton, at, "SET button");

    /// <summary>The condition of a <see cref="FaultClearing.WhenConditionClears"/> fault is gone.</summary>
    public SafetyState ConditionCleared(FaultKind kind, TimeSpan at) =>
        ClearWhere(f => f.Kind == kind && f.Rule.Clearing == FaultClearing.WhenConditionClears, at, "condition cleared");

    private SafetyState ClearWhere(Func<ActiveFault, bool> clears, TimeSpan at, string why)
    {
        var cleared = Active.Values.Where(clears).ToList();
        if (cleared.Count == 0)
            return this;
        var state = this;
        foreach (var fault in cleared)
            state = state with
            {
                Active = state.Active.Remove(fault.Kind),
                Log = state.Append(new FaultLogEntry(at, fault.Kind, FaultEntryType.Cleared, why)),
            };
        return state;
    }

    private ImmutableList<FaultLogEntry> Append(FaultLogEntry entry)
    {
        var log = Log.Add(entry);
        return log.Count > LogCapacity ? log.RemoveRange(0, log.Count - LogCapacity) : log;
    }
}
