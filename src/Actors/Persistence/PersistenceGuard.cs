using Akka.Actor;
using Akka.Event;
using Akka.Pattern;

namespace SmartElek.Actors.Persistence;

/// <summary>Messages between a <see cref="PersistenceGuard"/>, its persistent actor and their callers.</summary>
public static class PersistenceGuardProtocol
{
    /// <summary>Guard to persistent actor: one caller's command, numbered by the guard.</summary>
    public sealed record Deliver(long DeliveryId, object Command);

    /// <summary>Persistent actor to guard: recovered, send me what is pending.</summary>
    public sealed record Ready
    {
        public static readonly Ready Instance = new();
        private Ready() { }
    }

    /// <summary>Persistent actor to guard: the events of this delivery are in the journal.</summary>
    public sealed record Stored(long DeliveryId);

    /// <summary>Persistent actor to guard: the journal refused the events (e.g. they cannot be serialized); retrying cannot help.</summary>
    public sealed record Refused(long DeliveryId, string Reason);

    /// <summary>
    /// Persistent actor to guard: a write or a recovery failed (the database is away, most likely) and
    /// the actor stops. The guard tells the operator once per outage, not at every back-off attempt.
    /// </summary>
    public sealed record Failed(string What, string Cause);

    /// <summary>Guard to caller: the in-memory buffer is full, this command was not taken.</summary>
    public sealed record Overflowed(object Command, int Capacity);

    public sealed record GetStatus
    {
        public static readonly GetStatus Instance = new();
        private GetStatus() { }
    }

    /// <summary>
    /// <paramref name="Pending"/> commands are held in memory (sent or waiting) until stored;
    /// <paramref name="Recoveries"/> counts how often the persistent actor came back after the first start;
    /// <paramref name="Failures"/> how often a write or a recovery failed.
    /// </summary>
    public sealed record Status(bool Ready, int Pending, long Stored, long Refused, long Overflowed, long Recoveries, long Failures);
}

/// <summary>How long to wait between attempts to restart the persistent actor, and how much to hold meanwhile.</summary>
public sealed record PersistenceGuardSettings
{
    /// <summary>At most this many commands are held in memory; more are answered <see cref="PersistenceGuardProtocol.Overflowed"/>.</summary>
    public int Capacity { get; init; } = 10_000;

    /// <summary>While failures go on with the same cause, the operator is reminded this often (each attempt is logged at debug level).</summary>
    public TimeSpan FailureReminder { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
    public double RandomFactor { get; init; } = 0.2;

    public PersistenceGuardSettings Validate()
    {
        if (Capacity < 1) throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "The guard must hold at least one command.");
        if (MinBackoff <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MinBackoff), MinBackoff, "Back-off must be positive.");
        if (MaxBackoff < MinBackoff) throw new ArgumentOutOfRangeException(nameof(MaxBackoff), MaxBackoff, "Max back-off must be at least min back-off.");
        if (RandomFactor is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(RandomFactor), RandomFactor, "Random factor is between 0 and 1.");
        return this;
    }
}

/// <summary>
/// Stands in front of one persistent actor (a <see cref="GuardedPersistentActor"/>) so that a
/// database outage (SQLite file locked, PostgreSQL stopped) costs neither the caller's progress nor
/// its events. Callers tell the guard their commands and never wait for the journal, so the
/// charging loop goes on. When a write or a recovery fails, Akka.Persistence stops the persistent
/// actor; a <see cref="BackoffSupervisor"/> starts it again after an exponentially growing pause
/// (<see cref="PersistenceGuardSettings.MinBackoff"/> .. <see cref="PersistenceGuardSettings.MaxBackoff"/>),
/// and each new start recovers from the journal and asks for what is pending.
/// <para>
/// Kept in memory meanwhile: every command not yet stored, with its sender, in arrival order,
/// at most <see cref="PersistenceGuardSettings.Capacity"/> of them (about 200 bytes each for a small
/// event, so 10,000 is about 2 MB). A command beyond that is answered
/// <see cref="PersistenceGuardProtocol.Overflowed"/> and not taken: the caller keeps what it must
/// (e.g. the energy register, which is absolute and survives in the meter). If this process dies
/// during an outage, what was pending is lost; what was stored is not.
/// </para>
/// <para>
/// Delivery is at least once: a write that failed on the client side yet reached the database is
/// sent again, so events should be idempotent to apply (absolute readings, ids). A command whose
/// handler throws is also delivered again after the restart: handlers reject bad commands by
/// answering, never by throwing.
/// </para>
/// </summary>
public sealed class PersistenceGuard : ReceiveActor
{
    private sealed record Pending(long DeliveryId, object Command, IActorRef Sender);

    private readonly PersistenceGuardSettings settings;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly SortedDictionary<long, Pending> pending = new();
    private IActorRef? persistentActor;
    private long nextDeliveryId = 1;
    private long stored;
    private long refused;
    private long overflowed;
    private long readies;
    private long failures;
    // The outage under way: since when, the cause last told, and when it was told.
    private DateTime? failingSince;
    private string? toldCause;
    private DateTime toldAt;

