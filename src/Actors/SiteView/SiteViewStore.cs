using Akka.Actor;
using SmartElek.Actors.Site;
using View = SmartElek.Site.View.SiteView;

namespace SmartElek.Actors.SiteView;

/// <summary>
/// This node's site view for readers outside the actors (the HTTP API): the newest projection, the
/// node's own address and the current cluster life's system. It outlives each life: a new life's
/// view starts from the last one, so a charger is never missing, only older.
/// </summary>
public sealed class SiteViewStore
{
    private volatile View _view = View.Empty;
    private volatile SiteLifeStart? _life;

    public View Current => _view;

    /// <summary>The current cluster life (null before the first and between lives).</summary>
    public SiteLifeStart? Life => _life;

    /// <summary>This node's address in the current (or last) life.</summary>
    public string Node { get; private set; } = "";

    /// <summary>Raised after each change of the view, on the view actor's thread: keep it short (a dashboard's push).</summary>
    public event Action<View>? Changed;

    internal void Set(View view)
    {
        _view = view;
        Changed?.Invoke(view);
    }

    internal void Started(SiteLifeStart life, string node)
    {
        Node = node;
        _life = life;
        life.System.WhenTerminated.ContinueWith(_ => Interlocked.CompareExchange(ref _life, null, life), TaskScheduler.Default);
    }

    /// <summary>The life's system to reach the cluster from (commands), or null between lives.</summary>
    public ActorSystem? System => _life?.System;
}
