namespace SmartElek.Charger.Safety;

public enum FaultKind
{
    GfciTrip,
    GfciSelfTestFailed,
    GroundLoss,
    OverCurrent,
    OverVoltage,
    UnderVoltage,
    FrequencyOutOfRange,
    OverTemperature,
    /// <summary>The vehicle asked for ventilation (J1772 state D): this product is not for such vehicles.</summary>
    VentilationRequired,
    /// <summary>The pilot's low level is not -12 V while PWM runs: missing or shorted diode.</summary>
    DiodeCheckFailed,
    RelayWelded,
    /// <summary>Pilot in E (shorted) or F where no one drives it.</summary>
    PilotError,
}

/// <summary>How a fault goes away.</summary>
public enum FaultClearing
{
    /// <summary>"Unplug to reset": cleared when the pilot returns to A.</summary>
    OnUnplug,
    /// <summary>Needs a person at the unit: a press of the SET button.</summary>
    WithSetButton,
    /// <summary>Cleared after <see cref="FaultRule.RetryAfter"/>, at most <see cref="FaultRule.MaxRetries"/> times; then latched until unplug. Unplug also clears it.</summary>
    AutoRetry,
    /// <summary>Cleared as soon as its condition is gone (with hysteresis), e.g. over-temperature.</summary>
    WhenConditionClears,
}

/// <param name="OcppErrorCode">The OCPP 1.6 ChargePointErrorCode a Gateway reports for it.</param>
public sealed record FaultRule(FaultKind Kind, FaultClearing Clearing, TimeSpan RetryAfter, int MaxRetries, string OcppErrorCode, string Text);

public static class FaultRules
{
    private static readonly Dictionary<FaultKind, FaultRule> Rules = new[]
    {
        new FaultRule(FaultKind.GfciTrip, FaultClearing.AutoRetry, TimeSpan.FromMinutes(15), 3, "GroundFailure", "Ground fault (GFCI) trip"),
        new FaultRule(FaultKind.GfciSelfTestFailed, FaultClearing.WithSetButton, TimeSpan.Zero, 0, "GroundFailure", "GFCI self-test failed"),
        new FaultRule(FaultKind.GroundLoss, FaultClearing.AutoRetry, TimeSpan.FromMinutes(1), 5, "GroundFailure", "No protective ground"),
        new FaultRule(FaultKind.OverCurrent, FaultClearing.OnUnplug, TimeSpan.Zero, 0, "OverCurrentFailure", "Vehicle draws more than offered"),
        new FaultRule(FaultKind.OverVoltage, FaultClearing.AutoRetry, TimeSpan.FromMinutes(1), 10, "OverVoltage", "Supply voltage too high"),
        new FaultRule(FaultKind.UnderVoltage, FaultClearing.AutoRetry, TimeSpan.FromMinutes(1), 10, "UnderVoltage", "Supply voltage too low"),
        new FaultRule(FaultKind.FrequencyOutOfRange, FaultClearing.AutoRetry, TimeSpan.FromMinutes(1), 10, "OtherError", "Supply frequency out of range"),
        new FaultRule(FaultKind.OverTemperature, FaultClearing.WhenConditionClears, TimeSpan.Zero, 0, "HighTemperature", "Too hot: charging stopped"),
        new FaultRule(FaultKind.VentilationRequired, FaultClearing.OnUnplug, TimeSpan.Zero, 0, "EVCommunicationError", "Vehicle requires ventilation (state D): not supported"),
        new FaultRule(FaultKind.DiodeCheckFailed, FaultClearing.OnUnplug, TimeSpan.Zero, 0, "EVCommunicationError", "Vehicle diode missing or shorted"),
        new FaultRule(FaultKind.RelayWelded, FaultClearing.WithSetButton, TimeSpan.Zero, 0, "PowerSwitchFailure", "Relay welded (voltage after an open relay)"),
        new FaultRule(FaultKind.PilotError, FaultClearing.OnUnplug, TimeSpan.Zero, 0, "EVCommunicationError", "Control pilot error (state E/F)"),
    }.ToDictionary(r => r.Kind);

    public static FaultRule For(FaultKind kind) =>
        Rules.TryGetValue(kind, out var rule) ? rule : throw new ArgumentOutOfRangeException(nameof(kind), kind, "No rule for this fault kind.");
}
