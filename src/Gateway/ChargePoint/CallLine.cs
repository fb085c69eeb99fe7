using System.Collections.Immutable;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>An Authorize of ours: its idTag, a remote start's profile, and what the list or cache said (for the offline decision).</summary>
public sealed record AuthorizationAsked(string IdTag, ChargingProfile? Profile, IdTagInfo? Local);

/// <summary>A CALL of ours waiting for its turn (transaction messages wait in the durable queue instead).</summary>
/// <param name="Asked">for an Authorize: what its answer or failure decides</param>
/// <param name="Triggered">the central system asked for it with TriggerMessage (it may go while Pending)</param>
public sealed record OutgoingCall(IOcppRequest Request, AuthorizationAsked? Asked = null, bool Triggered = false);

/// <summary>The one CALL of ours on the wire: a BootNotification, the transaction queue's head, or a waiting CALL.</summary>
public sealed record OutstandingCall(string MessageId, string Action, OutgoingCall? Call, QueuedTransactionMessage? Queued, bool Boot);

/// <summary>Which CALL of ours goes next.</summary>
public abstract record NextCall
{
    private NextCall() { }

    public sealed record Boot : NextCall
    {
        public static readonly Boot Instance = new();
    }

    public sealed record Transaction(QueuedTransactionMessage Message) : NextCall;

    public sealed record Waiting(OutgoingCall Call) : NextCall;
}

/// <summary>What a CALL of ours that failed or got no answer in time means.</summary>
public abstract record CallOutcome
{
    private CallOutcome() { }

    /// <summary>The BootNotification goes again after <paramref name="Wait"/>.</summary>
    public sealed record BootAgainAfter(TimeSpan Wait) : CallOutcome;

    /// <summary>A failure to process a transaction message: count it (then <see cref="CallLine.AfterFailedAttempt"/> decides).</summary>
    public sealed record CountFailedAttempt : CallOutcome
    {
        public static readonly CountFailedAttempt Instance = new();
    }

    /// <summary>Transaction messages wait <paramref name="Wait"/>; the head stays and goes again.</summary>
    public sealed record RetryTransactionsAfter(TimeSpan Wait) : CallOutcome;

    /// <summary>The head of the transaction queue is given up (dropped and logged) after so many attempts.</summary>
    public sealed record GiveUp(int Attempts) : CallOutcome;

    /// <summary>The CALL is given up (an Authorize is decided locally).</summary>
    public sealed record Failed(OutgoingCall Call) : CallOutcome;

    public sealed record Nothing : CallOutcome
    {
        public static readonly Nothing Instance = new();
    }
}

