using Akka.Actor;
using Akka.Event;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Unit;
using SmartElek.Site;

namespace SmartElek.Actors.Charger;

/// <summary>What the site, the charge point and the user ask of the unit: grants, limits, settings, session commands.</summary>
public sealed partial class ChargerUnit
{
    private void OnGrantAmps(ChargerProtocol.GrantAmps grant)
    {
        if (grant.ChargerId != _id)
        {
            _log.Warning("Charger {0}: ignored a grant meant for {1}", _id, grant.ChargerId);
            return;
        }
        if (double.IsNaN(grant.Amps) || grant.Amps < 0)
        {
            _log.Warning("Charger {0}: ignored an invalid grant of {1} A (must be 0 A or more)", _id, grant.Amps);
            return;
        }
        Apply(new ChargerUnitFact.GrantedWithoutLease(grant.Amps));
        Reconcile();
    }

    // A site grant (or the site member's fail-safe one) replaces whatever was granted before. It
    // counts as applied once the pilot's offer is at or under it; the allocator relies on that
    // before it gives freed amps to others (invariant 2).
    private void OnGrant(SiteProtocol.CurrentGrant grant)
    {
        if (grant.Charger != _id)
        {
            _log.Warning("Charger {0}: ignored a grant meant for {1}", _id, grant.Charger);
            return;
        }
        if (double.IsNaN(grant.Amps) || grant.Amps < 0)
        {
            _log.Warning("Charger {0}: ignored an invalid grant of {1} A (must be 0 A or more)", _id, grant.Amps);
            return;
        }
        Apply(new ChargerUnitFact.Granted(grant));
        Reconcile();
    }

    private void OnCurrentLimit(ChargerProtocol.SetCurrentLimit limit)
    {
        if (limit.Amps is { } a && (double.IsNaN(a) || a < 0))
        {
            Sender.Tell(new ChargerProtocol.CommandResult(false, $"a current limit of {a} A is impossible (must be 0 A or more, or none)"));
            return;
        }
        Apply(new ChargerUnitFact.CurrentLimitSet(limit.Amps));
        Sender.Tell(ChargerProtocol.CommandResult.Ok);
        Reconcile();
    }

    private void OnSettings(ChargerProtocol.UpdateSettings update)
    {
        var errors = update.Settings.Validate();
        if (errors.Count > 0)
        {
            Sender.Tell(new ChargerProtocol.SettingsRejected(errors));
            return;
        }
        Apply(new ChargerUnitFact.SettingsChanged(update.Settings));
        Journal(new ChargerJournalEvents.SettingsChanged(_id, Context.System.Scheduler.Now, update.Settings));
        Sender.Tell(new ChargerProtocol.SettingsUpdated(update.Settings));
        Reconcile();
    }

    private void Command(SessionCommand command)
    {
        var decision = _state.Session.Decide(command);
        if (decision.Rejected is { } why)
        {
            Sender.Tell(new ChargerProtocol.CommandResult(false, why));
            return;
        }
        _sessionActor.Tell(command);
        Sender.Tell(ChargerProtocol.CommandResult.Ok);
    }
}
