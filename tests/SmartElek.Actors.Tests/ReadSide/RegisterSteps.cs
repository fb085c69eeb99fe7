using CsCheck;
using SmartElek.Actors.ReadSide;

namespace SmartElek.Actors.Tests.ReadSide;

/// <summary>One step of a charger's life: time passes, then the register grows by an amount and is read, or the register is reset.</summary>
internal sealed record RegisterStep(double Seconds, double GrowthWh, bool Reset)
{
    /// <param name="maxSeconds">the longest a step lasts</param>
    public static Gen<RegisterStep> Gen(double maxSeconds) =>
        CsCheck.Gen.Select(CsCheck.Gen.Double[0, maxSeconds], CsCheck.Gen.Double[0, 8000], CsCheck.Gen.Int[0, 9])
            .Select((s, g, r) => new RegisterStep(Math.Round(s, 3), g, r == 0));

    /// <summary>Reads the register through <see cref="EnergyDays"/> at each step from <paramref name="start"/>: the slices, how much it grew, and when the last step ended.</summary>
    public static (List<EnergySlice> Slices, double GrownWh, DateTimeOffset End) Replay(DateTimeOffset start, IEnumerable<RegisterStep> steps, TimeSpan? spreadLimit)
    {
        var at = start;
        EnergyCursor? cursor = null;
        var register = 0.0;
        var grown = 0.0;
        var slices = new List<EnergySlice>();
        foreach (var step in steps)
        {
            at = at.AddSeconds(step.Seconds);
            if (step.Reset)
            {
                register = 0;
                cursor = EnergyDays.Reset(at);
                continue;
            }
            register += step.GrowthWh;
            grown += step.GrowthWh;
            var (next, split) = EnergyDays.Read(cursor, at, register, spreadLimit);
            cursor = next;
            slices.AddRange(split);
        }
        return (slices, grown, at);
    }
}
