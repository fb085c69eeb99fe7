namespace SmartElek.Charger.Sessions;

public enum SessionPhase
{
    NoVehicle,
    /// <summary>Plugged in; charging waits for an explicit start.</summary>
    AwaitingAuthorisation,
    /// <summary>Allowed to charge; energy has not flowed yet.</summary>
    Authorised,
    Charging,
    SuspendedByEv,
    SuspendedByEvse,
    /// <summary>Charging ended (stop or fault); the vehicle is still plugged in.</summary>
    Stopped,
}

/// <summary>A finished session, plug-in to plug-out.</summary>
public sealed record SessionSummary(
    string SessionId, DateTimeOffset PluggedInAt, DateTimeOffset? ChargingStartedAt, DateTimeOffset? StoppedAt,
    DateTimeOffset PluggedOutAt, double EnergyWh, double PeakAmps, StopReason? StopReason);

/// <summary>
/// One charging session from plug-in to plug-out. <see cref="Decide"/> turns a command into events
/// without changing anything; <see cref="Apply"/> folds an event in. Both are pure, so the same
/// state is rebuilt from the journal.
/// </summary>
public sealed record SessionState(
    SessionPhase Phase,
    string? SessionId,
    DateTimeOffset? PluggedInAt,
    DateTimeOffset? ChargingStartedAt,
    DateTimeOffset? StoppedAt,
    double StartRegisterWh,
    double StopRegisterWh,
    double PeakAmps,
    StopReason? StopReason,
    string? AuthorisedBy,
    SessionSummary? LastCompleted)
{
    /// <summary>A new peak is recorded only when it beats the last one by this much, to keep the journal short.</summary>
    public const double PeakStepAmps = 0.5;

    public static readonly SessionState Empty = new(SessionPhase.NoVehicle, null, null, null, null, 0, 0, 0, null, null, null);

    public bool VehiclePresent => Phase != SessionPhase.NoVehicle;

    public bool Authorised => Phase is SessionPhase.Authorised or SessionPhase.Charging or SessionPhase.SuspendedByEv or SessionPhase.SuspendedByEvse;

    /// <summary>Energy of the running session given the register now; after a stop, fixed at the stop.</summary>
    public double EnergyWh(double registerWhNow) => Phase switch
    {
        SessionPhase.NoVehicle => 0,
        SessionPhase.Stopped => StopRegisterWh - StartRegisterWh,
        _ => Math.Max(0, registerWhNow - StartRegisterWh),
    };

    public SessionDecision Decide(SessionCommand command) => command switch
    {
        SessionCommand.PlugIn c => DecidePlugIn(c),
        SessionCommand.Authorise c => DecideAuthorise(c),
        SessionCommand.Stop c => DecideStop(c),
        SessionCommand.Observe c => DecideObserve(c),
        SessionCommand.PlugOut c => DecidePlugOut(c),
        _ => throw new ArgumentException($"Unknown session command {command.GetType().Name}.", nameof(command)),
    };

    private SessionDecision DecidePlugIn(SessionCommand.PlugIn c)
    {
        if (VehiclePresent)
            return SessionDecision.Nothing;
        if (string.IsNullOrWhiteSpace(c.SessionId))
            return SessionDecision.Refuse("A session needs an id.");
        var pluggedIn = new SessionEvents.PluggedIn(c.SessionId, c.At, c.RegisterWh);
        return c.AutoStart
            ? SessionDecision.Of(pluggedIn, new SessionEvents.Authorised(c.SessionId, c.At, "auto-start"))
            : SessionDecision.Of(pluggedIn);
    }

    private SessionDecision DecideAuthorise(SessionCommand.Authorise c) => Phase switch
    {
        SessionPhase.NoVehicle => SessionDecision.Refuse("No vehicle is plugged in."),
        SessionPhase.AwaitingAuthorisation or SessionPhase.Stopped => SessionDecision.Of(new SessionEvents.Authorised(SessionId!, c.At, c.By)),
        _ => SessionDecision.Nothing,
    };

    private SessionDecision DecideStop(SessionCommand.Stop c) => Authorised
        ? SessionDecision.Of(new SessionEvents.Stopped(SessionId!, c.At, c.Reason, c.RegisterWh, Math.Max(0, c.RegisterWh - StartRegisterWh), PeakAmps))
        : SessionDecision.Refuse(Phase == SessionPhase.NoVehicle ? "No vehicle is plugged in." : "Charging is not running.");

    private SessionDecision DecideObserve(SessionCommand.Observe c)
    {
        if (!Authorised)
            return SessionDecision.Nothing;
        var events = new List<ISessionEvent>();
        if (c.MeteredAmps >= PeakAmps + PeakStepAmps)
            events.Add(new SessionEvents.PeakCurrentRaised(SessionId!, c.At, c.MeteredAmps));
        SessionPhase? next =
            c.OfferedAmps <= 0 ? SessionPhase.SuspendedByEvse
            : c.RelaysClosed && c.VehicleAsking ? SessionPhase.Charging
            : !c.VehicleAsking && Phase != SessionPhase.Authorised ? SessionPhase.SuspendedByEv
            : null; // asking but relays not closed yet, or not started: keep the phase
        if (next is { } phase && phase != Phase)
            events.Add(phase switch
            {
                SessionPhase.Charging => new SessionEvents.Charging(SessionId!, c.At),
                SessionPhase.SuspendedByEvse => new SessionEvents.SuspendedByEvse(SessionId!, c.At),
                _ => new SessionEvents.SuspendedByEv(SessionId!, c.At),
            });
        return new SessionDecision(events, null);
    }

    private SessionDecision DecidePlugOut(SessionCommand.PlugOut c)
    {
        if (!VehiclePresent)
            return SessionDecision.Nothing;
        var registerAtEnd = Phase == SessionPhase.Stopped ? StopRegisterWh : c.RegisterWh;
        var pluggedOut = new SessionEvents.PluggedOut(SessionId!, c.At, registerAtEnd, Math.Max(0, registerAtEnd - StartRegisterWh));
        return Phase == SessionPhase.Stopped
            ? SessionDecision.Of(pluggedOut)
            : SessionDecision.Of(
                new SessionEvents.Stopped(SessionId!, c.At, Sessions.StopReason.EvDisconnected, c.RegisterWh, Math.Max(0, c.RegisterWh - StartRegisterWh), PeakAmps),
                pluggedOut);
    }

    public SessionState Apply(ISessionEvent e) => e switch
    {
        SessionEvents.PluggedIn p => Empty with
        {
            Phase = SessionPhase.AwaitingAuthorisation, SessionId = p.SessionId, PluggedInAt = p.At,
            StartRegisterWh = p.RegisterWh, StopRegisterWh = p.RegisterWh, LastCompleted = LastCompleted,
        },
        SessionEvents.Authorised a => this with { Phase = SessionPhase.Authorised, AuthorisedBy = a.By, StopReason = null, StoppedAt = null },
        SessionEvents.Charging c => this with { Phase = SessionPhase.Charging, ChargingStartedAt = ChargingStartedAt ?? c.At },
        SessionEvents.SuspendedByEv => this with { Phase = SessionPhase.SuspendedByEv },
        SessionEvents.SuspendedByEvse => this with { Phase = SessionPhase.SuspendedByEvse },
        SessionEvents.PeakCurrentRaised p => this with { PeakAmps = Math.Max(PeakAmps, p.Amps) },
        SessionEvents.Stopped s => this with { Phase = SessionPhase.Stopped, StoppedAt = s.At, StopReason = s.Reason, StopRegisterWh = s.RegisterWh },
        SessionEvents.PluggedOut o => Empty with
        {
            LastCompleted = new SessionSummary(o.SessionId, PluggedInAt ?? o.At, ChargingStartedAt, StoppedAt, o.At, o.EnergyWh, PeakAmps, StopReason),
        },
        _ => throw new ArgumentException($"Unknown session event {e.GetType().Name}.", nameof(e)),
    };

    public SessionState ApplyAll(IEnumerable<ISessionEvent> events) => events.Aggregate(this, (s, e) => s.Apply(e));
}
