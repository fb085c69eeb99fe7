using SmartElek.Actors.Charger;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Sessions;

namespace SmartElek.Actors.ReadSide;

/// <summary>What the read side learns from one journalled event.</summary>
public abstract record ReadSideFact(ChargerId Charger);

public sealed record SessionFact(ChargerId Charger, ISessionEvent Event) : ReadSideFact(Charger);

/// <summary>A durable value of the charger's energy register, taken during <paramref name="SessionId"/> (null: between sessions).</summary>
public sealed record EnergyReadingFact(ChargerId Charger, DateTimeOffset At, double RegisterWh, string? SessionId = null) : ReadSideFact(Charger);

/// <summary>The register was zeroed (factory restore).</summary>
public sealed record RegisterResetFact(ChargerId Charger, DateTimeOffset At) : ReadSideFact(Charger);

/// <summary>An event at its journal offset; <see cref="Fact"/> is null for an event the read side does not use.</summary>
public sealed record JournalledFact(long Offset, ReadSideFact? Fact);

/// <summary>One projection: the events of one tag into their tables, with its own stored offset.</summary>
public sealed record ReadSideProjection(string Name, string Tag)
{
    public static readonly ReadSideProjection Sessions = new("sessions", ChargerJournal.SessionTag);
    // "energy-slices": quarter hours since 2026-11-24 (the older "energy" projection kept UTC days in
    // read_energy_days); a new name starts at offset 0, so an existing database is rebuilt from its journal.
    public static readonly ReadSideProjection Energy = new("energy-slices", ChargerJournal.EnergyTag);
    public static readonly IReadOnlyList<ReadSideProjection> All = [Sessions, Energy];
}

public static class ReadSideFacts
{
    /// <summary>The persistence id prefix of a charger's journal: <c>charger-{id}</c>.</summary>
    public const string ChargerPrefix = "charger-";

    /// <summary>The fact in a journalled event, or null for one the read side does not use.</summary>
    public static ReadSideFact? Of(string persistenceId, object evt) => evt switch
    {
        ISessionEvent e when ChargerOf(persistenceId) is { } charger => new SessionFact(charger, e),
        ChargerJournalEvents.EnergyRecorded r => new EnergyReadingFact(r.Charger, r.At, r.RegisterWh, r.SessionId),
        ChargerJournalEvents.RegisterReset z => new RegisterResetFact(z.Charger, z.At),
        _ => null,
    };

    /// <summary>The charger of <c>charger-{id}</c>; null for another actor's journal.</summary>
    public static ChargerId? ChargerOf(string persistenceId) =>
        persistenceId.StartsWith(ChargerPrefix, StringComparison.Ordinal) && persistenceId.Length > ChargerPrefix.Length
            ? new ChargerId(persistenceId[ChargerPrefix.Length..])
            : null;
}
