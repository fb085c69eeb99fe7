using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using SmartElek.Actors.Site;
using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using static SmartElek.Site.SiteProtocol;

namespace SmartElek.Actors.Tests.Site;

/// <summary>The site member on virtual time (TestScheduler): lease renewal, forwarding and fall-back.</summary>
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
    public async Task It_reports_every_interval_with_the_chargers_status()
    {
        var charger = CreateTestProbe();
        var allocator = CreateTestProbe();
        var member = Sys.ActorOf(SiteMember.Props(Id, 0, charger, allocator));
        await allocator.ExpectMsgAsync<ChargerReport>();
        member.Tell(new SiteMemberProtocol.StatusChanged(new ChargerStatus(true, "C", new LineCurrents(9, 9.1), 10, 3, 4) { UserMaxAmps = 16 }));
        await member.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(3)); // the status is in
        Scheduler.Advance(LeasePolicy.Default.ReportInterval);
        var report = await allocator.ExpectMsgAsync<ChargerReport>();
        Assert.True(report.WantsCurrent);
        Assert.Equal(9.1, report.DrawnAmps.Max);
        Assert.Equal(16, report.UserMaxAmps);
        Assert.Equal(2, report.ReportSeq);
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
