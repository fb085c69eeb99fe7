using Akka.Actor;
using Akka.Event;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.Ocpp16;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// One OCPP 1.6J charge point for one charger (connector 1). Keeps OCPP's rules (Boot first, one
/// outstanding CALL of its own, answers every incoming CALL, offline queue of transaction
/// messages) and routes between the central system (<see cref="IOcppLink"/>) and the charger
/// (<see cref="IConnectorPort"/>). The decisions live in the pure types it holds: the connector's
/// state (<see cref="ConnectorState"/>: transactions, authorisation, reservations, placeholder
/// ids, configuration, profiles), the answers to the central system's CALLs
/// (<see cref="CentralSystemCalls"/>), meter data (<see cref="MeterSampling"/>), the status
/// (<see cref="StatusMapping"/>) and what it starts from (<see cref="ChargePointStart"/>); the
/// firmware and diagnostics are a child (<see cref="FirmwareAndDiagnostics"/>). One concern per
/// file: this one (lifecycle and routing), <c>.Registration</c> (its states as behaviours:
/// connecting, booting, pending, accepted), <c>.OurCalls</c> (our CALLs, one at a time),
/// <c>.Transactions</c>, <c>.CentralSystem</c> (its CALLs and their effects), <c>.Startup</c>
/// (the edges of its life).
/// </summary>
public sealed partial class ChargePointActor : ReceiveActor, IWithTimers
{
    private const int Connector = ConnectorState.Connector;

    private readonly ChargePointSettings _settings;
    private readonly IConnectorPort _port;
    private readonly IOcppLink _link;
    private readonly ITransactionMessageQueue _queue;
    private readonly IChargePointMemory? _memory;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Func<DateTimeOffset> _now;
    private readonly ChargePointStart _start;

    // The connector, its transactions and what the central system set (pure: Apply and Decide).
    private ConnectorState _state;
    private FirmwareStatus _firmwareStatus = FirmwareStatus.Idle;
    // The firmwareVersion of the last BootNotification: a charger that installed another reboots, and so boots again.
    private string? _bootedFirmwareVersion;
    private DiagnosticsStatus _diagnosticsStatus = DiagnosticsStatus.Idle;
    // The firmware and diagnostics child (FirmwareAndDiagnostics).
    private IActorRef _maintenance = ActorRefs.Nobody;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="queue">the transaction message queue; a durable one keeps it across restarts (in memory when null)</param>
    /// <param name="memory">keeps profiles and changed configuration across restarts (nothing kept when null); what it
    /// remembers is read here, by the caller, before the actor starts</param>
    public static Props Props(ChargePointSettings settings, IConnectorPort port, IOcppLink link, ITransactionMessageQueue? queue = null,
        IChargePointMemory? memory = null) =>
        Props(settings, port, link, queue, memory, memory?.Recall() ?? RememberedChargePoint.Nothing);

    /// <param name="remembered">what <paramref name="memory"/> remembered, read by whoever starts the charge point</param>
    public static Props Props(ChargePointSettings settings, IConnectorPort port, IOcppLink link, ITransactionMessageQueue? queue,
        IChargePointMemory? memory, RememberedChargePoint remembered)
    {
        var q = queue ?? new InMemoryTransactionMessageQueue();
        var start = ChargePointStart.Of(remembered, q.Snapshot(), settings.Configuration ?? ChargePointConfiguration.Default(),
            (settings.Clock ?? (() => DateTimeOffset.UtcNow))());
        return Akka.Actor.Props.Create(() => new ChargePointActor(settings, port, link, q, memory, start));
    }

    public ChargePointActor(ChargePointSettings settings, IConnectorPort port, IOcppLink link, ITransactionMessageQueue queue, IChargePointMemory? memory,
        ChargePointStart start)
    {
        _settings = settings;
        _port = port;
        _link = link;
        _queue = queue;
        _memory = memory;
        _now = settings.Clock ?? (() => DateTimeOffset.UtcNow);
        _start = start;
        _state = ConnectorState.From(start);

        Connecting();
    }

