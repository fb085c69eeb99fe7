using SmartElek.Actors.Charger;
using SmartElek.Charger.Settings;
using SmartElek.Site.View;

namespace SmartElek.Actors.SiteView;

/// <summary>A unit's status as the site view carries it (pure): rounded to what is shown.</summary>
public static class ChargerSnapshots
{
    public static ChargerSnapshot Of(ChargerStatus s, ChargerSettings? settings)
    {
        ArgumentNullException.ThrowIfNull(s);
        var inSession = s.SessionId is not null;
        return new ChargerSnapshot(
            s.ChargerId, s.Name, s.At, s.Pilot, s.RelaysClosed, s.RelaysVerified,
            LedView.Of(s.StatusLed), LedView.Of(s.NetworkLed),
            ChargerSnapshot.Amps(s.GrantedAmps), s.GrantLimit, ChargerSnapshot.Amps(s.OfferedAmps), ChargerSnapshot.Amps(s.DrawnAmps),
            Math.Round(s.Volts, 1), Math.Round(s.PowerW / 10) * 10, Math.Round(s.FrequencyHz, 2), Math.Round(s.PowerFactor, 2),
            Math.Round(s.RegisterWh), s.RegisterRecovered,
            s.Session, s.SessionId, Math.Round(s.SessionKwh * 1000),
            // Whole seconds: the start of the count stays put while the duration grows.
            inSession ? new DateTimeOffset((s.At - s.SessionDuration).UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero) : null,
            s.LastSession?.SessionId, Math.Round(s.LastSession?.EnergyWh ?? 0),
            s.StopReason, Math.Round(s.EvLevelPercent, 1), Math.Round(s.EvRangeKm),
            [.. s.Faults.Select(f => new FaultView(f.Kind, f.Since, f.Detail, f.Latched, f.RetryAt, f.Clearing))],
            s.Thermal, s.GfciTrips, s.LastButtonAction, s.CurrentLimitAmps, s.Operative, settings);
    }
}
