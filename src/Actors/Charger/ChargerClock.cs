using Akka.Actor;

namespace SmartElek.Actors.Charger;

/// <summary>
/// The charger's time: the actor system scheduler's clock as a span since the Unix epoch. Under
/// the TestKit's TestScheduler it is virtual, so a test runs hours of charging in milliseconds.
/// </summary>
public static class ChargerClock
{
    public static TimeSpan Now(IScheduler scheduler) => scheduler.Now - DateTimeOffset.UnixEpoch;

    public static DateTimeOffset ToDateTime(TimeSpan at) => DateTimeOffset.UnixEpoch + at;

    /// <summary>A clock function for the simulator, driven by the same scheduler as the actors.</summary>
    public static Func<TimeSpan> Of(ActorSystem system) => () => Now(system.Scheduler);
}
