using Akka.Actor;
using Akka.Event;
using System.Globalization;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.ChargePoint;

// The connection, registration (BootNotification) and our own CALLs: one outstanding at a time.
public sealed partial class ChargePointActor
{
    // The CALLs of ours that wait for the connection (not transaction messages: those are in _queue).
    private readonly Queue<Outgoing> _outgoing = new();
    private Registration _registration = Registration.NotBooted;
    private bool _everAccepted;
    private bool _connected;
    private bool _bootDue;
    private InFlight? _inFlight;
    private DateTimeOffset _lastSent = DateTimeOffset.MinValue;
    private DateTimeOffset _lastHeartbeat = DateTimeOffset.MinValue;
    private DateTimeOffset _transactionRetryNotBefore = DateTimeOffset.MinValue;
    private bool _storeFailing;

    /// <summary>An Authorize of ours: its idTag, a remote start's profile, and what the list or cache said (for the offline decision).</summary>
    private sealed record AuthorizationAsked(string IdTag, ChargingProfile? Profile, IdTagInfo? Local);

    private sealed record Outgoing(IOcppRequest Request, AuthorizationAsked? Asked = null, bool Triggered = false);

    private sealed record InFlight(string MessageId, string Action, Outgoing? Call, QueuedTransactionMessage? Queued, bool Boot);

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
        if (lost?.Call is { } call) Failed(call);
        foreach (var o in pending) Failed(o);
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

    private void Enqueue(IOcppRequest request, AuthorizationAsked? asked = null, bool triggered = false)
    {
        var call = new Outgoing(request, asked, triggered);
        if (!_connected || (_registration != Registration.Accepted && !(triggered && _registration == Registration.Pending)))
        {
            if (request is AuthorizeRequest && HoldForRegistration(call)) return;
            Failed(call);
            return;
        }
        _outgoing.Enqueue(call);
        TrySend();
    }

    // A CALL of ours that could not go or got no usable answer: an Authorize is decided locally; anything else is dropped.
    private void Failed(Outgoing call)
    {
        if (call.Asked is { } asked) OnAuthorizeFailed(asked);
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
            else if (call is not null) Failed(call);
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
        if (f.Call?.Asked is { } asked && response is AuthorizeResponse authorize) OnAuthorizeAnswer(asked, authorize.IdTagInfo);
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
            if (failed.FailedAttempts >= _state.Configuration.TransactionMessageAttempts)
            {
                _log.Error("{0}: gave up {1} after {2} attempts: {3}", _settings.Id, f.Action, failed.FailedAttempts, why);
                _queue.RemoveHead();
                return;
            }
            DelayTransactionMessages(_state.Configuration.TransactionMessageRetryInterval * failed.FailedAttempts);
            return;
        }
        if (f.Call is { } call) Failed(call);
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
        else if (f.Queued is not null) DelayTransactionMessages(_state.Configuration.TransactionMessageRetryInterval);
        else if (f.Call is { } call) Failed(call);
        TrySend();
    }

    private void OnBootAnswer(BootNotificationResponse boot)
    {
        var retry = boot.Interval > 0 ? TimeSpan.FromSeconds(boot.Interval) : _settings.BootRetry ?? TimeSpan.FromSeconds(30);
        switch (boot.Status)
        {
            case RegistrationStatus.Accepted:
                _registration = Registration.Accepted;
                _everAccepted = true;
                if (boot.Interval > 0)
                    _state = _state with
                    {
                        Configuration = _state.Configuration.Change(nameof(ChargePointConfiguration.HeartbeatInterval),
                            boot.Interval.ToString(CultureInfo.InvariantCulture)).Configuration,
                    };
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
        var interval = _state.Configuration.HeartbeatInterval;
        if (interval > TimeSpan.Zero) Timers.StartPeriodicTimer("heartbeat", new HeartbeatTick(), interval);
        else Timers.Cancel("heartbeat");
    }

    private void OnHeartbeatTick()
    {
        // Skipped while other traffic flows (any CALL of ours shows we are alive), but one a day
        // at least: its answer is the clock.
        var interval = _state.Configuration.HeartbeatInterval;
        if (Now - _lastSent >= interval * 0.9 || Now - _lastHeartbeat >= TimeSpan.FromDays(1))
        {
            _lastHeartbeat = Now;
            Enqueue(new HeartbeatRequest());
        }
    }

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
}
