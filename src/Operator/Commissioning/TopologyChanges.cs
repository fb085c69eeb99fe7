using Akka.Actor;
using SmartElek.Actors.Site;
using SmartElek.Actors.SiteView;
using SmartElek.Site.Commissioning;

namespace SmartElek.Operator.Commissioning;

/// <summary>
/// Sends a topology change to the site's topology keeper (a cluster singleton, wherever it runs) and
/// waits until this node holds the version it made, so that the next read shows the change.
/// </summary>
public sealed class TopologyChanges(SiteViewStore store, LiveTopologyAccess live)
{
    public static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(10);

    public abstract record Outcome
    {
        private Outcome() { }

        public sealed record Done(long Version) : Outcome;

        public sealed record Refused(IReadOnlyDictionary<string, string[]> Errors) : Outcome;

        public sealed record Unavailable(string Why) : Outcome;
    }

    public async Task<Outcome> SendAsync(TopologyCommands.Command command, CancellationToken cancel)
    {
        if (store.System is not { } system) return new Outcome.Unavailable("this node is between cluster lives");
        SiteTopologyProtocol.ChangeAnswer answer;
        try
        {
            answer = await system.ActorSelection($"/user/{SiteTopologyProtocol.KeeperProxyName}")
                .Ask<SiteTopologyProtocol.ChangeAnswer>(command, AnswerWithin, cancel);
        }
        catch (AskTimeoutException)
        {
            return new Outcome.Unavailable($"the site's topology keeper did not answer within {AnswerWithin.TotalSeconds:0} s");
        }
        if (answer.Errors is { Count: > 0 } errors) return new Outcome.Refused(errors);
        await live.WaitForAsync(answer.Version, TimeSpan.FromSeconds(5), cancel);
        return new Outcome.Done(answer.Version);
    }
}

/// <summary>Waits for a version of the node's <see cref="LiveTopology"/> (published to every node by the keeper).</summary>
public sealed class LiveTopologyAccess(LiveTopology live)
{
    public LiveTopology Live => live;

    public async Task WaitForAsync(long version, TimeSpan within, CancellationToken cancel)
    {
        if (live.Current.Version >= version) return;
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(TopologySnapshot s)
        {
            if (s.Version >= version) reached.TrySetResult();
        }
        live.Changed += OnChanged;
        try
        {
            if (live.Current.Version >= version) return;
            await reached.Task.WaitAsync(within, cancel);
        }
        catch (TimeoutException)
        {
            // The keeper stored it; the publication is late. The caller answers with the version anyway.
        }
        finally
        {
            live.Changed -= OnChanged;
        }
    }
}
