namespace SmartElek.Charger.Leds;

/// <summary>What the STATUS LED (green/red) shows.</summary>
public enum StatusIndication { NoVehicle, PluggedNotCharging, Charging, Fault, FactoryReset }

/// <summary>The manual's STATUS LED table.</summary>
public static class StatusLed
{
    /// <summary>Normal flashing (charging, fault).</summary>
    public const double FlashHz = 1.0;
    /// <summary>"Fast blinking" while a factory reset runs.</summary>
    public const double FastBlinkHz = 5.0;

    public static LedPattern For(StatusIndication s) => s switch
    {
        StatusIndication.NoVehicle => LedPattern.Off,
        StatusIndication.PluggedNotCharging => LedPattern.Solid(LedColor.Green),
        StatusIndication.Charging => LedPattern.Flashing(LedColor.Green, FlashHz),
        StatusIndication.Fault => LedPattern.Flashing(LedColor.Red, FlashHz),
        StatusIndication.FactoryReset => LedPattern.Flashing(LedColor.Green, FastBlinkHz),
        _ => throw new ArgumentOutOfRangeException(nameof(s), s, "Unknown status indication."),
    };
}

/// <summary>What the NETWORK LED (blue) shows.</summary>
public enum NetworkIndication { Searching, Connected, PermitJoinOpen, Disconnected, ResettingOff }

/// <summary>The manual's NETWORK LED table.</summary>
public static class NetworkLed
{
    /// <summary>"Fast flashing" while searching for a network.</summary>
    public const double FastFlashHz = 4.0;
    /// <summary>On a factory reset the LED goes dark this long, then shows <see cref="NetworkIndication.Searching"/>.</summary>
    public static readonly TimeSpan ResettingOffTime = TimeSpan.FromSeconds(1);

    public static LedPattern For(NetworkIndication n) => n switch
    {
        NetworkIndication.Searching => LedPattern.Flashing(LedColor.Blue, FastFlashHz),
        NetworkIndication.Connected => LedPattern.Solid(LedColor.Blue),
        NetworkIndication.PermitJoinOpen => LedPattern.Flashing(LedColor.Blue, 1.0),
        NetworkIndication.Disconnected => LedPattern.Blips(LedColor.Blue, 2, TimeSpan.FromSeconds(1)),
        NetworkIndication.ResettingOff => LedPattern.Off,
        _ => throw new ArgumentOutOfRangeException(nameof(n), n, "Unknown network indication."),
    };
}