/// <summary>
/// The charge point's line to the central system as OCPP-J allows it: one outstanding CALL of its
/// own, the BootNotification first, nothing else before the Boot is accepted except, while Pending,
/// what the central system triggered; then the transaction queue's head (once its retry wait is
/// over) before the other CALLs, in order. It decides what goes next and what a failure or a
/// timeout means; the actor sends, sets the timers and keeps the durable queue. Immutable.
/// </summary>
/// <param name="TransactionsNotBefore">transaction messages wait until then after a failure or a timeout</param>
public sealed record CallLine(
    bool Connected, Registration Registration, bool BootDue, OutstandingCall? InFlight,
    ImmutableQueue<OutgoingCall> Waiting, DateTimeOffset TransactionsNotBefore)
{
    public static readonly CallLine Offline =
        new(false, Registration.NotBooted, false, null, ImmutableQueue<OutgoingCall>.Empty, DateTimeOffset.MinValue);

    /// <summary>Connected and accepted: what the central system answers counts, not the local decision.</summary>
    public bool Online => Connected && Registration == Registration.Accepted;

    /// <summary>Whether a CALL may wait for its turn now: online, or a triggered one while Pending. Others fail at once.</summary>
    public bool Takes(OutgoingCall call) => Connected && (Registration == Registration.Accepted || (call.Triggered && Registration == Registration.Pending));

    public CallLine Enqueued(OutgoingCall call) => this with { Waiting = Waiting.Enqueue(call) };

    /// <summary>The connection is up: what was on the wire is gone with the old one.</summary>
    public CallLine Connect() => this with { Connected = true, InFlight = null };

    /// <summary>The connection went: the outstanding and the waiting CALLs fail (a lost Boot is due again).</summary>
    public (CallLine Line, IReadOnlyList<OutgoingCall> Failed) Disconnect()
    {
        var failed = new List<OutgoingCall>();
        if (InFlight?.Call is { } call) failed.Add(call);
        failed.AddRange(Waiting);
        return (this with
        {
            Connected = false, InFlight = null, Waiting = ImmutableQueue<OutgoingCall>.Empty, BootDue = BootDue || InFlight?.Boot == true,
        }, failed);
    }

    /// <summary>The charger restarted: it boots again and what waited is dropped.</summary>
    public CallLine Restart() => this with { Registration = Registration.NotBooted, Waiting = ImmutableQueue<OutgoingCall>.Empty, BootDue = true };

    /// <summary>What goes next, and the line with it taken; null while one is outstanding, offline, or nothing may go.</summary>
    public (CallLine Line, NextCall? Next) Next(QueuedTransactionMessage? head, DateTimeOffset now)
    {
        if (!Connected || InFlight is not null) return (this, null);
        if (BootDue) return (this with { BootDue = false }, NextCall.Boot.Instance);
        if (Registration == Registration.Pending)
            return !Waiting.IsEmpty && Waiting.Peek().Triggered ? TakeWaiting() : (this, null);
        if (Registration != Registration.Accepted) return (this, null);
        if (head is not null && now >= TransactionsNotBefore) return (this, new NextCall.Transaction(head));
        return Waiting.IsEmpty ? (this, null) : TakeWaiting();
    }

    private (CallLine, NextCall) TakeWaiting()
    {
        var rest = Waiting.Dequeue(out var call);
        return (this with { Waiting = rest }, new NextCall.Waiting(call));
    }

    /// <summary>It went out: it is the one outstanding CALL.</summary>
    public CallLine Sent(OutstandingCall call) => this with { InFlight = call };

    /// <summary>It could not go (the link went down under it): a Boot is due again, a waiting CALL fails.</summary>
    public CallOutcome Unsent(NextCall next, out CallLine line)
    {
        line = next is NextCall.Boot ? this with { BootDue = true } : this;
        return next is NextCall.Waiting w ? new CallOutcome.Failed(w.Call) : CallOutcome.Nothing.Instance;
    }

    /// <summary>The outstanding CALL with this id, taken off the line (its answer came or its time is up); null when it is not the one.</summary>
    public (CallLine Line, OutstandingCall? Call) Take(string messageId) =>
        InFlight?.MessageId == messageId ? (this with { InFlight = null }, InFlight) : (this, null);

    /// <summary>
    /// Its answer was a CALLERROR or unreadable: a failure to process. A Boot goes again after
    /// <paramref name="bootRetry"/>; a transaction message counts an attempt; another CALL fails.
    /// </summary>
    public static CallOutcome AfterFailure(OutstandingCall call, TimeSpan bootRetry) =>
        call.Boot ? new CallOutcome.BootAgainAfter(bootRetry)
        : call.Queued is not null ? CallOutcome.CountFailedAttempt.Instance
        : call.Call is { } c ? new CallOutcome.Failed(c) : CallOutcome.Nothing.Instance;

    /// <summary>A transaction message failed <paramref name="attempts"/> times: given up at TransactionMessageAttempts, else retried after RetryInterval × attempts.</summary>
    public static CallOutcome AfterFailedAttempt(int attempts, ChargePointConfiguration config) =>
        attempts >= config.TransactionMessageAttempts
            ? new CallOutcome.GiveUp(attempts)
            : new CallOutcome.RetryTransactionsAfter(config.TransactionMessageRetryInterval * attempts);

    /// <summary>No answer in time is no failure to process: a transaction message stays at the head and goes again after RetryInterval.</summary>
    public static CallOutcome AfterTimeout(OutstandingCall call, TimeSpan bootRetry, ChargePointConfiguration config) =>
        call.Boot ? new CallOutcome.BootAgainAfter(bootRetry)
        : call.Queued is not null ? new CallOutcome.RetryTransactionsAfter(config.TransactionMessageRetryInterval)
        : call.Call is { } c ? new CallOutcome.Failed(c) : CallOutcome.Nothing.Instance;

    /// <summary>Transaction messages wait <paramref name="wait"/> from <paramref name="now"/>.</summary>
    public CallLine DelayTransactions(DateTimeOffset now, TimeSpan wait) => this with { TransactionsNotBefore = now + wait };
}
