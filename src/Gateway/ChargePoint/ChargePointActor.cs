using System.Collections.Immutable;
using System.Globalization;
using Akka.Actor;
using Akka.Event;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// One OCPP 1.6J charge point for one charger (connector 1). Keeps OCPP's rules (Boot first, one
/// outstanding CALL of its own, answers every incoming CALL, offline queue of transaction
/// messages) and routes between the central system (<see cref="IOcppLink"/>) and the charger
/// (<see cref="IConnectorPort"/>). The decisions live in the pure types it holds
/// (<see cref="ChargingProfiles"/>, <see cref="LocalAuthorization"/>, <see cref="ChargePointConfiguration"/>,
/// <see cref="StatusMapping"/>).
/// </summary>
public sealed partial class ChargePointActor : ReceiveActor, IWithTimers
{
    private const int Connector = 1;

    private readonly ChargePointSettings _settings;
    private readonly IConnectorPort _port;
    private readonly IOcppLink _link;
    private readonly ITransactionMessageQueue _queue;
    private readonly IChargePointMemory? _memory;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Func<DateTimeOffset> _now;

    // The CALLs of ours that wait for the connection (not transaction messages: those are in _queue).
    private readonly Queue<Outgoing> _outgoing = new();
    private readonly List<Action> _afterReply = [];

    private readonly ChargePointStart _start;
    private ChargePointConfiguration _config;
    private ChargingProfiles _profiles;
    private LocalAuthorization _auth;
    private Registration _registration = Registration.NotBooted;
    private bool _everAccepted;
    private bool _connected;
    private bool _bootDue;
    private InFlight? _inFlight;
    private DateTimeOffset _lastSent = DateTimeOffset.MinValue;
    private DateTimeOffset _lastHeartbeat = DateTimeOffset.MinValue;
    private DateTimeOffset _transactionRetryNotBefore = DateTimeOffset.MinValue;
    private Transaction? _transaction;
    // A transaction remembered running at start: cut by a power loss or a crash, stopped once the charger's register is read.
    private RememberedTransaction? _cutTransaction;
    private bool _cutStopWaiting;
    private Authorised? _authorised;
    private Reservation? _reservation;
    private bool _finishing;
    private bool _storeFailing;
    private bool _unavailableRequested;
    private bool _inoperativeScheduled;
    private int _nextPlaceholder;
    private ConnectorStatus? _lastStatus;
    // A status is not reported ahead of the StartTransaction or StopTransaction that explains it:
    // the sequence of the last one not sent yet, and whether a report waits for it.
    private long? _statusAwaits;
    private bool _statusHeld;
    // A soft reset waits for the StopTransaction it queued before the charger restarts.
    private PendingRestart? _restart;
    // UnlockConnector answers that wait for their transaction's StopTransaction to go out and the relays to open.
    private readonly List<PendingUnlock> _unlocks = [];
    // StopTransaction.transactionData: StopTxnSampledData / StopTxnAlignedData taken during the transaction, thinned to StopTxnMaxMeterValues.
    private TransactionData _transactionData = TransactionData.Empty(TransactionData.MinimumCapacity);
    private decimal? _lastLimit;
    private FirmwareStatus _firmwareStatus = FirmwareStatus.Idle;
    // The firmwareVersion of the last BootNotification: a charger that installed another reboots, and so boots again.
    private string? _bootedFirmwareVersion;
    private DiagnosticsStatus _diagnosticsStatus = DiagnosticsStatus.Idle;

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed record Outgoing(IOcppRequest Request, Action<IOcppResponse>? OnAnswer = null, Action? OnFailure = null, bool Triggered = false);
    private sealed record InFlight(string MessageId, string Action, Outgoing? Call, QueuedTransactionMessage? Queued, bool Boot);
    private sealed record Transaction(int Id, string IdTag, DateTimeOffset Start, long MeterStart);
    private sealed record Authorised(string IdTag, ChargingProfile? Profile);
    private sealed record Reservation(int Id, string IdTag, string? ParentIdTag, DateTimeOffset Expiry);
    private sealed record PendingRestart(ResetType Type, long Stop);
    private sealed record PendingUnlock(string MessageId, long? Stop);

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
        _config = start.Configuration;
        _profiles = start.Profiles;
        _auth = start.Authorization;
        _cutTransaction = start.CutTransaction;
        _nextPlaceholder = start.NextPlaceholder;