    /// <param name="persistentActorProps">Props of the persistent actor, given the guard's ref to talk back to.</param>
    /// <param name="name">The persistent actor's name (the back-off supervisor is called <c>{name}-backoff</c>).</param>
    public static Props Props(Func<IActorRef, Props> persistentActorProps, string name, PersistenceGuardSettings? settings = null) =>
        // Arguments, not an expression: Props.Create(() => new ...) compiles each argument into a
        // dynamic method; a trace of 1,000 chargers recovering at once showed 2.1 s of thread time
        // compiling those.
        Akka.Actor.Props.Create<PersistenceGuard>(persistentActorProps, name, settings ?? new PersistenceGuardSettings());

    public PersistenceGuard(Func<IActorRef, Props> persistentActorProps, string name, PersistenceGuardSettings settings)
    {
        this.settings = settings.Validate();
        // Stopping (not restarting) on an exception too: a restarted actor would keep its mailbox
        // and meet deliveries that the guard sends again, handling them twice.
        var backoff = Backoff.OnStop(
                persistentActorProps(Self), name, settings.MinBackoff, settings.MaxBackoff, settings.RandomFactor, maxNrOfRetries: -1)
            .WithDefaultStoppingStrategy();
        Context.ActorOf(BackoffSupervisor.Props(backoff), name + "-backoff");

        Receive<PersistenceGuardProtocol.Ready>(_ => OnReady(Sender));
        Receive<PersistenceGuardProtocol.Stored>(m =>
        {
            if (pending.Remove(m.DeliveryId)) stored++;
        });
        Receive<PersistenceGuardProtocol.Refused>(m =>
        {
            if (!pending.Remove(m.DeliveryId, out var p)) return;
            refused++;
            log.Error("Journal refused {0} for good: {1}", p.Command.GetType().Name, m.Reason);
        });
        Receive<PersistenceGuardProtocol.Failed>(OnFailed);
        Receive<Terminated>(t =>
        {
            if (!t.ActorRef.Equals(persistentActor)) return;
            persistentActor = null;
            // Told with its cause (Failed); a stop without one is the actor's own decision or a crash.
            log.Debug("Persistent actor {0} stopped; holding {1} command(s) until it is back", t.ActorRef.Path.Name, pending.Count);
        });
        Receive<PersistenceGuardProtocol.GetStatus>(_ => Sender.Tell(new PersistenceGuardProtocol.Status(
            persistentActor is not null, pending.Count, stored, refused, overflowed, Math.Max(0, readies - 1), failures)));
        ReceiveAny(OnCommand);
    }

    private void OnCommand(object command)
    {
        if (pending.Count >= settings.Capacity)
        {
            overflowed++;
            Sender.Tell(new PersistenceGuardProtocol.Overflowed(command, settings.Capacity));
            return;
        }
        var p = new Pending(nextDeliveryId++, command, Sender);
        pending.Add(p.DeliveryId, p);
        persistentActor?.Tell(new PersistenceGuardProtocol.Deliver(p.DeliveryId, p.Command), p.Sender);
    }

    // One line when an outage begins and when its cause changes, a reminder every FailureReminder,
    // and each back-off attempt at debug level: 1,000 chargers retrying every few seconds would
    // otherwise bury the log (the node's own storage watch says when the database is back).
    private void OnFailed(PersistenceGuardProtocol.Failed failed)
    {
        failures++;
        var now = DateTime.UtcNow;
        var name = Sender.Path.Name;
        if (failingSince is not { } since)
        {
            failingSince = now;
            log.Warning("Persistent actor {0}: {1} failed ({2}); holding {3} command(s) and retrying with back-off until the journal answers",
                name, failed.What, failed.Cause, pending.Count);
        }
        else if (failed.Cause != toldCause)
            log.Warning("Persistent actor {0}: {1} failed, now with another cause ({2}); holding {3} command(s)", name, failed.What, failed.Cause, pending.Count);
        else if (now - toldAt >= settings.FailureReminder)
            log.Warning("Persistent actor {0}: still failing after {1:0} s ({2}); holding {3} command(s)", name, (now - since).TotalSeconds, failed.Cause, pending.Count);
        else
        {
            log.Debug("Persistent actor {0}: {1} failed again ({2})", name, failed.What, failed.Cause);
            return;
        }
        toldCause = failed.Cause;
        toldAt = now;
    }

    private void OnReady(IActorRef actor)
    {
        readies++;
        if (failingSince is { } since)
        {
            log.Info("Persistent actor {0} recovered after {1:0.#} s of failures; sending {2} pending command(s)", actor.Path.Name, (DateTime.UtcNow - since).TotalSeconds, pending.Count);
            failingSince = null;
            toldCause = null;
        }
        else if (pending.Count > 0)
            log.Info("Persistent actor {0} recovered; sending {1} pending command(s)", actor.Path.Name, pending.Count);
        if (!actor.Equals(persistentActor))
        {
            persistentActor = actor;
            Context.Watch(actor);
        }
        // Anything sent to an earlier incarnation and not stored was lost with it: send all again, in order.
        foreach (var p in pending.Values)
            actor.Tell(new PersistenceGuardProtocol.Deliver(p.DeliveryId, p.Command), p.Sender);
    }
}
