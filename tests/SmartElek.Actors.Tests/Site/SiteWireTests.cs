using Akka.Configuration;
using SmartElek.Actors.Serialization;
using SmartElek.Actors.Site;
using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;
using static SmartElek.Site.SiteProtocol;

namespace SmartElek.Actors.Tests.Site;

/// <summary>The site's cluster configuration sends every site message through the one <see cref="WireSerializer"/>.</summary>
public class SiteWireTests() : Akka.TestKit.Xunit2.TestKit(
    ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.port = 0").WithFallback(SiteTestSupport.SiteHocon), "site-serialization")
{
    static readonly DateTimeOffset T = new(2025, 6, 1, 8, 0, 0, TimeSpan.FromHours(2));

    public static TheoryData<object> Messages() =>
    [
        new ChargerReport(new ChargerId("charger-1"), Guid.NewGuid(), 42, true, "C", new LineCurrents(15.5, 15.25), 16, 30,
            637_000_000_000_000_000, 7, TimeSpan.FromSeconds(54.5), false, 24, 20.5, 1, T.AddHours(3), 12_345.6),
        new ChargerReport(new ChargerId("charger-2"), Guid.NewGuid(), 1, false, "A", default, 0, 0, 0, 0, TimeSpan.Zero, true, null, null, 0, null, 0),
        new CurrentGrant(new ChargerId("charger-1"), 637_000_000_000_000_000, 9, 13.33, Guid.NewGuid(), 41, TimeSpan.FromSeconds(60), T,
            new LimitReason(LimitKind.Circuit, "panel-a", Line.L2)),
        new CurrentGrant(new ChargerId("charger-1"), 0, 0, 0, Guid.NewGuid(), 0, TimeSpan.Zero, T, new LimitReason(LimitKind.FailSafe)),
        SiteAllocatorProtocol.GetLedger.Instance,
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_site_message_round_trips_through_the_wire_serializer_with_its_site_wire_name(object message)
    {
        var serializer = Assert.IsType<WireSerializer>(Sys.Serialization.FindSerializerFor(message));
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        Assert.StartsWith("site.", manifest);
        var back = Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
        Assert.Equal(message, back);
    }

    [Fact]
    public void The_ledger_state_round_trips_with_its_views()
    {
        var state = new SiteAllocatorProtocol.LedgerState(5, T, true,
            [new LedgerView(new ChargerId("a"), 16, new LimitReason(LimitKind.WaitingForReports), 30, T, false)]);
        var serializer = Assert.IsType<WireSerializer>(Sys.Serialization.FindSerializerFor(state));
        var back = Assert.IsType<SiteAllocatorProtocol.LedgerState>(Sys.Serialization.Deserialize(
            serializer.ToBinary(state), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, state)));
        Assert.Equal(state.Epoch, back.Epoch);
        Assert.Equal(state.Chargers, back.Chargers);
    }

    [Fact]
    public void The_site_configuration_binds_no_serializer_of_its_own()
    {
        var bindings = Sys.Settings.Config.GetConfig("akka.actor.serialization-bindings").AsEnumerable().Select(p => p.Key).ToList();
        Assert.DoesNotContain(bindings, b => b.Contains("SmartElek.Site", StringComparison.Ordinal));
        Assert.Contains(bindings, b => b.Contains(typeof(IWireMessage).FullName!, StringComparison.Ordinal));
        Assert.False(Sys.Settings.Config.GetBoolean("akka.actor.serialization-settings.allow-unregistered-types"));
    }
}
