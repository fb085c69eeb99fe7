using CsCheck;
using NodaTime;
using SmartElek.Actors.ReadSide;

namespace SmartElek.Actors.Tests.ReadSide;

[Trait("Speed", "Fast")]
public sealed class EnergyDaysTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day1 = new(2026, 11, 23);
    private static readonly DateOnly Day2 = new(2026, 11, 24);

    private static IReadOnlyList<DayEnergy> Utc(IEnumerable<EnergySlice> slices) => EnergyDays.ByDay(slices, DateTimeZone.Utc);

    [Fact]
    public void Growth_across_midnight_is_split_by_the_hours_on_each_side()
    {
        var (cursor, _) = EnergyDays.Read(null, Midnight.AddHours(-1), 0);
        var (_, slices) = EnergyDays.Read(cursor, Midnight.AddHours(3), 400);
        Assert.Equal([new DayEnergy(Day1, 100), new DayEnergy(Day2, 300)], Utc(slices));
        // Four hours, evenly: sixteen quarter hours of 25 Wh each.
        Assert.Equal(16, slices.Count);
        Assert.All(slices, s => Assert.Equal(25, s.EnergyWh, 1e-9));
    }

    [Fact]
    public void A_session_over_two_nights_gives_the_middle_day_its_full_share()
    {
        var days = Utc(EnergyDays.Split(Midnight.AddHours(-12), Midnight.AddHours(36), 4800));
        Assert.Equal([new DayEnergy(Day1, 1200), new DayEnergy(Day2, 2400), new DayEnergy(Day2.AddDays(1), 1200)], days);
    }

    [Fact]
    public void After_an_idle_gap_the_growth_lands_just_before_the_reading_not_on_the_idle_days()
    {
        // The last reading of Sunday evening's session, then Tuesday's first reading 10 s into charging.
        var (cursor, _) = EnergyDays.Read(null, Midnight.AddHours(-4), 9000);
        var tuesday = Midnight.AddDays(1).AddHours(8);
        var (next, slices) = EnergyDays.Read(cursor, tuesday, 9020, spreadLimit: TimeSpan.FromSeconds(20));
        Assert.Equal([new DayEnergy(Day2.AddDays(1), 20)], Utc(slices));
        Assert.Equal(new EnergyCursor(tuesday, 9020), next);
        // Readings closer than the limit are spread over their whole gap, across midnight too.
        var (_, across) = EnergyDays.Read(new EnergyCursor(Midnight.AddSeconds(-5), 0), Midnight.AddSeconds(15), 20, TimeSpan.FromSeconds(20));
        Assert.Equal([new DayEnergy(Day1, 5), new DayEnergy(Day2, 15)], Utc(across));
    }

    [Fact]
    public void A_reset_counts_the_register_from_zero_again()
    {
        var (c1, d1) = EnergyDays.Read(null, Midnight.AddHours(1), 100);
        var (c2, d2) = EnergyDays.Read(c1, Midnight.AddHours(2), 150);
        var c3 = EnergyDays.Reset(Midnight.AddHours(3));
        var (_, d4) = EnergyDays.Read(c3, Midnight.AddHours(4), 30);
        Assert.Equal(100, d1.Sum(s => s.EnergyWh), 1e-9);
        Assert.Equal(50, d2.Sum(s => s.EnergyWh), 1e-9);
        Assert.Equal(30, d4.Sum(s => s.EnergyWh), 1e-9);
        Assert.Equal(150, c2.RegisterWh);
    }

    [Fact]
    public void A_register_lower_than_before_without_a_reset_is_never_negative_energy()
    {
        var (c1, _) = EnergyDays.Read(null, Midnight.AddHours(1), 5000);
        var (c2, days) = EnergyDays.Read(c1, Midnight.AddHours(2), 40);
        Assert.Equal(40, days.Sum(s => s.EnergyWh), 1e-9);
        Assert.All(days, s => Assert.True(s.EnergyWh >= 0));
        Assert.Equal(40, c2.RegisterWh);
    }

    [Fact]
    public void A_reading_timed_before_the_cursor_lands_on_its_own_day_and_keeps_the_cursor_time()
    {
        var (c1, _) = EnergyDays.Read(null, Midnight.AddHours(1), 10);
        var (c2, slices) = EnergyDays.Read(c1, Midnight.AddHours(-2), 25);
        Assert.Equal([new DayEnergy(Day1, 15)], Utc(slices));
        Assert.Equal(Midnight.AddHours(1), c2.At);
    }

    [Fact]
    public void Unusable_register_values_add_nothing()
    {
        var (c1, _) = EnergyDays.Read(null, Midnight, 10);
        Assert.Empty(EnergyDays.Read(c1, Midnight.AddHours(1), double.NaN).Slices);
        Assert.Empty(EnergyDays.Read(c1, Midnight.AddHours(1), -3).Slices);
        Assert.Empty(EnergyDays.Read(c1, Midnight.AddHours(1), 10).Slices);
    }

    // A charger's steps: up to 40 h each, so that some cross several midnights.
    private static readonly Gen<RegisterStep> StepGen = RegisterStep.Gen(40 * 3600);

    [Fact]
    public void Daily_energy_adds_up_to_the_registers_total_growth_across_resets_and_midnights()
    {
        var limit = Gen.Int[-3600, 7200].Select(s => s <= 0 ? (TimeSpan?)null : TimeSpan.FromSeconds(s));
        Gen.Select(StepGen.Array[1, 60], Gen.Int[0, 86_399], limit).Sample((steps, startSecond, spreadLimit) =>
        {
            var first = Midnight.AddSeconds(startSecond);
            var (slices, grown, at) = RegisterStep.Replay(first, steps, spreadLimit);
            var days = Utc(slices);
            var total = days.Sum(d => d.EnergyWh);
            Assert.True(Math.Abs(total - grown) <= 1e-9 * Math.Max(1, grown), $"daily sum {total} != growth {grown}");
            Assert.All(days, d => Assert.True(d.EnergyWh >= 0, $"{d} is negative"));
            Assert.All(days, d => Assert.InRange(d.Day, DateOnly.FromDateTime(first.UtcDateTime), DateOnly.FromDateTime(at.UtcDateTime)));
        });
    }

    [Fact]
    public void A_split_gives_each_day_its_share_of_the_time()
    {
        Gen.Select(Gen.Int[0, 10 * 86_400], Gen.Int[1, 5 * 86_400], Gen.Double[0.001, 1e6]).Sample((offset, length, growth) =>
        {
            var from = Midnight.AddSeconds(offset);
            var to = from.AddSeconds(length);
            var days = Utc(EnergyDays.Split(from, to, growth));
            Assert.Equal(days.Select(d => d.Day).Distinct().Count(), days.Count);
            foreach (var d in days)
            {
                var dayStart = new DateTimeOffset(d.Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                var overlap = (Min(dayStart.AddDays(1), to) - Max(dayStart, from)).TotalSeconds;
                Assert.Equal(growth * overlap / length, d.EnergyWh, 1e-6 * growth);
            }
        });
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
