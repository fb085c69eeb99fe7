using SmartElek.Actors.Persistence;

namespace SmartElek.Actors.Charger;

/// <summary>
/// How a charger unit journals its sessions, energy register, settings and faults
/// (<see cref="ChargerUnitOptions.Journal"/>; null there means not persistent).
/// </summary>
public sealed record ChargerJournalSettings
{
    /// <summary>
    /// While a vehicle is plugged in, the energy register is made durable at most this often (and only
    /// when it moved). The worst case of unrecorded energy after a crash or power loss is one interval
    /// of charging: 10 s at 7.2 kW is 20 Wh.
    /// </summary>
    public TimeSpan DurableReadingInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How the journal rides out a database outage, and how much it holds meanwhile.</summary>
    public PersistenceGuardSettings Guard { get; init; } = new();

    /// <summary>
    /// A snapshot is saved every this many events and when a session ends, so recovery reads one
    /// snapshot and fewer than this many events (none for a unit that was idle). Since the recovery
    /// reads are plain queries (SqlJournal, SqlSnapshots) the tail is what a cut recovery pays for:
    /// 1,000 units cut mid-session took 3.1-4.1 s CPU with a 10-event tail against 4.8-4.9 s with a
    /// 70-event one (2026-11-25, fresh processes, load 8). The price is one snapshot write (and the
    /// delete of the one before) per 20 events: at one durable reading per 10 s, one per 200 s of
    /// charging, 5 a second for 1,000 chargers charging at once.
    /// </summary>
    public int SnapshotEvery { get; init; } = 20;

    /// <summary>
    /// A power cycle (<see cref="ChargerProtocol.PowerCycle"/>) waits at most this long, relays open,
    /// for the journal to have stored everything before the unit restarts. Past it (the database is
    /// down), what the journal still holds is lost with the power, as in a real power cut, and logged.
    /// </summary>
    public TimeSpan PowerCycleFlushWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The snapshot after a session closed at power-up (cut by a power loss) is taken between this and
    /// twice this later, not at once: after a site-wide outage every charger's recovery and close would
    /// otherwise wait behind a thousand snapshot writes. Until then a restart replays that session's tail.
    /// </summary>
    public TimeSpan SnapshotAfterPowerUpClose { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// At power-up the unit waits at most this long, relays open, for its journal to recover. Past it
    /// (the database is down) it charges provisionally: the register counts from 0 Wh at this power-up,
    /// sessions follow the settings the unit was started with, and what it records is held by the guard
    /// and moved onto the recovered register once the journal is back (<see cref="ChargerJournalProtocol.RecordProvisional"/>).
    /// Null: the unit waits for its journal however long it takes (an OCPP charge point above it reports
    /// the register as meterStart/meterStop, and a register that jumps by the recovered value mid-transaction
    /// would bill that jump).
    /// </summary>
    public TimeSpan? RecoveryWait { get; init; } = TimeSpan.FromSeconds(5);

    public ChargerJournalSettings Validate()
    {
        if (RecoveryWait is { } wait && wait <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RecoveryWait), RecoveryWait, "The recovery wait must be positive.");
        if (DurableReadingInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(DurableReadingInterval), DurableReadingInterval, "The durable reading interval must be positive.");
        if (SnapshotAfterPowerUpClose < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(SnapshotAfterPowerUpClose), SnapshotAfterPowerUpClose, "The delay of the snapshot after a power-up close cannot be negative.");
        if (SnapshotEvery < 1)
            throw new ArgumentOutOfRangeException(nameof(SnapshotEvery), SnapshotEvery, "Snapshots are taken every 1 event or more.");
        if (PowerCycleFlushWait < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(PowerCycleFlushWait), PowerCycleFlushWait, "The power cycle's flush wait cannot be negative.");
        Guard.Validate();
        return this;
    }
}
