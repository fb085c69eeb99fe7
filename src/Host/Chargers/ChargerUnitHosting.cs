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
    /// Each unit offers at most <paramref name="failSafeAmps"/> of its charger until the site grants it
    /// something: a unit that (re)starts never offers amps the allocator has not given it (invariant 1).
    /// </summary>
    public static AkkaConfigurationBuilder AddChargerUnits(
        this AkkaConfigurationBuilder builder, IReadOnlyList<ChargerId> ids, SiteChargers chargers, int seed,
        ChargerJournalSettings? journal = null, Func<ChargerId, double>? failSafeAmps = null)
    {
        var unitOptions = ChargerUnitOptions.Default with { Journal = journal };
        // The units sit under the user guardian, which restarts them: a power cycle in place.
        builder.AddHocon($"akka.actor.guardian-supervisor-strategy = {UnitGuardianStrategy.ConfigValue}", HoconAddMode.Prepend);
        return builder.WithActors((system, registry) =>
        {
            var clock = ChargerClock.Of(system);
            for (var i = 0; i < ids.Count; i++)
            {
                var id = ids[i];
                // Each unit gets its own grid noise seed so the simulated meters do not move in lockstep.
                var hardware = new SimulatedCharger(clock, GridSpec.Default with { Seed = seed + i });
                var settings = ChargerSettings.Factory with { Name = id.Value };
                var props = ChargerUnit.Props(id, hardware, settings, unitOptions with { InitialGrantAmps = failSafeAmps?.Invoke(id) });
                var unit = system.ActorOf(props, id.Value);
                chargers.Add(new LocalCharger(id, unit, hardware));
            }
            chargers.MarkStarted();
        });
    }
}
