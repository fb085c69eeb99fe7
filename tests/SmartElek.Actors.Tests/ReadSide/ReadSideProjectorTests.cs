using Akka.Actor;
using SmartElek.Actors.Charger;
using SmartElek.Actors.ReadSide;
using SmartElek.Actors.Tests.Persistence;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Sessions;
using static SmartElek.Charger.Sessions.SessionEvents;

namespace SmartElek.Actors.Tests.ReadSide;

/// <summary>
/// The projection from the real charger journal (ChargerJournal, tags session and energy) into the
/// read tables on SQLite, across restarts of the whole ActorSystem and a power loss mid-session.
/// </summary>
[Trait("Speed", "Fast")]
public sealed class ReadSideProjectorTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(40);
    private static readonly ChargerId Charger = new("p-1");
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 23, 0, 0, TimeSpan.Zero);
    private static readonly ReadSideProjectorSettings Fast = ReadSideProjectorSettings.Default with { BatchWindow = TimeSpan.FromMilliseconds(100) };

    private readonly TempSqliteDatabase sqlite = new();
    private readonly List<ActorSystem> systems = [];
    private ReadStore Store => new(sqlite.Database.Options, sqlite.Database.Environment);

    // As the Host does before its system starts: the read tables exist before anyone queries them.
    public Task InitializeAsync() => Store.EnsureSchemaAsync();

    public async Task DisposeAsync()
    {
        foreach (var s in systems) await s.Terminate();
    }

    public void Dispose() => sqlite.Dispose();

    private (ActorSystem System, IActorRef Journal, IActorRef[] Projectors) Start(bool projectors = true)
    {
        var system = ActorSystem.Create("read-side-" + systems.Count, sqlite.Database.Config());
        systems.Add(system);
        var journal = system.ActorOf(ChargerJournal.GuardProps(Charger, new ChargerJournalSettings()), "journal-" + Charger.Value);
        var running = !projectors ? [] : ReadSideProjection.All.Select(p => system.ActorOf(ReadSideProjector.Props(Store, p, Fast), "read-" + p.Name)).ToArray();
        return (system, journal, running);
    }

    private static async Task<ChargerJournalProtocol.Recovered> PowerUp(IActorRef journal, DateTimeOffset at) =>
        await journal.Ask<ChargerJournalProtocol.Recovered>(new ChargerJournalProtocol.PowerUp(at), Timeout);

    private static ChargerJournalEvents.EnergyRecorded Reading(int minute, double wh, string? session) =>
        new(Charger, T0.AddMinutes(minute), wh, session);

    private static Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, string what) =>
        ReadSideWait.Until(read, done, what, Timeout);

    [Fact]
    public async Task Sessions_and_daily_energy_follow_the_journal_across_a_restart_without_double_counting()
    {
        var (system, journal, _) = Start();
        await PowerUp(journal, T0);
        journal.Tell(new ChargerJournalProtocol.Record(
        [
            new PluggedIn("s-1", T0, 0), Reading(0, 0, "s-1"), new Charging("s-1", T0.AddMinutes(1)),
            Reading(30, 3000, "s-1"), Reading(90, 9000, "s-1"),
            new Stopped("s-1", T0.AddMinutes(90), StopReason.EvDisconnected, 9000, 9000, 24),
            new PluggedOut("s-1", T0.AddMinutes(90), 9000, 9000),
        ]));
        await Eventually(() => Store.SessionsAsync(ReadPeriod.All), s => s.Count == 1 && s[0].PluggedOutAt is not null, "the first session closed");
        await Eventually(() => Store.TotalsAsync(ReadPeriod.All, 1), t => t.EnergyWh >= 9000, "9 kWh");
        await system.Terminate();

        (_, journal, _) = Start();
        await PowerUp(journal, T0.AddHours(3));
        journal.Tell(new ChargerJournalProtocol.Record(
        [
            new PluggedIn("s-2", T0.AddHours(3), 9000), Reading(180, 9000, "s-2"), Reading(240, 11_000, "s-2"),
            new Stopped("s-2", T0.AddHours(4), StopReason.Local, 11_000, 2000, 16),
            new PluggedOut("s-2", T0.AddHours(4), 11_000, 2000),
        ]));
        var sessions = await Eventually(() => Store.SessionsAsync(ReadPeriod.All), s => s.Count == 2 && s.All(x => x.PluggedOutAt is not null), "both sessions closed");
        Assert.Equal([("s-2", 2000.0, "Local"), ("s-1", 9000.0, "EvDisconnected")], sessions.Select(s => (s.SessionId, s.EnergyWh, s.StopReason!)));

        var days = await Eventually(() => Store.EnergyByChargerAndDayAsync(ReadPeriod.All, Charger), d => d.Sum(x => x.EnergyWh) >= 11_000, "11 kWh");
        // s-1 ran 23:00-00:30: 3 kWh up to 23:30, 6 kWh from 23:30 to 00:30 split half and half.
        Assert.Equal([new ChargerDayEnergy(new DateOnly(2026, 11, 23), Charger, 6000), new ChargerDayEnergy(new DateOnly(2026, 11, 24), Charger, 5000)], days);
    }

    [Fact]
    public async Task A_session_cut_by_a_power_loss_shows_as_power_loss_with_its_durable_energy()
    {
        var (system, journal, _) = Start();
        await PowerUp(journal, T0);
        journal.Tell(new ChargerJournalProtocol.Record(
        [
            new PluggedIn("s-9", T0, 500), Reading(0, 500, "s-9"), new Charging("s-9", T0.AddMinutes(1)),
            new PeakCurrentRaised("s-9", T0.AddMinutes(2), 28), Reading(20, 2100, "s-9"),
        ]));
        await Eventually(() => Store.TotalsAsync(ReadPeriod.All, 1), t => t.EnergyWh >= 2100, "the readings before the cut");
        // The power goes: nothing more is written.
        await system.Terminate();

        var (_, again, _) = Start();
        var recovered = await PowerUp(again, T0.AddHours(1));
        Assert.NotEmpty(recovered.ClosedAtPowerUp);
        var cut = (await Eventually(() => Store.SessionsAsync(ReadPeriod.All, Charger), s => s.Count == 1 && s[0].PluggedOutAt is not null, "the closed session"))[0];
        Assert.Equal("PowerLoss", cut.StopReason);
        Assert.Equal(1600, cut.EnergyWh, 1e-9);
        Assert.Equal(2100, cut.EndRegisterWh);
        Assert.Equal(28, cut.PeakAmps);
        Assert.Equal(2100, (await Store.TotalsAsync(ReadPeriod.All, 1)).EnergyWh, 1e-9);
    }

    [Fact]
    public async Task A_catch_up_without_the_site_brings_the_tables_to_the_journal_once()
    {
        var (system, journal, _) = Start(projectors: false);
        await PowerUp(journal, T0);
        journal.Tell(new ChargerJournalProtocol.Record(
        [
            new PluggedIn("s-7", T0, 0), Reading(0, 0, "s-7"), Reading(60, 4000, "s-7"),
            new Stopped("s-7", T0.AddMinutes(60), StopReason.Remote, 4000, 4000, 20),
            new PluggedOut("s-7", T0.AddMinutes(61), 4000, 4000),
        ]));
        var latest = await Eventually(() => Store.LatestTaggedOffsetAsync(ReadSideProjection.Sessions.Tag), o => o > 0, "the journalled events");
        await Eventually(async () => (await journal.Ask<ChargerJournalState>(ChargerJournalProtocol.GetState.Instance, Timeout)).DurableRegisterWh,
            wh => wh >= 4000, "the journal holding 4 kWh");
        await system.Terminate();
        Assert.Equal(0, await Store.OffsetAsync(ReadSideProjection.Sessions));

        Assert.True(await ReadSideCatchUp.RunAsync(sqlite.Database.Options, Store, Timeout, sqlite.Database.Environment));
        Assert.True(await ReadSideCatchUp.RunAsync(sqlite.Database.Options, Store, Timeout, sqlite.Database.Environment));
        Assert.True(await Store.OffsetAsync(ReadSideProjection.Sessions) >= latest);
        var session = Assert.Single(await Store.SessionsAsync(ReadPeriod.All));
        Assert.Equal(("s-7", "Remote", 4000.0), (session.SessionId, session.StopReason, session.EnergyWh));
        Assert.Equal(4000, (await Store.TotalsAsync(ReadPeriod.All, 1)).EnergyWh, 1e-9);
    }

    [Fact]
    public async Task The_projector_reports_the_offset_it_has_stored()
    {
        var (_, journal, projectors) = Start();
        await PowerUp(journal, T0);
        journal.Tell(new ChargerJournalProtocol.Record([new PluggedIn("s-5", T0, 0), Reading(1, 10, "s-5")]));
        var applied = await Eventually(
            () => projectors[0].Ask<ReadSideProjectorProtocol.Applied>(ReadSideProjectorProtocol.GetApplied.Instance, Timeout),
            a => a.Offset > 0, "an applied offset");
        Assert.Equal(ReadSideProjection.Sessions.Name, applied.Projection);
        Assert.Equal(applied.Offset, await Store.OffsetAsync(ReadSideProjection.Sessions));
    }
}
