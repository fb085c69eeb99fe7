using Akka.Actor;
using Akka.TestKit;

namespace SmartElek.TestSupport;

/// <summary>
/// A parent on the calling-thread dispatcher, for an actor under test on a virtual clock. A child
/// that fails is restarted inline, within the clock step that made it fail. Under the user
/// guardian the restart runs on a pool thread, racing the test thread that moves the clock: a
/// charger unit's power cycle is such a restart, and steps taken before the new instance had
/// scheduled its timers were lost to it (its pilot never polled, its relays never verified).
/// </summary>
public static class CallingThreadParent
{
    /// <summary>Creates <paramref name="child"/> under a new calling-thread parent and returns the child.</summary>
    public static IActorRef Spawn(ActorSystem system, Props child, string name)
    {
        var parent = system.ActorOf(
            Props.Create(() => new Parent(child, name)).WithDispatcher(CallingThreadDispatcher.Id),
            $"{name}-parent");
        return parent.Ask<IActorRef>(GetChild.Instance, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
    }

    private sealed record GetChild
    {
        public static readonly GetChild Instance = new();
    }

    private sealed class Parent : ReceiveActor
    {
        public Parent(Props child, string name)
        {
            var created = Context.ActorOf(child, name);
            Receive<GetChild>(_ => Sender.Tell(created));
        }
    }
}
