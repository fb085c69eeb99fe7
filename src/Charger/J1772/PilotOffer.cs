namespace SmartElek.Charger.J1772;

/// <summary>
/// Turns a granted current into the offer the pilot can actually express. The PWM is set in steps of
/// 0.1 % duty, so an offer is rounded DOWN to such a step: the charger never offers more than it was granted.
/// </summary>
public static class PilotOffer
{
    /// <summary>Duty resolution in tenths of a percent.</summary>
    public const int DutyStepsPerPercent = 10;

    // Duty steps (0.1 %) of the expressible offers: 100..850 use the low formula, 851..960 the high one
    // (850 = 85 % is read as 51 A, so the high range starts one step above it).
    private const int LowestStep = 100;
    private const int LowRangeTopStep = 850;
    private const int HighestStep = 960;

    /// <summary>
    /// The largest offer at or under <paramref name="grantedAmps"/> that a 0.1 %-resolution PWM expresses,
    /// capped at 80 A; 0 A (no offer) when the grant is under 6 A.
    /// </summary>
    public static double RoundDown(double grantedAmps)
    {
        if (double.IsNaN(grantedAmps))
            throw new ArgumentOutOfRangeException(nameof(grantedAmps), grantedAmps, "A granted current must be a number.");
        if (grantedAmps < DutyCycle.MinOfferAmps)
            return 0.0;
        var granted = Math.Min(grantedAmps, DutyCycle.MaxOfferAmps);
        // Estimate the step, then correct it: floating point must never push the offer above the grant.
        var step = granted < DutyCycle.HighRangeBottomAmps
            ? (int)Math.Floor(granted * 100.0 / 6.0)
            : (int)Math.Floor(granted * 4.0) + 640;
        step = Math.Clamp(step, LowestStep, HighestStep);
        while (step < HighestStep && AmpsAtStep(step + 1) <= granted)
            step++;
        while (step > LowestStep && AmpsAtStep(step) > granted)
            step--;
        return AmpsAtStep(step);
    }

    /// <summary>The offer for a grant bounded by the charger's or user's maximum: RoundDown(min(granted, max)).</summary>
    public static double Clamp(double grantedAmps, double maxAmps) => RoundDown(Math.Min(grantedAmps, maxAmps));

    /// <summary>The duty % (a multiple of 0.1 %) that carries an offer from <see cref="RoundDown"/>; 100 for 0 A.</summary>
    public static double DutyFor(double offerAmps)
    {
        if (offerAmps == 0)
            return DutyCycle.NoOfferDuty;
        return Math.Round(DutyCycle.FromAmps(offerAmps) * DutyStepsPerPercent) / DutyStepsPerPercent;
    }

    // Exact for the high range ((s-640)/4) and correctly rounded for the low one (s*6/100).
    private static double AmpsAtStep(int step) =>
        step <= LowRangeTopStep ? step * 6 / 100.0 : (step - 640) / 4.0;
}
