using Akka.Actor;
using SmartElek.Actors.Charger;
using SmartElek.Actors.Site;
using SmartElek.Actors.Tests.Charger;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Simulation;
using SmartElek.Site.Allocation;
using Xunit.Abstractions;
using static SmartElek.Site.SiteProtocol;

namespace SmartElek.Actors.Tests.Site;

/// <summary>A real charger unit on a simulated board (virtual clock) linked to a probe standing in for its site member.</summary>
[Trait("Speed", "Fast")]
public sealed class ChargerSiteLinkTests(ITestOutputHelper output) : ChargerUnitHarness(output)
{
    [Fact]
    public async Task The_link_tells_the_member_a_plugged_in_vehicle_asks_and_which_grant_the_unit_applied()
    {
        PowerUp(AutoStart with { MaxCurrent = 24 });
        var member = CreateTestProbe();
        Sys.ActorOf(ChargerSiteLink.Props(Unit, member));

        var idle = await member.ExpectMsgAsync<SiteMemberProtocol.StatusChanged>();
        Assert.False(idle.Status.WantsCurrent);
        Assert.Equal("A", idle.Status.PilotState);

        // The member applies a fail-safe 0 A first, as SiteMember does at start.
        Unit.Tell(new CurrentGrant(Id, 0, 0, 0, Guid.Empty, 0, TimeSpan.Zero, DateTimeOffset.UnixEpoch, new LimitReason(LimitKind.FailSafe)));
        Board.PlugIn(new VehicleSpec(ResponseDelay: TimeSpan.FromMilliseconds(500)));
        RunUntil(() => Status().Session is SessionPhase.Authorised or SessionPhase.SuspendedByEvse, TimeSpan.FromSeconds(5), "session authorised on plug-in (suspended by the 0 A offer)");
        var asking = await member.FishForMessageAsync<SiteMemberProtocol.StatusChanged>(m => m.Status.WantsCurrent);
        Assert.Equal("B", asking.Status.PilotState);
        Assert.Equal(24, asking.Status.UserMaxAmps);

        Unit.Tell(new CurrentGrant(Id, 77, 3, 16, Guid.NewGuid(), 1, TimeSpan.FromSeconds(60), DateTimeOffset.UnixEpoch,
            new LimitReason(LimitKind.Circuit, "branch-1")));
        RunUntil(() => Status().DrawnAmps > 15, TimeSpan.FromSeconds(15), "the vehicle draws the grant");
        var charging = await member.FishForMessageAsync<SiteMemberProtocol.StatusChanged>(
            m => m.Status.AppliedGrantEpoch == 77 && m.Status.DrawnAmps.Max > 15);
        Assert.Equal(3, charging.Status.AppliedGrantSeq);
        Assert.InRange(charging.Status.OfferedAmps, 15.9, 16); // the pilot PWM's resolution
        Assert.Equal("C", charging.Status.PilotState);
        Assert.True(charging.Status.WantsCurrent);
        Assert.Equal(charging.Status.DrawnAmps.First, charging.Status.DrawnAmps.Second);

        Board.Unplug();
        RunUntil(() => Status().Pilot == PilotState.A, TimeSpan.FromSeconds(5), "unplugged");
        var gone = await member.FishForMessageAsync<SiteMemberProtocol.StatusChanged>(m => m.Status.PilotState == "A");
        Assert.False(gone.Status.WantsCurrent);
    }

    [Fact]
    public async Task The_link_stops_with_its_member()
    {
        PowerUp();
        var member = CreateTestProbe();
        var link = Sys.ActorOf(ChargerSiteLink.Props(Unit, member));
        await member.ExpectMsgAsync<SiteMemberProtocol.StatusChanged>();
        Watch(link);
        member.Ref.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(link);
    }
}
