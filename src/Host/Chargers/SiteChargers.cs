using Akka.Actor;
using SmartElek.Charger.Simulation;

namespace SmartElek.Host.Chargers;

/// <summary>One charger that runs on this node: its unit actor, and the simulated hardware under it.</summary>
public sealed record LocalCharger(ChargerId Id, IActorRef Unit, SimulatedCharger Hardware);

/// <summary>The chargers this node runs, in topology order. Filled when the actor system starts.</summary>
public sealed class SiteChargers
{
    private readonly List<LocalCharger> _chargers = [];
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<LocalCharger> All => _chargers;

    /// <summary>Completes once every charger unit has been started.</summary>
    public Task Started => _started.Task;

    internal void Add(LocalCharger charger) => _chargers.Add(charger);

    internal void MarkStarted() => _started.TrySetResult();
}
