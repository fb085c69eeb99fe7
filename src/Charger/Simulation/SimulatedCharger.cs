using SmartElek.Charger.Hardware;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Leds;
using SmartElek.Charger.Metering;

namespace SmartElek.Charger.Simulation;

/// <summary>
/// One SmartElek #4500 board, its grid and the vehicle on its cable, in software. Time comes from
/// the clock function (in an actor system: its scheduler, so a virtual clock drives it); the
/// physics is stepped lazily up to that time whenever a port is read or driven. The simulator
/// keeps its own exact energy count (<see cref="DeliveredWh"/>) so tests can compare the meter.
/// Thread-safe: actors on several threads may touch it at once.
/// </summary>
public sealed class SimulatedCharger : IChargerHardware
{
    /// <summary>The physics holds current and voltage constant over at most this long.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromSeconds(1);

    /// <summary>The GFCI trips above this leakage.</summary>
    public const double GfciTripMilliamps = 20;

    private readonly object _gate = new();
    private readonly Func<TimeSpan> _clock;
    private readonly Random _noise;
    private readonly List<Action> _pendingEvents = [];
    private TimeSpan _syncedTo;

    private SimulatedVehicle? _vehicle;
    private (double Amps, TimeSpan At)? _pendingOffer;
    private PilotOutput _pilotOutput = PilotOutput.Available;
    private readonly Relay _l1;
    private readonly Relay _l2;
    private double _leakageMilliamps;
    private bool _gfciTripped;
    private bool _gfciSelfTestBroken;
    private bool _groundLost;
    private bool _diodeFault;
    private bool _pilotShorted;
    private double? _temperatureOverride;
    private bool _buttonPressed;
    private double _lastAmps;

    public SimulatedCharger(Func<TimeSpan> clock, GridSpec? grid = null)
    {
        _clock = clock;
        Grid = grid ?? GridSpec.Default;
        _noise = new Random(Grid.Seed);
        _syncedTo = clock();
        _l1 = new Relay(this, RelayLine.L1);
        _l2 = new Relay(this, RelayLine.L2);
        StatusLedSim = new SimulatedLed();
        NetworkLedSim = new SimulatedLed();
        Gfci = new GfciPort(this);
        SetButton = new ButtonPort(this);
        Pilot = new PilotPort(this);
        FirmwareSim = new SimulatedFirmware(clock);
    }

    public GridSpec Grid { get; private set; }

    public double GridVolts { get; private set; } = double.NaN;

    public double GridFrequencyHz { get; private set; } = double.NaN;

    /// <summary>Exact AC energy delivered to the vehicle since the simulator started, Wh.</summary>
    public double DeliveredWh { get { lock (_gate) { Sync(); return _deliveredWh; } } }

    private double _deliveredWh;

    public SimulatedVehicle? Vehicle { get { lock (_gate) return _vehicle; } }

    /// <summary>True when current can flow: both contacts closed (commanded or welded).</summary>
    public bool Energised { get { lock (_gate) return _l1.PhysicallyClosed && _l2.PhysicallyClosed; } }

    /// <summary>How many times the L1 relay was commanded from open to closed: counts closes that last less than a clock step.</summary>
    public int RelayCloseCount { get { lock (_gate) return _closeCount; } }

    private int _closeCount;

    /// <summary>
    /// How many times the L1 relay was commanded open with 1 A or more flowing: opens under load,
    /// which wear the contacts (a controlled stop avoids them; a fault may not).
    /// </summary>
    public int HotOpenCount { get { lock (_gate) return _hotOpenCount; } }

    private int _hotOpenCount;

    public double TrueAmps { get { lock (_gate) { Sync(); return _lastAmps; } } }

    // ---- scenario controls ----

    public SimulatedVehicle PlugIn(VehicleSpec spec)
    {
        SimulatedVehicle vehicle;
        lock (_gate)
        {
            Sync();
            if (_vehicle is not null)
                throw new InvalidOperationException("A vehicle is already plugged in; unplug it first.");
            vehicle = _vehicle = new SimulatedVehicle(spec, _gate, Sync);
            OfferChanged();
        }
        return vehicle;
    }

