using SmartElek.Actors.Persistence;
using SmartElek.Actors.ReadSide;
using SmartElek.Charger.Sessions;
using SmartElek.Operator.Api;
using SmartElek.Operator.Users;
using SmartElek.Tariffs;
using static SmartElek.Charger.Sessions.SessionEvents;

namespace SmartElek.Operator.Tests;

/// <summary>The users' groups through the read side's seam, on a real SQLite database: the group picks the tariff a session pays.</summary>
public sealed class SessionGroupsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("smartelek-session-groups-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* the OS cleans temp */ }
    }

    [Fact]
    public async Task A_session_pays_the_tariff_of_the_group_of_who_authorised_it_else_of_the_driver_its_charger_is_assigned_to()
    {
        var options = new PersistenceOptions { SqliteDataFolder = _folder };
        var users = new UserStore(options);
        await users.EnsureSchemaAsync();
        var now = DateTimeOffset.UtcNow;
        // rita lives here and has charger c-6 as her own; dan is a guest with c-7.
        var rita = (await users.CreateUserAsync("rita", Roles.Driver, null, "RFID-0007", now, group: "residents"))!;
        var dan = (await users.CreateUserAsync("dan", Roles.Driver, null, null, now, group: "guests"))!;
        await users.SetAssignmentsAsync(rita.Id, ["c-6"]);
        await users.SetAssignmentsAsync(dan.Id, ["c-7"]);
        var book = TariffConfiguration.Parse(File.ReadAllText(Repository.Config("tariffs.json")));
        var pricing = new SessionPricing(new LiveTariffs(book), new UserSessionGroups(users), NodaTime.DateTimeZone.Utc);
        var reads = new ReadStore(options, pricing: pricing);
        await reads.EnsureSchemaAsync();

        var t0 = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
        var offset = 0;
        var sessions = new[]
        {
            ("c-1", "ocpp:rfid-0007"), ("c-2", "rita"), ("c-3", "dan"), ("c-4", "auto-start"), ("c-5", "ocpp:UNKNOWN"),
            ("c-6", "auto-start"), ("c-7", "rita"), ("c-6", "ocpp:UNKNOWN"),
        };
        var chargers = sessions.Select(x => x.Item1).Distinct().ToList();
        // One session per charger and authorisation: c-6 has two ("s" auto-started, "t" by an unknown tag).
        var ids = new Dictionary<string, string>();
        foreach (var (charger, by) in sessions)
        {
            var id = ids.ContainsKey(charger) ? "t" : "s";
            ids[charger] = id;
            await reads.ApplyAsync(ReadSideProjection.Sessions,
                [new JournalledFact(++offset, new SessionFact(new ChargerId(charger), new PluggedIn(id, t0, 0))),
                 new JournalledFact(++offset, new SessionFact(new ChargerId(charger), new Authorised(id, t0.AddSeconds(1), by)))]);
            await reads.ApplyAsync(ReadSideProjection.Energy, [new JournalledFact(++offset, new EnergyReadingFact(new ChargerId(charger), t0.AddMinutes(10), 1000, id))]);
        }

        var cost = (await reads.SessionsAsync(ReadPeriod.All)).ToDictionary(s => $"{s.Charger.Value}/{s.SessionId}", s => s.Cost!);
        // The shipped tariffs on Saturday 5 December 2026 at 12:00 UTC: residents 0.24, standard 0.32 (winter base); guests pay the standard.
        (string, string?, double) Paid(string key) => (cost[key].Tariff, cost[key].DriverGroup, Math.Round(cost[key].Amount, 9));
        // Who authorised decides: rita by her tag or her name, also on dan's charger; dan.
        Assert.Equal(("residents", "residents", 0.24), Paid("c-1/s"));
        Assert.Equal(("residents", "residents", 0.24), Paid("c-2/s"));
        Assert.Equal(("residents", "residents", 0.24), Paid("c-7/s"));
        Assert.Equal(("standard", "guests", 0.32), Paid("c-3/s"));
        // Nobody known: the charger's own driver (as her budget and plan count it), else the default tariff.
        Assert.Equal(("residents", "residents", 0.24), Paid("c-6/s"));
        Assert.Equal(("residents", "residents", 0.24), Paid("c-6/t"));
        foreach (var nobody in new[] { "c-4/s", "c-5/s" })
            Assert.Equal(("standard", (string?)null, 0.32), Paid(nobody));
    }
}