        Receive<OcppLinkProtocol.Connected>(_ => OnConnected());
        Receive<OcppLinkProtocol.Disconnected>(d => OnDisconnected(d.Reason));
        Receive<OcppLinkProtocol.Received>(r => OnReceived(r.Frame));
        Receive<ConnectorChanged>(_ => OnConnectorChanged());
        Receive<PowerLossStopDue>(_ => StopCutTransaction(CutStop.WaitOver));
        Receive<LocalStartRequested>(s => RequestAuthorization(s.IdTag, null));
        Receive<LocalStopRequested>(r => { if (_transaction is not null) StopTransaction(r.Reason); });
        Receive<GetState>(_ => Sender.Tell(State()));
        Receive<Drain>(OnDrain);
        Receive<DrainOver>(_ => AnswerDrain(over: true));
        Receive<StartupWaitOver>(_ => EndStartup(accepted: false));
        Receive<HeartbeatTick>(_ => OnHeartbeatTick());
        Receive<MeterTick>(_ => OnMeterTick());
        Receive<AlignedTick>(t => OnAlignedTick(t.Boundary));
        Receive<LimitTick>(_ => UpdateLimit());
        Receive<BootRetryDue>(_ => { _bootDue = true; TrySend(); });
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
            if (_reservation?.Id != r.ReservationId) return;
            _reservation = null;
            ReportStatus();
        });
        Receive<AuthorizationExpired>(a => { if (_authorised?.IdTag == a.IdTag && _transaction is null) _authorised = null; });
        Receive<FirmwareStatusChanged>(OnFirmwareStatusChanged);
        Receive<DiagnosticsStep>(s =>
        {
            _diagnosticsStatus = s.Status;
            Enqueue(new DiagnosticsStatusNotificationRequest(s.Status));
            if (s.Status == DiagnosticsStatus.Uploading)
                Timers.StartSingleTimer("diagnostics", new DiagnosticsStep(DiagnosticsStatus.Uploaded), TimeSpan.FromSeconds(1));
        });
    }

    private void SetProfiles(ChargingProfiles profiles)
    {
        if (ReferenceEquals(profiles, _profiles) || profiles.Installed.SequenceEqual(_profiles.Installed)) return;
        _profiles = profiles;
        _memory?.RememberProfiles(profiles.Installed);
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
        if (_port is IObservableConnectorPort observable) observable.Attach(Self, Context);
        var self = Self;
        _queue.OnWritten(() => self.Tell(StoreWritten.Instance));
        RestartClockAligned();
        UpdateLimit();
        // A port that reports by itself may not know the charger's register yet (a unit recovers it
        // from its journal after power-up): the stop waits until it does and its register is at or
        // above meterStart; past PowerLossStopWait a known register below meterStart will do. Any
        // other port is read now.
        if (_cutTransaction is not null)
        {
            if (_port is IObservableConnectorPort) Timers.StartSingleTimer("power-loss-stop", new PowerLossStopDue(), PowerLossStopWait);
            else StopCutTransaction();
        }
        _lastStatus = CurrentStatus();
        StartStartupWait();
        _link.Start(Self);
    }

    protected override void PostStop() => _ = _link.StopAsync();

    private DateTimeOffset Now => _now();

    private ActiveTransaction? ActiveTx => _transaction is { } t ? new ActiveTransaction(Connector, t.Id, t.Start) : null;

    // ---------------- connection ----------------

    private void OnConnected()
    {
        _connected = true;
        _inFlight = null;
        if (_everAccepted)
        {
            // A plain reconnect: no new Boot; tell the current status (not queued while offline).
            _registration = Registration.Accepted;
            ReportStatus(force: true);
        }
        else
        {
            _registration = Registration.NotBooted;
            _bootDue = true;
        }
        TrySend();
    }

    private void OnDisconnected(string reason)
    {
        _log.Info("{0}: disconnected: {1}", _settings.Id, reason);
        _connected = false;
        Timers.Cancel("call-timeout");
        var lost = _inFlight;
        _inFlight = null;
        // Heartbeats, status and the like are not kept offline; an Authorize falls back to the local decision.
        var pending = _outgoing.ToList();
        _outgoing.Clear();
        lost?.Call?.OnFailure?.Invoke();
        foreach (var o in pending) o.OnFailure?.Invoke();
        if (lost?.Boot == true) _bootDue = true;
        // Offline, the reset's StopTransaction stays queued (durably) and goes after the next Boot.
        if (_restart is { } restart) Restart(restart.Type);
        // An answer belongs to the connection its CALL came on.
        foreach (var u in _unlocks) Timers.Cancel(UnlockTimer(u.MessageId));
        _unlocks.Clear();
    }

    private void OnReceived(string frame)
    {
        switch (OcppFrames.Decode(frame))
        {
            case DecodedCall call:
                HandleCall(call);
                break;
            case DecodedResult result when _inFlight?.MessageId == result.MessageId:
                var answered = TakeInFlight();
                switch (OcppFrames.ReadResponse(answered.Action, result.Payload))
                {
                    case ResponseOk ok: OnAnswer(answered, ok.Response); break;
                    case ResponseInvalid bad: OnFailure(answered, $"{bad.Code}: {bad.Description}"); break;
                }
                break;
            case DecodedError error when _inFlight?.MessageId == error.MessageId:
                OnFailure(TakeInFlight(), $"CALLERROR {error.CodeText}: {error.Description}");
                break;
            case DecodedResult or DecodedError:
                _log.Warning("{0}: an answer to no outstanding CALL was ignored: {1}", _settings.Id, Cut(frame));
                break;
            case Rejected rejected:
                _log.Warning("{0}: rejected a frame ({1}: {2})", _settings.Id, rejected.Code, rejected.Description);
                if (rejected.Reply is { } reply) _link.Send(reply);
                break;
        }
        TrySend();
    }

    private InFlight TakeInFlight()
    {
        Timers.Cancel("call-timeout");
        var f = _inFlight!;
        _inFlight = null;
        return f;
    }

    private static string Cut(string s) => s.Length <= 200 ? s : s[..200] + "...";

    // ---------------- our CALLs: one at a time ----------------

    private void Enqueue(IOcppRequest request, Action<IOcppResponse>? onAnswer = null, Action? onFailure = null, bool triggered = false)
    {
        if (!_connected || (_registration != Registration.Accepted && !(triggered && _registration == Registration.Pending)))
        {
            if (request is AuthorizeRequest && HoldForRegistration(new Outgoing(request, onAnswer, onFailure))) return;
            onFailure?.Invoke();
            return;
        }
        _outgoing.Enqueue(new Outgoing(request, onAnswer, onFailure, triggered));
        TrySend();
    }

    private long EnqueueTransactionMessage(IOcppRequest request, int? startPlaceholder = null)
    {
        var sequence = _queue.Enqueue(request, startPlaceholder);
        if (request is StartTransactionRequest or StopTransactionRequest) _statusAwaits = sequence;
        TrySend();
        return sequence;
    }

    private void TrySend()
    {
        WatchStore();
        if (_restart is { } restart && !Queued(restart.Stop)) Restart(restart.Type);
        SendNext();
        AnswerUnlocks();
        AnswerDrain();
    }

    private void SendNext()
    {
        if (!_connected || _inFlight is not null) return;
        if (_bootDue)
        {
            _bootDue = false;
            _bootedFirmwareVersion = (_port as IFirmwarePort)?.FirmwareVersion ?? _settings.FirmwareVersion;
            Send(new BootNotificationRequest(_settings.Vendor, _settings.Model,
                ChargePointSerialNumber: _settings.SerialNumber, FirmwareVersion: _bootedFirmwareVersion), null, null, boot: true);
            return;
        }
        if (_registration == Registration.Pending)
        {
            // Pending: only what the central system asked for with TriggerMessage.
            if (_outgoing.TryPeek(out var t) && t.Triggered) Send(_outgoing.Dequeue().Request, t, null, boot: false);
            return;
        }
        if (_registration != Registration.Accepted) return;
        if (_queue.Peek() is { } head && Now >= _transactionRetryNotBefore)
        {
            Send(head.Request, null, head, boot: false);
            return;
        }
        if (_outgoing.TryDequeue(out var next)) Send(next.Request, next, null, boot: false);
    }

    private void Send(IOcppRequest request, Outgoing? call, QueuedTransactionMessage? queued, bool boot)
    {
        var id = MessageIds.Next();
        var action = OcppActions.ForRequest(request).Name;
        if (!_link.Send(OcppFrames.EncodeCall(id, request)))
        {
            // The link went down under us; Disconnected follows and decides what is kept.
            if (boot) _bootDue = true;
            else if (call is not null) call.OnFailure?.Invoke();
            return;
        }
        _inFlight = new InFlight(id, action, call, queued, boot);
        _lastSent = Now;
        Timers.StartSingleTimer("call-timeout", new CallTimedOut(id), _settings.CallTimeout ?? TimeSpan.FromSeconds(30));
        if (queued is not null && queued.Sequence >= _statusAwaits)
        {
            // The central system knows of the transaction's start or stop now: the status it explains may follow.
            _statusAwaits = null;
            if (_statusHeld) ReportStatus(force: true);
        }
    }

    // A store that fails holds the changes in memory (none is lost while the process lives) and
    // offers no transaction message before its row is written: said once, loudly, and retried.
    private void WatchStore()
    {
        if (_queue.StoreError is not null)
        {
            if (!_storeFailing) _log.Error("{0}: the charge point store fails; changes are held in memory and transaction messages wait until it is back: {1}", _settings.Id, _queue.StoreError);
            _storeFailing = true;
            if (!Timers.IsTimerActive("store-retry")) Timers.StartSingleTimer("store-retry", new StoreRetryDue(), _settings.StoreRetry ?? TimeSpan.FromSeconds(5));
        }
        else if (_storeFailing)
        {
            _storeFailing = false;
            _log.Info("{0}: the charge point store is back; every held change is written", _settings.Id);
        }
    }

    private void OnAnswer(InFlight f, IOcppResponse response)
    {
        if (f.Boot && response is BootNotificationResponse boot) { OnBootAnswer(boot); return; }
        if (f.Queued is { } q)
        {
            _queue.RemoveHead();
            if (response is StartTransactionResponse start && q.StartPlaceholder is { } placeholder)
                OnTransactionStarted(placeholder, (StartTransactionRequest)q.Request, start);
            if (response is StopTransactionResponse { IdTagInfo: { } info } && q.Request is StopTransactionRequest { IdTag: { } tag })
                LearnAuthorization(tag, info);
            return;
        }
        f.Call?.OnAnswer?.Invoke(response);
    }

    private void OnFailure(InFlight f, string why)
    {
        _log.Warning("{0}: {1} failed: {2}", _settings.Id, f.Action, why);
        if (f.Boot)
        {
            Timers.StartSingleTimer("boot", new BootRetryDue(), _settings.BootRetry ?? TimeSpan.FromSeconds(30));
            return;
        }
        if (f.Queued is not null)
        {
            // A failure to process: retry TransactionMessageAttempts times, waiting RetryInterval x attempts.
            var failed = _queue.RecordFailedAttempt();
            if (failed.FailedAttempts >= _config.TransactionMessageAttempts)
            {
                _log.Error("{0}: gave up {1} after {2} attempts: {3}", _settings.Id, f.Action, failed.FailedAttempts, why);
                _queue.RemoveHead();
                return;
            }
            DelayTransactionMessages(_config.TransactionMessageRetryInterval * failed.FailedAttempts);
            return;
        }
        f.Call?.OnFailure?.Invoke();
    }

    private void DelayTransactionMessages(TimeSpan wait)
    {
        _transactionRetryNotBefore = Now + wait;
        Timers.StartSingleTimer("tx-retry", new TransactionRetryDue(), wait);
    }

    private void OnCallTimedOut(string messageId)
    {
        if (_inFlight?.MessageId != messageId) return;
        var f = TakeInFlight();
        _log.Warning("{0}: {1} got no answer in time", _settings.Id, f.Action);
        if (f.Boot) Timers.StartSingleTimer("boot", new BootRetryDue(), _settings.BootRetry ?? TimeSpan.FromSeconds(30));
        // Not a failure to process: the message stays at the head and is sent again.
        else if (f.Queued is not null) DelayTransactionMessages(_config.TransactionMessageRetryInterval);
        else f.Call?.OnFailure?.Invoke();
        TrySend();
    }

    // ---------------- boot and heartbeat ----------------

    private void OnBootAnswer(BootNotificationResponse boot)
    {
        var retry = boot.Interval > 0 ? TimeSpan.FromSeconds(boot.Interval) : _settings.BootRetry ?? TimeSpan.FromSeconds(30);
        switch (boot.Status)
        {
            case RegistrationStatus.Accepted:
                _registration = Registration.Accepted;
                _everAccepted = true;
                if (boot.Interval > 0)
                    _config = _config.Change("HeartbeatInterval", boot.Interval.ToString(CultureInfo.InvariantCulture)).Configuration;
                RestartHeartbeat();
                ReportStatus(force: true);
                EndStartup(accepted: true);
                break;
            case RegistrationStatus.Pending:
                _registration = Registration.Pending;
                // The interval is the minimum wait before the next BootNotification.
                Timers.StartSingleTimer("boot", new BootRetryDue(), retry);
                EndStartup(accepted: false);
                break;
            default:
                _registration = Registration.Rejected;
                Timers.StartSingleTimer("boot", new BootRetryDue(), retry);
                EndStartup(accepted: false);
                break;
        }
    }

    private void RestartHeartbeat()
    {
        var interval = _config.HeartbeatInterval;
        if (interval > TimeSpan.Zero) Timers.StartPeriodicTimer("heartbeat", new HeartbeatTick(), interval);
        else Timers.Cancel("heartbeat");
    }

    private void OnHeartbeatTick()
    {
        // Skipped while other traffic flows (any CALL of ours shows we are alive), but one a day
        // at least: its answer is the clock.
        var interval = _config.HeartbeatInterval;
        if (Now - _lastSent >= interval * 0.9 || Now - _lastHeartbeat >= TimeSpan.FromDays(1))
        {
            _lastHeartbeat = Now;
            Enqueue(new HeartbeatRequest());
        }
    }

    // ---------------- the connector ----------------

    private ConnectorStatus CurrentStatus() =>
        StatusMapping.Of(_port.Read(), _transaction is not null, _reservation is not null, _finishing, _unavailableRequested);

    // Until its StartTransaction is sent, a transaction's connector is Preparing to the central
    // system (and Finishing only after its StopTransaction): a status that a transaction message
    // waiting in the queue (unwritten, offline, behind others) would explain is held until that
    // message is sent, then the status of that moment is reported. A triggered one is the central
    // system's own question and goes at once.
    private void ReportStatus(bool force = false, bool triggered = false)
    {
        var status = CurrentStatus();
        if (!force && status == _lastStatus) return;
        _lastStatus = status;
        if (_statusAwaits is not null && !triggered)
        {
            _statusHeld = true;
            return;
        }
        _statusHeld = false;
        Enqueue(new StatusNotificationRequest(Connector, status.ErrorCode, status.Status, status.Info, Now), triggered: triggered);
    }

    private static readonly TimeSpan PowerLossStopWait = TimeSpan.FromSeconds(10);

    /// <summary>When a cut transaction's stop may go: now (a new transaction begins, or the port has no
    /// register to wait for), once the register is known and at or above meterStart, or once it is known.</summary>
    private enum CutStop { Now, RegisterAtStart, WaitOver }

    // OCPP 1.6 §4.10: the transaction cut by the power loss is stopped with reason PowerLoss,
    // through the queue (after any of its messages still owed, placeholder rewritten as usual).
    private void StopCutTransaction(CutStop when = CutStop.Now)
    {
        if (_cutTransaction is not { } cut) return;
        var meter = _port.Read().Meter;
        if (when != CutStop.Now && !meter.RegisterKnown)
        {
            // The charger's register before it is recovered would under-count the transaction: wait on.
            if (when == CutStop.WaitOver)
            {
                if (!_cutStopWaiting)
                    _log.Warning("{0}: transaction {1} was cut by a power loss; its stop waits for the charger's register, not recovered yet", _settings.Id, cut.TransactionId);
                _cutStopWaiting = true;
                Timers.StartSingleTimer("power-loss-stop", new PowerLossStopDue(), PowerLossStopWait);
            }
            return;
        }
        if (when == CutStop.RegisterAtStart && meter.EnergyWh < cut.MeterStart) return;
        _cutTransaction = null;
        Timers.Cancel("power-loss-stop");
        var stop = PowerLossRecovery.Stop(cut, meter.EnergyWh, Now);
        _log.Info("{0}: transaction {1} was cut by a power loss; stopped at {2} Wh", _settings.Id, cut.TransactionId, stop.MeterStop);
        EnqueueTransactionMessage(stop);
        _memory?.RememberTransaction(null);
    }

    private void OnConnectorChanged()
    {
        StopCutTransaction(CutStop.RegisterAtStart);
        var s = _port.Read();
        if (_transaction is not null && s.Vehicle == VehicleConnection.None && _config.StopTransactionOnEVSideDisconnect)
            StopTransaction(StopReason.EVDisconnected);
        if (_transaction is null && s.Vehicle == VehicleConnection.None) _finishing = false;
        TryStartTransaction();
        ReportStatus();
        AnswerUnlocks(); // the relays may have opened
    }

    private void UpdateLimit()
    {
        // The composite of the next day: its first period is the cap now, its second says when to look again.
        var schedule = CompositeSchedule.Compute(_profiles, Connector, Now, 86_400, ChargingRateUnit.A, _settings.SupplyOrDefault, ActiveTx);
        var periods = schedule.ChargingSchedulePeriod;
        // Period starts are whole seconds rounded down: one more second is never early, at most 1 s late.
        Timers.StartSingleTimer("limit", new LimitTick(), periods.Count > 1 ? TimeSpan.FromSeconds(periods[1].StartPeriod + 1) : TimeSpan.FromHours(1));
        var limit = periods[0].Limit;
        if (limit == _lastLimit) return;
        _lastLimit = limit;
        _port.ApplyCurrentLimit(limit);
    }

    // ---------------- authorisation and transactions ----------------

    private void RequestAuthorization(string idTag, ChargingProfile? profile)
    {
        if (idTag.Length is 0 or > 20)
        {
            _log.Warning("{0}: idTag '{1}' refused: an idTag has 1 to 20 characters", _settings.Id, idTag);
            return;
        }
        if (_transaction is not null) return;
        var (listEnabled, cacheEnabled) = (_config.LocalAuthListEnabled, _config.AuthorizationCacheEnabled);
        var local = _auth.Lookup(idTag, Now, listEnabled, cacheEnabled);
        if (_auth.AnswersFromCache(idTag, listEnabled, cacheEnabled) && _auth.Cache.Use(idTag, Now) is (var used, { } entry))
        {
            _auth = _auth with { Cache = used };
            _memory?.RememberCacheEntry(idTag, entry, []);
        }
        var online = _connected && _registration == Registration.Accepted;
        // Online, LocalPreAuthorize lets the list or cache start at once; offline, LocalAuthorizeOffline decides whether they may.
        if (local?.Status == AuthorizationStatus.Accepted && (online ? _config.LocalPreAuthorize : _config.LocalAuthorizeOffline))
        {
            Authorise(idTag, profile);
            return;
        }
        Enqueue(new AuthorizeRequest(idTag),
            onAnswer: r =>
            {
                var info = ((AuthorizeResponse)r).IdTagInfo;
                LearnAuthorization(idTag, info);
                if (info.Status == AuthorizationStatus.Accepted) Authorise(idTag, profile);
                else _log.Info("{0}: idTag {1} not authorised: {2}", _settings.Id, idTag, info.Status);
            },
            onFailure: () =>
            {
                // Offline: the local list and cache decide; an unknown tag only if allowed.
                var known = local is not null && local.Status == AuthorizationStatus.Accepted && _config.LocalAuthorizeOffline;
                if (known || (local is null && _config.AllowOfflineTxForUnknownId)) Authorise(idTag, profile);
                else _log.Info("{0}: idTag {1} not authorised offline", _settings.Id, idTag);
            });
    }

    // OCPP 1.6 §3.5: every idTagInfo the central system gives updates the cache (when enabled), durably.
    private void LearnAuthorization(string idTag, IdTagInfo info)
    {
        if (!_config.AuthorizationCacheEnabled) return;
        var (cache, evicted) = _auth.Cache.Remember(idTag, info, Now);
        _auth = _auth with { Cache = cache };
        if (cache.Entries.TryGetValue(idTag, out var entry)) _memory?.RememberCacheEntry(idTag, entry, evicted);
    }

    private void Authorise(string idTag, ChargingProfile? profile)
    {
        if (_reservation is { } r && r.IdTag != idTag && r.ParentIdTag is null)
        {
            _log.Info("{0}: connector reserved for another idTag; {1} refused", _settings.Id, idTag);
            return;
        }
        _authorised = new Authorised(idTag, profile);
        TryStartTransaction();
        if (_transaction is null)
            Timers.StartSingleTimer("authorised", new AuthorizationExpired(idTag), _config.ConnectionTimeOut);
    }

    private void TryStartTransaction()
    {
        if (_transaction is not null || _authorised is not { } a || _restart is not null) return;
        StopCutTransaction(); // the cut one ends before a new one begins
        var s = _port.Read();
        if (s.Vehicle == VehicleConnection.None || s.Fault != ConnectorFault.None || !s.Operative || _unavailableRequested) return;
        if (!_port.StartCharging(a.IdTag)) return;
        _authorised = null;
        Timers.Cancel("authorised");
        var placeholder = --_nextPlaceholder; // local ids are negative: never a central system's id
        int? reservationId = _reservation?.Id;
        _reservation = null;
        Timers.Cancel("reservation");
        _transaction = new Transaction(placeholder, a.IdTag, Now, s.Meter.EnergyWh);
        // Remembered before its start is queued: a placeholder found without its start was never begun.
        _memory?.RememberTransaction(new RememberedTransaction(Connector, placeholder, a.IdTag, s.Meter.EnergyWh, _transaction.Start));
        _transactionData = TransactionData.Empty(_config.StopTxnMaxMeterValues);
        KeepTransactionData(_config.StopTxnSampledData, ReadingContext.TransactionBegin, Now);
        _finishing = false;
        EnqueueTransactionMessage(new StartTransactionRequest(Connector, a.IdTag, (int)s.Meter.EnergyWh, Now, reservationId), placeholder);
        if (a.Profile is { } profile)
        {
            var outcome = _profiles.Set(Connector, profile with { TransactionId = null }, ActiveTx, _config.SmartChargingLimits, Now);
            SetProfiles(outcome.Profiles);
        }
        RestartMeterSampling();
        UpdateLimit();
        ReportStatus();
    }

    private void OnTransactionStarted(int placeholder, StartTransactionRequest request, StartTransactionResponse answer)
    {
        _queue.RemapTransactionId(placeholder, answer.TransactionId);
        if (_profiles.Installed.Any(i => i.Profile.TransactionId == placeholder))
            SetProfiles(new ChargingProfiles(_profiles.Installed.Select(i => i.Profile.TransactionId == placeholder
                ? i with { Profile = i.Profile with { TransactionId = answer.TransactionId } } : i).ToImmutableList()));
        LearnAuthorization(request.IdTag, answer.IdTagInfo);
        if (_cutTransaction?.TransactionId == placeholder)
        {
            // Its stop is not queued yet: it must carry the central system's id.
            _cutTransaction = _cutTransaction with { TransactionId = answer.TransactionId };
            _memory?.RememberTransaction(_cutTransaction);
        }
        if (_transaction?.Id != placeholder) return;
        _transaction = _transaction with { Id = answer.TransactionId };
        _memory?.RememberTransaction(new RememberedTransaction(Connector, answer.TransactionId, _transaction.IdTag, _transaction.MeterStart, _transaction.Start));
        if (answer.IdTagInfo.Status != AuthorizationStatus.Accepted && _config.StopTransactionOnInvalidId)
            StopTransaction(StopReason.DeAuthorized);
    }

    /// <returns>the queue sequence of its StopTransaction</returns>
    private long StopTransaction(StopReason reason)
    {
        var t = _transaction!;
        var s = _port.Read();
        _port.StopCharging(reason);
        KeepTransactionData(_config.StopTxnSampledData, ReadingContext.TransactionEnd, Now);
        var data = _transactionData.Readings();
        _transactionData = TransactionData.Empty(TransactionData.MinimumCapacity);
        _transaction = null;
        Timers.Cancel("meter");
        var stop = EnqueueTransactionMessage(new StopTransactionRequest((int)s.Meter.EnergyWh, Now, t.Id, t.IdTag, reason, data));
        _memory?.RememberTransaction(null);
        SetProfiles(_profiles.EndTransaction(Connector));
        _finishing = s.Vehicle != VehicleConnection.None;
        if (_inoperativeScheduled)
        {
            _inoperativeScheduled = false;
            _unavailableRequested = _port.SetAvailability(false);
        }
        UpdateLimit();
        ReportStatus();
        return stop;
    }

    private void RestartMeterSampling()
    {
        var interval = _config.MeterValueSampleInterval;
        if (_transaction is not null && interval > TimeSpan.Zero) Timers.StartPeriodicTimer("meter", new MeterTick(), interval);
        else Timers.Cancel("meter");
    }

    private void OnMeterTick()
    {
        if (_transaction is not { } t) return;
        EnqueueTransactionMessage(new MeterValuesRequest(Connector, [Sample(ReadingContext.SamplePeriodic)], t.Id));
        KeepTransactionData(_config.StopTxnSampledData, ReadingContext.SamplePeriodic, Now);
        ReportStatus(); // a vehicle that stops drawing shows as SuspendedEV
    }

    private void RestartClockAligned()
    {
        if (MeterSampling.FirstAligned(Now, _config.ClockAlignedDataInterval) is not var (next, wait))
        {
            Timers.Cancel("aligned");
            return;
        }
        Timers.StartSingleTimer("aligned", new AlignedTick(next), wait);
    }

    // At each boundary: MeterValuesAlignedData (context Sample.Clock), stamped with the boundary; a
    // transaction's reading is a transaction message (queued, in order), any other is sent if online.
    private void OnAlignedTick(DateTimeOffset boundary)
    {
        var interval = _config.ClockAlignedDataInterval;
        if (interval <= TimeSpan.Zero) return;
        var reading = MeterSampling.Sample(_port.Read().Meter, ReadingContext.SampleClock, _config.MeterValuesAlignedData, boundary);
        if (reading.SampledValue.Count > 0)
        {
            if (_transaction is { } t) EnqueueTransactionMessage(new MeterValuesRequest(Connector, [reading], t.Id));
            else Enqueue(new MeterValuesRequest(Connector, [reading]));
        }
        KeepTransactionData(_config.StopTxnAlignedData, ReadingContext.SampleClock, boundary);
        var (next, wait) = MeterSampling.NextAligned(boundary, Now, interval);
        Timers.StartSingleTimer("aligned", new AlignedTick(next), wait);
    }

    private void KeepTransactionData(IReadOnlyList<Measurand> measurands, ReadingContext context, DateTimeOffset at)
    {
        if (_transaction is null) return;
        _transactionData = _transactionData.Add(MeterSampling.Sample(_port.Read().Meter, context, measurands, at));
    }

    private MeterValue Sample(ReadingContext context) => MeterSampling.Sample(_port.Read().Meter, context, _config.MeterValuesSampledData, Now);

    // ---------------- firmware (the charger's own) and diagnostics (simulated) ----------------

    // The charger's firmware steps, as it reports them. Installed means it rebooted into a new image:
    // the charge point boots again (BootNotification first, with the new firmwareVersion), then
    // reports Installed.
    private void OnFirmwareStatusChanged(FirmwareStatusChanged changed)
    {
        _firmwareStatus = changed.Status;
        if (changed.Status == FirmwareStatus.Idle) return;
        if (changed.Status == FirmwareStatus.Installed && changed.Version != _bootedFirmwareVersion && _registration != Registration.NotBooted)
            _bootDue = true;
        Enqueue(new FirmwareStatusNotificationRequest(changed.Status));
    }

    // ---------------- the central system's CALLs ----------------

    private void HandleCall(DecodedCall call)
    {
        if (_registration is Registration.NotBooted or Registration.Rejected)
        {
            _link.Send(OcppFrames.Error(call.MessageId, CallErrorCode.SecurityError, "BootNotification has not been accepted yet."));
            return;
        }
        if (call.Request is UnlockConnectorRequest { ConnectorId: Connector })
        {
            BeginUnlock(call.MessageId);
            return;
        }
        _afterReply.Clear();
        string reply;
        try
        {
            reply = OcppFrames.EncodeResult(call.MessageId, Answer(call.Request));
        }
        catch (OcppPayloadException e)
        {
            reply = OcppFrames.Error(call.MessageId, e.Code, e.Message);
            _afterReply.Clear();
        }
        catch (Exception e)
        {
            // Our own failure: the central system gets InternalError and the actor keeps its state.
            _log.Error(e, "{0}: {1} failed", _settings.Id, call.Action);
            reply = OcppFrames.Error(call.MessageId, CallErrorCode.InternalError, $"{call.Action} failed: {e.Message}");
            _afterReply.Clear();
        }
        _link.Send(reply);
        // What the answer promised happens after it (e.g. a triggered message follows its Accepted).
        foreach (var action in _afterReply.ToList()) action();
        _afterReply.Clear();
    }

    private void After(Action action) => _afterReply.Add(action);

    private IOcppResponse Answer(IOcppRequest request) => request switch
    {
        ChangeAvailabilityRequest r => ChangeAvailability(r),
        ChangeConfigurationRequest r => ChangeConfiguration(r),
        ClearCacheRequest => ClearCache(),
        DataTransferRequest r => new DataTransferResponse(r.VendorId == _settings.Vendor ? DataTransferStatus.UnknownMessageId : DataTransferStatus.UnknownVendorId),
        GetConfigurationRequest r => _config.Get(r.Key),
        RemoteStartTransactionRequest r => RemoteStart(r),
        RemoteStopTransactionRequest r => RemoteStop(r),
        ResetRequest r => Reset(r),
        UnlockConnectorRequest => new UnlockConnectorResponse(UnlockStatus.NotSupported), // a connector we do not have
        GetDiagnosticsRequest => GetDiagnostics(),
        UpdateFirmwareRequest r => UpdateFirmware(r),
        GetLocalListVersionRequest => new GetLocalListVersionResponse(_config.LocalAuthListEnabled ? _auth.ListVersion : -1),
        SendLocalListRequest r => SendLocalList(r),
        ReserveNowRequest r => ReserveNow(r),
        CancelReservationRequest r => CancelReservation(r),
        SetChargingProfileRequest r => SetChargingProfile(r),
        ClearChargingProfileRequest r => ClearChargingProfile(r),
        GetCompositeScheduleRequest r => GetCompositeSchedule(r),
        TriggerMessageRequest r => Trigger(r),
        _ => throw new OcppPayloadException(CallErrorCode.NotSupported, $"{request.GetType().Name} is not a request a central system sends."),
    };

    private ChangeAvailabilityResponse ChangeAvailability(ChangeAvailabilityRequest r)
    {
        if (r.ConnectorId is < 0 or > Connector) return new(AvailabilityStatus.Rejected);
        var operative = r.Type == AvailabilityType.Operative;
        if (!operative && _transaction is not null)
        {
            _inoperativeScheduled = true;
            return new(AvailabilityStatus.Scheduled);
        }
        _inoperativeScheduled = false;
        if (!_port.SetAvailability(operative)) return new(AvailabilityStatus.Rejected);
        _unavailableRequested = !operative;
        After(() => ReportStatus());
        return new(AvailabilityStatus.Accepted);
    }

    private ChangeConfigurationResponse ChangeConfiguration(ChangeConfigurationRequest r)
    {
        var (config, status) = _config.Change(r.Key, r.Value);
        _config = config;
        // The AuthorizationKey is a secret: it is never written to the store (the link takes it from the environment).
        if (status is ConfigurationStatus.Accepted or ConfigurationStatus.RebootRequired && !_config.Keys[r.Key].WriteOnly)
            _memory?.RememberConfiguration(_config.Keys[r.Key].Name, r.Value);
        if (status == ConfigurationStatus.Accepted)
        {
            if (ChargePointConfiguration.Is(r.Key, nameof(_config.HeartbeatInterval))) RestartHeartbeat();
            if (ChargePointConfiguration.Is(r.Key, nameof(_config.MeterValueSampleInterval))) RestartMeterSampling();
            if (ChargePointConfiguration.Is(r.Key, nameof(_config.ClockAlignedDataInterval))) RestartClockAligned();
        }
        return new(status);
    }

    private ClearCacheResponse ClearCache()
    {
        _memory?.ClearCache(); // durable (or held until the store is back) before the answer
        _auth = _auth.ClearCache();
        return new(ClearCacheStatus.Accepted);
    }

    private RemoteStartTransactionResponse RemoteStart(RemoteStartTransactionRequest r)
    {
        var s = _port.Read();
        if (_transaction is not null || r.ConnectorId is { } c && c != Connector || s.Fault != ConnectorFault.None
            || !s.Operative || _unavailableRequested || _restart is not null
            || r.ChargingProfile is { ChargingProfilePurpose: not ChargingProfilePurpose.TxProfile })
            return new(RemoteStartStopStatus.Rejected);
        if (_config.AuthorizeRemoteTxRequests) After(() => RequestAuthorization(r.IdTag, r.ChargingProfile));
        else After(() => Authorise(r.IdTag, r.ChargingProfile));
        return new(RemoteStartStopStatus.Accepted);
    }

    private RemoteStopTransactionResponse RemoteStop(RemoteStopTransactionRequest r)
    {
        if (_transaction?.Id != r.TransactionId) return new(RemoteStartStopStatus.Rejected);
        After(() => StopTransaction(StopReason.Remote));
        return new(RemoteStartStopStatus.Accepted);
    }

    // OCPP 1.6 §5.14: a soft reset stops the transaction gracefully, StopTransaction (SoftReset)
    // first, and then restarts: the restart waits until that message is answered (or given up),
    // the connection is lost (it stays queued and goes after the Boot), or a CALL timeout passes.
    // A hard reset need not stop gracefully: the charger restarts at once and its StopTransaction
    // (HardReset) goes after the Boot is accepted.
    private ResetResponse Reset(ResetRequest r)
    {
        if (_restart is not null)
        {
            if (r.Type == ResetType.Hard) After(() => Restart(ResetType.Hard));
            return new(ResetStatus.Accepted);
        }
        After(() =>
        {
            if (_transaction is null) Restart(r.Type);
            else if (r.Type == ResetType.Hard)
            {
                StopTransaction(StopReason.HardReset);
                Restart(r.Type);
            }
            else
            {
                _restart = new PendingRestart(r.Type, StopTransaction(StopReason.SoftReset));
                Timers.StartSingleTimer("restart", new RestartDue(), _settings.CallTimeout ?? TimeSpan.FromSeconds(30));
                TrySend();
            }
        });
        return new(ResetStatus.Accepted);
    }

    private bool Queued(long sequence) => _queue.Snapshot().Any(m => m.Sequence == sequence);

    // The charger restarts: it boots again; the transaction queue is kept (it is durable).
    private void Restart(ResetType type)
    {
        _restart = null;
        Timers.Cancel("restart");
        _port.Reset(type);
        _everAccepted = false;
        _registration = Registration.NotBooted;
        _outgoing.Clear();
        _authorised = null;
        Timers.Cancel("heartbeat");
        _bootDue = true;
    }

    // OCPP 1.6 §5.18: a running transaction is finished first (StopTransaction, UnlockCommand) and
    // the answer says what the connector did. So it waits until that StopTransaction has gone out
    // and the relays are open, then asks the port; after UnlockWait it answers with what the port
    // says then (UnlockFailed while power is still on the cable).
    private void BeginUnlock(string messageId)
    {
        long? stop = _transaction is not null ? StopTransaction(StopReason.UnlockCommand) : null;
        _unlocks.Add(new PendingUnlock(messageId, stop));
        Timers.StartSingleTimer(UnlockTimer(messageId), new UnlockDue(messageId), _settings.UnlockWait ?? TimeSpan.FromSeconds(10));
        TrySend();
    }

    private static string UnlockTimer(string messageId) => "unlock:" + messageId;

    private void AnswerUnlocks(string? due = null)
    {
        if (_unlocks.Count == 0) return;
        var relaysOpen = !_port.Read().RelaysClosed;
        foreach (var u in _unlocks.ToList())
        {
            var stopSent = u.Stop is not { } stop || _inFlight?.Queued?.Sequence == stop || !Queued(stop);
            if (!(stopSent && relaysOpen) && u.MessageId != due) continue;
            _unlocks.Remove(u);
            Timers.Cancel(UnlockTimer(u.MessageId));
            var status = _port.Unlock();
            if (!stopSent) _log.Warning("{0}: UnlockConnector answered {1} before its StopTransaction could be sent (it stays queued)", _settings.Id, status);
            _link.Send(OcppFrames.EncodeResult(u.MessageId, new UnlockConnectorResponse(status)));
        }
    }

    private GetDiagnosticsResponse GetDiagnostics()
    {
        After(() => Self.Tell(new DiagnosticsStep(DiagnosticsStatus.Uploading)));
        return new($"{_settings.Id}-{Now:yyyyMMddHHmmss}.log");
    }

    // The charger's one firmware path (the same as its SET button's 6 taps); the answer has no status.
    private UpdateFirmwareResponse UpdateFirmware(UpdateFirmwareRequest r)
    {
        if (_port is IFirmwarePort firmware)
            After(() => firmware.UpdateFirmware(new Uri(r.Location), r.RetrieveDate, r.Retries, r.RetryInterval is { } s ? TimeSpan.FromSeconds(s) : null));
        else
        {
            _log.Warning("{0}: UpdateFirmware from {1}: this charger cannot update its firmware", _settings.Id, r.Location);
            After(() => OnFirmwareStatusChanged(new FirmwareStatusChanged(FirmwareStatus.DownloadFailed, null)));
        }
        return new();
    }

    private SendLocalListResponse SendLocalList(SendLocalListRequest r)
    {
        var (auth, status) = _auth.Update(r, _config.LocalAuthListEnabled, _config.SendLocalListMaxLength);
        _auth = auth;
        if (status == UpdateStatus.Accepted)
            _memory?.RememberLocalList(new LocalList(auth.ListVersion, auth.List.Select(e => new AuthorizationData(e.Key, e.Value)).ToList()));
        return new(status);
    }

    private ReserveNowResponse ReserveNow(ReserveNowRequest r)
    {
        if (r.ConnectorId != Connector) return new(ReservationStatus.Rejected); // ReserveConnectorZeroSupported = false
        var s = _port.Read();
        if (s.Fault != ConnectorFault.None) return new(ReservationStatus.Faulted);
        if (!s.Operative || _unavailableRequested) return new(ReservationStatus.Unavailable);
        if (_transaction is not null || (s.Vehicle != VehicleConnection.None && _reservation?.Id != r.ReservationId))
            return new(ReservationStatus.Occupied);
        if (_reservation is { } existing && existing.Id != r.ReservationId) return new(ReservationStatus.Occupied);
        _reservation = new Reservation(r.ReservationId, r.IdTag, r.ParentIdTag, r.ExpiryDate);
        var until = r.ExpiryDate - Now;
        Timers.StartSingleTimer("reservation", new ReservationExpired(r.ReservationId), until > TimeSpan.Zero ? until : TimeSpan.Zero);
        After(() => ReportStatus());
        return new(ReservationStatus.Accepted);
    }

    private CancelReservationResponse CancelReservation(CancelReservationRequest r)
    {
        if (_reservation?.Id != r.ReservationId) return new(CancelReservationStatus.Rejected);
        _reservation = null;
        Timers.Cancel("reservation");
        After(() => ReportStatus());
        return new(CancelReservationStatus.Accepted);
    }

    private SetChargingProfileResponse SetChargingProfile(SetChargingProfileRequest r)
    {
        var outcome = _profiles.Set(r.ConnectorId, r.CsChargingProfiles, ActiveTx, _config.SmartChargingLimits, Now);
        if (outcome.Reason is not null) _log.Info("{0}: charging profile {1} rejected: {2}", _settings.Id, r.CsChargingProfiles.ChargingProfileId, outcome.Reason);
        SetProfiles(outcome.Profiles);
        After(UpdateLimit);
        return new(outcome.Status);
    }

    private ClearChargingProfileResponse ClearChargingProfile(ClearChargingProfileRequest r)
    {
        var (profiles, status) = _profiles.Clear(r);
        SetProfiles(profiles);
        After(UpdateLimit);
        return new(status);
    }

    private GetCompositeScheduleResponse GetCompositeSchedule(GetCompositeScheduleRequest r)
    {
        if (r.ChargingRateUnit is { } u && !_config.AllowsRateUnit(u))
            throw new OcppPayloadException(CallErrorCode.PropertyConstraintViolation, $"chargingRateUnit {u} is not allowed ({_config.ChargingScheduleAllowedChargingRateUnit}).");
        if (r.ConnectorId is < 0 or > Connector || r.Duration < 0) return new(GetCompositeScheduleStatus.Rejected);
        var now = Now;
        var schedule = CompositeSchedule.Compute(_profiles, r.ConnectorId, now, r.Duration, r.ChargingRateUnit ?? ChargingRateUnit.A,
            _settings.SupplyOrDefault, ActiveTx);
        return new(GetCompositeScheduleStatus.Accepted, r.ConnectorId, now, schedule);
    }

    private TriggerMessageResponse Trigger(TriggerMessageRequest r)
    {
        if (r.ConnectorId is < 0 or > Connector) return new(TriggerMessageStatus.Rejected);
        Action send = r.RequestedMessage switch
        {
            MessageTrigger.BootNotification => () => { _bootDue = true; TrySend(); },
            MessageTrigger.Heartbeat => () => Enqueue(new HeartbeatRequest(), triggered: true),
            MessageTrigger.StatusNotification => () => ReportStatus(force: true, triggered: true),
            MessageTrigger.MeterValues => () => Enqueue(new MeterValuesRequest(Connector, [Sample(ReadingContext.Trigger)], _transaction?.Id), triggered: true),
            MessageTrigger.FirmwareStatusNotification => () => Enqueue(new FirmwareStatusNotificationRequest(_firmwareStatus), triggered: true),
            MessageTrigger.DiagnosticsStatusNotification => () => Enqueue(new DiagnosticsStatusNotificationRequest(_diagnosticsStatus), triggered: true),
            _ => () => { },
        };
        After(send);
        return new(TriggerMessageStatus.Accepted);
    }

    private ChargePointState State() => new(
        _registration, _connected, _transaction?.Id, _queue.Count, (_lastStatus ?? CurrentStatus()).Status,
        _lastLimit ?? _settings.SupplyOrDefault.MaxCurrent, _auth.ListVersion, _profiles.Installed.Count, _reservation?.Id);
}
