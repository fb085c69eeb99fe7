using CsCheck;
using SmartElek.Charger.Settings;
using SmartElek.Operator.Commands;

namespace SmartElek.Operator.Tests;

/// <summary>A settings change is checked like the unit checks settings, plus the charger's rating; errors name the request's field.</summary>
[Trait("Speed", "Fast")]
public sealed class SettingsChangeTests
{
    private static readonly ChargerSettings Current = ChargerSettings.Factory with { Name = "bay 1" };

    private static SettingsChangeDto Max(double amps) => new(null, null, null, amps, null, null, null);

    [Theory]
    [InlineData(45, "maxCurrent")]
    [InlineData(5, "maxCurrent")]
    [InlineData(double.NaN, "maxCurrent")]
    public void An_impossible_maximum_is_named(double amps, string field)
    {
        var (settings, errors) = SettingsChange.Apply(Current, Max(amps), 30);
        Assert.Null(settings);
        Assert.Equal(field, Assert.Single(errors).Key);
    }

    [Fact]
    public void A_maximum_below_the_minimum_is_named_on_the_maximum_the_request_changed()
    {
        var (_, errors) = SettingsChange.Apply(Current with { MinCurrent = 16 }, Max(10), 30);
        Assert.Contains("below the minimum", Assert.Single(errors["maxCurrent"]), StringComparison.Ordinal);
        var (_, both) = SettingsChange.Apply(Current, new SettingsChangeDto(null, null, 16, null, null, null, null) with { MaxCurrent = 10 }, 30);
        Assert.True(both.ContainsKey("maxCurrent"));
        var (_, minOnly) = SettingsChange.Apply(Current with { MaxCurrent = 10 }, new SettingsChangeDto(null, null, 16, null, null, null, null), 30);
        Assert.True(minOnly.ContainsKey("minCurrent"));
    }

    [Fact]
    public void A_maximum_above_the_chargers_rating_is_refused_and_a_change_keeps_what_it_does_not_name()
    {
        var (_, errors) = SettingsChange.Apply(Current, Max(20), 16);
        Assert.Contains("rating of 16 A", Assert.Single(errors["maxCurrent"]), StringComparison.Ordinal);
        var (settings, none) = SettingsChange.Apply(Current, Max(10), 16);
        Assert.Empty(none);
        Assert.Equal(Current with { MaxCurrent = 10 }, settings);
    }

    // Every whole-amp pair of min and max from 0 to 50 A against ratings of 16 and 30 A: accepted exactly when the unit's rules and the rating allow.
    [Fact]
    public void Every_whole_amp_pair_is_accepted_exactly_when_it_is_possible()
    {
        foreach (var rating in new[] { 16.0, 30.0 })
            for (var min = 0; min <= 50; min++)
                for (var max = 0; max <= 50; max++)
                {
                    var (settings, errors) = SettingsChange.Apply(Current, new SettingsChangeDto(null, null, min, max, null, null, null), rating);
                    var possible = min >= 6 && max <= 30 && min <= max && max <= rating;
                    Assert.True(possible == (settings is not null), $"min {min} A, max {max} A, rating {rating} A: {string.Join("; ", errors.Select(e => e.Key + " " + string.Join(",", e.Value)))}");
                    Assert.True(possible || errors.Keys.All(k => k is "minCurrent" or "maxCurrent"));
                }
    }

    [Fact]
    public void Battery_fields_are_checked_by_name()
    {
        Gen.Double[-100, 400].Sample(capacity =>
        {
            var (settings, errors) = SettingsChange.Apply(Current, new SettingsChangeDto(null, null, null, null, capacity, null, null), 30);
            Assert.Equal(capacity is >= 1 and <= 250, settings is not null);
            if (settings is null) Assert.Equal("evBatteryCapacityKwh", Assert.Single(errors).Key);
        });
    }
}