    public void Unplug()
    {
        lock (_gate)
        {
            Sync();
            _vehicle = null;
            _pendingOffer = null;
        }
    }

    /// <summary>Sets the supply: voltage and frequency (e.g. to inject over- or under-voltage).</summary>
    public void SetGrid(double volts, double frequencyHz) => Locked(() => { Grid = Grid with { NominalVolts = volts, FrequencyHz = frequencyHz }; GridVolts = double.NaN; });

    /// <summary>Leakage to ground; at 20 mA or more the GFCI trips while the contacts are closed.</summary>
    public void InjectLeakage(double milliamps) => Locked(() => _leakageMilliamps = milliamps);

    public void BreakGfciSelfTest(bool broken) => Locked(() => _gfciSelfTestBroken = broken);

    public void LoseGround(bool lost) => Locked(() => _groundLost = lost);

    /// <summary>Welds a relay: its contacts stay closed whatever is commanded.</summary>
    public void WeldRelay(RelayLine line, bool welded = true) => Locked(() => (line == RelayLine.L1 ? _l1 : _l2).Welded = welded);

    /// <summary>A missing or shorted vehicle diode: the pilot's low level no longer reads -12 V.</summary>
    public void FailDiode(bool failed) => Locked(() => _diodeFault = failed);

    /// <summary>Shorts the pilot to ground (state E).</summary>
    public void ShortPilot(bool shorted) => Locked(() => _pilotShorted = shorted);

    /// <summary>The metering chip stops answering: every read throws.</summary>
    public void FailMeterChip(bool failed) => Locked(() => _meterFailed = failed);

    private bool _meterFailed;

    /// <summary>Forces the board temperature; null returns to the modelled one.</summary>
    public void SetTemperature(double? celsius) => Locked(() => _temperatureOverride = celsius);

    public void PressSetButton() => Locked(() => SetButtonLevel(true));

    public void ReleaseSetButton() => Locked(() => SetButtonLevel(false));

    public SimulatedLed StatusLedSim { get; }

    public SimulatedLed NetworkLedSim { get; }

    /// <summary>The flash and OTA client: a new board runs <see cref="SimulatedFirmware.FactoryVersion"/>.</summary>
    public SimulatedFirmware FirmwareSim { get; }

    /// <summary>The radio: a new board is joined to its site (the site's configuration commissions it).</summary>
    public SimulatedRadio RadioSim { get; } = new();

    public IRelayDriver RelayL1 => _l1;

    public IRelayDriver RelayL2 => _l2;

    // ---- the port ----

    public IPilotPort Pilot { get; }
    public IMeterChip Meter => new MeterPort(this);
    public IGfci Gfci { get; }
    public IGroundCheck Ground => new GroundPort(this);
    public ITemperatureSensor Temperature => new TemperaturePort(this);
    public ISetButton SetButton { get; }
    public ILed StatusLed => StatusLedSim;
    public ILed NetworkLed => NetworkLedSim;
    public IFirmwareFlash Firmware => FirmwareSim;
    public INetworkRadio Radio => RadioSim;

    private event Action? GfciTrip;
    private event Action<bool>? ButtonChanged;

    private void Locked(Action action)
    {
        lock (_gate)
        {
            Sync();
            action();
            CheckGfci();
        }
        RaisePending();
    }

    private T Locked<T>(Func<T> read)
    {
        T value;
        lock (_gate)
        {
            Sync();
            value = read();
            CheckGfci();
        }
        RaisePending();
        return value;
    }

    /// <summary>Events are raised outside the lock: a handler may drive the board at once.</summary>
    private void RaisePending()
    {
        List<Action> events;
        lock (_gate)
        {
            if (_pendingEvents.Count == 0) return;
            events = [.. _pendingEvents];
            _pendingEvents.Clear();
        }
        foreach (var e in events) e();
    }

