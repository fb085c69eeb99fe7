using CsCheck;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using static SmartElek.Charger.Journal.ChargerJournalEvents;

namespace SmartElek.Charger.Tests.Journal;

public class ProvisionalRebaseTests
{
    private static readonly ChargerId Unit = new("rebase-1");
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 22, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// What a unit records while charging provisionally: sessions, readings, settings, faults and resets
    /// between sessions, its register counting from 0 Wh and rising by the given steps.
    /// </summary>
    private static readonly Gen<IReadOnlyList<IWireMessage>> ProvisionalEvents =
        Gen.Select(Gen.Int[0, 5], Gen.Double[0, 5_000]).Array[0, 80].Select(ops =>
        {
            var events = new List<IWireMessage>();
            double register = 0, start = 0;
            string? session = null;
            var n = 0;
            foreach (var (op, step) in ops)
            {
                var at = T0.AddSeconds(++n);
                switch (op)
                {
                    case 0 when session is null:
                        session = "s" + n;
                        start = register;
                        events.Add(new SessionEvents.PluggedIn(session, at, register));
                        break;
                    case 0 or 1:
                        register += step;
                        events.Add(new EnergyRecorded(Unit, at, register, session));
                        break;
                    case 2 when session is not null:
                        events.Add(new SessionEvents.Stopped(session, at, StopReason.Local, register, register - start, 16));
                        events.Add(new SessionEvents.PluggedOut(session, at, register, register - start));
                        session = null;
                        break;
                    case 2 or 3:
                        events.Add(session is null
                            ? new SettingsChanged(Unit, at, ChargerSettings.Factory with { AutoStart = step > 2_500 })
                            : new SessionEvents.Charging(session, at));
                        break;
                    case 4:
                        events.Add(new FaultRecorded(Unit, at, FaultKind.GfciTrip, FaultEntryType.Raised, "trip " + n));
                        break;
                    case 5 when session is null:
                        events.Add(new RegisterReset(Unit, at, register));
                        register = 0;
                        break;
                }
            }
            return (IReadOnlyList<IWireMessage>)events;
        });

    private static readonly Gen<double> Recovered = Gen.OneOf(Gen.Const(0.0), Gen.Double[0, 10_000_000]);

    // The register values of each event in order, a reset ending a segment (its value before it counts to the old one).
    private static List<List<double>> RegisterSegments(IEnumerable<IWireMessage> events)
    {
        var segments = new List<List<double>> { new() };
        foreach (var e in events)
        {
            switch (e)
            {
                case EnergyRecorded r: segments[^1].Add(r.RegisterWh); break;
                case SessionEvents.PluggedIn p: segments[^1].Add(p.RegisterWh); break;
                case SessionEvents.Stopped s: segments[^1].Add(s.RegisterWh); break;
                case SessionEvents.PluggedOut o: segments[^1].Add(o.RegisterWh); break;
                case RegisterReset r:
                    segments[^1].Add(r.RegisterWhBefore);
                    segments.Add([]);
                    break;
            }
        }
        return segments;
    }

    private static bool NonDecreasing(IReadOnlyList<double> values) => values.Zip(values.Skip(1)).All(p => p.First <= p.Second);

    [Fact]
    public void Register_values_stay_monotone_and_start_at_the_recovered_register()
    {
        Gen.Select(ProvisionalEvents, Recovered).Sample((events, r) =>
        {
            var before = RegisterSegments(events);
            var after = RegisterSegments(ProvisionalRebase.Rebase(events, r));
            Assert.All(before, s => Assert.True(NonDecreasing(s)));
            Assert.All(after, s => Assert.True(NonDecreasing(s), $"not monotone after rebasing by {r}: {string.Join(", ", s)}"));
            // Up to the first reset the register continues from the recovered one, never below it.
            Assert.All(after[0], v => Assert.True(v >= r, $"{v} Wh is below the recovered {r} Wh"));
            Assert.Equal(before[0].Select(v => v + r), after[0]);
        });
    }

