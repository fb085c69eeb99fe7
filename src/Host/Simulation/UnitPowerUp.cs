using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Logging;
using SmartElek.Actors.Site;
using SmartElek.Host.Chargers;
using SmartElek.Host.Site;
using SmartElek.Operator.Commissioning;

namespace SmartElek.Host.Simulation;

/// <summary>
/// The demo's new unit: the simulator powers up one more SmartElek on this node, in no topology. It
/// joins the site's network as a pending unit (it announces itself while permit-join is open) and a
/// vehicle is already waiting at it, so that commissioning shows at once on one machine: placed, it
/// is granted and charges. It is kept in <see cref="DemoUnits"/>, so that it powers up again when the node restarts.
/// </summary>
public sealed class UnitPowerUp(SiteChargers chargers, SiteNode node, ActorRegistry actors, DemoUnits kept, ILogger<UnitPowerUp> log) : IUnitSimulator
{
    private readonly object _gate = new();

    public Task<string> PowerUpAsync(CancellationToken cancel)
    {
        var start = chargers.StartUnit ?? throw new InvalidOperationException("the chargers' actor system has not started yet");
        LocalCharger unit;
        lock (_gate)
        {
            var taken = chargers.All.Select(c => c.Id.Value).Concat(node.Topology.Chargers.Select(c => c.Id.Value)).ToHashSet(StringComparer.Ordinal);
            var n = taken.Count + 1;
            while (taken.Contains($"charger-{n}")) n++;
            unit = start(new ChargerId($"charger-{n}"));
        }
        try
        {
            kept.Add(unit.Id);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            log.LogWarning("Demo unit {Charger} runs, but will not power up again after a restart: {Reason}", unit.Id, e.Message);
        }
        node.AddUnit(new SiteUnit(unit.Id, unit.Unit));
        if (actors.TryGet<VehicleTraffic>(out var traffic)) traffic.Tell(new VehicleTraffic.ChargerAdded(unit));
        return Task.FromResult(unit.Id.Value);
    }
}
