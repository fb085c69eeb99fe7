using Akka;
using Akka.Actor;
using Akka.Event;
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
        // A graceful stop shuts each unit down (session ended, relays open, journal flushed) before
        // the system ends: the phase must outlast a journal flush that waits for an absent database.
        var flushWait = (journal ?? new ChargerJournalSettings()).PowerCycleFlushWait;
        var shutDownWithin = flushWait + TimeSpan.FromSeconds(5);
        builder.AddHocon($"akka.coordinated-shutdown.phases.service-requests-done.timeout = {(int)shutDownWithin.TotalSeconds}s", HoconAddMode.Prepend);
        return builder.WithActors((system, registry) =>
        {
            var clock = ChargerClock.Of(system);
            LocalCharger Start(ChargerId id, int index, double? initialGrant)
            {
                // Each unit gets its own grid noise seed so the simulated meters do not move in lockstep.
                var hardware = new SimulatedCharger(clock, GridSpec.Default with { Seed = seed + index });
                var settings = ChargerSettings.Factory with { Name = id.Value };
                var props = ChargerUnit.Props(id, hardware, settings, unitOptions with { InitialGrantAmps = initialGrant });
                return new LocalCharger(id, system.ActorOf(props, id.Value), hardware);
            }
            for (var i = 0; i < ids.Count; i++)
                chargers.Add(Start(ids[i], i, failSafeAmps?.Invoke(ids[i])));
            // A unit powered up later is in no topology: it offers nothing until it is placed and granted.
            chargers.StartUnit = id =>
            {
                var unit = Start(id, chargers.All.Count, 0);
                chargers.Add(unit);
                return unit;
            };
            chargers.MarkStarted();
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "shut-down-charger-units",
                () => ShutDownAsync(system, chargers.All.Select(c => c.Unit).ToList(), shutDownWithin - TimeSpan.FromSeconds(2)));
        });
    }

    // The controller stopping is no power cut: each unit ends its session and flushes its journal.
    private static async Task<Done> ShutDownAsync(ActorSystem system, IReadOnlyList<IActorRef> units, TimeSpan within)
    {
        var log = system.Log;
        var answers = await Task.WhenAll(units.Select(async unit =>
        {
            try
            {
                return await unit.Ask<ChargerProtocol.ShutDownDone>(ChargerProtocol.ShutDown.Instance, within);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                log.Warning("Charger unit {0} did not shut down within {1}", unit.Path.Name, within);
                return null;
            }
        }));
        log.Info("Charger units shut down: {0} of {1}, {2} with their journal flushed",
            answers.Count(a => a is not null), units.Count, answers.Count(a => a is { Flushed: true }));
        return Done.Instance;
    }
}
