using Akka.Actor;
using Akka.Event;
using SmartElek.Gateway.ChargePoint;

namespace SmartElek.Host.Ocpp;

/// <summary>
/// Opens the charge points' store and starts each charge point once the store has read its queue
/// and what it remembers (profiles, configuration, local list, cache, a running transaction): the
/// charge point gets them as values and reads nothing from the store at its start.
/// While the database does not answer (PostgreSQL down when the site starts), it says so once and
/// tries again every <see cref="RetryEvery"/>: a charge point that cannot read its queue would not
/// know its running transaction or what it still owes the central system, so it waits. The chargers
/// themselves run meanwhile; only their OCPP side waits.
/// </summary>
public sealed class ChargePointStarter : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);

    /// <summary>One charge point to start: <paramref name="Run"/> creates its actor on its queue and memory, and what that remembered.</summary>
    public sealed record Start(ChargerId Charger, Action<DurableChargePoint, RememberedChargePoint> Run);

    private sealed record Attempt
    {
        public static readonly Attempt Instance = new();
    }

    /// <summary>Asks how the starts stand: answered with <see cref="StartsState"/>.</summary>
    public sealed record GetStartsState
    {
        public static readonly GetStartsState Instance = new();
    }

    /// <param name="Waiting">charge points not started yet (their store does not answer)</param>
    /// <param name="FailedAttempts">attempts to read the store that failed since the last that answered</param>
    /// <param name="LastFailure">why the last attempt failed, or null</param>
    public sealed record StartsState(int Waiting, int FailedAttempts, string? LastFailure);

    /// <summary>The starter's name under the chargers' ActorSystem's /user.</summary>
    public const string Name = "ocpp-store";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Func<ChargePointStore> _open;
    private readonly List<Start> _waiting;
    private ChargePointStore? _store;
    private string? _lastFailure;
    private int _failedAttempts;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Func<ChargePointStore> open, IReadOnlyList<Start> starts) =>
        Akka.Actor.Props.Create(() => new ChargePointStarter(open, starts));

    public ChargePointStarter(Func<ChargePointStore> open, IReadOnlyList<Start> starts)
    {
        _open = open;
        _waiting = [.. starts];
        Receive<Attempt>(_ => TryStart());
        Receive<GetStartsState>(_ => Sender.Tell(new StartsState(_waiting.Count, _failedAttempts, _lastFailure)));
    }

    protected override void PreStart() => TryStart();

    protected override void PostStop() => _store?.Dispose();

    private void TryStart()
    {
        try
        {
            _store ??= _open();
            while (_waiting.Count > 0)
            {
                var start = _waiting[0];
                var chargePoint = _store.For(start.Charger);
                RememberedChargePoint remembered;
                try
                {
                    remembered = chargePoint.Recall();
                }
                catch (InvalidDataException e)
                {
                    // One charge point's unreadable rows must not hold back the others; it stays stopped, as its actor did before.
                    _log.Error("OCPP: charge point {0} does not start: {1}", start.Charger, e.Message);
                    _waiting.RemoveAt(0);
                    continue;
                }
                start.Run(chargePoint, remembered);
                _waiting.RemoveAt(0);
            }
            if (_lastFailure is not null)
                _log.Info("OCPP: the charge points' store at {0} answers again; every charge point has started", _store.Location);
            _lastFailure = null;
            _failedAttempts = 0;
        }
        catch (ChargePointStoreException e)
        {
            // Once per kind of failure, not every retry: the log stays readable through a long outage.
            if (e.Message != _lastFailure)
                _log.Warning("OCPP: {0} charge point(s) wait for their store: {1}; trying again every {2} s",
                    _waiting.Count, e.Message, RetryEvery.TotalSeconds);
            _lastFailure = e.Message;
            _failedAttempts++;
            Timers.StartSingleTimer(nameof(Attempt), Attempt.Instance, RetryEvery);
        }
    }
}
