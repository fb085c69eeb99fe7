using Akka.Actor;
using SmartElek.Actors.Charger;
using SmartElek.Actors.Tests.Persistence;

namespace SmartElek.Actors.Tests.Charger;

/// <summary>
/// One charger journal alone (no unit) on a real SQLite file, through successive lives: each
/// <see cref="Start"/> is a new ActorSystem on the same file, as after a reboot.
/// </summary>
internal sealed class JournalLives(string name, ChargerId charger) : IAsyncDisposable
{
    private readonly TempSqliteDatabase _database = new();
    private readonly List<ActorSystem> _systems = [];

    public (ActorSystem System, IActorRef Journal) Start(ChargerJournalSettings settings)
    {
        var system = ActorSystem.Create($"{name}-life-{_systems.Count}", _database.Database.Config());
        _systems.Add(system);
        return (system, system.ActorOf(ChargerJournal.GuardProps(charger, settings), "journal-guard"));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var system in _systems)
            await system.Terminate();
        _database.Dispose();
    }
}
