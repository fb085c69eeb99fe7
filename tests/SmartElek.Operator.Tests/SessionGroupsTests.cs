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
    public async Task A_session_authorised_by_a_user_or_their_idTag_pays_their_group_s_tariff_and_others_the_default()
    {
        var options = new PersistenceOptions { SqliteDataFolder = _folder };
        var users = new UserStore(options);
        await users.EnsureSchemaAsync();
        var now = DateTimeOffset.UtcNow;
        await users.CreateUserAsync("rita", Roles.Driver, null, "RFID-0007", now);
        await users.CreateUserAsync("dan", Roles.Driver, null, null, now);
        // Stands in for the user's own group (added in src/Operator/Users): rita lives here, dan is a guest.
        var groupOf = new Dictionary<string, string> { ["rita"] = "residents", ["dan"] = "guests" };
        var book = TariffConfiguration.Parse(File.ReadAllText(Repository.Config("tariffs.json")));
        var pricing = new SessionPricing(new LiveTariffs(book), new UserSessionGroups(users, u => groupOf.GetValueOrDefault(u.Name)), NodaTime.DateTimeZone.Utc);
        var reads = new ReadStore(options, pricing: pricing);
        await reads.EnsureSchemaAsync();

        var t0 = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
        var offset = 0;
        foreach (var (charger, by) in new[] { ("c-1", "ocpp:rfid-0007"), ("c-2", "rita"), ("c-3", "dan"), ("c-4", "auto-start"), ("c-5", "ocpp:UNKNOWN") })
            await reads.ApplyAsync(ReadSideProjection.Sessions,
                [new JournalledFact(++offset, new SessionFact(new ChargerId(charger), new PluggedIn("s", t0, 0))),
                 new JournalledFact(++offset, new SessionFact(new ChargerId(charger), new Authorised("s", t0.AddSeconds(1), by)))]);
        foreach (var charger in new[] { "c-1", "c-2", "c-3", "c-4", "c-5" })
            await reads.ApplyAsync(ReadSideProjection.Energy, [new JournalledFact(++offset, new EnergyReadingFact(new ChargerId(charger), t0.AddMinutes(10), 1000, "s"))]);

        var cost = (await reads.SessionsAsync(ReadPeriod.All)).ToDictionary(s => s.Charger.Value, s => s.Cost!);
        // The shipped tariffs on Saturday 5 December 2026 at 12:00 UTC: residents 0.24, standard 0.32 (winter base).
        Assert.Equal(("residents", "residents", 0.24), (cost["c-1"].Tariff, cost["c-1"].DriverGroup, Math.Round(cost["c-1"].Amount, 9)));
        Assert.Equal(("residents", "residents", 0.24), (cost["c-2"].Tariff, cost["c-2"].DriverGroup, Math.Round(cost["c-2"].Amount, 9)));
        Assert.Equal(("standard", "guests", 0.32), (cost["c-3"].Tariff, cost["c-3"].DriverGroup, Math.Round(cost["c-3"].Amount, 9)));
        foreach (var nobody in new[] { "c-4", "c-5" })
            Assert.Equal(("standard", (string?)null, 0.32), (cost[nobody].Tariff, cost[nobody].DriverGroup, Math.Round(cost[nobody].Amount, 9)));
    }
}
