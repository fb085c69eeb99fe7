using System.Collections.Immutable;
using CsCheck;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.Tests.Pure;

// One outstanding CALL of ours, its priority and what a failure or a timeout means, without an actor.
[Trait("Speed", "Fast")]
public class CallLineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly ChargePointConfiguration Config = ChargePointConfiguration.Default();
    private static readonly QueuedTransactionMessage Head = new(1, new MeterValuesRequest(1, [], 7), 0);
    private static readonly OutgoingCall Status = new(new StatusNotificationRequest(1, ChargePointErrorCode.NoError, ChargePointStatus.Available));
    private static readonly OutgoingCall TriggeredHeartbeat = new(new HeartbeatRequest(), Triggered: true);

    private static CallLine Line(Registration registration, bool bootDue = false, params OutgoingCall[] waiting) =>
        CallLine.Offline.Connect() with { Registration = registration, BootDue = bootDue, Waiting = ImmutableQueue.Create(waiting) };

    [Fact]
    public void The_Boot_goes_first_and_nothing_goes_offline_or_while_one_is_outstanding()
    {
        Assert.IsType<NextCall.Boot>(Line(Registration.Accepted, bootDue: true, Status).Next(Head, T0).Next);
        Assert.Null((Line(Registration.Accepted, false, Status) with { Connected = false }).Next(Head, T0).Next);
        var outstanding = Line(Registration.Accepted, false, Status).Sent(new OutstandingCall("m1", "Heartbeat", null, null, false));
        Assert.Null(outstanding.Next(Head, T0).Next);
    }

    [Fact]
    public void Pending_lets_only_a_triggered_CALL_go_and_booting_or_rejected_nothing_but_the_Boot()
    {
        Assert.Null(Line(Registration.Pending, false, Status, TriggeredHeartbeat).Next(Head, T0).Next);
        var (line, next) = Line(Registration.Pending, false, TriggeredHeartbeat, Status).Next(Head, T0);
        Assert.Equal(new NextCall.Waiting(TriggeredHeartbeat), next);
        Assert.Equal([Status], line.Waiting);
        Assert.Null(Line(Registration.NotBooted, false, TriggeredHeartbeat).Next(Head, T0).Next);
        Assert.Null(Line(Registration.Rejected, false, TriggeredHeartbeat).Next(Head, T0).Next);
        Assert.False(Line(Registration.Pending).Takes(Status));
        Assert.True(Line(Registration.Pending).Takes(TriggeredHeartbeat));
        Assert.False(Line(Registration.Rejected).Takes(TriggeredHeartbeat));
    }

    [Fact]
    public void Accepted_the_transaction_queues_head_goes_before_other_CALLs_once_its_retry_wait_is_over()
    {
        var line = Line(Registration.Accepted, false, Status);
        Assert.Equal(new NextCall.Transaction(Head), line.Next(Head, T0).Next);
        var waiting = line.DelayTransactions(T0, TimeSpan.FromSeconds(60));
        Assert.Equal(new NextCall.Waiting(Status), waiting.Next(Head, T0.AddSeconds(59)).Next);
        Assert.Equal(new NextCall.Transaction(Head), waiting.Next(Head, T0.AddSeconds(60)).Next);
        Assert.Null(Line(Registration.Accepted).Next(null, T0).Next);
    }

    // Whatever is enqueued and whatever answers, at most one CALL is outstanding and a waiting CALL goes in order.
    [Fact]
    public void At_most_one_CALL_is_outstanding_and_the_others_go_in_order()
    {
        Gen.Int[0, 3].Array[1, 60].Sample(steps =>
        {
            var line = Line(Registration.Accepted);
            var sent = new List<int>();
            var n = 0;
            foreach (var step in steps)
            {
                if (step < 2) line = line.Enqueued(new OutgoingCall(new DataTransferRequest($"v{n++}")));
                else if (step == 2 && line.InFlight is { } f) line = line.Take(f.MessageId).Line;
                var (next, call) = line.Next(null, T0);
                if (call is NextCall.Waiting w)
                {
                    if (next.InFlight is not null && line.InFlight is not null) return false;
                    sent.Add(int.Parse(((DataTransferRequest)w.Call.Request).VendorId[1..]));
                    line = next.Sent(new OutstandingCall($"m{sent.Count}", "DataTransfer", w.Call, null, false));
                }
                else if (call is not null) return false;
            }
            return sent.SequenceEqual(Enumerable.Range(0, sent.Count));
        });
    }

    [Fact]
    public void A_lost_connection_fails_the_outstanding_and_the_waiting_CALLs_in_order_and_a_lost_Boot_is_due_again()
    {
        var authorize = new OutgoingCall(new AuthorizeRequest("TAG"), new AuthorizationAsked("TAG", null, null));
        var line = Line(Registration.Accepted, false, Status).Sent(new OutstandingCall("m1", "Authorize", authorize, null, false));
        var (down, failed) = line.Disconnect();
        Assert.Equal([authorize, Status], failed);
        Assert.False(down.Connected);
        Assert.Null(down.InFlight);
        Assert.Empty(down.Waiting);
        Assert.False(down.BootDue);
        var boot = Line(Registration.NotBooted).Sent(new OutstandingCall("b", "BootNotification", null, null, true));
        Assert.True(boot.Disconnect().Line.BootDue);
    }

    [Fact]
    public void Only_the_outstanding_CALLs_id_takes_it_off_the_line()
    {
        var line = Line(Registration.Accepted).Sent(new OutstandingCall("m1", "Heartbeat", null, null, false));
        Assert.Null(line.Take("m2").Call);
        Assert.NotNull(line.Take("m2").Line.InFlight);
        Assert.Equal("m1", line.Take("m1").Call!.MessageId);
        Assert.Null(line.Take("m1").Line.InFlight);
    }

    [Theory]
    [InlineData(1, "Retry:60")]
    [InlineData(2, "Retry:120")]
    [InlineData(3, "GiveUp:3")]
    [InlineData(4, "GiveUp:4")]
    public void A_transaction_message_answered_with_a_CALLERROR_is_retried_with_growing_waits_then_given_up(int attempts, string expected)
    {
        var transaction = new OutstandingCall("m", "MeterValues", null, Head, false);
        Assert.IsType<CallOutcome.CountFailedAttempt>(CallLine.AfterFailure(transaction, TimeSpan.FromSeconds(30)));
        var outcome = CallLine.AfterFailedAttempt(attempts, Config) switch
        {
            CallOutcome.RetryTransactionsAfter r => $"Retry:{r.Wait.TotalSeconds}",
            CallOutcome.GiveUp g => $"GiveUp:{g.Attempts}",
            var other => other.ToString(),
        };
        Assert.Equal(expected, outcome);
    }

    [Fact]
    public void No_answer_in_time_retries_a_Boot_or_a_transaction_message_and_fails_any_other_CALL()
    {
        var retry = TimeSpan.FromSeconds(30);
        Assert.Equal(new CallOutcome.BootAgainAfter(retry), CallLine.AfterTimeout(new OutstandingCall("b", "BootNotification", null, null, true), retry, Config));
        Assert.Equal(new CallOutcome.RetryTransactionsAfter(TimeSpan.FromSeconds(60)), CallLine.AfterTimeout(new OutstandingCall("m", "MeterValues", null, Head, false), retry, Config));
        Assert.Equal(new CallOutcome.Failed(Status), CallLine.AfterTimeout(new OutstandingCall("s", "StatusNotification", Status, null, false), retry, Config));
        Assert.Equal(new CallOutcome.BootAgainAfter(retry), CallLine.AfterFailure(new OutstandingCall("b", "BootNotification", null, null, true), retry));
        Assert.Equal(new CallOutcome.Failed(Status), CallLine.AfterFailure(new OutstandingCall("s", "StatusNotification", Status, null, false), retry));
    }

    [Fact]
    public void A_restart_boots_again_and_drops_what_waited_and_an_unsent_Boot_is_due_again()
    {
        var restarted = Line(Registration.Accepted, false, Status).Restart();
        Assert.Equal((Registration.NotBooted, true, 0), (restarted.Registration, restarted.BootDue, restarted.Waiting.Count()));
        var (taken, boot) = Line(Registration.NotBooted, bootDue: true).Next(null, T0);
        Assert.IsType<CallOutcome.Nothing>(taken.Unsent(boot!, out var after));
        Assert.True(after.BootDue);
        var (_, waiting) = Line(Registration.Accepted, false, Status).Next(null, T0);
        Assert.Equal(new CallOutcome.Failed(Status), Line(Registration.Accepted).Unsent(waiting!, out _));
    }
}
