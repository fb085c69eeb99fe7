using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using SmartElek.Actors.Persistence;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Sessions;

namespace SmartElek.Actors.Charger;

public static class ChargerJournalProtocol
{
    /// <summary>
    /// Unit to journal, first: close what the power loss cut, then answer <see cref="Recovered"/>.
    /// Until that answer the unit keeps its relays open.
    /// </summary>
    public sealed record PowerUp(DateTimeOffset At);

    /// <param name="State">The journal after the power-loss close; its <see cref="ChargerJournalState.DurableRegisterWh"/>
    /// is the register R that a unit charging provisionally moves its own register by.</param>
    /// <param name="ClosedAtPowerUp">The events that closed a session cut by the power loss (empty when none was open).</param>
    public sealed record Recovered(ChargerJournalState State, IReadOnlyList<ISessionEvent> ClosedAtPowerUp);

    /// <summary>Unit to journal: events decided by the unit, to be made durable in this order. No answer.</summary>
    public sealed record Record(IReadOnlyList<IWireMessage> Events);

    /// <summary>
    /// Unit to journal: events recorded while the unit charged provisionally (its journal had not
    /// answered <see cref="PowerUp"/> in time), their register values counted from 0 Wh at power-up.
    /// Held behind the PowerUp; written after it, moved onto the recovered register by
    /// <see cref="ProvisionalRebase"/> (not after a register reset). No answer.
    /// </summary>
    public sealed record RecordProvisional(IReadOnlyList<IWireMessage> Events);

    /// <summary>Answered with the journal's <see cref="ChargerJournalState"/> (what is durable so far).</summary>
    public sealed record GetState
    {
        public static readonly GetState Instance = new();
        private GetState() { }
    }
}

/// <summary>
/// One charger's journal: a persistent actor (persistenceId <c>charger-{id}</c>) behind a
/// <see cref="PersistenceGuard"/>, so that the unit never waits for the database and a database
/// outage loses nothing the guard can hold. Session events are tagged <c>session</c>, energy readings
/// and register resets <c>energy</c>, settings <c>settings</c>, faults <c>fault</c>. It only stores
/// and folds (<see cref="ChargerJournalState.Apply"/>); the unit decides. A snapshot every
/// <see cref="ChargerJournalSettings.SnapshotEvery"/> events and at the end of each session bounds
/// recovery: an idle unit recovers from its snapshot alone, one cut mid-session replays a short tail.
/// The snapshot after a power-up close comes later (<see cref="ChargerJournalSettings.SnapshotAfterPowerUpClose"/>).
/// </summary>
public sealed class ChargerJournal : GuardedPersistentActor, IWithTimers
{
    public const string SessionTag = "session";
    public const string EnergyTag = "energy";
    public const string SettingsTag = "settings";
    public const string FaultTag = "fault";

    private readonly ChargerId _charger;
    private readonly ChargerJournalSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ChargerJournalState _state = ChargerJournalState.Empty;
    private long _snapshotAt;

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Timer: the snapshot deferred after a power-up close is due.</summary>
    private sealed record SnapshotDue
    {
        public static readonly SnapshotDue Instance = new();
        private SnapshotDue() { }
    }

    /// <summary>
    /// The offset for provisional events: the register recovered at power-up, 0 once a reset is stored.
    /// Held in the Props, like the meter's register, so that it survives a restart of the journal
    /// (the database failing again) within the same power-up; null until the PowerUp is handled.
    /// </summary>
    public sealed class ProvisionalOffset
    {
        public double? Wh { get; internal set; }
    }

    private readonly ProvisionalOffset _provisional;

    public static string PersistenceIdOf(ChargerId charger) => "charger-" + charger.Value;

    public static Props Props(ChargerId charger, IActorRef guard, ChargerJournalSettings settings) =>
        Props(charger, guard, settings, new ProvisionalOffset());

    // Arguments, not an expression (see PersistenceGuard.Props): no dynamic method per charger.
    private static Props Props(ChargerId charger, IActorRef guard, ChargerJournalSettings settings, ProvisionalOffset provisional) =>
        Akka.Actor.Props.Create<ChargerJournal>(charger, guard, settings, provisional);

    /// <summary>The guard with this journal inside (child <c>journal</c>); tell it the protocol's commands.</summary>
    public static Props GuardProps(ChargerId charger, ChargerJournalSettings settings)
    {
        var valid = settings.Validate();
        var provisional = new ProvisionalOffset();
        return PersistenceGuard.Props(g => Props(charger, g, valid, provisional), "journal", valid.Guard);
    }

    public ChargerJournal(ChargerId charger, IActorRef guard, ChargerJournalSettings settings, ProvisionalOffset provisional) : base(guard)
    {
        _charger = charger;
        _provisional = provisional;
        _settings = settings;
        PersistenceId = PersistenceIdOf(charger);
        Recover<SnapshotOffer>(o =>
        {
            _state = ChargerJournalState.From((ChargerJournalEvents.Snapshot)o.Snapshot);
            _snapshotAt = o.Metadata.SequenceNr;
        });
        Recover<IWireMessage>(e =>
        {
            // A stranger in the journal is skipped, not thrown: a throw here would fail every recovery,
            // and the unit, which waits for recovery before it charges, would never charge again.
            if (TagOf(e) is null)
                _log.Error("Charger {0}: skipped a {1} in the journal at {2}; a charger journal holds no such event", _charger, e.GetType().Name, LastSequenceNr);
            else
                _state = _state.Apply(e);
        });
        Command<SnapshotDue>(_ => SaveSnapshotIfBehind());
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning("Charger {0}: snapshot at {1} not saved ({2}); recovery replays more events", _charger, f.Metadata.SequenceNr, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("Charger {0}: old snapshots not deleted: {1}", _charger, f.Cause.Message));
    }

