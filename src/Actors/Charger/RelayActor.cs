using Akka.Actor;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.Relays;

namespace SmartElek.Actors.Charger;

public static class RelayProtocol
{
    public sealed record Close
    {
        public static readonly Close Instance = new();
    }

    public sealed record Open(string Why);

    /// <summary>Re-run the open-contact check (after a weld fault was cleared).</summary>
    public sealed record Verify
    {
        public static readonly Verify Instance = new();
    }

    /// <summary>Both relays are open and sense no voltage: the unit may start.</summary>
    public sealed record Verified(TimeSpan At);

    public sealed record WeldDetected(IReadOnlyList<RelayLine> Lines, TimeSpan At);

    public sealed record PositionChanged(bool Closed, TimeSpan At);

    internal sealed record CheckOpen
    {
        public static readonly CheckOpen Instance = new();
    }
}

/// <summary>
/// Drives the two latching relays. At start it commands both open and verifies by sensing before
/// the unit does anything else; after every open it checks for welded contacts.
/// </summary>
public sealed class RelayActor : ReceiveActor, IWithTimers
{
    private readonly IChargerHardware _hardware;
    private bool _closed;
    private bool _verified;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IChargerHardware hardware, ChargerUnitOptions options) =>
        options.On(Akka.Actor.Props.Create(() => new RelayActor(hardware)));

    public RelayActor(IChargerHardware hardware)
    {
        _hardware = hardware;
        Receive<RelayProtocol.Close>(_ => Close());
        Receive<RelayProtocol.Open>(_ => Open());
        Receive<RelayProtocol.Verify>(_ => Timers.StartSingleTimer("check", RelayProtocol.CheckOpen.Instance, WeldDetection.SettleTime));
        Receive<RelayProtocol.CheckOpen>(_ => CheckOpen());
    }

    private TimeSpan Now => ChargerClock.Now(Context.System.Scheduler);

    protected override void PreStart()
    {
        // Latching relays keep their position through a power loss: open both, then verify.
        _hardware.OpenBothRelays();
        Timers.StartSingleTimer("check", RelayProtocol.CheckOpen.Instance, WeldDetection.SettleTime);
    }

    private void Close()
    {
        if (!_verified || _closed)
            return;
        _hardware.RelayL1.Command(RelayPosition.Closed);
        _hardware.RelayL2.Command(RelayPosition.Closed);
        _closed = true;
        Timers.Cancel("check");
        Context.Parent.Tell(new RelayProtocol.PositionChanged(true, Now));
    }

    private void Open()
    {
        // Always command, even when we think they are open: safety may have opened them already,
        // and an extra open costs nothing.
        _hardware.OpenBothRelays();
        if (!_closed)
            return;
        _closed = false;
        Context.Parent.Tell(new RelayProtocol.PositionChanged(false, Now));
        Timers.StartSingleTimer("check", RelayProtocol.CheckOpen.Instance, WeldDetection.SettleTime);
    }

    private void CheckOpen()
    {
        if (_closed)
            return;
        var welded = WeldDetection.WeldedLines(_hardware.Relays());
        if (welded.Count > 0)
            Context.Parent.Tell(new RelayProtocol.WeldDetected(welded, Now));
        else if (!_verified)
        {
            _verified = true;
            Context.Parent.Tell(new RelayProtocol.Verified(Now));
        }
    }
}
