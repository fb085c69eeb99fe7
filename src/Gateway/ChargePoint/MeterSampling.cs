using System.Globalization;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// The charge point's meter data as pure functions: one reading of the charger's meter as the
/// MeterValue of the measurands a key names, and the clock-aligned schedule (boundaries on the grid
/// of <c>ClockAlignedDataInterval</c> from UTC midnight, see <see cref="ClockAlignment"/>).
/// </summary>
public static class MeterSampling
{
    /// <summary>
    /// The MeterValue of <paramref name="measurands"/> from one reading, stamped <paramref name="at"/>; a
    /// measurand the meter has no value for (SoC without an estimate) is left out. Register in whole
    /// Wh, the rest with at most three decimals.
    /// </summary>
    public static MeterValue Sample(MeterSnapshot m, ReadingContext context, IReadOnlyList<Measurand> measurands, DateTimeOffset at)
    {
        static string N(decimal v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        var values = new List<SampledValue>(measurands.Count);
        foreach (var measurand in measurands)
        {
            SampledValue? v = measurand switch
            {
                Measurand.EnergyActiveImportRegister => new(m.EnergyWh.ToString(CultureInfo.InvariantCulture), context, Measurand: measurand, Unit: UnitOfMeasure.Wh),
                Measurand.PowerActiveImport => new(N(m.PowerW), context, Measurand: measurand, Unit: UnitOfMeasure.W),
                Measurand.CurrentImport => new(N(m.CurrentA), context, Measurand: measurand, Unit: UnitOfMeasure.A),
                Measurand.CurrentOffered => new(N(m.OfferedA), context, Measurand: measurand, Unit: UnitOfMeasure.A),
                Measurand.Voltage => new(N(m.VoltageV), context, Measurand: measurand, Unit: UnitOfMeasure.V),
                Measurand.Frequency => new(N(m.FrequencyHz), context, Measurand: measurand),
                Measurand.PowerFactor => new(N(m.PowerFactor), context, Measurand: measurand),
                Measurand.SoC when m.SocPercent is { } soc => new(N(soc), context, Measurand: measurand, Location: Location.EV, Unit: UnitOfMeasure.Percent),
                _ => null,
            };
            if (v is not null) values.Add(v);
        }
        return new MeterValue(at, values);
    }

    /// <summary>The first clock-aligned boundary after <paramref name="now"/>, and the wait until it; null when the interval is zero (off).</summary>
    public static (DateTimeOffset Boundary, TimeSpan Wait)? FirstAligned(DateTimeOffset now, TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero) return null;
        var next = ClockAlignment.Next(now, (int)interval.TotalSeconds);
        return (next, next - now);
    }

    /// <summary>
    /// The boundary after <paramref name="boundary"/> and the wait until it from <paramref name="now"/>:
    /// counted from the boundary, not from now, so a late tick neither drifts nor repeats (a wait
    /// already over is zero).
    /// </summary>
    public static (DateTimeOffset Boundary, TimeSpan Wait) NextAligned(DateTimeOffset boundary, DateTimeOffset now, TimeSpan interval)
    {
        var next = ClockAlignment.Next(boundary, (int)interval.TotalSeconds);
        var wait = next - now;
        return (next, wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
    }
}