    protected override void HandleCommand(object command)
    {
        switch (command)
        {
            case ChargerJournalProtocol.PowerUp:
                PowerUp();
                break;
            case ChargerJournalProtocol.Record r when r.Events.FirstOrDefault(e => TagOf(e) is null) is { } stranger:
                // Thrown, it would come back after every restart: refused here, logged, lost on purpose.
                _log.Error("Charger {0}: a charger journal holds no {1}; {2} event(s) not recorded", _charger, stranger.GetType().Name, r.Events.Count);
                break;
            case ChargerJournalProtocol.Record r:
                Persist(r.Events, null);
                break;
            case ChargerJournalProtocol.RecordProvisional r when r.Events.FirstOrDefault(e => TagOf(e) is null) is { } stranger:
                _log.Error("Charger {0}: a charger journal holds no {1}; {2} provisional event(s) not recorded", _charger, stranger.GetType().Name, r.Events.Count);
                break;
            case ChargerJournalProtocol.RecordProvisional r:
                RecordProvisional(r.Events);
                break;
            case ChargerJournalProtocol.GetState:
                Sender.Tell(_state);
                break;
            default:
                Unhandled(command);
                break;
        }
    }

    private void RecordProvisional(IReadOnlyList<IWireMessage> events)
    {
        // The guard delivers in order and the unit tells PowerUp first, so the offset is known here.
        if (_provisional.Wh is not { } offset)
        {
            _log.Error("Charger {0}: provisional events before the power-up was handled; moved by the register now, {1:0.###} Wh", _charger, _state.DurableRegisterWh);
            offset = _state.DurableRegisterWh;
        }
        Persist(ProvisionalRebase.Rebase(events, offset), null);
    }

    private void PowerUp()
    {
        // The register after the close is the one a provisionally charging unit continues from.
        _provisional.Wh = _state.DurableRegisterWh;
        var close = _state.PowerLossClose();
        var replyTo = Sender;
        if (close.Count == 0)
        {
            replyTo.Tell(new ChargerJournalProtocol.Recovered(_state, close));
            return;
        }
        // A session stopped before a controlled shutdown only has its vehicle's plug-out to close (nobody
        // can say the vehicle is still there at power-up): that is no power loss to warn about.
        if (_state.Session.Phase == SessionPhase.Stopped)
            _log.Info("Charger {0}: session {1} had stopped before the controller went down; its vehicle is taken as unplugged at power-up",
                _charger, _state.Session.SessionId);
        else
            _log.Warning("Charger {0}: session {1} was cut by a power loss; closing it at the last durable reading, {2:0.###} Wh",
                _charger, _state.Session.SessionId, _state.DurableRegisterWh);
        Persist(close.Cast<IWireMessage>().ToList(), () =>
        {
            replyTo.Tell(new ChargerJournalProtocol.Recovered(_state, close));
            // The close ends a session, which would take a snapshot now. After a site-wide power cut
            // every charger closes at once, and a snapshot write each (plus the delete of the old one)
            // would queue on the database with the closes and the other chargers' recoveries: deferred,
            // spread over [1, 2] x the delay. It only shortens the next recovery; until it is taken
            // that recovery replays the closed session's tail, with the same result.
            var delay = _settings.SnapshotAfterPowerUpClose * (1 + Random.Shared.NextDouble());
            Timers.StartSingleTimer(nameof(SnapshotDue), SnapshotDue.Instance, delay);
        }, snapshotAtSessionEnd: false);
    }

    private void SaveSnapshotIfBehind()
    {
        if (LastSequenceNr <= _snapshotAt)
            return;
        _snapshotAt = LastSequenceNr;
        SaveSnapshot(_state.ToSnapshot());
    }

    private void Persist(IReadOnlyList<IWireMessage> events, Action? afterLast, bool snapshotAtSessionEnd = true)
    {
        var remaining = events.Count;
        PersistGuarded(events.Select(Tag).ToList(), tagged =>
        {
            _state = _state.Apply((IWireMessage)tagged.Payload);
            if (--remaining > 0)
                return;
            // Provisional events after a reset count from 0 for real: no longer moved. Set once the
            // reset is stored, so that a command delivered again after a failed write is moved as before.
            if (_provisional.Wh is { } offset)
                _provisional.Wh = ProvisionalRebase.OffsetAfter(events, offset);
            afterLast?.Invoke();
            // Also when a session ends: a unit restarted while idle (the usual case) then recovers from
            // the snapshot alone, with no events to replay.
            var sessionEnded = snapshotAtSessionEnd && events[^1] is SessionEvents.PluggedOut;
            if (LastSequenceNr - _snapshotAt >= _settings.SnapshotEvery || sessionEnded)
                SaveSnapshotIfBehind();
        });
    }

    private static Tagged Tag(IWireMessage e) => new(e, [TagOf(e)!]);

    /// <summary>The read side's tag of a journal event; null for what a charger journal does not hold.</summary>
    public static string? TagOf(IWireMessage e) => e switch
    {
        ISessionEvent => SessionTag,
        ChargerJournalEvents.EnergyRecorded or ChargerJournalEvents.RegisterReset => EnergyTag,
        ChargerJournalEvents.SettingsChanged => SettingsTag,
        ChargerJournalEvents.FaultRecorded => FaultTag,
        _ => null,
    };
}
