using SmartElek.Charger.J1772;
using SmartElek.Charger.Leds;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using SmartElek.Site.Topology;
using SmartElek.Site.View;

namespace SmartElek.Operator.Tests.SiteView;

/// <summary>Sample snapshots and a small site for the projection's tests.</summary>
internal static class Snapshots
{
    public static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    // A 60 A feeder (48 A per line) over two 40 A branches: a1, a2 on branch-a; b1 on branch-b.
    public static readonly SiteTopology Topology = SiteTopology.FromSpec(new SiteSpec
    {
        Name = "view-test",
        Feeder = new CircuitSpec
        {
            Id = "feeder", RatingAmps = 60,
            Children =
            [
                new CircuitSpec { Id = "branch-a", RatingAmps = 40, Chargers = [new ChargerSpec { Id = "a1", RatingAmps = 16 }, new ChargerSpec { Id = "a2", RatingAmps = 16 }] },
                new CircuitSpec { Id = "branch-b", RatingAmps = 40, Chargers = [new ChargerSpec { Id = "b1" }] },
            ],
        },
    });

    public static ChargerSnapshot Of(string id, double drawn = 0, PilotState pilot = PilotState.A, DateTimeOffset? at = null,
        IReadOnlyList<FaultView>? faults = null) =>
        new(new ChargerId(id), id, at ?? T0, pilot, drawn > 0, true, LedView.Of(LedPattern.Off), LedView.Of(LedPattern.Solid(LedColor.Blue)),
            drawn, null, drawn, drawn, 240, drawn * 240, 60, 0.99, 1234, true,
            drawn > 0 ? SessionPhase.Charging : SessionPhase.NoVehicle, drawn > 0 ? "s-1" : null, 0, null, null, 0, null, 20, 72,
            faults ?? [], ThermalLevel.Normal, 0, null, null, true, ChargerSettings.Factory with { Name = id });

    public static SiteViewEvent.BatchReceived Batch(string node, Guid publisher, long seq, DateTimeOffset at, bool full = false, params ChargerSnapshot[] chargers) =>
        new(node, publisher, seq, full, chargers, at);
}
