using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.Tests.Interop;

/// <summary>
/// A test implementation of <see cref="IConnectorPort"/> that behaves like a charger: while a
/// transaction runs and the vehicle asks, it draws the applied limit (up to the vehicle's
/// maximum) and the energy register rises with it. Thread-safe: the test changes the vehicle
/// while the actor reads.
/// </summary>
/// <param name="registerWh">the energy register at the start (a charger after a restart continues from its own)</param>
public sealed class SimulatedConnector(decimal vehicleMaxA = 32m, decimal voltage = 240m, decimal registerWh = 10_000m) : IConnectorPort
{
    private readonly Lock _gate = new();
    private DateTimeOffset _last = DateTimeOffset.UtcNow;
    private decimal _energyWh = registerWh;
    private bool _charging;
    private decimal _limit = 32m;

    public VehicleConnection Vehicle { get; set; } = VehicleConnection.None;
    public ConnectorFault Fault { get; set; } = ConnectorFault.None;
    public bool Operative { get; private set; } = true;
    public List<decimal> AppliedLimits { get; } = [];
    public List<StopTransactionReason> Stops { get; } = [];
    public List<ResetType> Resets { get; } = [];

    /// <summary>A welded relay: power stays on the cable after a stop.</summary>
    public bool RelayWelded { get; set; }

    public decimal Limit { get { lock (_gate) return _limit; } }

    private decimal Current => _charging && Vehicle == VehicleConnection.RequestingEnergy && Fault == ConnectorFault.None
        ? Math.Min(_limit, vehicleMaxA) : 0m;

    public ConnectorSnapshot Read()
    {
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow;
            var current = Current;
            _energyWh += current * voltage * (decimal)(now - _last).TotalHours;
            _last = now;
            var offered = _charging ? _limit : 0m;
            var meter = new MeterSnapshot(now, (long)_energyWh, current * voltage, current, offered, voltage, 60m, 0.99m, 55m);
            return new ConnectorSnapshot(Vehicle, Fault, Operative, meter, RelaysClosed: _charging || RelayWelded);
        }
    }

    public bool StartCharging(string idTag)
    {
        lock (_gate)
        {
            if (Vehicle == VehicleConnection.None || Fault != ConnectorFault.None || !Operative) return false;
            Read();
            _charging = true;
            return true;
        }
    }

    public void StopCharging(StopTransactionReason reason)
    {
        lock (_gate)
        {
            Read();
            _charging = false;
            Stops.Add(reason);
        }
    }

    public void ApplyCurrentLimit(decimal amps)
    {
        lock (_gate)
        {
            Read();
            _limit = amps;
            AppliedLimits.Add(amps);
        }
    }

    public UnlockStatus Unlock() => RelayWelded ? UnlockStatus.UnlockFailed : UnlockStatus.Unlocked;

    public bool SetAvailability(bool operative)
    {
        lock (_gate) Operative = operative;
        return true;
    }

    public bool Reset(ResetType type)
    {
        lock (_gate) Resets.Add(type);
        return true;
    }
}
