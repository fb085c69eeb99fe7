using SmartElek.Charger.Sessions;
using static SmartElek.Charger.Journal.ChargerJournalEvents;

namespace SmartElek.Charger.Journal;

/// <summary>
/// A unit whose journal did not answer at power-up charges provisionally: its register counts from
/// 0 Wh at that power-up. Once the journal has recovered the durable register R, what was recorded
/// meanwhile is moved onto the real register: every register value becomes R + value, session energy
/// (a difference of two register values) stays as it is. A register reset made in the provisional
/// period starts the register from 0 for real, so what follows it is not moved.
/// </summary>
public static class ProvisionalRebase
{
    /// <summary>The events in the same order, register values moved by <paramref name="recoveredRegisterWh"/> up to and including the first reset.</summary>
    public static IReadOnlyList<IWireMessage> Rebase(IReadOnlyList<IWireMessage> events, double recoveredRegisterWh)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (!(recoveredRegisterWh >= 0) || double.IsInfinity(recoveredRegisterWh))
            throw new ArgumentOutOfRangeException(nameof(recoveredRegisterWh), recoveredRegisterWh, "A recovered register is 0 Wh or more.");
        var offset = recoveredRegisterWh;
        var rebased = new List<IWireMessage>(events.Count);
        foreach (var e in events)
        {
            rebased.Add(Rebase(e, offset));
            if (e is RegisterReset)
                offset = 0;
        }
        return rebased;
    }

    /// <summary>The offset for provisional events after these: 0 once a reset is among them.</summary>
    public static double OffsetAfter(IEnumerable<IWireMessage> events, double offset) =>
        events.Any(e => e is RegisterReset) ? 0 : offset;

    /// <summary>One event with its register values moved by <paramref name="offsetWh"/>; an event without one is returned as it is.</summary>
    public static IWireMessage Rebase(IWireMessage e, double offsetWh) => offsetWh == 0 ? e : e switch
    {
        EnergyRecorded r => r with { RegisterWh = r.RegisterWh + offsetWh },
        RegisterReset r => r with { RegisterWhBefore = r.RegisterWhBefore + offsetWh },
        SessionEvents.PluggedIn p => p with { RegisterWh = p.RegisterWh + offsetWh },
        SessionEvents.Stopped s => s with { RegisterWh = s.RegisterWh + offsetWh },
        SessionEvents.PluggedOut o => o with { RegisterWh = o.RegisterWh + offsetWh },
        _ => e,
    };

    /// <summary>A session kept while its register moves by <paramref name="offsetWh"/>: its energy stays the same.</summary>
    public static SessionState Rebase(SessionState session, double offsetWh)
    {
        ArgumentNullException.ThrowIfNull(session);
        return offsetWh == 0 ? session : session with
        {
            StartRegisterWh = session.StartRegisterWh + offsetWh,
            StopRegisterWh = session.StopRegisterWh + offsetWh,
        };
    }
}
