using Akka.Actor;
using SmartElek.Charger.Firmware;
using SmartElek.Charger.Hardware;

namespace SmartElek.Actors.Charger;

public static class FirmwareProtocol
{
    /// <summary>From the unit, forwarded: the asker gets a <see cref="ChargerProtocol.CommandResult"/>.</summary>
    public sealed record Request(FirmwareRequest Update);

    /// <summary>From the unit: whether a session is open (a vehicle plugged in); a downloaded image waits until none is.</summary>
    public sealed record SessionOpen(bool Open);

    /// <summary>To the unit, once at start and after every step: <see cref="FirmwareStep.Installing"/> asks it to reboot into the new image.</summary>
    public sealed record Changed(FirmwareUpdate Update);

    internal sealed record Tick
    {
        public static readonly Tick Instance = new();
    }
}

/// <summary>
/// The unit's one firmware path, for the SET button's 6 taps and OCPP UpdateFirmware alike: holds a
/// <see cref="FirmwareUpdate"/>, carries out what it decides on the board's flash (download, install)
/// and polls the download, which runs on its own. The reboot into the new image is the unit's: it
/// power-cycles when told <see cref="FirmwareStep.Installing"/>, and the boot loader's result at its
/// next power-up starts this actor again as <see cref="FirmwareStep.Installed"/>.
/// </summary>
public sealed class FirmwareActor : ReceiveActor, IWithTimers
{
    /// <summary>How often a running download is looked at.</summary>
    public static readonly TimeSpan DownloadPoll = TimeSpan.FromMilliseconds(500);

    private readonly IFirmwareFlash _flash;
    private FirmwareUpdate _state;
    // Until the unit says otherwise, a session may be open: nothing installs.
    private bool _sessionOpen = true;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="atPowerUp">The state the unit's power-up found (the boot loader's result).</param>
    public static Props Props(IFirmwareFlash flash, FirmwareUpdate atPowerUp, ChargerUnitOptions options) =>
        options.On(Akka.Actor.Props.Create(() => new FirmwareActor(flash, atPowerUp)));

    public FirmwareActor(IFirmwareFlash flash, FirmwareUpdate atPowerUp)
    {
        _flash = flash;
        _state = atPowerUp;
        Receive<FirmwareProtocol.Request>(r =>
        {
            if (_state.Refusal(r.Update) is { } why)
            {
                Sender.Tell(new ChargerProtocol.CommandResult(false, why));
                return;
            }
            Apply(new FirmwareFact.Requested(r.Update));
            Sender.Tell(ChargerProtocol.CommandResult.Ok);
            Act();
        });
        Receive<FirmwareProtocol.SessionOpen>(o =>
        {
            _sessionOpen = o.Open;
            Act();
        });
        Receive<FirmwareProtocol.Tick>(_ => Act());
    }

    protected override void PreStart() => Context.Parent.Tell(new FirmwareProtocol.Changed(_state));

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    // Each step is its own Changed, so the unit publishes every one (OCPP reports each).
    private void Apply(FirmwareFact fact)
    {
        _state = _state.Apply(fact);
        Context.Parent.Tell(new FirmwareProtocol.Changed(_state));
    }

    private void Act()
    {
        if (_state.Step == FirmwareStep.Downloading)
        {
            var download = _flash.Download;
            if (download.Progress == DownloadProgress.Done)
                Apply(new FirmwareFact.Downloaded(download.Version ?? "unknown"));
            else if (download.Progress is DownloadProgress.Failed or DownloadProgress.None)
                Apply(new FirmwareFact.DownloadFailed(Now, download.Failure ?? "the download was lost"));
        }
        switch (_state.Decide(Now, _sessionOpen))
        {
            case FirmwareAction.StartDownload:
                _flash.StartDownload(_state.Request!.Location);
                Apply(new FirmwareFact.DownloadStarted(Now));
                break;
            case FirmwareAction.Install:
                Apply(_flash.Install() is { } why ? new FirmwareFact.InstallFailed(why) : FirmwareFact.InstallStarted.Instance);
                break;
        }
        if (_state.Step == FirmwareStep.Downloading)
            Timers.StartSingleTimer(nameof(FirmwareProtocol.Tick), FirmwareProtocol.Tick.Instance, DownloadPoll);
        else if (_state.WaitsUntil is { } at)
            Timers.StartSingleTimer(nameof(FirmwareProtocol.Tick), FirmwareProtocol.Tick.Instance, at > Now ? at - Now : TimeSpan.Zero);
        else
            Timers.Cancel(nameof(FirmwareProtocol.Tick));
    }
}
