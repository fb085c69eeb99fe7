using System.Globalization;
using Akka.Actor;
using Akka.Event;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.Ocpp16;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.ChargePoint;

// Registration as behaviours: connecting (no connection), booting (connected, BootNotification not
// accepted: the central system's CALLs get SecurityError), pending (it said Pending: only what it
// triggers goes out) and accepted. Which CALLs of ours may go in each is the CallLine's.
public sealed partial class ChargePointActor
{

    private void Connecting()
    {
        // A frame that raced the Disconnected: answered as the registration allows.
        Receive<OcppLinkProtocol.Received>(r => OnReceived(r.Frame, answerCalls: _line.Registration is Registration.Pending or Registration.Accepted));
        Common();
    }

    private void Booting()
    {
        Receive<OcppLinkProtocol.Received>(r => OnReceived(r.Frame, answerCalls: false));
        Common();
    }

    private void Pending()
    {
        Receive<OcppLinkProtocol.Received>(r => OnReceived(r.Frame, answerCalls: true));
        Common();
    }

    private void Accepted()
    {
        Receive<OcppLinkProtocol.Received>(r => OnReceived(r.Frame, answerCalls: true));
        Common();
    }

    // The registration now; on a connection, the behaviour that goes with it (offline it stays connecting).
    private void Registered(Registration registration)
    {
        _line = _line with { Registration = registration };
        if (!_line.Connected) return;
        Become(registration switch
        {
            Registration.Accepted => Accepted,
            Registration.Pending => Pending,
            _ => Booting,
        });
    }

    private void OnConnected()
    {
        _line = _line.Connect();
        if (_everAccepted)
        {
            // A plain reconnect: no new Boot; tell the current status (not queued while offline).
            Registered(Registration.Accepted);
            ReportStatus(force: true);
        }
        else
        {
            Registered(Registration.NotBooted);
            _line = _line with { BootDue = true };
        }
        TrySend();
    }

    private void OnDisconnected(string reason)
    {
        _log.Info("{0}: disconnected: {1}", _settings.Id, reason);
        Timers.Cancel("call-timeout");
        // Heartbeats, status and the like are not kept offline; an Authorize falls back to the local decision.
        (_line, var failed) = _line.Disconnect();
        foreach (var call in failed) Failed(call);
        // Offline, the reset's StopTransaction stays queued (durably) and goes after the next Boot.
        if (_restart is { } restart) Restart(restart.Type);
        // An answer belongs to the connection its CALL came on.
        foreach (var u in _unlocks) Timers.Cancel(UnlockTimer(u.MessageId));
        _unlocks.Clear();
        Become(Connecting);
    }

    private void OnBootAnswer(BootNotificationResponse boot)
    {
        var retry = boot.Interval > 0 ? TimeSpan.FromSeconds(boot.Interval) : _settings.BootRetry ?? TimeSpan.FromSeconds(30);
        switch (boot.Status)
        {
            case RegistrationStatus.Accepted:
                Registered(Registration.Accepted);
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
                Registered(Registration.Pending);
                // The interval is the minimum wait before the next BootNotification.
                Timers.StartSingleTimer("boot", new BootRetryDue(), retry);
                EndStartup(accepted: false);
                break;
            default:
                Registered(Registration.Rejected);
                Timers.StartSingleTimer("boot", new BootRetryDue(), retry);
                EndStartup(accepted: false);
                break;
        }
    }
}
