using System.Text.Json.Serialization;
using SmartElek.Charger.Settings;
using SmartElek.Site.View;

[assembly: SmartElek.WireJsonContext(typeof(SmartElek.Actors.SiteView.SiteViewWireJson))]

namespace SmartElek.Actors.SiteView;

/// <summary>Messages between the nodes' status publishers and site views.</summary>
public static class SiteViewProtocol
{
    /// <summary>The well-known name of each life's site view actor (<c>/user/site-view</c>).</summary>
    public const string ViewName = "site-view";

    public const string PublisherName = "site-view-publisher";

    /// <summary>
    /// A node's chargers, to every node's site view: the changed ones, or all of them
    /// (<paramref name="Full"/>). <paramref name="Seq"/> counts the batches this publisher sent to
    /// that view, so the view sees a missed one and asks for a full batch.
    /// </summary>
    [WireName("site-view.status-batch.v1")]
    public sealed record StatusBatch(string Node, Guid Publisher, long Seq, bool Full, IReadOnlyList<ChargerSnapshot> Chargers) : IWireMessage;

    /// <summary>From a site view that missed a batch of this publisher: send me all your chargers.</summary>
    [WireName("site-view.send-full.v1")]
    public sealed record SendFull(Guid Publisher) : IWireMessage;

    /// <summary>Local: the settings of a charger of this node changed (a command): publish them now.</summary>
    public sealed record SettingsChanged(ChargerId Charger, ChargerSettings Settings);

    /// <summary>A unit powered up on this node after the life started (commissioning demo): publish it too (local).</summary>
    public sealed record AddUnit(ChargerId Id, Akka.Actor.IActorRef Unit);

    internal sealed record Tick
    {
        public static Tick Instance { get; } = new();
    }

    internal sealed record FullTick
    {
        public static FullTick Instance { get; } = new();
    }

    internal sealed record SettingsTick
    {
        public static SettingsTick Instance { get; } = new();
    }

    internal sealed record LedgerTick
    {
        public static LedgerTick Instance { get; } = new();
    }
}

/// <summary>The JSON metadata of the site view's wire messages.</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(SiteViewProtocol.StatusBatch))]
[JsonSerializable(typeof(SiteViewProtocol.SendFull))]
[JsonSerializable(typeof(ChargerCommandProtocol.Request))]
[JsonSerializable(typeof(ChargerCommandProtocol.Reply))]
internal sealed partial class SiteViewWireJson : JsonSerializerContext;
