using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using SmartElek.Actors.Persistence;

[assembly: SmartElek.WireJsonContext(typeof(SmartElek.Actors.Tests.Persistence.PersistenceTestWireJson))]

namespace SmartElek.Actors.Tests.Persistence;

/// <summary>The test ledger's event: an amount credited to one charger's ledger.</summary>
[WireName("test.ledger.credited.v1")]
public sealed record LedgerCredited(ChargerId Charger, long Amount, DateTimeOffset At) : IWireMessage;

/// <summary>The test ledger's snapshot.</summary>
[WireName("test.ledger.snapshot.v1")]
public sealed record LedgerSnapshot(long Total, int Entries) : IWireMessage;

[JsonSerializable(typeof(LedgerCredited))]
[JsonSerializable(typeof(LedgerSnapshot))]
internal sealed partial class PersistenceTestWireJson : JsonSerializerContext;

public sealed record LedgerState(long Total, int Entries)
{
    public static readonly LedgerState Empty = new(0, 0);

    public LedgerState Apply(LedgerCredited e) => new(Total + e.Amount, Entries + 1);

    public static LedgerState From(LedgerSnapshot s) => new(s.Total, s.Entries);

    public LedgerSnapshot ToSnapshot() => new(Total, Entries);
}

public static class TestLedgerProtocol
{
    public sealed record Credit(long Amount, string? Tag = null);

    public sealed record Credited(long Total);

    public sealed record GetTotal
    {
        public static readonly GetTotal Instance = new();
        private GetTotal() { }
    }

    public sealed record Total(long Value, int Entries);

    public sealed record TakeSnapshot
    {
        public static readonly TakeSnapshot Instance = new();
        private TakeSnapshot() { }
    }

    public sealed record SnapshotTaken(long SequenceNr);
}

/// <summary>A small persistent actor that proves the journal, snapshots and tags work.</summary>
public sealed class TestLedger : ReceivePersistentActor
{
    private readonly ChargerId charger;
    private LedgerState state = LedgerState.Empty;
    private IActorRef? snapshotRequester;

    public override string PersistenceId => "ledger-" + charger.Value;

    public static Props Props(ChargerId charger) => Akka.Actor.Props.Create(() => new TestLedger(charger));

    public TestLedger(ChargerId charger)
    {
        this.charger = charger;
        Recover<SnapshotOffer>(o => state = LedgerState.From((LedgerSnapshot)o.Snapshot));
        Recover<LedgerCredited>(e => state = state.Apply(e));
        Command<TestLedgerProtocol.Credit>(c =>
        {
            var credited = new LedgerCredited(charger, c.Amount, DateTimeOffset.UtcNow);
            object stored = c.Tag is null ? credited : new Tagged(credited, [c.Tag]);
            Persist(stored, _ =>
            {
                state = state.Apply(credited);
                Sender.Tell(new TestLedgerProtocol.Credited(state.Total));
            });
        });
        Command<TestLedgerProtocol.GetTotal>(_ => Sender.Tell(new TestLedgerProtocol.Total(state.Total, state.Entries)));
        Command<TestLedgerProtocol.TakeSnapshot>(_ =>
        {
            snapshotRequester = Sender;
            SaveSnapshot(state.ToSnapshot());
        });
        Command<SaveSnapshotSuccess>(s => snapshotRequester?.Tell(new TestLedgerProtocol.SnapshotTaken(s.Metadata.SequenceNr)));
        Command<SaveSnapshotFailure>(f => snapshotRequester?.Tell(new Status.Failure(f.Cause)));
    }
}

/// <summary>The same ledger behind a <see cref="PersistenceGuard"/>, for the outage test.</summary>
public sealed class GuardedTestLedger : GuardedPersistentActor
{
    private readonly ChargerId charger;
    private LedgerState state = LedgerState.Empty;

    public override string PersistenceId => "guarded-ledger-" + charger.Value;

    public static Props Props(ChargerId charger, IActorRef guard) =>
        Akka.Actor.Props.Create(() => new GuardedTestLedger(charger, guard));

    public GuardedTestLedger(ChargerId charger, IActorRef guard) : base(guard)
    {
        this.charger = charger;
        Recover<LedgerCredited>(e => state = state.Apply(e));
    }

    protected override void HandleCommand(object command)
    {
        switch (command)
        {
            case TestLedgerProtocol.Credit c:
                PersistGuarded([new LedgerCredited(charger, c.Amount, DateTimeOffset.UtcNow)], e =>
                {
                    state = state.Apply(e);
                    Sender.Tell(new TestLedgerProtocol.Credited(state.Total));
                });
                break;
            case TestLedgerProtocol.GetTotal:
                Sender.Tell(new TestLedgerProtocol.Total(state.Total, state.Entries));
                break;
            default:
                Unhandled(command);
                break;
        }
    }
}
