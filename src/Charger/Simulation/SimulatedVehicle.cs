using SmartElek.Charger.J1772;

namespace SmartElek.Charger.Simulation;

/// <summary>
/// An electric vehicle on the J1772 cable: battery, state of charge, onboard charger limit, taper
/// near full; follows a new offer after its response delay. Its controls (ventilation, ignoring a
/// lower offer, over-drawing) are the vehicle-side fault injections. Driven by
/// <see cref="SimulatedCharger"/>, under its lock.
/// </summary>
public sealed class SimulatedVehicle
{
    private readonly object _gate;
    private readonly Action _sync;
    private double _soc;
    private double _gainKwh;
    private double _followed;

    /// <param name="sync">Steps the board's physics up to now; public reads call it so they are current.</param>
    internal SimulatedVehicle(VehicleSpec spec, object gate, Action sync)
    {
        spec.Validate();
        Spec = spec;
        _gate = gate;
        _sync = sync;
        _soc = spec.StartSocPercent;
    }

    public VehicleSpec Spec { get; }

    public double SocPercent => Read(() => _soc);

    /// <summary>Exact energy that went into the battery, kWh.</summary>
    public double BatteryGainKwh => Read(() => _gainKwh);

    /// <summary>The offer the vehicle currently follows (after its response delay).</summary>
    public double FollowedOfferAmps => Read(() => _followed);

    private T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            _sync();
            return read();
        }
    }

    private bool _wantsEnergy = true;
    private bool _needsVentilation;
    private bool _ignoresLowerOffers;
    private double _overDrawAmps;

    /// <summary>False makes the vehicle stop asking (state B), as its own timer or a full battery would.</summary>
    public bool WantsEnergy { get { lock (_gate) return _wantsEnergy; } set { lock (_gate) _wantsEnergy = value; } }

    /// <summary>True makes the vehicle ask with ventilation (state D).</summary>
    public bool NeedsVentilation { get { lock (_gate) return _needsVentilation; } set { lock (_gate) _needsVentilation = value; } }

    /// <summary>True makes the vehicle keep drawing its highest offer when the offer goes down.</summary>
    public bool IgnoresLowerOffers { get { lock (_gate) return _ignoresLowerOffers; } set { lock (_gate) _ignoresLowerOffers = value; } }

    private bool _ignoresStop;

    /// <summary>True makes the vehicle keep drawing (and asking, C) when the offer stops (0 A): it never follows a controlled stop.</summary>
    public bool IgnoresStop { get { lock (_gate) return _ignoresStop; } set { lock (_gate) _ignoresStop = value; } }

    /// <summary>Amps drawn on top of what the vehicle should take.</summary>
    public double OverDrawAmps { get { lock (_gate) return _overDrawAmps; } set { lock (_gate) _overDrawAmps = value; } }

    public bool Full => Read(() => _soc >= 100);

    /// <summary>What the vehicle shows on the pilot: B until it follows an offer of at least 6 A, then C (or D) while it wants energy.</summary>
    public PilotState State => Read(StateNow);

    internal PilotState StateNow() =>
        !_wantsEnergy || _soc >= 100 || _followed < 6 ? PilotState.B
        : _needsVentilation ? PilotState.D
        : PilotState.C;

    /// <summary>Amps the vehicle takes when the relays are closed.</summary>
    internal double DrawAmps()
    {
        if (StateNow() is not (PilotState.C or PilotState.D))
            return 0;
        var taper = _soc <= Spec.TaperFromSocPercent
            ? Spec.OnboardChargerAmps
            : Math.Max(Spec.MinTaperAmps, Spec.OnboardChargerAmps * (100 - _soc) / (100 - Spec.TaperFromSocPercent));
        return Math.Min(Math.Min(_followed, Spec.OnboardChargerAmps), taper) + _overDrawAmps;
    }

    internal void Follow(double offeredAmps)
    {
        if ((_ignoresLowerOffers && offeredAmps < _followed && offeredAmps > 0) || (_ignoresStop && offeredAmps <= 0))
            return;
        _followed = offeredAmps;
    }

    /// <summary>Takes up to <paramref name="acWh"/> of AC energy; returns the AC energy the battery accepted.</summary>
    internal double Charge(double acWh)
    {
        var roomKwh = Spec.BatteryKwh * (100 - _soc) / 100;
        var offeredKwh = acWh * Spec.Efficiency / 1000;
        var intoBatteryKwh = Math.Min(roomKwh, offeredKwh);
        _gainKwh += intoBatteryKwh;
        // Set exactly 100 when it fills, so rounding never leaves it a hair short of full.
        _soc = offeredKwh >= roomKwh ? 100 : Math.Min(100, _soc + intoBatteryKwh / Spec.BatteryKwh * 100);
        return intoBatteryKwh * 1000 / Spec.Efficiency;
    }
}
