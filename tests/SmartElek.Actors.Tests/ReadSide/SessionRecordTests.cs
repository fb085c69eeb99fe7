using SmartElek.Actors.ReadSide;
using SmartElek.Charger.Sessions;
using static SmartElek.Charger.Sessions.SessionEvents;

namespace SmartElek.Actors.Tests.ReadSide;

[Trait("Speed", "Fast")]
public sealed class SessionRecordTests
{
    private static readonly ChargerId Charger = new("c-1");
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 23, 30, 0, TimeSpan.Zero);

    internal static ISessionEvent[] OneSession(string id, DateTimeOffset t0, double startWh, double energyWh, StopReason reason) =>
    [
        new PluggedIn(id, t0, startWh),
        new Authorised(id, t0.AddSeconds(1), "auto-start"),
        new Charging(id, t0.AddSeconds(4)),
        new PeakCurrentRaised(id, t0.AddSeconds(5), 16),
        new SuspendedByEv(id, t0.AddMinutes(30)),
        new Charging(id, t0.AddMinutes(40)),
        new PeakCurrentRaised(id, t0.AddMinutes(41), 29.5),
        new Stopped(id, t0.AddHours(2), reason, startWh + energyWh, energyWh, 29.5),
        new PluggedOut(id, t0.AddHours(2).AddMinutes(3), startWh + energyWh, energyWh),
    ];

    private static SessionRecord Fold(IEnumerable<ISessionEvent> events) =>
        events.Aggregate((SessionRecord?)null, (row, e) => SessionRecord.Apply(row, Charger, e))!;

    [Fact]
    public void A_whole_session_gives_its_times_energy_peak_and_reason()
    {
        var row = Fold(OneSession("s-1", T0, 1000, 12_345, StopReason.EvDisconnected));
        Assert.Equal(new SessionRecord(Charger, "s-1", T0, T0.AddHours(2).AddMinutes(3), T0.AddSeconds(4), T0.AddHours(2),
            "auto-start", 1000, 13_345, 12_345, 29.5, "EvDisconnected"), row);
    }

    [Fact]
    public void Every_event_applied_twice_gives_the_same_row_as_once()
    {
        var events = OneSession("s-2", T0, 50, 800, StopReason.Local);
        Assert.Equal(Fold(events), Fold(events.SelectMany(e => new[] { e, e })));
    }

    [Fact]
    public void A_session_still_plugged_in_has_no_stop_yet()
    {
        var row = Fold(OneSession("s-3", T0, 0, 10, StopReason.Remote).Take(4));
        Assert.Null(row.StopReason);
        Assert.Null(row.ChargingStoppedAt);
        Assert.Null(row.PluggedOutAt);
        Assert.Equal(16, row.PeakAmps);
    }
}