    private void SetButtonLevel(bool pressed)
    {
        if (_buttonPressed == pressed) return;
        _buttonPressed = pressed;
        var handler = ButtonChanged;
        if (handler is not null) _pendingEvents.Add(() => handler(pressed));
    }

    private void CheckGfci()
    {
        if (_gfciTripped || _leakageMilliamps < GfciTripMilliamps || !(_l1.PhysicallyClosed || _l2.PhysicallyClosed))
            return;
        _gfciTripped = true;
        var handler = GfciTrip;
        if (handler is not null) _pendingEvents.Add(handler);
    }

    private double OfferedAmps() => _pilotOutput is PilotOutput.Pwm pwm ? DutyCycle.ToAmps(pwm.DutyPercent) : 0;

    private void OfferChanged()
    {
        if (_vehicle is null) return;
        _pendingOffer = (OfferedAmps(), _syncedTo + _vehicle.Spec.Delay);
    }

    /// <summary>Steps the physics up to the clock's now, with current constant over each step.</summary>
    private void Sync()
    {
        var now = _clock();
        if (double.IsNaN(GridVolts)) RefreshGrid();
        while (_syncedTo < now)
        {
            var end = _syncedTo + MaxStep < now ? _syncedTo + MaxStep : now;
            if (_pendingOffer is { } p && p.At > _syncedTo && p.At < end) end = p.At;
            ApplyPendingOffer(_syncedTo);
            var amps = CurrentNow();
            _lastAmps = amps;
            if (amps > 0 && _vehicle is not null)
            {
                var acWh = Grid.NominalVolts * amps * _vehicle.Spec.PowerFactor * (end - _syncedTo).TotalHours;
                _deliveredWh += _vehicle.Charge(acWh);
            }
            _syncedTo = end;
            ApplyPendingOffer(_syncedTo);
            RefreshGrid();
        }
        ApplyPendingOffer(_syncedTo);
        _lastAmps = CurrentNow();
    }

    private void ApplyPendingOffer(TimeSpan at)
    {
        if (_pendingOffer is { } p && p.At <= at && _vehicle is not null)
        {
            _vehicle.Follow(p.Amps);
            _pendingOffer = null;
        }
    }

    private double CurrentNow() =>
        _vehicle is not null && _l1.PhysicallyClosed && _l2.PhysicallyClosed && !_pilotShorted ? _vehicle.DrawAmps() : 0;

    private void RefreshGrid()
    {
        GridVolts = Grid.NominalVolts;
        GridFrequencyHz = Grid.FrequencyHz;
    }

    private double Noisy(double value) => value * (1 + Grid.NoiseFraction * (2 * _noise.NextDouble() - 1));

    private PilotLevels ReadPilot()
    {
        var high = _pilotOutput is PilotOutput.SteadyNegative ? -12.0
            : _pilotShorted ? 0.0
            : _vehicle?.StateNow() switch
            {
                null or PilotState.A => 12.0,
                PilotState.B => 9.0,
                PilotState.C => 6.0,
                PilotState.D => 3.0,
                _ => 0.0,
            };
        high += 0.05 * (2 * _noise.NextDouble() - 1);
        var low = _pilotOutput switch
        {
            PilotOutput.Pwm when _diodeFault && _vehicle is not null => -high,
            PilotOutput.Pwm or PilotOutput.SteadyNegative => -12.0 + 0.05 * (2 * _noise.NextDouble() - 1),
            _ => high,
        };
        return new PilotLevels(high, low);
    }

