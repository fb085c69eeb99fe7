using Akka.Actor;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Sessions;

namespace SmartElek.Actors.Charger;

public static class SessionProtocol
{
    /// <summary>Reported to the parent after each change (and once at start).</summary>
    public sealed record Changed(SessionState State, IReadOnlyList<ISessionEvent> Events);

    /// <summary>Replied to the sender of a command that the session refused.</summary>
    public sealed record Refused(SessionCommand Command, string Reason);

    /// <summary>
    /// The unit's journal recovered this state at power-up (a cut session already closed): it replaces
    /// the empty start, so the last session is known again. Ignored once a vehicle is in a session.
    /// </summary>
    public sealed record Restore(SessionState State);

    /// <summary>
    /// The unit charged provisionally and its journal has now recovered the register: the session's
    /// register values move by <paramref name="ByWh"/> (its energy stays). Answered <see cref="Rebased"/>;
    /// every event after that answer counts on the moved register.
    /// </summary>
    public sealed record Rebase(double ByWh);

    public sealed record Rebased(SessionState State);
}

/// <summary>
/// Holds the session state and turns commands into events with the pure Decide/Apply. Decides at
/// once, whatever the database does; with <see cref="ChargerUnitOptions.Journal"/> the unit makes the
/// events durable in its <see cref="ChargerJournal"/> and restores the recovered state here.
/// </summary>
public sealed class SessionActor : ReceiveActor
{
    private SessionState _state = SessionState.Empty;

    public static Props Props(ChargerUnitOptions options) => options.On(Akka.Actor.Props.Create(() => new SessionActor()));

    public SessionActor()
    {
        Receive<SessionCommand>(Handle);
        Receive<SessionProtocol.Restore>(r =>
        {
            if (_state.VehiclePresent || r.State.VehiclePresent)
                return;
            _state = r.State;
            Context.Parent.Tell(new SessionProtocol.Changed(_state, []));
        });
        Receive<SessionProtocol.Rebase>(r =>
        {
            _state = ProvisionalRebase.Rebase(_state, r.ByWh);
            Context.Parent.Tell(new SessionProtocol.Rebased(_state));
        });
    }

    protected override void PreStart() => Context.Parent.Tell(new SessionProtocol.Changed(_state, []));

    private void Handle(SessionCommand command)
    {
        var decision = _state.Decide(command);
        if (decision.Rejected is { } why)
        {
            Sender.Tell(new SessionProtocol.Refused(command, why));
            return;
        }
        if (decision.Events.Count == 0)
            return;
        _state = _state.ApplyAll(decision.Events);
        Context.Parent.Tell(new SessionProtocol.Changed(_state, decision.Events));
    }
}
