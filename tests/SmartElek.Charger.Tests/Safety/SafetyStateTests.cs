using SmartElek.Charger.Safety;

namespace SmartElek.Charger.Tests.Safety;

public class SafetyStateTests
{
    private static readonly TimeSpan T0 = TimeSpan.FromHours(1);

    [Fact]
    public void Every_fault_kind_has_a_rule_with_an_ocpp_error_code()
    {
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            var rule = FaultRules.For(kind);
            Assert.Equal(kind, rule.Kind);
            Assert.False(string.IsNullOrWhiteSpace(rule.OcppErrorCode));
            if (rule.Clearing == FaultClearing.AutoRetry)
                Assert.True(rule.MaxRetries > 0 && rule.RetryAfter > TimeSpan.Zero, $"{kind} retries must be bounded and wait");
        }
    }

    [Fact]
    public void Gfci_retries_after_15_minutes_at_most_3_times_then_latches_until_unplug()
    {
        var state = SafetyState.Initial;
        var at = T0;
        for (var retry = 1; retry <= 3; retry++)
        {
            state = state.Raise(FaultKind.GfciTrip, at, "trip");
            var fault = state.Active[FaultKind.GfciTrip];
            Assert.Equal(at + TimeSpan.FromMinutes(15), fault.RetryAt);
            Assert.False(fault.Latched);
            Assert.True(state.Tick(at + TimeSpan.FromMinutes(14.9)).Faulted);
            at += TimeSpan.FromMinutes(15);
            state = state.Tick(at);
            Assert.False(state.Faulted);
            Assert.Equal(retry, state.RetryCount(FaultKind.GfciTrip));
            at += TimeSpan.FromSeconds(3);
        }
        state = state.Raise(FaultKind.GfciTrip, at, "trip");
        var latched = state.Active[FaultKind.GfciTrip];
        Assert.True(latched.Latched);
        Assert.Null(latched.RetryAt);
        Assert.True(state.Tick(at + TimeSpan.FromDays(1)).Faulted);
        Assert.True(state.SetButtonPressed(at).Faulted);
        Assert.Equal(4, state.TripCount(FaultKind.GfciTrip));

        state = state.Unplugged(at + TimeSpan.FromMinutes(1));
        Assert.False(state.Faulted);
        Assert.Equal(0, state.RetryCount(FaultKind.GfciTrip));
        Assert.Equal(4, state.TripCount(FaultKind.GfciTrip));
        Assert.Equal(T0 + TimeSpan.FromMinutes(15), state.Raise(FaultKind.GfciTrip, T0, "again").NextRetryAt);
    }

    [Fact]
    public void Raising_an_active_fault_again_changes_nothing()
    {
        var once = SafetyState.Initial.Raise(FaultKind.OverCurrent, T0, "x");
        Assert.Same(once, once.Raise(FaultKind.OverCurrent, T0 + TimeSpan.FromSeconds(1), "y"));
    }

    [Fact]
    public void Each_fault_clears_only_its_own_way()
    {
        var state = SafetyState.Initial
            .Raise(FaultKind.RelayWelded, T0, "L1")
            .Raise(FaultKind.OverCurrent, T0, "over")
            .Raise(FaultKind.OverTemperature, T0, "hot");

        var unplugged = state.Unplugged(T0);
        Assert.Equal([FaultKind.OverTemperature, FaultKind.RelayWelded], unplugged.Active.Keys.Order());

        var set = unplugged.SetButtonPressed(T0);
        Assert.Equal([FaultKind.OverTemperature], set.Active.Keys);

        Assert.False(set.ConditionCleared(FaultKind.OverTemperature, T0).Faulted);
        Assert.True(set.ConditionCleared(FaultKind.RelayWelded, T0).Faulted);
    }

    [Fact]
    public void Every_fault_is_logged_with_its_time_and_the_log_is_bounded()
    {
        var state = SafetyState.Initial.Raise(FaultKind.GroundLoss, T0, "no ground").Tick(T0 + TimeSpan.FromMinutes(1));
        Assert.Equal(
            [(T0, FaultEntryType.Raised), (T0 + TimeSpan.FromMinutes(1), FaultEntryType.Retried)],
            state.Log.Select(e => (e.At, e.Type)));

        for (var i = 0; i < SafetyState.LogCapacity; i++)
            state = state.Raise(FaultKind.DiodeCheckFailed, T0 + TimeSpan.FromSeconds(i), "d").Unplugged(T0 + TimeSpan.FromSeconds(i));
        Assert.Equal(SafetyState.LogCapacity, state.Log.Count);
        Assert.Equal(FaultEntryType.Cleared, state.Log[^1].Type);
    }
}
