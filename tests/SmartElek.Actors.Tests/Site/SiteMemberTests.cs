using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using SmartElek.Actors.Site;
using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using static SmartElek.Site.SiteProtocol;

namespace SmartElek.Actors.Tests.Site;

/// <summary>The site member on virtual time (TestScheduler): lease renewal, forwarding and fall-back.</summary>
[Trait("Speed", "Fast")]
public class SiteMemberTests() : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("""
    akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
    akka.test.timefactor = 3
    """), "site-member")
{
    static readonly ChargerId Id = new("charger-7");
    TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public async Task It_starts_on_fail_safe_forwards_a_grant_and_falls_back_before_the_lease_ends()
    {
        var charger = CreateTestProbe();
        var allocator = CreateTestProbe();
        var lease = LeasePolicy.Default;
        var member = Sys.ActorOf(SiteMember.Props(Id, 6, charger, allocator, lease));

        var start = await charger.ExpectMsgAsync<CurrentGrant>();
        Assert.True(start.IsFailSafe);
        Assert.Equal(6, start.Amps);

        var report = await allocator.ExpectMsgAsync<ChargerReport>();
        Assert.Equal(Id, report.Charger);
        var sentAt = Scheduler.Now;
        var grant = new CurrentGrant(Id, 11, 1, 20, report.MemberIncarnation, report.ReportSeq, lease.LeaseDuration,
            sentAt + lease.LeaseDuration, new LimitReason(LimitKind.Circuit, "feeder", SmartElek.Site.Topology.Line.L1));
        member.Tell(grant, allocator);
        Assert.Equal(grant, await charger.ExpectMsgAsync<CurrentGrant>());

        // No renewal arrives (the allocator probe never answers the next reports).
        Scheduler.Advance(lease.LeaseDuration - lease.FailSafeLead - TimeSpan.FromMilliseconds(1));
        await charger.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        Scheduler.Advance(TimeSpan.FromMilliseconds(1));
        var fallBack = await charger.ExpectMsgAsync<CurrentGrant>();
        Assert.True(fallBack.IsFailSafe);
        Assert.Equal(LimitKind.FailSafe, fallBack.LimitReason.Kind);
        Assert.Equal(6, fallBack.Amps);
    }

    [Fact]
    public async Task It_reports_a_vehicle_that_starts_asking_at_once_and_a_meter_change_at_the_next_interval()
    {
        var charger = CreateTestProbe();
        var allocator = CreateTestProbe();
        var member = Sys.ActorOf(SiteMember.Props(Id, 0, charger, allocator));
        await allocator.ExpectMsgAsync<ChargerReport>();
        member.Tell(new SiteMemberProtocol.StatusChanged(new SiteChargerStatus(true, "C", new LineCurrents(9, 9.1), 10, 3, 4) { UserMaxAmps = 16 }));
        var report = await allocator.ExpectMsgAsync<ChargerReport>();
        Assert.True(report.WantsCurrent);
        Assert.Equal(9.1, report.DrawnAmps.Max);
        Assert.Equal(16, report.UserMaxAmps);
        Assert.Equal(2, report.ReportSeq);

        member.Tell(new SiteMemberProtocol.StatusChanged(new SiteChargerStatus(true, "C", new LineCurrents(9.5, 9.6), 10, 3, 4) { UserMaxAmps = 16 }));
        await allocator.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        Scheduler.Advance(LeasePolicy.Default.ReportInterval);
        report = await allocator.ExpectMsgAsync<ChargerReport>();
        Assert.Equal(9.6, report.DrawnAmps.Max);
        Assert.Equal(3, report.ReportSeq);
    }

    [Fact]
    public async Task A_capped_vehicle_that_comes_to_take_all_of_its_offer_is_reported_at_once()
    {
        var charger = CreateTestProbe();
        var allocator = CreateTestProbe();
        var member = Sys.ActorOf(SiteMember.Props(Id, 0, charger, allocator));
        await allocator.ExpectMsgAsync<ChargerReport>();
        // Held at 8.4 A by its draw cap while it draws 6.4 A: reported once, then only at the interval.
        var capped = new SiteChargerStatus(true, "C", new LineCurrents(6.4, 6.4), 8.4, 3, 4);
        member.Tell(new SiteMemberProtocol.StatusChanged(capped));
        await allocator.ExpectMsgAsync<ChargerReport>();
        member.Tell(new SiteMemberProtocol.StatusChanged(capped with { DrawnAmps = new LineCurrents(6.9, 6.9) }));
        await allocator.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));

        // Its draw reaches the cap: the allocator hears of it now, not up to 5 s later.
        member.Tell(new SiteMemberProtocol.StatusChanged(capped with { DrawnAmps = new LineCurrents(8.3, 8.3) }));
        var report = await allocator.ExpectMsgAsync<ChargerReport>();
        Assert.Equal(8.3, report.DrawnAmps.Max);
    }

    [Fact]
    public async Task Stopping_the_member_sends_the_charger_to_fail_safe_at_once()
    {
        var charger = CreateTestProbe();
        var allocator = CreateTestProbe();
        var member = Sys.ActorOf(SiteMember.Props(Id, 0, charger, allocator));
        await charger.ExpectMsgAsync<CurrentGrant>();
        var report = await allocator.ExpectMsgAsync<ChargerReport>();
        member.Tell(new CurrentGrant(Id, 11, 1, 20, report.MemberIncarnation, report.ReportSeq, TimeSpan.FromSeconds(60),
            Scheduler.Now, new LimitReason(LimitKind.ChargerRating)), allocator);
        Assert.Equal(20, (await charger.ExpectMsgAsync<CurrentGrant>()).Amps);
        await member.GracefulStop(TimeSpan.FromSeconds(5));
        var fallBack = await charger.ExpectMsgAsync<CurrentGrant>();
        Assert.True(fallBack.IsFailSafe);
        Assert.Equal(0, fallBack.Amps);
    }
}
