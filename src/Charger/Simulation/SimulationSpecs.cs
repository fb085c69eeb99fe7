namespace SmartElek.Charger.Simulation;

/// <param name="NoiseFraction">Relative noise on measured values (the truth stays exact).</param>
public sealed record GridSpec(double NominalVolts = 240, double FrequencyHz = 60, double NoiseFraction = 0.002, int Seed = 4500)
{
    public static readonly GridSpec Default = new();
}

/// <param name="OnboardChargerAmps">The most the vehicle's own charger takes.</param>
/// <param name="TaperFromSocPercent">Above this state of charge the current falls linearly towards <paramref name="MinTaperAmps"/> at 100 %.</param>
/// <param name="ResponseDelay">How long the vehicle takes to follow a new offer (J1772 allows up to 5 s).</param>
/// <param name="Efficiency">Share of the AC energy that ends up in the battery.</param>
public sealed record VehicleSpec(
    double BatteryKwh = 60,
    double StartSocPercent = 20,
    double OnboardChargerAmps = 32,
    double TaperFromSocPercent = 80,
    double MinTaperAmps = 2,
    TimeSpan? ResponseDelay = null,
    double Efficiency = 1.0,
    double PowerFactor = 0.99)
{
    public TimeSpan Delay => ResponseDelay ?? TimeSpan.FromSeconds(2);

    public void Validate()
    {
        if (BatteryKwh <= 0) throw new ArgumentOutOfRangeException(nameof(BatteryKwh), BatteryKwh, "Battery capacity must be above 0 kWh.");
        if (StartSocPercent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(StartSocPercent), StartSocPercent, "State of charge must be 0-100 %.");
        if (OnboardChargerAmps <= 0) throw new ArgumentOutOfRangeException(nameof(OnboardChargerAmps), OnboardChargerAmps, "Onboard charger limit must be above 0 A.");
        if (Delay < TimeSpan.Zero || Delay > TimeSpan.FromSeconds(5)) throw new ArgumentOutOfRangeException(nameof(ResponseDelay), Delay, "A J1772 vehicle follows a new offer within 0-5 s.");
        if (Efficiency is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(Efficiency), Efficiency, "Efficiency must be in (0, 1].");
        if (PowerFactor is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(PowerFactor), PowerFactor, "Power factor must be in (0, 1].");
    }
}
