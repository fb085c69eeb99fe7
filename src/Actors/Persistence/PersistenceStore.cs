using Microsoft.Data.Sqlite;

namespace SmartElek.Actors.Persistence;

/// <summary>What must happen to the database once, before the ActorSystem starts.</summary>
public static class PersistenceStore
{
    /// <summary>
    /// SQLite: creates the data folder and the file and turns on write-ahead logging (persistent in
    /// the file; about 2.5x the single-write rate and readers no longer block the writer). The tables
    /// are created by the plugin's auto-initialize on first use. PostgreSQL: nothing; the server may
    /// even be down, persistent actors wait for it (see <see cref="PersistenceGuard"/>).
    /// </summary>
    public static void Prepare(PersistenceOptions options, Func<string, string?>? environment = null)
    {
        options.Validate(environment);
        if (options.Provider != PersistenceProvider.Sqlite) return;

        Directory.CreateDirectory(Path.GetDirectoryName(options.SqliteFilePath)!);
        using var connection = new SqliteConnection(options.ConnectionString(environment));
        connection.Open();
        using var command = Sql.Command(connection, null, "PRAGMA journal_mode=WAL;");
        CheckWal(options, command.ExecuteScalar());
    }

    /// <summary><see cref="Prepare"/> without blocking a thread on the file.</summary>
    public static async Task PrepareAsync(PersistenceOptions options, Func<string, string?>? environment = null, CancellationToken cancel = default)
    {
        options.Validate(environment);
        if (options.Provider != PersistenceProvider.Sqlite) return;

        Directory.CreateDirectory(Path.GetDirectoryName(options.SqliteFilePath)!);
        await using var connection = Sql.Connection(PersistenceProvider.Sqlite, options.ConnectionString(environment));
        await connection.OpenAsync(cancel);
        await using var command = Sql.Command(connection, null, "PRAGMA journal_mode=WAL;");
        CheckWal(options, await command.ExecuteScalarAsync(cancel));
    }

    private static void CheckWal(PersistenceOptions options, object? answer)
    {
        var mode = answer as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"SQLite file {options.SqliteFilePath} refused write-ahead logging (journal_mode is '{mode}').");
    }
}
