using Akka.Configuration;

namespace SmartElek.Gateway.Tests;

/// <summary>The TestKit configurations the tests share.</summary>
internal static class UnitTestConfig
{
    /// <summary>The TestScheduler drives every timer (and the simulator's physics through the scheduler's clock).</summary>
    public static readonly Config VirtualClock = ConfigurationFactory.ParseString("""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.test.timefactor = 2
        akka.loglevel = WARNING
        akka.stdout-loglevel = ERROR
        """);
}