    [Fact]
    public void Order_and_count_are_kept_and_events_without_a_register_are_untouched()
    {
        Gen.Select(ProvisionalEvents, Recovered).Sample((events, r) =>
        {
            var rebased = ProvisionalRebase.Rebase(events, r);
            Assert.Equal(events.Select(e => e.GetType()), rebased.Select(e => e.GetType()));
            foreach (var (e, x) in events.Zip(rebased))
            {
                if (e is SettingsChanged or FaultRecorded or SessionEvents.Charging)
                    Assert.Same(e, x);
                if (e is ISessionEvent s)
                    Assert.Equal(s.SessionId, ((ISessionEvent)x).SessionId);
            }
        });
    }

    [Fact]
    public void Session_energy_is_conserved()
    {
        Gen.Select(ProvisionalEvents, Recovered).Sample((events, r) =>
        {
            var rebased = ProvisionalRebase.Rebase(events, r);
            foreach (var (e, x) in events.Zip(rebased))
            {
                switch (e, x)
                {
                    case (SessionEvents.Stopped s, SessionEvents.Stopped t):
                        Assert.Equal(s.EnergyWh, t.EnergyWh);
                        break;
                    case (SessionEvents.PluggedOut o, SessionEvents.PluggedOut p):
                        Assert.Equal(o.EnergyWh, p.EnergyWh);
                        break;
                }
            }
            // Each session's energy from its register values is the same too (to rounding of the sum).
            double EnergyOf(IEnumerable<IWireMessage> es, string id) =>
                es.OfType<SessionEvents.PluggedOut>().Single(o => o.SessionId == id).RegisterWh
                - es.OfType<SessionEvents.PluggedIn>().Single(p => p.SessionId == id).RegisterWh;
            foreach (var id in events.OfType<SessionEvents.PluggedOut>().Select(o => o.SessionId))
                Assert.Equal(EnergyOf(events, id), EnergyOf(rebased, id), 1e-6 * (1 + r));
            // The journal's fold gives the session the same energy rebased or not.
            var folded = ChargerJournalState.Empty.ApplyAll(events).Session;
            var foldedRebased = ChargerJournalState.Empty.ApplyAll(rebased).Session;
            Assert.Equal(folded.LastCompleted?.EnergyWh, foldedRebased.LastCompleted?.EnergyWh);
        });
    }

    [Fact]
    public void What_follows_a_reset_is_not_moved_and_the_offset_after_it_is_zero()
    {
        Gen.Select(ProvisionalEvents, Gen.Double[1, 10_000_000]).Sample((events, r) =>
        {
            var rebased = ProvisionalRebase.Rebase(events, r);
            var reset = events.ToList().FindIndex(e => e is RegisterReset);
            Assert.Equal(reset < 0 ? r : 0, ProvisionalRebase.OffsetAfter(events, r));
            if (reset < 0)
                return;
            Assert.Equal(((RegisterReset)events[reset]).RegisterWhBefore + r, ((RegisterReset)rebased[reset]).RegisterWhBefore);
            Assert.Equal(events.Skip(reset + 1), rebased.Skip(reset + 1));
        });
    }

    [Fact]
    public void A_running_session_keeps_its_energy_when_its_register_moves()
    {
        Gen.Select(Gen.Double[0, 100_000], Gen.Double[0, 50_000], Gen.Double[0, 10_000_000]).Sample((start, charged, r) =>
        {
            var running = SessionState.Empty.ApplyAll([new SessionEvents.PluggedIn("s", T0, start), new SessionEvents.Authorised("s", T0, "auto-start")]);
            var moved = ProvisionalRebase.Rebase(running, r);
            Assert.Equal(running.EnergyWh(start + charged), moved.EnergyWh(start + charged + r), 1e-6 * (1 + r));
            Assert.Equal(running with { StartRegisterWh = 0, StopRegisterWh = 0 }, moved with { StartRegisterWh = 0, StopRegisterWh = 0 });
        });
    }

    [Fact]
    public void A_negative_or_infinite_recovered_register_is_refused_by_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ProvisionalRebase.Rebase([], -1));
        Assert.Equal("recoveredRegisterWh", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => ProvisionalRebase.Rebase([], double.PositiveInfinity));
    }
}
