using Akka.Hosting;
using SmartElek.Actors.Charger;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Simulation;

namespace SmartElek.Host.Chargers;

public static class ChargerUnitHosting
{
    /// <summary>
    /// Starts one charger unit per id, each on its own simulated hardware driven by the actor
    /// system's clock, and records them in <paramref name="chargers"/>. With <paramref name="journal"/>
    /// each unit journals its sessions and energy (persistenceId <c>charger-{id}</c>); null: not persistent.
    /// </summary>
    public static AkkaConfigurationBuilder AddChargerUnits(
        this AkkaConfigurationBuilder builder, IReadOnlyList<ChargerId> ids, SiteChargers chargers, int seed,
        ChargerJournalSettings? journal = null)
    {
        var unitOptions = ChargerUnitOptions.Default with { Journal = journal };
        return builder.WithActors((system, registry) =>
        {
            var clock = ChargerClock.Of(system);
            for (var i = 0; i < ids.Count; i++)
            {
                var id = ids[i];
                // Each unit gets its own grid noise seed so the simulated meters do not move in lockstep.
                var hardware = new SimulatedCharger(clock, GridSpec.Default with { Seed = seed + i });
                var settings = ChargerSettings.Factory with { Name = id.Value };
                var unit = system.ActorOf(ChargerUnit.Props(id, hardware, settings, unitOptions), id.Value);
                chargers.Add(new LocalCharger(id, unit, hardware));
            }
            chargers.MarkStarted();
        });
    }
}
