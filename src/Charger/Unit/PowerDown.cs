using SmartElek.Charger.Sessions;

namespace SmartElek.Charger.Unit;

/// <summary>How a power-down ends: the unit restarts in place, or stays down (the controller's graceful stop).</summary>
public enum PowerDownKind { PowerCycle, ShutDown }

/// <summary>Where the journal flush of a power-down stands.</summary>
public enum FlushOutcome { Waiting, Flushed, GaveUp }

/// <summary>
/// One power-down, step by step: a controlled stop (0 A offered, closed contacts left closed while
/// the vehicle's current falls, see <see cref="StopOver"/>), then the session ends with
/// <see cref="SessionEndReason"/> and the relays open, then the journal is flushed (see
/// <see cref="Flush"/>), then the unit restarts or answers the shut-down. Pure; the unit polls it.
/// </summary>
/// <param name="By">Who asked (10 SET taps, an OCPP hard reset, a firmware install, the Host), for the log.</param>
/// <param name="StartedAt">When it began (the unit's clock).</param>
public sealed record PowerDown(PowerDownKind Kind, StopReason SessionEndReason, string By, TimeSpan StartedAt)
{
    /// <summary>
    /// The longest a controlled stop leaves the contacts closed: the vehicle's J1772 window to follow
    /// a lower offer, counted from before the pilot drops the offer. The site counts the old offer
    /// for at least as long after the unit reports the lower one, so current still flowing meanwhile
    /// is within what the allocator holds for this charger (invariant 1).
    /// </summary>
    public static readonly TimeSpan ControlledStopWindow = TimeSpan.FromSeconds(5);

    /// <summary>Under this metered current the vehicle has followed the stop (it draws nothing at 0 A offered).</summary>
    public const double FallenAmps = 1.0;

    /// <summary>When the relays were opened: the controlled stop is over. Null while it runs.</summary>
    public TimeSpan? RelaysOpenedAt { get; init; }

    /// <summary>Whether the session's stop was sent to the session and must be back before the flush counts.</summary>
    public bool SessionStopAsked { get; init; }

    public bool Stopping => RelaysOpenedAt is null;

    /// <summary>
    /// Whether the controlled stop is over: the contacts are open already (the vehicle left C, a fault),
    /// the metered current has fallen, or the window has passed (a vehicle that ignores the stop is
    /// opened on, as a fault would be).
    /// </summary>
    public bool StopOver(TimeSpan now, bool relaysClosed, double meteredAmps) =>
        !relaysClosed || meteredAmps < FallenAmps || now - StartedAt >= ControlledStopWindow;

    /// <summary>The relays open now; <paramref name="sessionStopAsked"/>: the running session was told to stop.</summary>
    public PowerDown RelaysOpened(TimeSpan now, bool sessionStopAsked) =>
        RelaysOpenedAt is null ? this with { RelaysOpenedAt = now, SessionStopAsked = sessionStopAsked } : this;

    /// <summary>
    /// The flush: done when the journal holds nothing and the session's stop (if asked) has come
    /// back; given up past <paramref name="flushWait"/> after the relays opened (the database is
    /// away: what it holds is lost with the power, as in a real power cut).
    /// </summary>
    public FlushOutcome Flush(TimeSpan now, int pendingEvents, bool sessionAuthorised, TimeSpan flushWait) =>
        RelaysOpenedAt is not { } opened ? FlushOutcome.Waiting
        : pendingEvents == 0 && !(SessionStopAsked && sessionAuthorised) ? FlushOutcome.Flushed
        : now - opened >= flushWait ? FlushOutcome.GaveUp
        : FlushOutcome.Waiting;
}
