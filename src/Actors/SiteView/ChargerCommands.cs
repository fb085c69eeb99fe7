using Akka.Actor;
using SmartElek.Actors.Charger;
using SmartElek.Actors.Site;
using SmartElek.Charger.Button;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;

namespace SmartElek.Actors.SiteView;

/// <summary>What an operator or driver asks of one charger, from any node of the site.</summary>
public enum ChargerCommandKind { UpdateSettings, Start, Stop, SetAvailability, SetAction }

/// <summary>Messages of <see cref="ChargerCommandRouter"/>, the per-node door through which any node commands this node's chargers.</summary>
public static class ChargerCommandProtocol
{
    /// <summary>The well-known name of each life's router (<c>/user/charger-commands</c>).</summary>
    public const string RouterName = "charger-commands";

    /// <param name="By">Who asked (a user name), for the unit's session record.</param>
    [WireName("charger-command.request.v1")]
    public sealed record Request(ChargerId Charger, ChargerCommandKind Kind, string By, ChargerSettings? Settings = null, bool? Operative = null,
        SetButtonAction? Action = null) : IWireMessage;

    /// <param name="Errors">Settings the unit refused, each named.</param>
    /// <param name="Settings">The settings in force after an accepted update.</param>
    [WireName("charger-command.reply.v1")]
    public sealed record Reply(bool Accepted, string? Reason, IReadOnlyList<SettingError>? Errors = null, ChargerSettings? Settings = null) : IWireMessage;

    /// <summary>A unit placed (or powered up) on this node after the life started: route its commands too (local).</summary>
    public sealed record AddUnit(SiteLifeUnit Unit);
}

/// <summary>
/// Runs an operator's command on a charger of this node and answers the asker, wherever it is in
/// the cluster. Settings go to the unit (which journals them) and then straight to its site link
/// and the status publisher, so the allocator and every node's view learn the new user maximum
/// at once instead of at the link's next settings read.
/// </summary>
public sealed class ChargerCommandRouter : ReceiveActor
{
    private static readonly TimeSpan UnitTimeout = TimeSpan.FromSeconds(5);

    public static Props Props(IReadOnlyList<SiteLifeUnit> units, IActorRef publisher) =>
        Akka.Actor.Props.Create(() => new ChargerCommandRouter(units, publisher));

    public ChargerCommandRouter(IReadOnlyList<SiteLifeUnit> units, IActorRef publisher)
    {
        var byId = units.ToDictionary(u => u.Id);
        var scheduler = Context.System.Scheduler;
        Receive<ChargerCommandProtocol.AddUnit>(a => byId[a.Unit.Id] = a.Unit);
        Receive<ChargerCommandProtocol.Request>(request =>
        {
            if (!byId.TryGetValue(request.Charger, out var unit))
            {
                Sender.Tell(new ChargerCommandProtocol.Reply(false, $"charger '{request.Charger}' does not run on this node"));
                return;
            }
            RunAsync(request, unit, publisher, scheduler).PipeTo(Sender,
                failure: e => new ChargerCommandProtocol.Reply(false, e is AskTimeoutException ? "the charger did not answer in time" : e.Message));
        });
    }

    private static async Task<ChargerCommandProtocol.Reply> RunAsync(ChargerCommandProtocol.Request request, SiteLifeUnit unit, IActorRef publisher, IScheduler scheduler)
    {
        switch (request.Kind)
        {
            case ChargerCommandKind.UpdateSettings when request.Settings is { } settings:
                var answer = await unit.Unit.Ask<object>(new ChargerProtocol.UpdateSettings(settings), UnitTimeout);
                if (answer is ChargerProtocol.SettingsRejected rejected)
                    return new ChargerCommandProtocol.Reply(false, "the charger refused the settings", rejected.Errors);
                var updated = ((ChargerProtocol.SettingsUpdated)answer).Settings;
                unit.Link.Tell(updated, unit.Unit);
                publisher.Tell(new SiteViewProtocol.SettingsChanged(unit.Id, updated));
                return new ChargerCommandProtocol.Reply(true, null, Settings: updated);
            case ChargerCommandKind.Start:
                return Of(await unit.Unit.Ask<ChargerProtocol.CommandResult>(new ChargerProtocol.StartCharging(request.By), UnitTimeout));
            case ChargerCommandKind.Stop:
                return Of(await unit.Unit.Ask<ChargerProtocol.CommandResult>(new ChargerProtocol.StopCharging(StopReason.Local), UnitTimeout));
            case ChargerCommandKind.SetAvailability when request.Operative is { } operative:
                // Out of service ends a running session first: the unit leaves that to whoever asks.
                if (!operative)
                    await unit.Unit.Ask<ChargerProtocol.CommandResult>(new ChargerProtocol.StopCharging(StopReason.Local), UnitTimeout);
                return Of(await unit.Unit.Ask<ChargerProtocol.CommandResult>(new ChargerProtocol.SetAvailability(operative), UnitTimeout));
            case ChargerCommandKind.SetAction when request.Action is { } action:
                return await SetActions.SendAsync(unit.Unit, action, scheduler, UnitTimeout);
            default:
                return new ChargerCommandProtocol.Reply(false, $"{request.Kind} needs its argument");
        }
    }

    private static ChargerCommandProtocol.Reply Of(ChargerProtocol.CommandResult result) => new(result.Accepted, result.Reason);
}

/// <summary>
/// The seam for the SET button's actions asked from the app: the unit gets exactly what its own
/// button would send it (<see cref="ButtonProtocol.ActionTriggered"/>), so whatever the unit does
/// for 6, 9, 10 or 13 taps it does for the app too. The unit answers nothing to a button; its
/// status (asked right after, in the same mailbox order) shows the action taken.
/// </summary>
public static class SetActions
{
    public static async Task<ChargerCommandProtocol.Reply> SendAsync(IActorRef unit, SetButtonAction action, IScheduler scheduler, TimeSpan timeout)
    {
        unit.Tell(new ButtonProtocol.ActionTriggered(action, ChargerClock.Now(scheduler)));
        var status = await unit.Ask<ChargerStatus>(ChargerProtocol.GetStatus.Instance, timeout);
        return status.LastButtonAction == action
            ? new ChargerCommandProtocol.Reply(true, null)
            : new ChargerCommandProtocol.Reply(false, $"the charger did not take the action (its last SET action is {status.LastButtonAction?.ToString() ?? "none"})");
    }
}
