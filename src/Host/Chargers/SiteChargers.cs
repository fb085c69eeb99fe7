using Akka.Actor;
using SmartElek.Charger.Simulation;

namespace SmartElek.Host.Chargers;

/// <summary>One charger that runs on this node: its unit actor, and the simulated hardware under it.</summary>
public sealed record LocalCharger(ChargerId Id, IActorRef Unit, SimulatedCharger Hardware);

/// <summary>
/// The chargers this node runs: those of the configuration in topology order, then the units the
/// simulator powered up later (commissioning demo). Filled when the actor system starts.
/// </summary>
public sealed class SiteChargers
{
    private readonly object _gate = new();
    private volatile LocalCharger[] _chargers = [];
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A snapshot: a unit powered up later is in the next one.</summary>
    public IReadOnlyList<LocalCharger> All => _chargers;

    /// <summary>Completes once every charger unit has been started.</summary>
    public Task Started => _started.Task;

    /// <summary>Starts one more simulated unit in the chargers' system (set when it starts).</summary>
    internal Func<ChargerId, LocalCharger>? StartUnit { get; set; }

    internal void Add(LocalCharger charger)
    {
        lock (_gate) _chargers = [.. _chargers, charger];
    }

    internal void MarkStarted() => _started.TrySetResult();
}
