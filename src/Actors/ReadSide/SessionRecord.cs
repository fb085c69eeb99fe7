using SmartElek.Charger.Sessions;

namespace SmartElek.Actors.ReadSide;

/// <summary>
/// One charging session as the operator reads it: a row of the sessions table, built from the
/// charger's session events. Times are UTC. <see cref="StopReason"/> is the name of
/// <see cref="Charger.Sessions.StopReason"/> (e.g. <c>PowerLoss</c> for a session cut by a power
/// loss), null while charging has not ended.
/// </summary>
public sealed record SessionRecord(
    ChargerId Charger,
    string SessionId,
    DateTimeOffset PluggedInAt,
    DateTimeOffset? PluggedOutAt,
    DateTimeOffset? ChargingStartedAt,
    DateTimeOffset? ChargingStoppedAt,
    string? AuthorisedBy,
    double StartRegisterWh,
    double? EndRegisterWh,
    double EnergyWh,
    double PeakAmps,
    string? StopReason)
{
    /// <summary>Neither stopped nor unplugged yet: <see cref="EnergyWh"/> is the energy so far.</summary>
    public bool Running => ChargingStoppedAt is null && PluggedOutAt is null;

    /// <summary>
    /// For a running session, when its newest durable reading was taken: its <see cref="EnergyWh"/> is the
    /// register's growth up to then. Null for an ended session (its energy is final) or before any reading.
    /// Set by the query, never stored.
    /// </summary>
    public DateTimeOffset? EnergyAsOf { get; init; }

    /// <summary>
    /// The cost kept with the session (so far, for a running one: up to its newest durable reading), from its
    /// priced quarter hours; null when it has no tariff (the site had none when it was plugged in). Set by the query.
    /// </summary>
    public KeptCost? Cost { get; init; }

    /// <summary>
    /// The row after <paramref name="e"/>. Applying an event twice leaves the row as applying it once
    /// (times are kept first-seen or set, the peak is a maximum), so a replayed event does no harm.
    /// </summary>
    public static SessionRecord Apply(SessionRecord? row, ChargerId charger, ISessionEvent e)
    {
        // An event before its PluggedIn (a journal cut short) still makes a row, plugged in at that event.
        var r = row ?? new SessionRecord(charger, e.SessionId, e.At, null, null, null, null, 0, null, 0, 0, null);
        return e switch
        {
            SessionEvents.PluggedIn p => r with { PluggedInAt = p.At, StartRegisterWh = p.RegisterWh },
            SessionEvents.Authorised a => r with { AuthorisedBy = a.By },
            SessionEvents.Charging c => r with { ChargingStartedAt = r.ChargingStartedAt ?? c.At },
            SessionEvents.PeakCurrentRaised p => r with { PeakAmps = Math.Max(r.PeakAmps, p.Amps) },
            SessionEvents.Stopped s => r with
            {
                ChargingStoppedAt = s.At,
                StopReason = s.Reason.ToString(),
                EndRegisterWh = s.RegisterWh,
                EnergyWh = s.EnergyWh,
                PeakAmps = Math.Max(r.PeakAmps, s.PeakAmps),
            },
            SessionEvents.PluggedOut o => r with { PluggedOutAt = o.At, EndRegisterWh = o.RegisterWh, EnergyWh = o.EnergyWh },
            _ => r,
        };
    }
}
