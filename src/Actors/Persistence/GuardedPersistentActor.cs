using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace SmartElek.Actors.Persistence;

/// <summary>
/// A persistent actor behind a <see cref="PersistenceGuard"/>: it tells the guard when it has
/// recovered, takes the guard's numbered deliveries and confirms each once its events are
/// stored. A subclass handles commands in <see cref="HandleCommand"/> and persists with
/// <see cref="PersistGuarded{TEvent}"/>; its recovery handlers are registered as usual.
/// A failed write or recovery stops this actor (Akka.Persistence's rule) and the guard's
/// back-off supervisor starts it again.
/// </summary>
public abstract class GuardedPersistentActor : ReceivePersistentActor
{
    // PersistAll stashes further commands until its events are stored: one write is in flight at most.
    private long inFlightDelivery;
    private int inFlightRemaining;
    private long? currentDelivery;
    private bool persistedForCurrent;

    protected IActorRef Guard { get; }

    protected GuardedPersistentActor(IActorRef guard)
    {
        Guard = guard;
        Command<PersistenceGuardProtocol.Deliver>(d =>
        {
            currentDelivery = d.DeliveryId;
            persistedForCurrent = false;
            try
            {
                HandleCommand(d.Command);
                // A command that changes nothing is handled as soon as it is decided.
                if (!persistedForCurrent) Guard.Tell(new PersistenceGuardProtocol.Stored(d.DeliveryId));
            }
            finally
            {
                currentDelivery = null;
            }
        });
    }

    /// <summary>Decides one delivered command: persist with <see cref="PersistGuarded{TEvent}"/>, answer <see cref="ActorBase.Sender"/>.</summary>
    protected abstract void HandleCommand(object command);

    /// <summary>
    /// Persists the events of the command being handled as one atomic write, applies each after it
    /// is stored and then confirms the delivery to the guard. Called at most once per command.
    /// </summary>
    protected void PersistGuarded<TEvent>(IReadOnlyList<TEvent> events, Action<TEvent> apply) where TEvent : notnull
    {
        var deliveryId = currentDelivery
                         ?? throw new InvalidOperationException("PersistGuarded is called only while handling a delivered command (inside HandleCommand).");
        if (persistedForCurrent)
            throw new InvalidOperationException("PersistGuarded is called at most once per command: pass all its events together.");
        persistedForCurrent = true;
        if (events.Count == 0)
        {
            Guard.Tell(new PersistenceGuardProtocol.Stored(deliveryId));
            return;
        }
        inFlightDelivery = deliveryId;
        inFlightRemaining = events.Count;
        PersistAll(events, e =>
        {
            apply(e);
            if (CountDownInFlight()) Guard.Tell(new PersistenceGuardProtocol.Stored(deliveryId));
        });
    }

    // The database away: the guard tells the operator once per outage. Akka.Persistence would log an
    // error with a stack trace at every back-off attempt; the trace goes to debug level here.
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        Log.Debug("{0}: write of {1} #{2} failed: {3}", PersistenceId, @event.GetType().Name, sequenceNr, cause);
        Guard.Tell(new PersistenceGuardProtocol.Failed($"write of {Describe(@event)} #{sequenceNr}", Cause(cause)));
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        // A recovery handler that threw is a bug, not an outage: Akka.Persistence's error, with its trace.
        if (message is not null)
        {
            base.OnRecoveryFailure(reason, message);
            return;
        }
        Log.Debug("{0}: recovery failed at #{1}: {2}", PersistenceId, LastSequenceNr, reason);
        Guard.Tell(new PersistenceGuardProtocol.Failed("recovery", Cause(reason)));
    }

    private static string Describe(object @event) => (@event is Akka.Persistence.Journal.Tagged t ? t.Payload : @event).GetType().Name;

    private static string Cause(Exception e)
    {
        var inner = DatabaseFailure.Innermost(e);
        return $"{inner.GetType().Name}: {inner.Message}";
    }

    protected override void OnReplaySuccess()
    {
        base.OnReplaySuccess();
        Guard.Tell(PersistenceGuardProtocol.Ready.Instance);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        if (inFlightRemaining == 0) return;
        if (CountDownInFlight()) Guard.Tell(new PersistenceGuardProtocol.Refused(inFlightDelivery, cause.Message));
    }

    private bool CountDownInFlight() => --inFlightRemaining == 0;
}