    private sealed class Relay(SimulatedCharger board, RelayLine line) : IRelayDriver
    {
        private RelayPosition _commanded = RelayPosition.Open;
        public bool Welded { get; set; }
        public bool PhysicallyClosed => _commanded == RelayPosition.Closed || Welded;
        public RelayLine Line => line;
        public RelayPosition Commanded { get { lock (board._gate) return _commanded; } }
        public void Command(RelayPosition position) => board.Locked(() =>
        {
            if (position == RelayPosition.Closed && _commanded == RelayPosition.Open && line == RelayLine.L1)
                board._closeCount++;
            if (position == RelayPosition.Open && _commanded == RelayPosition.Closed && line == RelayLine.L1 && board._lastAmps >= 1)
                board._hotOpenCount++;
            _commanded = position;
        });
        public double SenseVolts() => board.Locked(() => PhysicallyClosed ? board.Noisy(board.GridVolts) : 0.0);
    }

    private sealed class PilotPort(SimulatedCharger board) : IPilotPort
    {
        public PilotLevels Read() => board.Locked(board.ReadPilot);
        public PilotOutput Output { get { lock (board._gate) return board._pilotOutput; } }
        public void Drive(PilotOutput output) => board.Locked(() =>
        {
            if (output is PilotOutput.Pwm pwm && (pwm.DutyPercent is < 0 or > 100 || double.IsNaN(pwm.DutyPercent)))
                throw new ArgumentOutOfRangeException(nameof(output), pwm.DutyPercent, "PWM duty must be 0-100 %.");
            if (output == board._pilotOutput) return;
            board._pilotOutput = output;
            board.OfferChanged();
        });
    }

    private sealed class MeterPort(SimulatedCharger board) : IMeterChip
    {
        public MeterReading Read() => board.Locked(() =>
        {
            if (board._meterFailed)
                throw new InvalidOperationException("The metering chip does not answer.");
            var amps = board._lastAmps;
            var pf = board._vehicle?.Spec.PowerFactor ?? 1.0;
            var volts = board.Noisy(board.GridVolts);
            var measuredAmps = amps > 0 ? board.Noisy(amps) : 0;
            // The chip's accumulator counts what flowed, step by step, as a real chip's does at its sampling rate.
            return new MeterReading(board._syncedTo, volts, measuredAmps, volts * measuredAmps * pf, pf, board.GridFrequencyHz + 0.01 * (2 * board._noise.NextDouble() - 1),
                board._deliveredWh);
        });
    }

    private sealed class GfciPort(SimulatedCharger board) : IGfci
    {
        public bool SelfTest() => board.Locked(() => !board._gfciSelfTestBroken);
        public bool Tripped => board.Locked(() => board._gfciTripped);
        public double LeakageMilliamps => board.Locked(() => board._leakageMilliamps);
        public void Rearm() => board.Locked(() => board._gfciTripped = false);
        public event Action? Trip { add { lock (board._gate) board.GfciTrip += value; } remove { lock (board._gate) board.GfciTrip -= value; } }
    }

    private sealed class GroundPort(SimulatedCharger board) : IGroundCheck
    {
        public bool GroundPresent() => board.Locked(() => !board._groundLost);
    }

    private sealed class TemperaturePort(SimulatedCharger board) : ITemperatureSensor
    {
        // Modelled: 25 C ambient plus contact heating growing with the square of the current.
        public double Celsius() => board.Locked(() => board._temperatureOverride ?? 25 + 0.02 * board._lastAmps * board._lastAmps);
    }

    private sealed class ButtonPort(SimulatedCharger board) : ISetButton
    {
        public bool IsPressed { get { lock (board._gate) return board._buttonPressed; } }
        public event Action<bool>? Changed { add { lock (board._gate) board.ButtonChanged += value; } remove { lock (board._gate) board.ButtonChanged -= value; } }
    }
}

/// <summary>An LED that remembers the pattern it shows.</summary>
public sealed class SimulatedLed : ILed
{
    private volatile LedPattern? _pattern;

    public LedPattern Showing => _pattern ?? throw new InvalidOperationException("The LED has not been driven yet.");

    public bool Driven => _pattern is not null;

    public void Show(LedPattern pattern) => _pattern = pattern ?? throw new ArgumentNullException(nameof(pattern));
}
