using Akka.Actor;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartElek.Actors.SiteView;
using SmartElek.Site.Topology;
using SmartElek.Site.View;
using static SmartElek.Actors.SiteView.ChargerCommandProtocol;

namespace SmartElek.Operator.Commands;

/// <summary>
/// Sends a command to the node that runs the charger (from the site view: any node can), through
/// the cluster to that node's <see cref="ChargerCommandProtocol.RouterName"/>, and waits for the answer.
/// </summary>
public sealed class ChargerCommands(SiteViewStore store, TimeProvider clock)
{
    public static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(10);

    public abstract record Outcome
    {
        private Outcome() { }

        public sealed record Answered(Reply Reply) : Outcome;

        public sealed record Unreachable(string Why) : Outcome;

        public sealed record TimedOut : Outcome;

        /// <summary>Refused before it was sent: the user may not (any more) do this.</summary>
        public sealed record NotAllowed(string Why) : Outcome;
    }

    public async Task<Outcome> SendAsync(ChargerPlacement placement, Request request, CancellationToken cancel)
    {
        var row = store.Current.Row(placement, clock.GetUtcNow());
        if (row.Reach != ChargerReach.Live || row.Node is null) return new Outcome.Unreachable(row.Why ?? "its node is not known");
        if (store.System is not { } system) return new Outcome.Unreachable("this node is between cluster lives");
        try
        {
            var reply = await system.ActorSelection($"{row.Node}/user/{RouterName}").Ask<Reply>(request, AnswerWithin, cancel);
            return new Outcome.Answered(reply);
        }
        catch (AskTimeoutException)
        {
            return new Outcome.TimedOut();
        }
    }

    /// <summary>The HTTP answer for an outcome that is not a success.</summary>
    public static IResult Failure(Outcome outcome, string charger) => outcome switch
    {
        Outcome.Unreachable u => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Charger unreachable",
            detail: $"Charger '{charger}' cannot be reached: {u.Why}."),
        Outcome.NotAllowed n => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed", detail: n.Why),
        Outcome.TimedOut => TypedResults.Problem(statusCode: StatusCodes.Status504GatewayTimeout, title: "No answer",
            detail: $"Charger '{charger}' did not answer within {AnswerWithin.TotalSeconds:0} s."),
        Outcome.Answered { Reply.Errors: { Count: > 0 } errors } => TypedResults.ValidationProblem(
            errors.GroupBy(e => SettingsChange.Camel(e.Setting)).ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray())),
        Outcome.Answered a => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Refused by the charger",
            detail: $"Charger '{charger}' refused: {a.Reply.Reason}."),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError),
    };
}
