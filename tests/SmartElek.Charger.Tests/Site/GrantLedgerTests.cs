using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;
using static SmartElek.Site.SiteProtocol;

namespace SmartElek.Charger.Tests.Site;

/// <summary>Invariants 2 and 3 step by step on the ledger and the lease holder.</summary>
public class GrantLedgerTests
{
    static readonly DateTimeOffset T0 = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);
    static readonly ChargerId A = new("a");
    static readonly ChargerId B = new("b");
    static readonly LeasePolicy Lease = LeasePolicy.Default;

    // Two 30 A chargers on one 40 A branch (32 A per line): together they must share.
    static SiteTopology TwoOnOneBranch() => SmallSites.OneBranch("a", "b");

    internal sealed class Member(ChargerId id)
    {
        public readonly LeaseHolder Holder = new(id, 0, Lease);
        public double Offer;
        public long Epoch, Seq;
        public double Drawn;
        public bool Wants = true;
        public double? UserMax;

        public ChargerReport Report(DateTimeOffset now) =>
            Holder.NextReport(new SiteChargerStatus(Wants, Wants ? "C" : "A", new LineCurrents(Drawn, Drawn), Offer, Epoch, Seq) { UserMaxAmps = UserMax }, now);

        public void Take(IEnumerable<CurrentGrant> grants, DateTimeOffset now)
        {
            foreach (var g in grants.Where(g => g.Charger == Holder.Charger))
            {
                if (Holder.OnGrant(g, now) is not { } accepted) continue;
                Offer = accepted.Amps;
                Epoch = accepted.AllocatorEpoch;
                Seq = accepted.GrantSeq;
            }
        }
    }

    // Starts a ledger with both chargers heard and A charging at its full share.
    static (GrantLedger Ledger, Member A, Member B, DateTimeOffset Now) AChargingAlone()
    {
        var ledger = new GrantLedger(TwoOnOneBranch(), 7, T0, Lease);
        var a = new Member(A);
        var b = new Member(B) { Wants = false };
        var now = T0;
        a.Take(ledger.OnReport(a.Report(now), now), now);
        b.Take(ledger.OnReport(b.Report(now), now), now);
        a.Take(ledger.Reallocate(now), now);
        Assert.Equal(30, a.Offer);
        a.Drawn = 30;
        now += TimeSpan.FromSeconds(1);
        a.Take(ledger.OnReport(a.Report(now), now), now);
        return (ledger, a, b, now);
    }

    [Fact]
    public void Freed_amps_go_to_another_charger_only_after_the_lower_offer_was_applied_and_the_vehicle_window_passed()
    {
        var (ledger, a, b, now) = AChargingAlone();
        b.Wants = true;
        b.Take(ledger.OnReport(b.Report(now), now), now);
        var round = ledger.Reallocate(now);
        a.Take(round, now);
        Assert.Equal(16, a.Offer);                               // the decrease goes out at once
        Assert.DoesNotContain(round, g => g.Charger == B && g.Amps > 0); // the increase waits
        Assert.Equal(LimitKind.WaitingForDecrease, ledger.Snapshot(now).Single(v => v.Charger == B).Reason.Kind);

        // A applied it; its vehicle still draws 30 A: B waits the full 5 s window from that report.
        now += TimeSpan.FromSeconds(1);
        var applied = now;
        a.Take(ledger.OnReport(a.Report(now), now), now);
        // The allocator is told when to look again: when A's 30 A stop counting.
        Assert.Equal(applied + Lease.VehicleResponseWindow, ledger.NextRelease(now));
        now = applied + Lease.VehicleResponseWindow - TimeSpan.FromMilliseconds(100);
        Assert.DoesNotContain(ledger.Reallocate(now), g => g.Charger == B && g.Amps > 0);
        Assert.Equal(30, ledger.ExposureOf(A, now));

        now = applied + Lease.VehicleResponseWindow;
        var later = ledger.Reallocate(now);
        Assert.Contains(later, g => g.Charger == B && g.Amps == 16);
        Assert.Equal(16, ledger.ExposureOf(A, now));
        // Nothing held above a grant any more: no release to wait for.
        Assert.Null(ledger.NextRelease(now));
    }

    [Fact]
    public void Freed_amps_move_at_once_when_the_meter_shows_the_vehicle_following_the_lower_offer_down()
    {
        var (ledger, a, b, now) = AChargingAlone();
        // a has held its 30 A long enough (pacing + window + a report) for its vehicle to take it up.
        now += Lease.OfferPacing + Lease.VehicleResponseWindow + Lease.ReportInterval;
        a.Take(ledger.OnReport(a.Report(now), now), now);
        b.Wants = true;
        b.Take(ledger.OnReport(b.Report(now), now), now);
        a.Take(ledger.Reallocate(now), now);
        // Applied, the vehicle still at 30 A; then it follows down to 15.9 A.
        now += TimeSpan.FromMilliseconds(300);
        a.Take(ledger.OnReport(a.Report(now), now), now);
        Assert.DoesNotContain(ledger.Reallocate(now), g => g.Charger == B && g.Amps > 0);
        a.Drawn = 15.9;
        now += TimeSpan.FromSeconds(1);
        a.Take(ledger.OnReport(a.Report(now), now), now);
        Assert.Contains(ledger.Reallocate(now), g => g.Charger == B && g.Amps == 16);
    }

    [Fact]
    public void A_vehicle_that_drew_less_by_itself_frees_nothing_before_the_window_for_it_may_wake_to_the_higher_offer()
    {
        var (ledger, a, b, now) = AChargingAlone();
        now += Lease.OfferPacing + Lease.VehicleResponseWindow + Lease.ReportInterval;
        a.Drawn = 12; // it takes 12 A of its 30 A
        a.Take(ledger.OnReport(a.Report(now), now), now);
        b.Wants = true;
        b.Take(ledger.OnReport(b.Report(now), now), now);
        a.Take(ledger.Reallocate(now), now);
        Assert.Equal(14, a.Offer); // its draw cap: 12 A + 2 A
        // Under the new 14 A from the first reading on: that shows no following. The vehicle may have
        // seen the 30 A before the pilot lowered it and still ramp towards it.
        now += TimeSpan.FromMilliseconds(300);
        var applied = now;
        a.Take(ledger.OnReport(a.Report(now), now), now);
        now += TimeSpan.FromSeconds(1);
        a.Take(ledger.OnReport(a.Report(now), now), now);
        Assert.DoesNotContain(ledger.Reallocate(now), g => g.Charger == B && g.Amps > 0);
        Assert.Equal(30, ledger.ExposureOf(A, now));
        now = applied + Lease.VehicleResponseWindow;
        Assert.Contains(ledger.Reallocate(now), g => g.Charger == B && g.Amps == 18);
    }

    [Fact]
    public void A_meter_a_little_over_the_lower_offer_frees_nothing_before_the_window()
    {
        var (ledger, a, b, now) = AChargingAlone();
        now += Lease.OfferPacing + Lease.VehicleResponseWindow + Lease.ReportInterval;
        a.Take(ledger.OnReport(a.Report(now), now), now);
        b.Wants = true;
        b.Take(ledger.OnReport(b.Report(now), now), now);
        a.Take(ledger.Reallocate(now), now);
        Assert.Equal(16, a.Offer);
        // 16.1 A is within the meter's tolerance of 16 A, and it is more: the vehicle has not followed yet.
        a.Drawn = 16.1;
        now += TimeSpan.FromSeconds(1);
        var applied = now;
        a.Take(ledger.OnReport(a.Report(now), now), now);
        Assert.DoesNotContain(ledger.Reallocate(now), g => g.Charger == B && g.Amps > 0);
        now = applied + Lease.VehicleResponseWindow;
        Assert.Contains(ledger.Reallocate(now), g => g.Charger == B && g.Amps == 16);
    }

    [Fact]
    public void A_vehicle_that_arrives_soon_after_another_left_is_not_held_in_a_minimum_pause()
    {
        var (ledger, a, b, now) = AChargingAlone();
        var clock = new EverySecond(ledger, now, a, b);
        void Run(TimeSpan span) => clock.Run(span);

        b.Wants = true;
        Run(TimeSpan.FromSeconds(30));
        Assert.Equal(16, a.Offer);
        Assert.Equal(16, b.Offer);

        // b's vehicle leaves (that is no pause of the allocator's making) and a takes the branch.
        b.Wants = false;
        Run(TimeSpan.FromSeconds(20));
        Assert.Equal(0, b.Offer);
        Assert.Equal(30, a.Offer);

        // The next vehicle comes 10 s later, well inside the 2 min minimum pause: it gets its share.
        Run(TimeSpan.FromSeconds(10));
        b.Wants = true;
        Run(TimeSpan.FromSeconds(1));
        Assert.Equal(16, a.Offer); // a gives its share back at once
        Assert.NotEqual(LimitKind.MinimumPause, ledger.Snapshot(clock.Now).Single(v => v.Charger == B).Reason.Kind);
        Run(TimeSpan.FromSeconds(10));
        Assert.Equal(16, b.Offer);
    }

    [Fact]
    public void A_decrease_smaller_than_the_meter_tolerance_is_not_taken_as_followed_before_the_window()
    {
        var (ledger, a, _, now) = AChargingAlone();
        now += Lease.OfferPacing + Lease.VehicleResponseWindow + Lease.ReportInterval;
        a.Take(ledger.OnReport(a.Report(now), now), now);
        a.UserMax = 29.9;
        a.Take(ledger.OnReport(a.Report(now), now), now);
        a.Take(ledger.Reallocate(now), now);
        Assert.Equal(29.9, a.Offer);

        // Applied, and the meter reads 30 A: within its tolerance of the new offer, and also of the
        // old one. The vehicle may still draw 30 A until its window has passed.
        now += TimeSpan.FromMilliseconds(300);
        var applied = now;
        a.Take(ledger.OnReport(a.Report(now), now), now);
        Assert.Equal(30, ledger.ExposureOf(A, now));
        now = applied + Lease.VehicleResponseWindow - TimeSpan.FromMilliseconds(1);
        Assert.Equal(30, ledger.ExposureOf(A, now));
        now = applied + Lease.VehicleResponseWindow;
        Assert.Equal(29.9, ledger.ExposureOf(A, now));
    }

    [Fact]
    public void A_meter_under_the_lower_offer_frees_nothing_early_while_the_vehicle_may_still_take_up_the_fresh_higher_one()
    {
        // a's vehicle has not ramped to its fresh 30 A yet (it draws 0 A): a lagging vehicle may
        // still do so after the lower offer is applied, so the freed amps wait for the window.
        var (ledger, a, b, now) = AChargingAlone();
        a.Drawn = 0;
        b.Wants = true;
        b.Take(ledger.OnReport(b.Report(now), now), now);
        a.Take(ledger.Reallocate(now), now);
        Assert.Equal(16, a.Offer);
        now += TimeSpan.FromSeconds(1);
        a.Take(ledger.OnReport(a.Report(now), now), now);
        Assert.DoesNotContain(ledger.Reallocate(now), g => g.Charger == B && g.Amps > 0);
        now += Lease.VehicleResponseWindow;
        a.Take(ledger.OnReport(a.Report(now), now), now);
        Assert.Contains(ledger.Reallocate(now), g => g.Charger == B && g.Amps == 16);
    }

    [Fact]
    public void Every_grant_carries_a_lease_and_the_charger_measures_it_from_its_report_send_time()
    {
        var ledger = new GrantLedger(TwoOnOneBranch(), 7, T0, Lease);
        var a = new Member(A);
        var sent = T0;
        var report = a.Report(sent);
        var received = sent + TimeSpan.FromMilliseconds(800);
        var renewal = Assert.Single(ledger.OnReport(report, received));
        Assert.Equal(Lease.LeaseDuration, renewal.LeaseDuration);
        Assert.Equal(received + Lease.LeaseDuration, renewal.LeaseExpiry); // the allocator's (later) view
        Assert.NotNull(a.Holder.OnGrant(renewal, received + TimeSpan.FromMilliseconds(900)));
        Assert.Equal(sent + Lease.LeaseDuration, a.Holder.LeaseEnd);     // the charger's (earlier) one
        Assert.Equal(sent + Lease.LeaseDuration - Lease.FailSafeLead, a.Holder.FailSafeAt);
    }

    [Fact]
    public void A_charger_that_cannot_renew_falls_back_before_expiry_and_its_amps_are_reused_only_after_lease_and_window()
    {
        var (ledger, a, b, now) = AChargingAlone();
        var lastReportReceived = now;
        var chargerLeaseEnd = a.Holder.LeaseEnd!.Value;
        Assert.True(chargerLeaseEnd <= lastReportReceived + Lease.LeaseDuration);

        // A is cut off from here on. It falls back on its own before its lease ends.
        Assert.Null(a.Holder.OnTick(chargerLeaseEnd - Lease.FailSafeLead - TimeSpan.FromMilliseconds(1)));
        var failSafe = a.Holder.OnTick(chargerLeaseEnd - Lease.FailSafeLead);
        Assert.NotNull(failSafe);
        Assert.Equal(0, failSafe.Amps);
        Assert.Equal(LimitKind.FailSafe, failSafe.LimitReason.Kind);

        // Meanwhile B arrives; the allocator keeps A's 30 A until its lease and the window are over.
        b.Wants = true;
        var freeAt = lastReportReceived + Lease.LeaseDuration + Lease.VehicleResponseWindow;
        for (var t = now + TimeSpan.FromSeconds(1); t < freeAt; t += TimeSpan.FromSeconds(1))
        {
            b.Take(ledger.OnReport(b.Report(t), t), t);
            var round = ledger.Reallocate(t);
            b.Take(round, t);
            Assert.True(b.Offer <= 2, $"B was offered {b.Offer} A at {(t - now).TotalSeconds} s while A's lease may hold");
        }
        b.Take(ledger.OnReport(b.Report(freeAt), freeAt), freeAt);
        b.Take(ledger.Reallocate(freeAt), freeAt);
        Assert.Equal(30, b.Offer);
        Assert.True(ledger.Snapshot(freeAt).Single(v => v.Charger == A).Silent);
    }

    [Fact]
    public void After_a_restart_nothing_new_is_granted_until_every_charger_reported()
    {
        var (old, a, b, now) = AChargingAlone();
        // The allocator restarts with nothing. A keeps its 30 A lease; B now wants current.
        var ledger = new GrantLedger(TwoOnOneBranch(), 8, now, Lease);
        b.Wants = true;
        a.Take(ledger.OnReport(a.Report(now), now), now);
        Assert.Equal(30, a.Offer); // renewed, not cut
        Assert.True(ledger.IsRebuilding(now));
        var round = ledger.Reallocate(now);
        Assert.DoesNotContain(round, g => g.Amps > 0 && g.Charger == B);
        Assert.Equal(30, ledger.ExposureOf(B, now)); // unheard: counted at its rating

        now += TimeSpan.FromSeconds(1);
        b.Take(ledger.OnReport(b.Report(now), now), now);
        Assert.False(ledger.IsRebuilding(now));
        a.Take(ledger.Reallocate(now), now);
        Assert.Equal(16, a.Offer);
    }

    [Fact]
    public void After_a_restart_an_unheard_charger_is_given_up_once_old_leases_are_over()
    {
        var site = TwoOnOneBranch();
        var ledger = new GrantLedger(site, 9, T0, Lease);
        var a = new Member(A);
        a.Take(ledger.OnReport(a.Report(T0), T0), T0);
        var t = T0 + TimeSpan.FromSeconds(1);
        for (; t < ledger.OldLeasesOverAt; t += TimeSpan.FromSeconds(5))
        {
            a.Take(ledger.OnReport(a.Report(t), t), t);
            a.Take(ledger.Reallocate(t), t);
            Assert.Equal(0, a.Offer);
        }
        t = ledger.OldLeasesOverAt;
        a.Take(ledger.OnReport(a.Report(t), t), t);
        a.Take(ledger.Reallocate(t), t);
        Assert.Equal(30, a.Offer);
    }

    [Fact]
    public void A_late_grant_of_an_older_allocator_is_refused_while_the_newer_lease_holds()
    {
        var holder = new LeaseHolder(A, 0, Lease);
        var report = holder.NextReport(new SiteChargerStatus(true, "C", default, 0, 0, 0), T0);
        CurrentGrant Grant(long epoch, long seq, double amps) =>
            new(A, epoch, seq, amps, holder.Incarnation, report.ReportSeq, Lease.LeaseDuration, T0 + Lease.LeaseDuration, new LimitReason(LimitKind.ChargerRating));
        Assert.NotNull(holder.OnGrant(Grant(5, 1, 10), T0));
        Assert.Null(holder.OnGrant(Grant(4, 9, 30), T0 + TimeSpan.FromSeconds(1)));
        Assert.Contains("older allocator", holder.LastRefusal);
        Assert.Null(holder.OnGrant(Grant(5, 1, 30), T0 + TimeSpan.FromSeconds(1)));
        Assert.NotNull(holder.OnGrant(Grant(5, 2, 12), T0 + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_grant_anchored_to_an_unknown_or_too_old_report_is_refused()
    {
        var holder = new LeaseHolder(A, 6, Lease);
        var report = holder.NextReport(new SiteChargerStatus(true, "C", default, 0, 0, 0), T0);
        var stranger = new CurrentGrant(A, 3, 1, 20, Guid.NewGuid(), report.ReportSeq, Lease.LeaseDuration, T0, new LimitReason(LimitKind.ChargerRating));
        Assert.Null(holder.OnGrant(stranger, T0));
        var late = stranger with { AnchorIncarnation = holder.Incarnation };
        Assert.Null(holder.OnGrant(late, T0 + Lease.LeaseDuration - Lease.FailSafeLead));
        Assert.Contains("lease already", holder.LastRefusal);
        Assert.True(holder.OnFailSafe);
    }

    [Fact]
    public void The_report_says_what_the_charger_may_draw_including_a_lowered_offer_for_the_vehicle_window()
    {
        var holder = new LeaseHolder(A, 0, Lease);
        holder.NextReport(new SiteChargerStatus(true, "C", new LineCurrents(20, 20), 20, 0, 0), T0);
        var lowered = holder.NextReport(new SiteChargerStatus(true, "C", new LineCurrents(20, 20), 10, 0, 0), T0 + TimeSpan.FromSeconds(1));
        Assert.Equal(20, lowered.MayDrawAmps);
        var later = holder.NextReport(new SiteChargerStatus(true, "C", new LineCurrents(10, 10), 10, 0, 0), T0 + TimeSpan.FromSeconds(1) + Lease.VehicleResponseWindow);
        Assert.Equal(10, later.MayDrawAmps);
    }

    [Fact]
    public void A_lease_policy_that_could_fall_back_too_late_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new LeasePolicy { FailSafeLead = TimeSpan.FromSeconds(2) }.Validate());
        Assert.Throws<ArgumentException>(() => new LeasePolicy { LeaseDuration = TimeSpan.FromSeconds(10) }.Validate());
    }
}
