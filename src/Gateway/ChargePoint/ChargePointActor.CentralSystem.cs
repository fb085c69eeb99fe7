using Akka.Actor;
using Akka.Event;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.ChargePoint;

// The central system's CALLs: answered by the pure CentralSystemCalls; their effects carried out here.
public sealed partial class ChargePointActor
{
    // A soft reset waits for the StopTransaction it queued before the charger restarts.
    private PendingRestart? _restart;
    // UnlockConnector answers that wait for their transaction's StopTransaction to go out and the relays to open.
    private readonly List<PendingUnlock> _unlocks = [];

    private sealed record PendingRestart(ResetType Type, long Stop);

    private sealed record PendingUnlock(string MessageId, long? Stop);

    private CallContext CallContext() => new(_settings.Id, _settings.Vendor, _settings.SupplyOrDefault, _port.Read(), Now,
        RestartPending: _restart is not null, CanUpdateFirmware: _port is IFirmwarePort, _firmwareStatus, _diagnosticsStatus);

    private void HandleCall(DecodedCall call)
    {
        if (call.Request is UnlockConnectorRequest { ConnectorId: Connector })
        {
            BeginUnlock(call.MessageId);
            return;
        }
        string reply;
        IReadOnlyList<CallEffect> after = [];
        try
        {
            var answer = CentralSystemCalls.Answer(call.Request, _state, CallContext());
            SetState(answer.State);
            foreach (var effect in answer.Before)
            {
                if (Carry(effect) || answer.IfRefused is not { } refused) continue;
                answer = refused;
                SetState(answer.State);
                break;
            }
            reply = OcppFrames.EncodeResult(call.MessageId, answer.Response);
            after = answer.After;
        }
        catch (OcppPayloadException e)
        {
            reply = OcppFrames.Error(call.MessageId, e.Code, e.Message);
        }
        catch (Exception e)
        {
            // Our own failure: the central system gets InternalError and the actor keeps its state.
            _log.Error(e, "{0}: {1} failed", _settings.Id, call.Action);
            reply = OcppFrames.Error(call.MessageId, CallErrorCode.InternalError, $"{call.Action} failed: {e.Message}");
        }
        _link.Send(reply);
        // What the answer promised happens after it (e.g. a triggered message follows its Accepted).
        foreach (var effect in after) Carry(effect);
    }

    /// <returns>false only when the port refused a <see cref="CallEffect.SetAvailability"/></returns>
    private bool Carry(CallEffect effect)
    {
        switch (effect)
        {
            case CallEffect.ReportStatus r:
                ReportStatus(r.Force, r.Triggered);
                break;
            case CallEffect.RequestAuthorization a:
                RequestAuthorization(a.IdTag, a.Profile);
                break;
            case CallEffect.Authorise a:
                Authorise(a.IdTag, a.Profile);
                break;
            case CallEffect.StopTransaction s:
                if (_state.Transaction is not null) StopTransaction(s.Reason);
                break;
            case CallEffect.Restart r:
                Restart(r.Type);
                break;
            case CallEffect.RestartAfterStop r:
                if (_state.Transaction is null)
                {
                    Restart(r.Type);
                    break;
                }
                _restart = new PendingRestart(r.Type, StopTransaction(StopTransactionReason.SoftReset));
                Timers.StartSingleTimer("restart", new RestartDue(), _settings.CallTimeout ?? TimeSpan.FromSeconds(30));
                TrySend();
                break;
            case CallEffect.UpdateLimit:
                UpdateLimit();
                break;
            case CallEffect.SetAvailability a:
                return _port.SetAvailability(a.Operative);
            case CallEffect.ConfigurationChanged c:
                if (c.Remember) _memory?.RememberConfiguration(c.Key, c.Value);
                if (!c.Accepted) break;
                if (ChargePointConfiguration.Is(c.Key, nameof(ChargePointConfiguration.HeartbeatInterval))) RestartHeartbeat();
                if (ChargePointConfiguration.Is(c.Key, nameof(ChargePointConfiguration.MeterValueSampleInterval))) RestartMeterSampling();
                if (ChargePointConfiguration.Is(c.Key, nameof(ChargePointConfiguration.ClockAlignedDataInterval))) RestartClockAligned();
                break;
            case CallEffect.RememberLocalList l:
                _memory?.RememberLocalList(l.List);
                break;
            case CallEffect.ClearCache:
                _memory?.ClearCache(); // durable (or held until the store is back) before the answer
                break;
            case CallEffect.ReservationTimer t:
                Timers.StartSingleTimer("reservation", new ReservationExpired(t.ReservationId), t.Wait);
                break;
            case CallEffect.CancelReservationTimer:
                Timers.Cancel("reservation");
                break;
            case CallEffect.SendTriggered t:
                Enqueue(t.Request, triggered: true);
                break;
            case CallEffect.BootAgain:
                _line = _line with { BootDue = true };
                TrySend();
                break;
            case CallEffect.UploadDiagnostics:
                _maintenance.Tell(FirmwareAndDiagnosticsProtocol.UploadDiagnostics.Instance);
                break;
            case CallEffect.UpdateFirmware u:
                _maintenance.Tell(new FirmwareAndDiagnosticsProtocol.UpdateFirmware(u.Request));
                break;
            case CallEffect.FirmwareDownloadFailed:
                OnFirmwareStatusChanged(new FirmwareStatusChanged(FirmwareStatus.DownloadFailed, null));
                break;
            case CallEffect.Note n:
                if (n.Warning) _log.Warning("{0}: {1}", _settings.Id, n.Text);
                else _log.Info("{0}: {1}", _settings.Id, n.Text);
                break;
        }
        return true;
    }

    private bool Queued(long sequence) => _queue.Snapshot().Any(m => m.Sequence == sequence);

    // The charger restarts: it boots again; the transaction queue is kept (it is durable).
    private void Restart(ResetType type)
    {
        _restart = null;
        Timers.Cancel("restart");
        _port.Reset(type);
        _everAccepted = false;
        _line = _line.Restart();
        Registered(Registration.NotBooted);
        _state = _state.Apply(ConnectorFact.Restarted.Instance);
        Timers.Cancel("heartbeat");
    }

    // OCPP 1.6 §5.18: a running transaction is finished first (StopTransaction, UnlockCommand) and
    // the answer says what the connector did. So it waits until that StopTransaction has gone out
    // and the relays are open, then asks the port; after UnlockWait it answers with what the port
    // says then (UnlockFailed while power is still on the cable).
    private void BeginUnlock(string messageId)
    {
        long? stop = _state.Transaction is not null ? StopTransaction(StopTransactionReason.UnlockCommand) : null;
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
            var stopSent = u.Stop is not { } stop || _line.InFlight?.Queued?.Sequence == stop || !Queued(stop);
            if (!(stopSent && relaysOpen) && u.MessageId != due) continue;
            _unlocks.Remove(u);
            Timers.Cancel(UnlockTimer(u.MessageId));
            var status = _port.Unlock();
            if (!stopSent) _log.Warning("{0}: UnlockConnector answered {1} before its StopTransaction could be sent (it stays queued)", _settings.Id, status);
            _link.Send(OcppFrames.EncodeResult(u.MessageId, new UnlockConnectorResponse(status)));
        }
    }
}
