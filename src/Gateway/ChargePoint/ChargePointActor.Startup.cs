using Akka.Actor;
using Akka.Event;
using SmartElek.Gateway.Ocpp16;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.ChargePoint;

// The two edges of a charge point's life: starting up before its first registration, and draining
// what it owes the central system when the controller stops.
public sealed partial class ChargePointActor
{
    private static readonly TimeSpan DefaultAuthorizeWaitAtStart = TimeSpan.FromSeconds(45);

    // A vehicle plugged in while the controller starts (connecting, booting) is not "offline": its
    // Authorize waits for the first registration instead of being decided locally at once, which
    // would refuse every tag the local list and cache do not know.
    private readonly List<OutgoingCall> _heldForRegistration = [];
    private bool _startingUp = true;
    private readonly List<IActorRef> _drainWaiters = [];

    private void StartStartupWait()
    {
        var wait = _settings.AuthorizeWaitAtStart ?? DefaultAuthorizeWaitAtStart;
        // No wait: an Authorize before the first registration is decided as an offline one at once.
        if (wait <= TimeSpan.Zero) _startingUp = false;
        else Timers.StartSingleTimer("startup-wait", StartupWaitOver.Instance, wait);
    }

    private bool HoldForRegistration(OutgoingCall call)
    {
        if (!_startingUp || _everAccepted) return false;
        _heldForRegistration.Add(call);
        return true;
    }

    // The first registration ends the start-up: accepted, the held CALLs go out; pending, rejected
    // or not in time, they fail as offline ones do (the local list and cache decide).
    private void EndStartup(bool accepted)
    {
        if (!_startingUp) return;
        _startingUp = false;
        Timers.Cancel("startup-wait");
        var held = _heldForRegistration.ToList();
        _heldForRegistration.Clear();
        if (held.Count > 0)
            _log.Info("{0}: {1} Authorize(s) asked while starting up {2}", _settings.Id, held.Count,
                accepted ? "go to the central system now" : "are decided locally: no registration in time");
        foreach (var call in held)
            if (accepted) Enqueue(call.Request, call.Asked);
            else Failed(call);
    }

    private void OnDrain(Drain drain)
    {
        _drainWaiters.Add(Sender);
        Timers.StartSingleTimer("drain", DrainOver.Instance, drain.Within);
        AnswerDrain();
    }

    // Owed on an open, registered connection: a running transaction (the charger's stop is on its
    // way) or a transaction message queued or waiting for its answer. A StopTransaction answered
    // after the process ended would be sent again at the next start.
    private bool OwesTransactionMessages =>
        _line.Online && (_state.Transaction is not null || _queue.Count > 0 || _line.InFlight?.Queued is not null);

    private void AnswerDrain(bool over = false)
    {
        if (_drainWaiters.Count == 0 || (!over && OwesTransactionMessages)) return;
        Timers.Cancel("drain");
        if (_queue.Count > 0)
            _log.Info("{0}: {1} transaction message(s) stay queued for the next start", _settings.Id, _queue.Count);
        foreach (var waiter in _drainWaiters) waiter.Tell(new Drained(_queue.Count));
        _drainWaiters.Clear();
    }
}
