using System.Reflection;
using CsCheck;
using SmartElek.Charger.Sessions;

namespace SmartElek.Charger.Tests.Sessions;

public class SessionStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);

    private static SessionState Run(SessionState state, SessionCommand command)
    {
        var decision = state.Decide(command);
        Assert.Null(decision.Rejected);
        return state.ApplyAll(decision.Events);
    }

    private static SessionCommand.Observe Observe(int minutes, bool closed, bool asking, double offer, double amps, double wh) =>
        new(T0.AddMinutes(minutes), closed, asking, offer, amps, wh);

    [Fact]
    public void Plug_in_with_auto_start_is_authorised_at_once_without_it_waits()
    {
        var auto = SessionState.Empty.Decide(new SessionCommand.PlugIn(T0, "s1", 100, AutoStart: true));
        Assert.Collection(auto.Events,
            e => Assert.IsType<SessionEvents.PluggedIn>(e),
            e => Assert.Equal("auto-start", Assert.IsType<SessionEvents.Authorised>(e).By));

        var manual = Run(SessionState.Empty, new SessionCommand.PlugIn(T0, "s1", 100, AutoStart: false));
        Assert.Equal(SessionPhase.AwaitingAuthorisation, manual.Phase);
        Assert.Empty(manual.Decide(Observe(1, false, true, 30, 0, 100)).Events);
        Assert.Equal(SessionPhase.Authorised, Run(manual, new SessionCommand.Authorise(T0, "app")).Phase);
    }

    [Fact]
    public void Commands_that_make_no_sense_are_refused_with_a_reason()
    {
        Assert.Equal("No vehicle is plugged in.", SessionState.Empty.Decide(new SessionCommand.Authorise(T0, "app")).Rejected);
        Assert.NotNull(SessionState.Empty.Decide(new SessionCommand.Stop(T0, StopReason.Local, 0)).Rejected);
        var waiting = Run(SessionState.Empty, new SessionCommand.PlugIn(T0, "s1", 0, false));
        Assert.Equal("Charging is not running.", waiting.Decide(new SessionCommand.Stop(T0, StopReason.Local, 0)).Rejected);
        Assert.NotNull(SessionState.Empty.Decide(new SessionCommand.PlugIn(T0, " ", 0, true)).Rejected);
    }

    [Fact]
    public void A_whole_session_records_start_stop_energy_peak_and_stop_reason()
    {
        var s = Run(SessionState.Empty, new SessionCommand.PlugIn(T0, "s1", 1000, true));
        s = Run(s, Observe(1, false, false, 30, 0, 1000));
        Assert.Equal(SessionPhase.Authorised, s.Phase);
        s = Run(s, Observe(2, true, true, 30, 29.6, 1000));
        Assert.Equal(SessionPhase.Charging, s.Phase);
        Assert.Equal(T0.AddMinutes(2), s.ChargingStartedAt);
        s = Run(s, Observe(30, true, true, 0, 29.9, 4000));
        Assert.Equal(SessionPhase.SuspendedByEvse, s.Phase);
        Assert.Equal(29.6, s.PeakAmps); // 29.9 is not 0.5 A above the peak
        s = Run(s, Observe(31, true, true, 30, 30.2, 4100));
        Assert.Equal(SessionPhase.Charging, s.Phase);
        Assert.Equal(30.2, s.PeakAmps);
        s = Run(s, Observe(90, false, false, 30, 0, 9000));
        Assert.Equal(SessionPhase.SuspendedByEv, s.Phase);
        Assert.Equal(8000, s.EnergyWh(9000));
        s = Run(s, new SessionCommand.Stop(T0.AddMinutes(91), StopReason.Local, 9000));
        Assert.Equal(SessionPhase.Stopped, s.Phase);
        Assert.Equal(8000, s.EnergyWh(12345));

        var end = s.Decide(new SessionCommand.PlugOut(T0.AddMinutes(95), 9000));
        Assert.IsType<SessionEvents.PluggedOut>(Assert.Single(end.Events));
        s = s.ApplyAll(end.Events);
        Assert.Equal(SessionPhase.NoVehicle, s.Phase);
        Assert.Equal(new SessionSummary("s1", T0, T0.AddMinutes(2), T0.AddMinutes(91), T0.AddMinutes(95), 8000, 30.2, StopReason.Local), s.LastCompleted);
    }

    [Fact]
    public void Plug_out_while_charging_stops_with_ev_disconnected()
    {
        var s = Run(SessionState.Empty, new SessionCommand.PlugIn(T0, "s1", 0, true));
        s = Run(s, Observe(1, true, true, 30, 30, 0));
        var decision = s.Decide(new SessionCommand.PlugOut(T0.AddHours(1), 7000));
        Assert.Equal(StopReason.EvDisconnected, Assert.IsType<SessionEvents.Stopped>(decision.Events[0]).Reason);
        s = s.ApplyAll(decision.Events);
        Assert.Equal(7000, s.LastCompleted!.EnergyWh);
        Assert.Equal(StopReason.EvDisconnected, s.LastCompleted.StopReason);
    }

    [Fact]
    public void Every_session_event_has_a_unique_versioned_wire_name()
    {
        var types = typeof(ISessionEvent).Assembly.GetTypes().Where(t => typeof(ISessionEvent).IsAssignableFrom(t) && !t.IsInterface).ToList();
        Assert.True(types.Count >= 8);
        var names = types.Select(t => t.GetCustomAttribute<WireNameAttribute>()?.Name).ToList();
        Assert.All(names, n => Assert.Matches(@"^session\.[a-z-]+\.v\d+$", n));
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    private static readonly Gen<SessionCommand> Commands =
        Gen.Select(Gen.Int[0, 4], Gen.Bool, Gen.Bool, Gen.Double[0, 32], Gen.Int[0, 60], (kind, a, b, x, minutes) => (SessionCommand)(kind switch
        {
            0 => new SessionCommand.PlugIn(T0.AddMinutes(minutes), $"s{minutes}", 0, a),
            1 => new SessionCommand.Authorise(T0.AddMinutes(minutes), "app"),
            2 => new SessionCommand.Stop(T0.AddMinutes(minutes), StopReason.Remote, 0),
            3 => new SessionCommand.Observe(T0.AddMinutes(minutes), a, b, x, x, 0),
            _ => new SessionCommand.PlugOut(T0.AddMinutes(minutes), 0),
        }));

    [Fact]
    public void Replaying_the_events_rebuilds_the_same_state_and_the_register_never_gives_negative_energy()
    {
        Commands.Array[1, 40].Sample(commands =>
        {
            var live = SessionState.Empty;
            var journal = new List<ISessionEvent>();
            var register = 0.0;
            foreach (var command in commands)
            {
                register += 100;
                var c = command switch
                {
                    SessionCommand.Observe o => o with { RegisterWh = register },
                    SessionCommand.Stop s => s with { RegisterWh = register },
                    SessionCommand.PlugOut p => p with { RegisterWh = register },
                    SessionCommand.PlugIn p => p with { RegisterWh = register },
                    _ => command,
                };
                var decision = live.Decide(c);
                journal.AddRange(decision.Events);
                live = live.ApplyAll(decision.Events);
                Assert.True(live.EnergyWh(register) >= 0);
                Assert.Equal(live.VehiclePresent, live.SessionId is not null);
            }
            Assert.Equal(live, SessionState.Empty.ApplyAll(journal));
        });
    }
}
