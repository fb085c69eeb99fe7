using Akka.Actor;
using SmartElek.Charger.Button;
using SmartElek.Charger.Hardware;

namespace SmartElek.Actors.Charger;

public static class ButtonProtocol
{
    public sealed record ActionTriggered(SetButtonAction Action, TimeSpan At);

    /// <summary>Every press, for faults that clear with the SET button.</summary>
    public sealed record Pressed(TimeSpan At);

    internal sealed record Edge(bool IsPressed);

    internal sealed record Tick
    {
        public static readonly Tick Instance = new();
    }
}

/// <summary>
/// Turns SET button edges into taps, holds and actions with the pure decoder. Edges arrive as
/// hardware events; a tick runs only while the decoder may still owe an action.
/// </summary>
public sealed class ButtonActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan TickEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan TickFor = TimeSpan.FromSeconds(10);

    private readonly ISetButton _button;
    private readonly SetButtonDecoder _decoder;
    private readonly Action<bool> _onEdge;
    private TimeSpan _tickUntil;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ISetButton button, ChargerUnitOptions options) =>
        options.On(Akka.Actor.Props.Create(() => new ButtonActor(button, options.ButtonTiming)));

    public ButtonActor(ISetButton button, SetButtonTiming timing)
    {
        _button = button;
        _decoder = new SetButtonDecoder(timing);
        var self = Self;
        _onEdge = pressed => self.Tell(new ButtonProtocol.Edge(pressed));
        Receive<ButtonProtocol.Edge>(OnEdge);
        Receive<ButtonProtocol.Tick>(_ => OnTick());
    }

    private TimeSpan Now => ChargerClock.Now(Context.System.Scheduler);

    protected override void PreStart()
    {
        _button.Changed += _onEdge;
        Report(_decoder.PoweredUp(_button.IsPressed), Now);
    }

    protected override void PostStop() => _button.Changed -= _onEdge;

    private void OnEdge(ButtonProtocol.Edge edge)
    {
        var now = Now;
        if (edge.IsPressed)
        {
            Context.Parent.Tell(new ButtonProtocol.Pressed(now));
            Report(_decoder.Pressed(now), now);
        }
        else
            Report(_decoder.Released(now), now);
        _tickUntil = now + TickFor;
        if (!Timers.IsTimerActive("tick"))
            Timers.StartPeriodicTimer("tick", ButtonProtocol.Tick.Instance, TickEvery);
    }

    private void OnTick()
    {
        var now = Now;
        Report(_decoder.Tick(now), now);
        if (now >= _tickUntil && !_button.IsPressed)
            Timers.Cancel("tick");
    }

    private void Report(IReadOnlyList<SetButtonAction> actions, TimeSpan at)
    {
        foreach (var action in actions)
            Context.Parent.Tell(new ButtonProtocol.ActionTriggered(action, at));
    }
}
