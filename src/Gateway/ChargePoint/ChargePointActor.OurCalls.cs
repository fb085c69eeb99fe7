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
    // Our CALLs: which goes next, the one outstanding, and what a failure means (pure: CallLine).
    private CallLine _line = CallLine.Offline;
    private bool _everAccepted;
    private DateTimeOffset _lastSent = DateTimeOffset.MinValue;
    private DateTimeOffset _lastHeartbeat = DateTimeOffset.MinValue;
    private bool _storeFailing;

    /// <param name="answerCalls">false while BootNotification is not accepted: the central system's CALLs get SecurityError</param>
    private void OnReceived(string frame, bool answerCalls)
    {
        switch (OcppFrames.Decode(frame))
        {
            case DecodedCall call when !answerCalls:
                _link.Send(OcppFrames.Error(call.MessageId, CallErrorCode.SecurityError, "BootNotification has not been accepted yet."));
                break;
            case DecodedCall call:
                HandleCall(call);
                break;
            case DecodedResult result when _line.InFlight?.MessageId == result.MessageId:
                var answered = TakeInFlight(result.MessageId);
                switch (OcppFrames.ReadResponse(answered.Action, result.Payload))
                {
                    case ResponseOk ok: OnAnswer(answered, ok.Response); break;
                    case ResponseInvalid bad: OnFailure(answered, $"{bad.Code}: {bad.Description}"); break;
                }
                break;
            case DecodedError error when _line.InFlight?.MessageId == error.MessageId:
                OnFailure(TakeInFlight(error.MessageId), $"CALLERROR {error.CodeText}: {error.Description}");
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

    private OutstandingCall TakeInFlight(string messageId)
    {
        Timers.Cancel("call-timeout");
        (_line, var call) = _line.Take(messageId);
        return call!;
    }

    private static string Cut(string s) => s.Length <= 200 ? s : s[..200] + "...";

    private void Enqueue(IOcppRequest request, AuthorizationAsked? asked = null, bool triggered = false)
    {
        var call = new OutgoingCall(request, asked, triggered);
        if (!_line.Takes(call))
        {
            if (request is AuthorizeRequest && HoldForRegistration(call)) return;
            Failed(call);
            return;
        }
        _line = _line.Enqueued(call);
        TrySend();
    }

    // A CALL of ours that could not go or got no usable answer: an Authorize is decided locally; anything else is dropped.
    private void Failed(OutgoingCall call)
    {
        if (call.Asked is { } asked) OnAuthorizeFailed(asked);
    }

    private long EnqueueTransactionMessage(IOcppRequest request, int? startPlaceholder = null)
    {
        var sequence = _queue.Enqueue(request, startPlaceholder);
        if (request is StartTransactionRequest or StopTransactionRequest) _reporting = _reporting.TransactionMessageQueued(sequence);
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
        (_line, var next) = _line.Next(_queue.Peek(), Now);
        switch (next)
        {
            case NextCall.Boot:
                _bootedFirmwareVersion = (_port as IFirmwarePort)?.FirmwareVersion ?? _settings.FirmwareVersion;
                Send(next, new BootNotificationRequest(_settings.Vendor, _settings.Model,
                    ChargePointSerialNumber: _settings.SerialNumber, FirmwareVersion: _bootedFirmwareVersion), null, null);
                break;
            case NextCall.Transaction t:
                Send(next, t.Message.Request, null, t.Message);
                break;
            case NextCall.Waiting w:
                Send(next, w.Call.Request, w.Call, null);
                break;
        }
    }

    private void Send(NextCall next, IOcppRequest request, OutgoingCall? call, QueuedTransactionMessage? queued)
    {
        var id = MessageIds.Next();
        var action = OcppActions.ForRequest(request).Name;
        if (!_link.Send(OcppFrames.EncodeCall(id, request)))
        {
            // The link went down under us; Disconnected follows and decides what is kept.
            Carry(_line.Unsent(next, out _line));
            return;
        }
        _line = _line.Sent(new OutstandingCall(id, action, call, queued, next is NextCall.Boot));
        _lastSent = Now;
        Timers.StartSingleTimer("call-timeout", new CallTimedOut(id), _settings.CallTimeout ?? TimeSpan.FromSeconds(30));
        if (queued is not null)
        {
            // The central system knows of the transaction's start or stop now: the status it explains may follow.
            (_reporting, var reportNow) = _reporting.TransactionMessageSent(queued.Sequence);
            if (reportNow) ReportStatus(force: true);
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

    private void OnAnswer(OutstandingCall f, IOcppResponse response)
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

    private TimeSpan BootRetry => _settings.BootRetry ?? TimeSpan.FromSeconds(30);

    private void OnFailure(OutstandingCall f, string why)
    {
        _log.Warning("{0}: {1} failed: {2}", _settings.Id, f.Action, why);
        var outcome = CallLine.AfterFailure(f, BootRetry);
        // A failure to process: retry TransactionMessageAttempts times, waiting RetryInterval x attempts.
        if (outcome is CallOutcome.CountFailedAttempt)
            outcome = CallLine.AfterFailedAttempt(_queue.RecordFailedAttempt().FailedAttempts, _state.Configuration);
        if (outcome is CallOutcome.GiveUp g) _log.Error("{0}: gave up {1} after {2} attempts: {3}", _settings.Id, f.Action, g.Attempts, why);
        Carry(outcome);
    }

    private void OnCallTimedOut(string messageId)
    {
        if (_line.InFlight?.MessageId != messageId) return;
        var f = TakeInFlight(messageId);
        _log.Warning("{0}: {1} got no answer in time", _settings.Id, f.Action);
        // Not a failure to process: a transaction message stays at the head and is sent again.
        Carry(CallLine.AfterTimeout(f, BootRetry, _state.Configuration));
        TrySend();
    }

    private void Carry(CallOutcome outcome)
    {
        switch (outcome)
        {
            case CallOutcome.BootAgainAfter b:
                Timers.StartSingleTimer("boot", new BootRetryDue(), b.Wait);
                break;
            case CallOutcome.RetryTransactionsAfter r:
                _line = _line.DelayTransactions(Now, r.Wait);
                Timers.StartSingleTimer("tx-retry", new TransactionRetryDue(), r.Wait);
                break;
            case CallOutcome.GiveUp:
                _queue.RemoveHead();
                break;
            case CallOutcome.Failed f:
                Failed(f.Call);
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
        if (changed.Status == FirmwareStatus.Installed && changed.Version != _bootedFirmwareVersion && _line.Registration != Registration.NotBooted)
            _line = _line with { BootDue = true };
        Enqueue(new FirmwareStatusNotificationRequest(changed.Status));
    }
}
