using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using SmartElek.Actors.Charger;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Simulation;
using Xunit.Abstractions;

namespace SmartElek.Actors.Tests.Charger;

/// <summary>
/// One charger unit on a simulated board, on a virtual clock: the TestScheduler drives the actors'
/// timers and the simulator's physics, and the calling-thread dispatcher runs every message on the
/// test's thread, so each advance of the clock is fully processed when it returns.
/// </summary>
public abstract class ChargerUnitHarness : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>The smallest timer period of the unit: the clock advances in these steps.</summary>
    protected static readonly TimeSpan Step = ChargerUnitOptions.Default.PilotPoll;

    private static readonly Config VirtualClock = ConfigurationFactory.ParseString("""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.loglevel = WARNING
        akka.stdout-loglevel = ERROR
        """);

    protected ChargerUnitHarness(ITestOutputHelper output) : base(VirtualClock, output: output)
    {
        Board = new SimulatedCharger(ChargerClock.Of(Sys));
    }

    protected static readonly ChargerId Id = new("unit-1");

    protected TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    protected SimulatedCharger Board { get; set; }

    protected IActorRef Unit { get; private set; } = ActorRefs.Nobody;

    protected TimeSpan Elapsed => ChargerClock.Now(Clock) - _start;

    private TimeSpan _start;

    protected static ChargerSettings AutoStart => ChargerSettings.Factory with { AutoStart = true };

    /// <summary>Powers the unit up and lets it verify its relays.</summary>
    protected void PowerUp(ChargerSettings? settings = null, ChargerUnitOptions? options = null, string name = "unit-1")
    {
        _start = ChargerClock.Now(Clock);
        var o = (options ?? ChargerUnitOptions.Default) with { Dispatcher = CallingThreadDispatcher.Id };
        // Under a calling-thread parent, so a power cycle's restart completes within the clock step.
        Unit = CallingThreadParent.Spawn(Sys, ChargerUnit.Props(Id, Board, settings ?? AutoStart, o), name);
        // Its first answer means the subtree is up and its timers are scheduled, so the clock may move.
        Status();
        Run(TimeSpan.FromSeconds(1));
    }

    /// <summary>Advances the virtual clock by <paramref name="span"/> in steps, calling <paramref name="afterEachStep"/> after each.</summary>
    protected void Run(TimeSpan span, Action? afterEachStep = null)
    {
        for (var t = TimeSpan.Zero; t < span; t += Step)
        {
            Clock.Advance(Step);
            afterEachStep?.Invoke();
        }
    }

    /// <summary>Advances until <paramref name="condition"/> holds; fails after <paramref name="limit"/> of virtual time.</summary>
    protected TimeSpan RunUntil(Func<bool> condition, TimeSpan limit, string what, Action? afterEachStep = null)
    {
        var from = Elapsed;
        while (!condition())
        {
            if (Elapsed - from > limit)
                Assert.Fail($"Not within {limit} of virtual time: {what}. Status: {Status()}");
            Clock.Advance(Step);
            afterEachStep?.Invoke();
        }
        return Elapsed - from;
    }

    protected ChargerStatus Status()
    {
        var task = Unit.Ask<ChargerStatus>(ChargerProtocol.GetStatus.Instance);
        Assert.True(task.Wait(TimeSpan.FromSeconds(10)), "The unit did not answer GetStatus.");
        return task.Result;
    }

    protected T AskUnit<T>(object message) => AskOf<T>(Unit, message);

    protected static T AskOf<T>(IActorRef actor, object message)
    {
        var task = actor.Ask<T>(message);
        Assert.True(task.Wait(TimeSpan.FromSeconds(10)), $"The unit did not answer {message}.");
        return task.Result;
    }

    protected bool RelaysCommandedClosed =>
        Board.RelayL1.Commanded == RelayPosition.Closed || Board.RelayL2.Commanded == RelayPosition.Closed;

    /// <summary>Plugs a vehicle in and runs until the relays have closed.</summary>
    protected SimulatedVehicle PlugInAndCharge(VehicleSpec? spec = null)
    {
        var vehicle = Board.PlugIn(spec ?? new VehicleSpec());
        RunUntil(() => RelaysCommandedClosed, TimeSpan.FromSeconds(10), "relays close after plug-in");
        Run(TimeSpan.FromSeconds(3));
        return vehicle;
    }

    protected void TapSet(int taps)
    {
        for (var i = 0; i < taps; i++)
        {
            Board.PressSetButton();
            Run(TimeSpan.FromMilliseconds(150));
            Board.ReleaseSetButton();
            Run(TimeSpan.FromMilliseconds(250));
        }
    }
}
