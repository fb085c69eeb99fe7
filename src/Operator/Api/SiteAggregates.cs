using SmartElek.Actors.SiteView;
using SmartElek.Site.Topology;
using View = SmartElek.Site.View.SiteView;

namespace SmartElek.Operator.Api;

/// <summary>
/// The site and circuits answers, each made once per version of the site view and at most every
/// <see cref="Freshness"/>: they walk every charger of the site, and a dashboard or program polling
/// them many times a second would otherwise redo that walk for each request. An answer is never
/// older than <see cref="Freshness"/>, and a new view (any charger's change) makes a new one.
/// </summary>
public sealed class SiteAggregates(SiteViewStore store, OperatorApiSettings settings, TimeProvider clock)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromMilliseconds(250);

    private sealed record Made<T>(View View, SiteTopology Topology, DateTimeOffset At, T Answer);

    private Made<SiteDto>? _site;
    private Made<CircuitsDto>? _circuits;

    public SiteDto Site() => Get(ref _site, (view, topology, now) => SiteReadModel.Site(view, topology, store.Node, now));

    public CircuitsDto Circuits() => Get(ref _circuits, SiteReadModel.Circuits);

    private T Get<T>(ref Made<T>? slot, Func<View, SiteTopology, DateTimeOffset, T> make)
    {
        var (view, topology, now) = (store.Current, settings.Topology, clock.GetUtcNow());
        var made = Volatile.Read(ref slot);
        if (made is not null && ReferenceEquals(made.View, view) && ReferenceEquals(made.Topology, topology) && now - made.At < Freshness)
            return made.Answer;
        // Two requests at once may both make it; either answer is right.
        var fresh = new Made<T>(view, topology, now, make(view, topology, now));
        Volatile.Write(ref slot, fresh);
        return fresh.Answer;
    }
}
