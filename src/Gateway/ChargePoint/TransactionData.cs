using System.Collections.Immutable;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// The readings of one transaction for <c>StopTransaction.transactionData</c> (StopTxnSampledData,
/// StopTxnAlignedData), at most <see cref="Capacity"/> of them however long the session. Immutable.
/// <para>
/// The first reading (Transaction.Begin) and the last (Transaction.End) are always kept: they are
/// meterStart and meterStop as the meter saw them, what a billing audit checks first. In between,
/// readings are thinned evenly by arrival (every <see cref="Stride"/>-th, the stride doubling each
/// time the buffer fills), so the data still covers the whole session at an even resolution
/// rather than only its beginning or its end. The register is cumulative, so a dropped reading
/// loses no energy: any two kept readings bound what was drawn between them, and every periodic
/// and clock-aligned reading was sent in full as its own MeterValues anyway. Memory held is
/// Capacity readings plus the latest one, whatever the session's length.
/// </para>
/// </summary>
/// <param name="Capacity">the most readings transactionData carries (at least 2: the first and the last)</param>
/// <param name="Kept">the readings kept so far with their arrival index, the first always among them</param>
/// <param name="Seen">how many readings arrived</param>
/// <param name="Stride">an arrival index is kept when it is a multiple of this (a power of 2)</param>
/// <param name="Latest">the last reading that arrived (kept or not): it ends the data</param>
public sealed record TransactionData(int Capacity, ImmutableList<(long Index, MeterValue Reading)> Kept, long Seen, long Stride, MeterValue? Latest)
{
    public const int MinimumCapacity = 2;

    public static TransactionData Empty(int capacity) => capacity >= MinimumCapacity
        ? new(capacity, [], 0, 1, null)
        : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"transactionData needs room for at least {MinimumCapacity} readings (the first and the last).");

    /// <summary>The next reading (readings without sampled values are not data and are ignored).</summary>
    public TransactionData Add(MeterValue reading)
    {
        if (reading.SampledValue.Count == 0) return this;
        var index = Seen;
        var next = this with { Seen = Seen + 1, Latest = reading };
        if (index % Stride != 0) return next;
        var kept = Kept.Add((index, reading));
        var stride = Stride;
        // One place stays free for the latest reading, which Readings() appends when it is not kept.
        while (kept.Count > Capacity - 1)
        {
            stride *= 2;
            var s = stride;
            kept = kept.RemoveAll(k => k.Index % s != 0);
        }
        return next with { Kept = kept, Stride = stride };
    }

    /// <summary>What StopTransaction carries: the kept readings and the latest, in arrival order (null when none).</summary>
    public IReadOnlyList<MeterValue>? Readings()
    {
        if (Latest is null) return null;
        var readings = Kept.Select(k => k.Reading).ToList();
        if (Kept[^1].Index != Seen - 1) readings.Add(Latest);
        return readings;
    }
}