    // What the charge point does in every registration state (see .Registration for what differs).
    private void Common()
    {
        Receive<OcppLinkProtocol.Connected>(_ => OnConnected());
        Receive<OcppLinkProtocol.Disconnected>(d => OnDisconnected(d.Reason));
        Receive<ConnectorChanged>(_ => OnConnectorChanged());
        Receive<PowerLossStopDue>(_ => StopCutTransaction(CutStopMoment.WaitOver));
        Receive<LocalStartRequested>(s => RequestAuthorization(s.IdTag, null));
        Receive<LocalStopRequested>(r => { if (_state.Transaction is not null) StopTransaction(r.Reason); });
        Receive<GetState>(_ => Sender.Tell(State()));
        Receive<Drain>(OnDrain);
        Receive<DrainOver>(_ => AnswerDrain(over: true));
        Receive<StartupWaitOver>(_ => EndStartup(accepted: false));
        Receive<HeartbeatTick>(_ => OnHeartbeatTick());
        Receive<MeterTick>(_ => OnMeterTick());
        Receive<AlignedTick>(t => OnAlignedTick(t.Boundary));
        Receive<LimitTick>(_ => UpdateLimit());
        Receive<BootRetryDue>(_ => { _line = _line with { BootDue = true }; TrySend(); });
        Receive<TransactionRetryDue>(_ => TrySend());
        Receive<RestartDue>(_ =>
        {
            if (_restart is not { } p) return;
            _log.Warning("{0}: the {1} reset's StopTransaction was not answered in time; restarting, it stays queued", _settings.Id, p.Type);
            Restart(p.Type);
            TrySend();
        });
        Receive<StoreWritten>(_ => TrySend());
        Receive<StoreRetryDue>(_ =>
        {
            _queue.RetryWrites();
            TrySend();
        });
        Receive<CallTimedOut>(t => OnCallTimedOut(t.MessageId));
        Receive<UnlockDue>(u => AnswerUnlocks(due: u.MessageId));
        Receive<ReservationExpired>(r =>
        {
            if (_state.Reservation?.Id != r.ReservationId) return;
            _state = _state.Apply(new ConnectorFact.ReservationEnded(r.ReservationId));
            ReportStatus();
        });
        Receive<AuthorizationExpired>(a => _state = _state.Apply(new ConnectorFact.AuthorisationExpired(a.IdTag)));
        Receive<FirmwareStatusChanged>(OnFirmwareStatusChanged);
        Receive<DiagnosticsStep>(s =>
        {
            _diagnosticsStatus = s.Status;
            Enqueue(new DiagnosticsStatusNotificationRequest(s.Status));
        });
    }

    protected override void PreStart()
    {
        foreach (var warning in _start.Warnings) _log.Warning("{0}: {1}", _settings.Id, warning);
        if (_start.ForgetTransaction) _memory?.RememberTransaction(null);
        if (_start.RewriteCache is { } cache && _memory is not null)
        {
            _memory.ClearCache();
            foreach (var (tag, entry) in cache) _memory.RememberCacheEntry(tag, entry, []);
        }
        _maintenance = Context.ActorOf(FirmwareAndDiagnostics.Props(_port as IFirmwarePort), "firmware-and-diagnostics");
        if (_port is IObservableConnectorPort observable) observable.Attach(Self, Context);
        var self = Self;
        _queue.OnWritten(() => self.Tell(StoreWritten.Instance));
        RestartClockAligned();
        UpdateLimit();
        // A port that reports by itself may not know the charger's register yet (a unit recovers it
        // from its journal after power-up): the stop waits until it does and its register is at or
        // above meterStart; past PowerLossStopWait a known register below meterStart will do. Any
        // other port is read now.
        if (_state.CutTransaction is not null)
        {
            if (_port is IObservableConnectorPort) Timers.StartSingleTimer("power-loss-stop", new PowerLossStopDue(), PowerLossStopWait);
            else StopCutTransaction();
        }
        _reporting = _reporting with { Last = CurrentStatus() };
        StartStartupWait();
        _link.Start(Self);
    }

    protected override void PostStop() => _ = _link.StopAsync();

    private DateTimeOffset Now => _now();

    // The state after a change; the installed profiles are remembered whenever they changed.
    private void SetState(ConnectorState next)
    {
        if (!ReferenceEquals(next.Profiles, _state.Profiles) && !next.Profiles.Installed.SequenceEqual(_state.Profiles.Installed))
            _memory?.RememberProfiles(next.Profiles.Installed);
        _state = next;
    }

    private ChargePointState State() => new(
        _line.Registration, _line.Connected, _state.Transaction?.Id, _queue.Count, (_reporting.Last ?? CurrentStatus()).Status,
        _lastLimit ?? _settings.SupplyOrDefault.MaxCurrent, _state.Authorization.ListVersion, _state.Profiles.Installed.Count, _state.Reservation?.Id);
}
