using CsCheck;
using SmartElek.Charger.Settings;

namespace SmartElek.Charger.Tests.Settings;

public class ChargerSettingsTests
{
    private static readonly ChargerSettings Ok = ChargerSettings.Factory;

    [Fact]
    public void Factory_settings_are_valid_and_as_documented()
    {
        Assert.Empty(Ok.Validate());
        Assert.Same(Ok, Ok.ValidOrThrow());
        Assert.Equal(new ChargerSettings("SmartElek", true, 6, 30, 60, 20, 6), Ok);
    }

    public static TheoryData<ChargerSettings, string> OneBadSetting => new()
    {
        { Ok with { Name = "" }, "Name" },
        { Ok with { Name = "   " }, "Name" },
        { Ok with { Name = new string('x', 65) }, "Name" },
        { Ok with { MinCurrent = 5.9 }, "MinCurrent" },
        { Ok with { MinCurrent = double.NaN }, "MinCurrent" },
        { Ok with { MaxCurrent = 30.1 }, "MaxCurrent" },
        { Ok with { MaxCurrent = 5 }, "MaxCurrent" },
        { Ok with { MinCurrent = 20, MaxCurrent = 16 }, "MinCurrent" },
        { Ok with { EvBatteryCapacityKwh = 0.9 }, "EvBatteryCapacityKwh" },
        { Ok with { EvBatteryCapacityKwh = 250.5 }, "EvBatteryCapacityKwh" },
        { Ok with { EvStartingLevelPercent = -0.1 }, "EvStartingLevelPercent" },
        { Ok with { EvStartingLevelPercent = 100.1 }, "EvStartingLevelPercent" },
        { Ok with { EvKmPerKwh = 0 }, "EvKmPerKwh" },
    };

    [Theory]
    [MemberData(nameof(OneBadSetting))]
    public void A_bad_setting_is_named(ChargerSettings settings, string setting)
    {
        var error = Assert.Single(settings.Validate());
        Assert.Equal(setting, error.Setting);
        var e = Assert.Throws<InvalidSettingsException>(() => settings.ValidOrThrow());
        Assert.Contains(setting, e.Message);
    }

    [Fact]
    public void Every_bad_setting_is_listed_at_once()
    {
        var bad = new ChargerSettings("", true, 2, 40, 0, 120, -1);
        var e = Assert.Throws<InvalidSettingsException>(() => bad.ValidOrThrow());
        Assert.Equal(
            ["Name", "MinCurrent", "MaxCurrent", "EvBatteryCapacityKwh", "EvStartingLevelPercent", "EvKmPerKwh"],
            e.Errors.Select(x => x.Setting));
        foreach (var error in e.Errors)
            Assert.Contains(error.Setting, e.Message);
    }

    [Theory]
    [InlineData(6, 6, 1, 0, "a")]
    [InlineData(30, 30, 250, 100, "x")]
    [InlineData(6, 30, 60, 20, "SmartElek garage")]
    public void Bounds_are_inclusive(double min, double max, double capacity, double level, string name) =>
        Assert.Empty((Ok with { MinCurrent = min, MaxCurrent = max, EvBatteryCapacityKwh = capacity, EvStartingLevelPercent = level, Name = name }).Validate());

    [Fact]
    public void A_64_character_name_is_allowed() =>
        Assert.Empty((Ok with { Name = new string('n', 64) }).Validate());

    [Fact]
    public void The_estimate_adds_the_stored_energy_to_the_starting_level()
    {
        // 60 kWh battery at 20 %, 10 kWh delivered at 90 %: 9 kWh stored = 15 % -> 35 %, 21 kWh x 6 km/kWh = 126 km.
        var (level, range) = BatteryEstimate.After(Ok, 10);
        Assert.Equal(35.0, level, 1e-9);
        Assert.Equal(126.0, range, 1e-9);
    }

    [Fact]
    public void The_estimate_with_nothing_delivered_is_the_starting_level()
    {
        var (level, range) = BatteryEstimate.After(Ok, 0);
        Assert.Equal(20.0, level, 1e-9);
        Assert.Equal(72.0, range, 1e-9);
    }

    [Fact]
    public void The_level_never_passes_100_percent_and_never_falls() =>
        Gen.Select(Gen.Double[1, 250], Gen.Double[0, 100], Gen.Double[0, 500], Gen.Double[0.5, 1]).Sample((capacity, start, kwh, eff) =>
        {
            var s = Ok with { EvBatteryCapacityKwh = capacity, EvStartingLevelPercent = start };
            var (level, range) = BatteryEstimate.After(s, kwh, eff);
            Assert.InRange(level, start - 1e-9, 100.0);
            Assert.Equal(level / 100 * capacity * s.EvKmPerKwh, range, 1e-6);
            var (more, _) = BatteryEstimate.After(s, kwh + 1, eff);
            Assert.True(more >= level);
        }, iter: 500);

    [Fact]
    public void A_full_battery_caps_at_100_percent()
    {
        var (level, range) = BatteryEstimate.After(Ok, 1000);
        Assert.Equal(100.0, level);
        Assert.Equal(360.0, range, 1e-9);
    }

    [Fact]
    public void Bad_estimate_inputs_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BatteryEstimate.After(Ok, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatteryEstimate.After(Ok, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatteryEstimate.After(Ok, 1, 1.1));
        Assert.Throws<InvalidSettingsException>(() => BatteryEstimate.After(Ok with { EvBatteryCapacityKwh = 0 }, 1));
    }
}
