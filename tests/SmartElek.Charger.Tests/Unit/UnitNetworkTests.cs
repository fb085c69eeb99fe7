using SmartElek.Charger.Hardware;
using SmartElek.Charger.Leds;
using SmartElek.Charger.Unit;

namespace SmartElek.Charger.Tests.Unit;

public class UnitNetworkTests
{
    private static readonly NetworkIndication[] SiteIndications =
        [NetworkIndication.Searching, NetworkIndication.Connected, NetworkIndication.PermitJoinOpen, NetworkIndication.Disconnected];

    // Every state the record can be in, listed.
    private static IEnumerable<UnitNetwork> All() =>
        from mode in Enum.GetValues<NetworkMode>()
        from joined in new[] { true, false }
        from site in SiteIndications
        from dark in new[] { true, false }
        select new UnitNetwork(mode, joined, site) { LightsOut = dark };

    [Fact]
    public void Only_a_joined_unit_on_the_site_link_takes_grants_and_shows_what_the_site_link_says()
    {
        foreach (var n in All())
        {
            Assert.Equal(n.Joined && n.Mode == NetworkMode.SiteLink, n.OnSiteLink);
            var expected = n.LightsOut ? NetworkIndication.ResettingOff
                : !n.Joined ? (n.SiteSays == NetworkIndication.PermitJoinOpen ? NetworkIndication.PermitJoinOpen : NetworkIndication.Searching)
                : n.Mode == NetworkMode.WiFi ? NetworkIndication.Disconnected
                : n.SiteSays;
            Assert.Equal(expected, n.Indication);
        }
    }

    [Fact]
    public void Seven_taps_toggle_the_mode_and_back_whatever_the_state()
    {
        foreach (var n in All())
        {
            var toggled = n.Toggled();
            Assert.NotEqual(n.Mode, toggled.Mode);
            Assert.Equal(n with { }, toggled.Toggled());
            Assert.Equal((n.Joined, n.SiteSays), (toggled.Joined, toggled.SiteSays));
        }
    }

    [Fact]
    public void Leaving_goes_dark_then_searches_waiting_to_join_while_permit_join_is_open_until_commissioned_again()
    {
        foreach (var n in All())
        {
            var left = n.Left();
            Assert.False(left.OnSiteLink);
            Assert.Equal(NetworkIndication.ResettingOff, left.Indication);
            var back = left.LightsBack();
            foreach (var site in SiteIndications)
            {
                var told = back.SiteIndicated(site);
                Assert.False(told.OnSiteLink);
                Assert.Equal(site == NetworkIndication.PermitJoinOpen ? NetworkIndication.PermitJoinOpen : NetworkIndication.Searching, told.Indication);
                Assert.False(told.Toggled().OnSiteLink);
                // Commissioned again: on the site link (in its mode) and showing what the site link says.
                var joined = told.Commissioned();
                Assert.True(joined.Joined);
                Assert.Equal(n.Mode == NetworkMode.SiteLink, joined.OnSiteLink);
                Assert.Equal(n.Mode == NetworkMode.SiteLink ? site : NetworkIndication.Disconnected, joined.Indication);
            }
            Assert.Equal(n with { LightsOut = false }, n.Commissioned() with { Joined = n.Joined });
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => UnitNetwork.PowerUp(NetworkMode.SiteLink, true).SiteIndicated(NetworkIndication.ResettingOff));
    }

    [Fact]
    public void Holding_set_closes_permit_join_only_where_it_is_open_on_the_site_link()
    {
        foreach (var n in All())
        {
            var closed = n.PermitJoinClosed();
            if (n.OnSiteLink && n.SiteSays == NetworkIndication.PermitJoinOpen)
                Assert.Equal(NetworkIndication.Connected, closed.SiteSays);
            else
                Assert.Equal(n, closed);
        }
    }

    [Fact]
    public void At_power_up_the_unit_searches_until_the_site_link_is_heard()
    {
        Assert.Equal(NetworkIndication.Searching, UnitNetwork.PowerUp(NetworkMode.SiteLink, true).Indication);
        Assert.Equal(NetworkIndication.Connected, UnitNetwork.PowerUp(NetworkMode.SiteLink, true).SiteIndicated(NetworkIndication.Connected).Indication);
        Assert.Equal(NetworkIndication.Disconnected, UnitNetwork.PowerUp(NetworkMode.WiFi, true).SiteIndicated(NetworkIndication.Connected).Indication);
    }
}
