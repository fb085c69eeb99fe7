namespace SmartElek.Charger.Sessions;

/// <summary>
/// Why a session's charging ended. Written by name: append, never rename or reuse.
/// <see cref="PowerLoss"/>: the unit went down (crash, power loss) with the session open, which was
/// closed at the next power-up. <see cref="Shutdown"/>: the site's controller was stopped (not a
/// power cut); the unit ended the session first. <see cref="Reboot"/>: the unit restarted in place
/// (the manual's "Soft Reset (Reboot Device)", 10 SET taps, or an OCPP hard reset that found the
/// session still running) and ended the session itself after a controlled stop.
/// </summary>
public enum StopReason { EvDisconnected, Local, Remote, Fault, Other, PowerLoss, Shutdown, Reboot }

/// <summary>A session event: persisted (Akka.Persistence) and reported; never changes meaning once written.</summary>
public interface ISessionEvent : IWireMessage
{
    string SessionId { get; }
    DateTimeOffset At { get; }
}

public static class SessionEvents
{
    /// <param name="RegisterWh">The energy register at plug-in: the session's energy counts from here.</param>
    [WireName("session.plugged-in.v1")]
    public sealed record PluggedIn(string SessionId, DateTimeOffset At, double RegisterWh) : ISessionEvent;

    /// <param name="By">Who allowed charging: "auto-start", a user or an id tag.</param>
    [WireName("session.authorised.v1")]
    public sealed record Authorised(string SessionId, DateTimeOffset At, string By) : ISessionEvent;

    [WireName("session.charging.v1")]
    public sealed record Charging(string SessionId, DateTimeOffset At) : ISessionEvent;

    /// <summary>Current is offered but the vehicle does not take it (full, or its own timer).</summary>
    [WireName("session.suspended-ev.v1")]
    public sealed record SuspendedByEv(string SessionId, DateTimeOffset At) : ISessionEvent;

    /// <summary>The charger offers 0 A (site allocator, derating, a fault).</summary>
    [WireName("session.suspended-evse.v1")]
    public sealed record SuspendedByEvse(string SessionId, DateTimeOffset At) : ISessionEvent;

    [WireName("session.peak-current.v1")]
    public sealed record PeakCurrentRaised(string SessionId, DateTimeOffset At, double Amps) : ISessionEvent;

    [WireName("session.stopped.v1")]
    public sealed record Stopped(string SessionId, DateTimeOffset At, StopReason Reason, double RegisterWh, double EnergyWh, double PeakAmps) : ISessionEvent;

    [WireName("session.plugged-out.v1")]
    public sealed record PluggedOut(string SessionId, DateTimeOffset At, double RegisterWh, double EnergyWh) : ISessionEvent;
}

/// <summary>What the session is told.</summary>
public abstract record SessionCommand(DateTimeOffset At)
{
    public sealed record PlugIn(DateTimeOffset At, string SessionId, double RegisterWh, bool AutoStart) : SessionCommand(At);

    public sealed record Authorise(DateTimeOffset At, string By) : SessionCommand(At);

    public sealed record Stop(DateTimeOffset At, StopReason Reason, double RegisterWh) : SessionCommand(At);

    /// <summary>What the charger sees now; moves the session between charging and suspended.</summary>
    public sealed record Observe(DateTimeOffset At, bool RelaysClosed, bool VehicleAsking, double OfferedAmps, double MeteredAmps, double RegisterWh) : SessionCommand(At);

    public sealed record PlugOut(DateTimeOffset At, double RegisterWh) : SessionCommand(At);
}

/// <summary>The outcome of <see cref="SessionState.Decide"/>: events to persist and apply, or why the command was refused.</summary>
public sealed record SessionDecision(IReadOnlyList<ISessionEvent> Events, string? Rejected)
{
    public static readonly SessionDecision Nothing = new([], null);

    public static SessionDecision Of(params ISessionEvent[] events) => new(events, null);

    public static SessionDecision Refuse(string why) => new([], why);
}
