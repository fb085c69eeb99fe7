using Akka.Actor;
using Akka.Event;

namespace SmartElek.Actors.Charger;

/// <summary>
/// The user guardian's strategy for an ActorSystem of charger units
/// (<c>akka.actor.guardian-supervisor-strategy</c>): the default one (restart on failure), except
/// that a power cycle (<see cref="ChargerUnit.PowerCycled"/>) is logged as the requested restart it
/// is, one info line, not as an error with a stack trace.
/// </summary>
public sealed class UnitGuardianStrategy : SupervisorStrategyConfigurator
{
    public const string ConfigValue = "\"SmartElek.Actors.Charger.UnitGuardianStrategy, SmartElek.Actors\"";

    public override SupervisorStrategy Create() => new Strategy();

    private sealed class Strategy() : OneForOneStrategy(SupervisorStrategy.DefaultDecider)
    {
        protected override void LogFailure(IActorContext context, IActorRef child, Exception cause, Directive directive)
        {
            if (cause is ChargerUnit.PowerCycled)
                context.System.Log.Info("{0}: {1}; restarted in place", child.Path, cause.Message);
            else
                base.LogFailure(context, child, cause, directive);
        }
    }
}
