using Akka.Actor;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.J1772;

namespace SmartElek.Actors.Charger;

public static class PilotProtocol
{
    /// <summary>The offer the unit wants on the pilot; 0 A means steady +12 V.</summary>
    public sealed record SetOffer(double Amps);

    /// <summary>Reported to the parent when the debounced pilot state changes.</summary>
    public sealed record StateChanged(PilotState State, TimeSpan At);

    /// <summary>Reported when the PWM offer on the wire changes.</summary>
    public sealed record OfferApplied(double Amps, TimeSpan At);

    /// <summary>
    /// While in C, a sample fell in another band: the vehicle is probably leaving C. Sent before the
    /// debounce confirms it, so the relays can open within 100 ms of C->B; opening early is the safe side.
    /// </summary>
    public sealed record LeavingC(PilotState Towards, TimeSpan At);

    /// <summary>The suspected exit from C did not last: the debounced state is still C.</summary>
    public sealed record StayedInC(TimeSpan At);

    /// <summary>The low level is not -12 V while PWM runs.</summary>
    public sealed record DiodeFault(TimeSpan At, double LowVolts);

    internal sealed record Poll
    {
        public static readonly Poll Instance = new();
    }

    internal sealed record ApplyPaced
    {
        public static readonly ApplyPaced Instance = new();
    }
}

/// <summary>
/// Samples the pilot, debounces it into a J1772 state, checks the vehicle diode and drives the PWM.
/// Pacing rule: an increase of the offer waits until 5 s after the last change (the latest wanted
/// value is applied then); a decrease, including to 0 A, is applied at once, because the site's
/// limits and safety rely on it, and the vehicle's 5 s window starts at that change.
/// </summary>
public sealed class PilotActor : ReceiveActor, IWithTimers
{
    private const int BadDiodeSamplesForFault = 2;

    private readonly IPilotPort _port;
    private readonly ChargerUnitOptions _options;
    private readonly PilotClassifier _classifier;
    private PilotState _reported;
    private double _applied;
    private double _wanted;
    private TimeSpan? _lastChange;
    private int _badDiodeSamples;
    private bool _leavingC;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IPilotPort port, ChargerUnitOptions options) =>
        options.On(Akka.Actor.Props.Create(() => new PilotActor(port, options)));

    public PilotActor(IPilotPort port, ChargerUnitOptions options)
    {
        _port = port;
        _options = options;
        _classifier = new PilotClassifier(options.Classifier);
        _reported = _classifier.Current;
        Receive<PilotProtocol.Poll>(_ => Sample());
        Receive<PilotProtocol.SetOffer>(Want);
        Receive<PilotProtocol.ApplyPaced>(_ => Apply(_wanted));
    }

    private TimeSpan Now => ChargerClock.Now(Context.System.Scheduler);

    protected override void PreStart()
    {
        _port.Drive(PilotOutput.Available);
        Timers.StartPeriodicTimer("poll", PilotProtocol.Poll.Instance, _options.PilotPoll);
        Context.Parent.Tell(new PilotProtocol.StateChanged(_reported, Now));
    }

    private void Sample()
    {
        var now = Now;
        var levels = _port.Read();
        var band = _classifier.ClassifyBand(levels.HighVolts);
        var state = _classifier.Update(levels.HighVolts, now);
        if (state != _reported)
        {
            _reported = state;
            _leavingC = false;
            Context.Parent.Tell(new PilotProtocol.StateChanged(state, now));
        }
        else if (state == PilotState.C && band is { } other && other != PilotState.C && !_leavingC)
        {
            _leavingC = true;
            Context.Parent.Tell(new PilotProtocol.LeavingC(other, now));
        }
        else if (_leavingC && band == PilotState.C)
        {
            _leavingC = false;
            Context.Parent.Tell(new PilotProtocol.StayedInC(now));
        }
        var vehicleOnPwm = _port.Output is PilotOutput.Pwm && state is PilotState.B or PilotState.C or PilotState.D;
        _badDiodeSamples = vehicleOnPwm && !DiodeCheck.LowLevelOk(levels.LowVolts) ? _badDiodeSamples + 1 : 0;
        if (_badDiodeSamples == BadDiodeSamplesForFault)
            Context.Parent.Tell(new PilotProtocol.DiodeFault(now, levels.LowVolts));
    }

    private void Want(PilotProtocol.SetOffer offer)
    {
        if (double.IsNaN(offer.Amps) || offer.Amps < 0)
            throw new ArgumentOutOfRangeException(nameof(offer), offer.Amps, "An offer must be 0 A or more.");
        _wanted = offer.Amps;
        if (_wanted == _applied)
        {
            Timers.Cancel("paced");
            return;
        }
        var now = Now;
        if (_wanted < _applied || _lastChange is null || now - _lastChange >= _options.OfferPacing)
            Apply(_wanted);
        else if (!Timers.IsTimerActive("paced"))
            Timers.StartSingleTimer("paced", PilotProtocol.ApplyPaced.Instance, _lastChange.Value + _options.OfferPacing - now);
    }

    private void Apply(double amps)
    {
        Timers.Cancel("paced");
        if (amps == _applied)
            return;
        _port.Drive(amps > 0 ? new PilotOutput.Pwm(DutyCycle.FromAmps(amps)) : PilotOutput.Available);
        _applied = amps;
        _lastChange = Now;
        _badDiodeSamples = 0;
        Context.Parent.Tell(new PilotProtocol.OfferApplied(amps, _lastChange.Value));
    }
}
