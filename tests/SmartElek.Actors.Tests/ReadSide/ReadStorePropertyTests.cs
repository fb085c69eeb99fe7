using CsCheck;
using SmartElek.Actors.ReadSide;
using SmartElek.Actors.Tests.Persistence;

namespace SmartElek.Actors.Tests.ReadSide;

/// <summary>
/// Exactly-once effect, whatever the delivery: the journal's events cut into random batches, with
/// random batches delivered again (a stream restarted from an older offset, a second node), give the
/// same daily energy as folding every event once.
/// </summary>
[Trait("Speed", "Fast")]
public sealed class ReadStorePropertyTests
{
    private static readonly ChargerId[] Chargers = [new("prop-a"), new("prop-b")];
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 21, 0, 0, TimeSpan.Zero);

    // A charger's step: minutes later, the register grew (a durable reading) or was reset.
    private sealed record Step(int Charger, int Minutes, double GrowthWh, bool Reset);

    private static readonly Gen<Step> StepGen =
        Gen.Select(Gen.Int[0, 1], Gen.Int[0, 600], Gen.Double[0, 3000], Gen.Int[0, 11])
            .Select((c, m, g, r) => new Step(c, m, Math.Round(g, 2), r == 0));

    private static List<JournalledFact> Facts(Step[] steps)
    {
        var at = Start;
        var registers = new double[Chargers.Length];
        var facts = new List<JournalledFact>();
        foreach (var s in steps)
        {
            at = at.AddMinutes(s.Minutes);
            ReadSideFact fact;
            if (s.Reset)
            {
                registers[s.Charger] = 0;
                fact = new RegisterResetFact(Chargers[s.Charger], at);
            }
            else
            {
                registers[s.Charger] += s.GrowthWh;
                fact = new EnergyReadingFact(Chargers[s.Charger], at, registers[s.Charger]);
            }
            facts.Add(new JournalledFact(facts.Count + 1, fact));
        }
        return facts;
    }

    private static Dictionary<(ChargerId, DateOnly), double> FoldOnce(IEnumerable<JournalledFact> facts)
    {
        var cursors = new Dictionary<ChargerId, EnergyCursor?>();
        var days = new Dictionary<(ChargerId, DateOnly), double>();
        foreach (var f in facts)
        {
            switch (f.Fact)
            {
                case RegisterResetFact z:
                    cursors[z.Charger] = EnergyDays.Reset(z.At);
                    break;
                case EnergyReadingFact r:
                    var (next, split) = EnergyDays.Read(cursors.GetValueOrDefault(r.Charger), r.At, r.RegisterWh);
                    cursors[r.Charger] = next;
                    foreach (var d in EnergyDays.ByDay(split, NodaTime.DateTimeZone.Utc)) days[(r.Charger, d.Day)] = days.GetValueOrDefault((r.Charger, d.Day)) + d.EnergyWh;
                    break;
            }
        }
        return days;
    }

    [Fact]
    public void Random_batches_and_redeliveries_give_the_tables_of_one_pass()
    {
        var gen = Gen.Select(StepGen.Array[1, 40], Gen.Int[1, 7].Array[1, 12], Gen.Int[0, 40].Array[0, 4]);
        gen.Sample((steps, sizes, replayFrom) =>
        {
            using var sqlite = new TempSqliteDatabase();
            var store = new ReadStore(sqlite.Database.Options, sqlite.Database.Environment);
            store.EnsureSchemaAsync().GetAwaiter().GetResult();
            var facts = Facts(steps);

            var position = 0;
            var batch = 0;
            while (position < facts.Count)
            {
                var size = sizes[batch % sizes.Length];
                var chunk = facts.Skip(position).Take(size).ToList();
                store.ApplyAsync(ReadSideProjection.Energy, chunk).GetAwaiter().GetResult();
                // Now and then the stream restarts from an older offset and delivers a stretch again.
                if (batch < replayFrom.Length)
                    store.ApplyAsync(ReadSideProjection.Energy, facts.Skip(Math.Min(replayFrom[batch], position)).Take(size + 3).ToList()).GetAwaiter().GetResult();
                position += size;
                batch++;
            }

            var expected = FoldOnce(facts);
            var actual = store.EnergyByChargerAndDayAsync(ReadPeriod.All).GetAwaiter().GetResult();
            Assert.Equal(facts.Count, store.OffsetAsync(ReadSideProjection.Energy).GetAwaiter().GetResult());
            Assert.Equal(expected.Count(e => e.Value > 0), actual.Count(a => a.EnergyWh > 0));
            foreach (var row in actual)
                Assert.Equal(expected.GetValueOrDefault((row.Charger, row.Day)), row.EnergyWh, 1e-6);
        }, iter: 25, threads: 1);
    }
}
