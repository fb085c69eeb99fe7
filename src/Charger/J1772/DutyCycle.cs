namespace SmartElek.Charger.J1772;

/// <summary>
/// The SAE J1772 mapping between an offered current and the pilot's 1 kHz PWM duty cycle.
/// 6–51 A: duty % = A / 0.6; 51–80 A: duty % = A / 2.5 + 64. No duty expresses 51–52.5 A
/// (85 % reads as 51 A), so such offers are clamped down to 51 A.
/// </summary>
public static class DutyCycle
{
    public const double MinOfferAmps = 6.0;
    public const double MaxOfferAmps = 80.0;
    /// <summary>The top of the low formula; 85 % duty.</summary>
    public const double LowRangeTopAmps = 51.0;
    /// <summary>Below this the high formula would give a duty that the vehicle reads with the low formula.</summary>
    public const double HighRangeBottomAmps = 52.5;
    /// <summary>Duty reported for "no offer": no PWM, the pilot sits at steady +12 V (100 % high).</summary>
    public const double NoOfferDuty = 100.0;

    /// <summary>
    /// The duty % that offers <paramref name="amps"/>. 0 A means no offer: no PWM, steady +12 V, reported
    /// as 100 %. Offers between 51 and 52.5 A are clamped down to 51 A (85 %).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, not a number, between 0 and 6 A, or above 80 A.</exception>
    public static double FromAmps(double amps)
    {
        if (double.IsNaN(amps) || amps < 0)
            throw new ArgumentOutOfRangeException(nameof(amps), amps, "An offered current must be 0 A or between 6 and 80 A.");
        if (amps == 0)
            return NoOfferDuty;
        if (amps < MinOfferAmps)
            throw new ArgumentOutOfRangeException(nameof(amps), amps, "J1772 cannot offer less than 6 A: offer 0 A (pause) or at least 6 A.");
        if (amps > MaxOfferAmps)
            throw new ArgumentOutOfRangeException(nameof(amps), amps, "J1772 cannot offer more than 80 A.");
        if (amps < HighRangeBottomAmps)
            return Math.Min(amps, LowRangeTopAmps) / 0.6;
        return amps / 2.5 + 64.0;
    }

    /// <summary>
    /// The current a vehicle reads from a duty %, as in SAE J1772 Table: &lt;3 %: none; 3–7 %: digital
    /// communication (0 A here, see <see cref="IsDigitalCommunication"/>); 7–8 %: none; 8–10 %: 6 A;
    /// 10–85 %: duty × 0.6; 85–96 %: (duty − 64) × 2.5; 96–97 %: 80 A; &gt;97 % (incl. steady +12 V): none.
    /// </summary>
    public static double ToAmps(double dutyPercent)
    {
        if (double.IsNaN(dutyPercent) || dutyPercent < 8.0 || dutyPercent > 97.0)
            return 0.0;
        if (dutyPercent < 10.0)
            return MinOfferAmps;
        if (dutyPercent <= 85.0)
            return dutyPercent * 0.6;
        if (dutyPercent <= 96.0)
            return (dutyPercent - 64.0) * 2.5;
        return MaxOfferAmps;
    }

    /// <summary>3–7 % (nominal 5 %) asks the vehicle to use digital communication instead of a PWM offer.</summary>
    public static bool IsDigitalCommunication(double dutyPercent) => dutyPercent is >= 3.0 and <= 7.0;
}
