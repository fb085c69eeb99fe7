using CsCheck;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;

namespace SmartElek.Gateway.Tests;

[Trait("Speed", "Fast")]
public class CompositeScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly ElectricalSupply Split240 = new(240m, 1, 32m);
    private static readonly SmartChargingLimits Limits = new();

    private static ChargingProfile Profile(int id, int level, ChargingProfilePurpose purpose, ChargingProfileKind kind,
        ChargingRateUnit unit, DateTimeOffset? start, int? duration, params (int At, decimal Limit)[] periods) =>
        new(id, level, purpose, kind,
            new ChargingSchedule(unit, periods.Select(p => new ChargingSchedulePeriod(p.At, p.Limit)).ToList(), duration, start));

    private static ChargingProfiles Install(params (int Connector, ChargingProfile Profile)[] profiles)
    {
        var set = ChargingProfiles.Empty;
        var tx = new ActiveTransaction(1, 42, T0);
        foreach (var (c, p) in profiles)
        {
            var outcome = set.Set(c, p, tx, Limits, T0);
            Assert.Equal(ChargingProfileStatus.Accepted, outcome.Status);
            set = outcome.Profiles;
        }
        return set;
    }

    private static (int, decimal)[] Periods(ChargingSchedule s) => s.ChargingSchedulePeriod.Select(p => (p.StartPeriod, p.Limit)).ToArray();

    [Fact]
    public void Overlapping_profiles_give_the_lowest_of_max_and_transaction_limit_per_instant()
    {
        // Charge point max: 20 A for the first hour, then 32 A. Tx default: 16 A from 30 min to 90 min.
        var profiles = Install(
            (0, Profile(1, 0, ChargingProfilePurpose.ChargePointMaxProfile, ChargingProfileKind.Absolute, ChargingRateUnit.A, T0, null, (0, 20m), (3600, 32m))),
            (1, Profile(2, 0, ChargingProfilePurpose.TxDefaultProfile, ChargingProfileKind.Absolute, ChargingRateUnit.A, T0.AddMinutes(30), 3600, (0, 16m))));
        var s = CompositeSchedule.Compute(profiles, 1, T0, 7200, ChargingRateUnit.A, Split240, null);
        Assert.Equal([(0, 20m), (1800, 16m), (5400, 32m)], Periods(s));
        Assert.Equal(7200, s.Duration);
        Assert.Equal(T0, s.StartSchedule);
    }

    [Fact]
    public void The_highest_stack_level_wins_while_it_defines_a_limit_then_the_lower_one_returns()
    {
        var profiles = Install(
            (1, Profile(1, 0, ChargingProfilePurpose.TxDefaultProfile, ChargingProfileKind.Absolute, ChargingRateUnit.A, T0, null, (0, 24m))),
            (1, Profile(2, 3, ChargingProfilePurpose.TxDefaultProfile, ChargingProfileKind.Absolute, ChargingRateUnit.A, T0.AddMinutes(10), 600, (0, 30m), (300, 8m))));
        var s = CompositeSchedule.Compute(profiles, 1, T0, 3600, ChargingRateUnit.A, Split240, null);
        // A higher stack level may raise the limit above the lower level: it replaces, it does not min.
        Assert.Equal([(0, 24m), (600, 30m), (900, 8m), (1200, 24m)], Periods(s));
    }

    [Fact]
    public void A_TxProfile_overrides_the_default_and_is_removed_when_the_transaction_ends()
    {
        var tx = new ActiveTransaction(1, 42, T0);
        var profiles = Install(
            (1, Profile(1, 0, ChargingProfilePurpose.TxDefaultProfile, ChargingProfileKind.Absolute, ChargingRateUnit.A, T0, null, (0, 24m))),
            (1, Profile(2, 0, ChargingProfilePurpose.TxProfile, ChargingProfileKind.Relative, ChargingRateUnit.A, null, null, (0, 10m), (600, 12m))));
        Assert.Equal([(0, 10m)], Periods(CompositeSchedule.Compute(profiles, 1, T0.AddMinutes(1), 60, ChargingRateUnit.A, Split240, tx)));
        Assert.Equal(12m, CompositeSchedule.LimitAt(profiles, 1, T0.AddMinutes(11), Split240, tx));
        var after = profiles.EndTransaction(1);
        Assert.Equal(24m, CompositeSchedule.LimitAt(after, 1, T0.AddMinutes(11), Split240, null));
    }

    [Fact]
    public void A_recurring_daily_profile_crosses_midnight_from_its_latest_occurrence()
    {
        // Every day from 22:00: 16 A for 4 h (to 02:00), then 32 A until 06:00 (duration 8 h).
        var start = new DateTimeOffset(2026, 1, 1, 22, 0, 0, TimeSpan.Zero);
        var daily = Profile(1, 0, ChargingProfilePurpose.TxDefaultProfile, ChargingProfileKind.Recurring, ChargingRateUnit.A, start, 8 * 3600, (0, 16m), (4 * 3600, 32m)) with { RecurrencyKind = RecurrencyKind.Daily };
        var cap = Profile(2, 0, ChargingProfilePurpose.ChargePointMaxProfile, ChargingProfileKind.Absolute, ChargingRateUnit.A, start, null, (0, 24m));
        var profiles = Install((1, daily), (0, cap));
        var from = new DateTimeOffset(2026, 3, 5, 23, 0, 0, TimeSpan.Zero);
        var s = CompositeSchedule.Compute(profiles, 1, from, 24 * 3600, ChargingRateUnit.A, Split240, null);
        // 23:00-02:00 16 A, 02:00-06:00 min(32, cap 24), 06:00-22:00 cap 24, 22:00 the next occurrence 16 A.
        Assert.Equal([(0, 16m), (3 * 3600, 24m), (23 * 3600, 16m)], Periods(s));
    }

    [Fact]
    public void Watts_become_amps_at_the_site_voltage_with_one_decimal_rounded_down()
    {
        var w = Profile(1, 0, ChargingProfilePurpose.TxDefaultProfile, ChargingProfileKind.Absolute, ChargingRateUnit.W, T0, null, (0, 7200m), (600, 4000m));
        var profiles = Install((1, w));
        // 7200 W / 240 V = 30 A; 4000 W / 240 V = 16.666 A -> 16.6 A.
        Assert.Equal([(0, 30m), (600, 16.6m)], Periods(CompositeSchedule.Compute(profiles, 1, T0, 1200, ChargingRateUnit.A, Split240, null)));
        // Three phases at 230 V: 11000 W / 690 = 15.94 A -> 15.9 A; back to W in W units: 7200 and 4000.
        var threePhase = new ElectricalSupply(230m, 3, 32m);
        Assert.Equal(15.9m, CompositeSchedule.Round(threePhase.ToAmps(11000m, ChargingRateUnit.W)));
        Assert.Equal([(0, 7200m), (600, 4000m)], Periods(CompositeSchedule.Compute(profiles, 1, T0, 1200, ChargingRateUnit.W, Split240, null)));
    }

    [Fact]
    public void Without_profiles_the_composite_is_the_chargers_own_maximum() =>
        Assert.Equal([(0, 32m)], Periods(CompositeSchedule.Compute(ChargingProfiles.Empty, 1, T0, 600, ChargingRateUnit.A, Split240, null)));

    [Fact]
    public void Placement_and_replacement_rules()
    {
        var max = Profile(1, 0, ChargingProfilePurpose.ChargePointMaxProfile, ChargingProfileKind.Absolute, ChargingRateUnit.A, T0, null, (0, 20m));
        var txp = Profile(2, 0, ChargingProfilePurpose.TxProfile, ChargingProfileKind.Absolute, ChargingRateUnit.A, T0, null, (0, 10m));
        var empty = ChargingProfiles.Empty;
        Assert.Equal(ChargingProfileStatus.Rejected, empty.Set(1, max, null, Limits, T0).Status);
        Assert.Equal(ChargingProfileStatus.Rejected, empty.Set(1, txp, null, Limits, T0).Status);
        Assert.Equal(ChargingProfileStatus.Rejected, empty.Set(0, txp, new ActiveTransaction(1, 1, T0), Limits, T0).Status);
        Assert.Equal(ChargingProfileStatus.Rejected, empty.Set(1, txp with { TransactionId = 9 }, new ActiveTransaction(1, 1, T0), Limits, T0).Status);
        Assert.Equal(ChargingProfileStatus.Rejected, empty.Set(2, max, null, Limits, T0).Status);

        var a = Profile(10, 1, ChargingProfilePurpose.TxDefaultProfile, ChargingProfileKind.Absolute, ChargingRateUnit.A, T0, null, (0, 20m));
        var sameLevel = Profile(11, 1, ChargingProfilePurpose.TxDefaultProfile, ChargingProfileKind.Absolute, ChargingRateUnit.A, T0, null, (0, 12m));
        var sameId = Profile(10, 4, ChargingProfilePurpose.TxDefaultProfile, ChargingProfileKind.Absolute, ChargingRateUnit.A, T0, null, (0, 14m));
        var p = empty.Set(1, a, null, Limits, T0).Profiles;
        var byLevel = p.Set(1, sameLevel, null, Limits, T0).Profiles;
        Assert.Equal([11], byLevel.Installed.Select(i => i.Profile.ChargingProfileId));
        var byId = p.Set(1, sameId, null, Limits, T0).Profiles;
        Assert.Equal([(10, 4)], byId.Installed.Select(i => (i.Profile.ChargingProfileId, i.Profile.StackLevel)));
        var onZero = p.Set(0, sameLevel, null, Limits, T0).Profiles; // another connector: both stay
        Assert.Equal(2, onZero.Installed.Count);

        Assert.Equal(ClearChargingProfileStatus.Unknown, onZero.Clear(new ClearChargingProfileRequest(Id: 99)).Status);
        var cleared = onZero.Clear(new ClearChargingProfileRequest(ConnectorId: 0));
        Assert.Equal(ClearChargingProfileStatus.Accepted, cleared.Status);
        Assert.Equal([10], cleared.Profiles.Installed.Select(i => i.Profile.ChargingProfileId));
    }

    /// <summary>Property: the composite never exceeds any applicable ChargePointMaxProfile nor the charger's maximum.</summary>
    [Fact]
    public void The_composite_never_exceeds_the_charge_point_maximum()
    {
        var gen = from maxLimit in Gen.Int[0, 40]
                  from levels in Gen.Int[0, 5].Array[1, 4]
                  from limits in Gen.Int[0, 80].Array[4]
                  from offsets in Gen.Int[0, 7200].Array[4]
                  from probe in Gen.Int[0, 7199]
                  select (maxLimit, levels, limits, offsets, probe);
        gen.Sample(c =>
        {
            var set = ChargingProfiles.Empty
                .Set(0, Profile(1, 0, ChargingProfilePurpose.ChargePointMaxProfile, ChargingProfileKind.Absolute, ChargingRateUnit.A, T0, null, (0, c.maxLimit)), null, Limits, T0).Profiles;
            for (var i = 0; i < c.levels.Length; i++)
                set = set.Set(1, Profile(10 + i, c.levels[i], ChargingProfilePurpose.TxDefaultProfile, ChargingProfileKind.Absolute, ChargingRateUnit.A,
                    T0.AddSeconds(c.offsets[i]), 1800, (0, c.limits[i])), null, Limits, T0).Profiles;
            var schedule = CompositeSchedule.Compute(set, 1, T0, 7200, ChargingRateUnit.A, Split240, null);
            var atProbe = schedule.ChargingSchedulePeriod.Last(p => p.StartPeriod <= c.probe).Limit;
            return schedule.ChargingSchedulePeriod.All(p => p.Limit <= Math.Min(c.maxLimit, 32m))
                   && atProbe == CompositeSchedule.Round(CompositeSchedule.LimitAt(set, 1, T0.AddSeconds(c.probe), Split240, null));
        }, iter: 500);
    }
}
