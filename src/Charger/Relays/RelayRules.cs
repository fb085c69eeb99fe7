using SmartElek.Charger.Hardware;
using SmartElek.Charger.J1772;

namespace SmartElek.Charger.Relays;

/// <summary>Weld (stuck contact) detection: voltage seen after a relay that was commanded open.</summary>
public static class WeldDetection
{
    /// <summary>Above this many volts on the vehicle side, an open relay is conducting.</summary>
    public const double OpenSenseLimitVolts = 30.0;

    /// <summary>How long after an open command the contacts and sense circuit need before the check.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(200);

    public static bool IsWelded(RelayPosition commanded, double senseVolts) =>
        commanded == RelayPosition.Open && Math.Abs(senseVolts) > OpenSenseLimitVolts;

    /// <summary>The lines whose relays conduct although commanded open.</summary>
    public static IReadOnlyList<RelayLine> WeldedLines(IEnumerable<IRelayDriver> relays) =>
        relays.Where(r => IsWelded(r.Commanded, r.SenseVolts())).Select(r => r.Line).ToList();
}

/// <summary>
/// Invariant 5 in one place: the relays may be closed only while the pilot is in C, no fault is
/// latched and a current above 0 A is offered. Closing needs more (authorisation, a passed GFCI
/// self-test); opening needs only one of these to fail.
/// </summary>
public static class RelayPolicy
{
    public static bool MustBeOpen(PilotState pilot, bool faultActive, double offeredAmps) =>
        pilot != PilotState.C || faultActive || offeredAmps <= 0;

    public static bool MayClose(PilotState pilot, bool faultActive, double offeredAmps, bool authorised, bool gfciSelfTestPassed) =>
        !MustBeOpen(pilot, faultActive, offeredAmps) && authorised && gfciSelfTestPassed;
}
