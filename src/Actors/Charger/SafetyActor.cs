using Akka.Actor;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Metering;
using SmartElek.Charger.Safety;

namespace SmartElek.Actors.Charger;

public static class SafetyProtocol
{
    public sealed record PilotChanged(PilotState State, TimeSpan At);

    public sealed record OfferApplied(double Amps);

    public sealed record Metered(MeterReading Reading);

    public sealed record Welded(string Lines, TimeSpan At);

    public sealed record DiodeFailed(TimeSpan At, double LowVolts);

    public sealed record SetButtonPressed(TimeSpan At);

    /// <summary>Asks for the GFCI self-test and a ground check before a close; replies <see cref="SelfTestResult"/>.</summary>
    public sealed record SelfTestBeforeClose(long Attempt);

    public sealed record SelfTestResult(long Attempt, bool Passed);

    /// <summary>Reported to the parent whenever faults or derating change.</summary>
    public sealed record Changed(SafetyState State, ThermalLevel Thermal);

    internal sealed record Poll
    {
        public static readonly Poll Instance = new();
    }

    internal sealed record GfciTripped
    {
        public static readonly GfciTripped Instance = new();
    }
}

/// <summary>
/// Owns the faults. It can always open the relays, whatever the other actors do: on every fault it
/// commands both open on the hardware itself, and its GFCI interrupt handler opens them before the
/// message even reaches its mailbox.
/// </summary>
public sealed class SafetyActor : ReceiveActor, IWithTimers
{
    private readonly IChargerHardware _hardware;
    private readonly ChargerUnitOptions _options;
    private readonly Action _onTrip;
    private SafetyState _state = SafetyState.Initial;
    private OverCurrentDetector _overCurrent = OverCurrentDetector.Initial;
    private ThermalLevel _thermal = ThermalLevel.Normal;
    private double _offer;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IChargerHardware hardware, ChargerUnitOptions options) =>
        options.On(Akka.Actor.Props.Create(() => new SafetyActor(hardware, options)));

    public SafetyActor(IChargerHardware hardware, ChargerUnitOptions options)
    {
        _hardware = hardware;
        _options = options;
        var self = Self;
        _onTrip = () =>
        {
            hardware.OpenBothRelays();
            self.Tell(SafetyProtocol.GfciTripped.Instance);
        };

        Receive<SafetyProtocol.GfciTripped>(_ => Raise(FaultKind.GfciTrip, $"GFCI tripped at {_hardware.Gfci.LeakageMilliamps:0.#} mA"));
        Receive<SafetyProtocol.Poll>(_ => Poll());
        Receive<SafetyProtocol.PilotChanged>(OnPilot);
        Receive<SafetyProtocol.OfferApplied>(o =>
        {
            _offer = o.Amps;
            if (o.Amps <= 0) _overCurrent = _overCurrent with { ExceedingSince = null };
        });
        Receive<SafetyProtocol.Metered>(OnMetered);
        Receive<SafetyProtocol.Welded>(w => Raise(FaultKind.RelayWelded, $"voltage after open relay {w.Lines}"));
        Receive<SafetyProtocol.DiodeFailed>(d => Raise(FaultKind.DiodeCheckFailed, $"pilot low level {d.LowVolts:0.0} V"));
        Receive<SafetyProtocol.SetButtonPressed>(p => Update(_state.SetButtonPressed(p.At)));
        Receive<SafetyProtocol.SelfTestBeforeClose>(t => Sender.Tell(new SafetyProtocol.SelfTestResult(t.Attempt, SelfTest("before close"))));
    }

    private TimeSpan Now => ChargerClock.Now(Context.System.Scheduler);

    protected override void PreStart()
    {
        _hardware.Gfci.Trip += _onTrip;
        SelfTest("power-up");
        Timers.StartPeriodicTimer("poll", SafetyProtocol.Poll.Instance, _options.SafetyPoll);
        Report();
    }

    protected override void PostStop() => _hardware.Gfci.Trip -= _onTrip;

    private bool SelfTest(string when)
    {
        if (_hardware.Gfci.Tripped && !_state.Active.ContainsKey(FaultKind.GfciTrip))
            _hardware.Gfci.Rearm();
        if (!_hardware.Gfci.SelfTest())
        {
            Raise(FaultKind.GfciSelfTestFailed, $"GFCI self-test failed at {when}");
            return false;
        }
        if (!_hardware.Ground.GroundPresent())
        {
            Raise(FaultKind.GroundLoss, $"no ground at {when}");
            return false;
        }
        return !_state.Faulted;
    }

    private void Poll()
    {
        var now = Now;
        var next = _state.Tick(now);
        if (next != _state)
        {
            // A GFCI retry re-arms the device; the next close runs a self-test first.
            if (_state.Active.ContainsKey(FaultKind.GfciTrip) && !next.Active.ContainsKey(FaultKind.GfciTrip))
                _hardware.Gfci.Rearm();
            Update(next);
        }
        if (_hardware.Gfci.Tripped && !_state.Active.ContainsKey(FaultKind.GfciTrip) && (_hardware.RelayL1.Commanded == RelayPosition.Closed || _hardware.RelayL2.Commanded == RelayPosition.Closed))
            _onTrip();
        if (!_hardware.Ground.GroundPresent())
            Raise(FaultKind.GroundLoss, "protective ground lost");
        var thermal = _options.Thermal.Next(_thermal, _hardware.Temperature.Celsius());
        if (thermal != _thermal)
        {
            _thermal = thermal;
            if (thermal == ThermalLevel.Stop)
                Raise(FaultKind.OverTemperature, $"board at {_hardware.Temperature.Celsius():0} C");
            else
                Update(_state.ConditionCleared(FaultKind.OverTemperature, now));
            Report();
        }
    }

    private void OnPilot(SafetyProtocol.PilotChanged p)
    {
        switch (p.State)
        {
            case PilotState.A:
                Update(_state.Unplugged(p.At));
                break;
            case PilotState.D:
                Raise(FaultKind.VentilationRequired, "vehicle asks for ventilation (state D)");
                break;
            case PilotState.E:
                Raise(FaultKind.PilotError, "pilot shorted (state E)");
                break;
            case PilotState.F:
                Raise(FaultKind.PilotError, "pilot reads -12 V (state F)");
                break;
        }
    }

    private void OnMetered(SafetyProtocol.Metered m)
    {
        var r = m.Reading;
        if (_options.Grid.Check(r.Volts, r.FrequencyHz) is { } gridFault)
            Raise(gridFault, $"{r.Volts:0.0} V, {r.FrequencyHz:0.00} Hz");
        var (detector, fault) = _overCurrent.Observe(r.At, r.Amps, _offer);
        _overCurrent = detector;
        if (fault)
            Raise(FaultKind.OverCurrent, $"{r.Amps:0.0} A drawn with {_offer:0.0} A offered for over {detector.Window.TotalSeconds:0} s");
    }

    private void Raise(FaultKind kind, string detail)
    {
        if (_state.Active.ContainsKey(kind))
            return;
        _hardware.OpenBothRelays();
        if (kind == FaultKind.OverCurrent)
            _overCurrent = _overCurrent with { ExceedingSince = null };
        Update(_state.Raise(kind, Now, detail));
    }

    private void Update(SafetyState next)
    {
        if (next == _state)
            return;
        _state = next;
        Report();
    }

    private void Report() => Context.Parent.Tell(new SafetyProtocol.Changed(_state, _thermal));
}
