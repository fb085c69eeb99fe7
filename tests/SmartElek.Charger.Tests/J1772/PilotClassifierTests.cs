using CsCheck;
using SmartElek.Charger.J1772;

namespace SmartElek.Charger.Tests.J1772;

public class PilotClassifierTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Theory]
    [InlineData(12.0, PilotState.A)]
    [InlineData(11.40, PilotState.A)]
    [InlineData(12.60, PilotState.A)]
    [InlineData(9.0, PilotState.B)]
    [InlineData(8.36, PilotState.B)]
    [InlineData(6.0, PilotState.C)]
    [InlineData(6.49, PilotState.C)]
    [InlineData(3.0, PilotState.D)]
    [InlineData(0.0, PilotState.E)]
    [InlineData(-0.9, PilotState.E)]
    [InlineData(-12.0, PilotState.F)]
    [InlineData(10.5, null)]
    [InlineData(7.5, null)]
    [InlineData(4.4, null)]
    [InlineData(1.8, null)]
    [InlineData(-6.0, null)]
    [InlineData(13.5, null)]
    [InlineData(double.NaN, null)]
    public void Bands_follow_the_standard(double volts, PilotState? expected) =>
        Assert.Equal(expected, new PilotClassifier().ClassifyBand(volts));

    [Fact]
    public void Starts_in_A() => Assert.Equal(PilotState.A, new PilotClassifier().Current);

    [Fact]
    public void A_new_band_becomes_the_state_only_after_the_debounce()
    {
        var c = new PilotClassifier();
        Assert.Equal(PilotState.A, c.Update(9.0, Ms(0)));
        Assert.Equal(PilotState.A, c.Update(9.0, Ms(299)));
        Assert.Equal(PilotState.B, c.Update(9.0, Ms(300)));
        Assert.Null(c.Pending);
    }

    [Fact]
    public void Into_A_the_debounce_is_shorter()
    {
        var c = new PilotClassifier();
        c.Update(9.0, Ms(0));
        c.Update(9.0, Ms(300));
        Assert.Equal(PilotState.B, c.Current);
        Assert.Equal(PilotState.B, c.Update(12.0, Ms(1000)));
        Assert.Equal(PilotState.B, c.Update(12.0, Ms(1049)));
        Assert.Equal(PilotState.A, c.Update(12.0, Ms(1050)));
    }

    [Fact]
    public void Between_bands_the_last_state_is_kept_and_the_run_is_broken()
    {
        var c = new PilotClassifier();
        c.Update(9.0, Ms(0));
        c.Update(9.0, Ms(300));
        c.Update(6.0, Ms(400));
        Assert.Equal(PilotState.B, c.Update(7.5, Ms(500))); // between B and C: keep B
        Assert.Equal(PilotState.B, c.Update(6.0, Ms(600)));  // C run restarts here
        Assert.Equal(PilotState.B, c.Update(6.0, Ms(800)));
        Assert.Equal(PilotState.C, c.Update(6.0, Ms(900)));
        Assert.Equal(PilotState.C, c.Update(7.5, Ms(5000)));
    }

    [Fact]
    public void A_glitch_back_to_the_current_band_restarts_the_debounce()
    {
        var c = new PilotClassifier();
        c.Update(9.0, Ms(0));
        c.Update(12.0, Ms(200));
        Assert.Equal(PilotState.A, c.Update(9.0, Ms(310)));
        Assert.Equal(PilotState.B, c.Update(9.0, Ms(610)));
    }

    [Fact]
    public void Noise_at_a_boundary_never_changes_the_state_faster_than_the_debounce()
    {
        // Runs of samples 1–40 ms apart, each run noisy (±0.4 V) around a level between 5 and 13 V:
        // the voltage sits in, and jumps across, the A/B and B/C edges and the gaps between them.
        var noisyRun = Gen.Select(Gen.Double[5.0, 13.0], Gen.Select(Gen.Int[1, 40], Gen.Double[-0.4, 0.4]).Array[1, 40]);
        var samples = noisyRun.Array[5, 40].Select(runs => runs.SelectMany(r => r.Item2.Select(n => (n.Item1, r.Item1 + n.Item2))).ToArray());
        var changes = new int[6];
        samples.Sample(steps =>
        {
            var options = PilotClassifierOptions.Default;
            var c = new PilotClassifier(options);
            var now = TimeSpan.Zero;
            var history = new List<(TimeSpan At, PilotState? Band)>();
            var lastChange = TimeSpan.Zero;
            foreach (var (stepMs, volts) in steps)
            {
                now += Ms(stepMs);
                var before = c.Current;
                history.Add((now, c.ClassifyBand(volts)));
                var after = c.Update(volts, now);
                if (after == before)
                    continue;
                var debounce = after == PilotState.A ? options.DebounceIntoA : options.Debounce;
                Assert.True(now - lastChange >= options.DebounceIntoA, $"changed to {after} {now - lastChange} after the last change");
                // The new band must have been seen in every sample of the last `debounce`.
                var sameBand = history.AsEnumerable().Reverse().TakeWhile(h => h.Band == after).ToList();
                Assert.True(now - sameBand[^1].At >= debounce, $"changed to {after} at {now} after a run of only {now - sameBand[^1].At}");
                lastChange = now;
                Interlocked.Increment(ref changes[(int)after]);
            }
        }, iter: 300);
        // The noise must have driven real changes, into A and into the other states, or the test proves nothing.
        Assert.True(changes[(int)PilotState.A] > 0 && changes[(int)PilotState.B] > 0 && changes[(int)PilotState.C] > 0,
            $"changes per state: {string.Join(", ", changes)}");
    }

    [Fact]
    public void A_steady_band_is_always_reached_after_its_debounce() =>
        Gen.Select(Gen.Double[8.36, 9.56], Gen.Int[1, 50]).Sample((volts, stepMs) =>
        {
            var c = new PilotClassifier();
            var now = TimeSpan.Zero;
            while (now <= Ms(300))
            {
                c.Update(volts, now);
                now += Ms(stepMs);
            }
            Assert.Equal(PilotState.B, c.Update(volts, now));
        }, iter: 300);

    [Theory]
    [InlineData(-0.1)]
    [InlineData(0.8)]
    public void A_tolerance_that_would_merge_bands_is_refused(double tolerance) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new PilotClassifier(PilotClassifierOptions.Default with { ToleranceVolts = tolerance }));

    [Theory]
    [InlineData(-12.0, true)]
    [InlineData(-11.4, true)]
    [InlineData(-12.6, true)]
    [InlineData(-11.0, false)]
    [InlineData(0.0, false)]
    [InlineData(-13.0, false)]
    public void The_diode_check_wants_minus_12_volts(double low, bool ok) =>
        Assert.Equal(ok, DiodeCheck.LowLevelOk(low));
}
