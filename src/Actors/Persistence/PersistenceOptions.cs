using System.Text.RegularExpressions;
using Akka.Configuration;
using Npgsql;

namespace SmartElek.Actors.Persistence;

public enum PersistenceProvider
{
    /// <summary>One SQLite file on the node: the embedded, single-node default.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server shared by the nodes of a site.</summary>
    PostgreSql,
}

/// <summary>
/// Where journal, snapshots and the read side live. Read from the <c>smartelek.persistence</c>
/// HOCON section (see <c>config/persistence.conf</c>). The PostgreSQL connection string is never
/// written in a file: the options name the environment variable that holds it.
/// </summary>
public sealed partial record PersistenceOptions
{
    public const string Section = "smartelek.persistence";
    public const string ProviderKey = Section + ".provider";
    public const string SqliteDataFolderKey = Section + ".sqlite.data-folder";
    public const string SqliteFileKey = Section + ".sqlite.file";
    public const string PostgreSqlVariableKey = Section + ".postgresql.connection-string-variable";

    public PersistenceProvider Provider { get; init; } = PersistenceProvider.Sqlite;

    /// <summary>The folder of the SQLite file; relative paths are taken from the working directory.</summary>
    public string SqliteDataFolder { get; init; } = "data";

    /// <summary>The SQLite file name inside <see cref="SqliteDataFolder"/>.</summary>
    public string SqliteFile { get; init; } = "smartelek.db";

    /// <summary>The name of the environment variable holding the PostgreSQL connection string.</summary>
    public string PostgreSqlConnectionStringVariable { get; init; } = "SMARTELEK_POSTGRESQL";

    public string SqliteFilePath => Path.GetFullPath(Path.Combine(SqliteDataFolder, SqliteFile));

    /// <summary>Reads the <c>smartelek.persistence</c> section; missing keys keep their defaults.</summary>
    public static PersistenceOptions FromConfig(Config config)
    {
        var defaults = new PersistenceOptions();
        var providerText = config.GetString(ProviderKey, "sqlite");
        var provider = providerText.Trim().ToLowerInvariant() switch
        {
            "sqlite" => PersistenceProvider.Sqlite,
            "postgresql" or "postgres" => PersistenceProvider.PostgreSql,
            _ => throw new PersistenceConfigurationException(
                [$"{ProviderKey}: '{providerText}' is not a provider; use 'sqlite' or 'postgresql'."]),
        };
        return new PersistenceOptions
        {
            Provider = provider,
            SqliteDataFolder = config.GetString(SqliteDataFolderKey, defaults.SqliteDataFolder),
            SqliteFile = config.GetString(SqliteFileKey, defaults.SqliteFile),
            PostgreSqlConnectionStringVariable = config.GetString(PostgreSqlVariableKey, defaults.PostgreSqlConnectionStringVariable),
        };
    }

    /// <summary>Every problem with these options, each naming its key; empty when they can be used.</summary>
    public IReadOnlyList<string> Errors(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var errors = new List<string>();
        switch (Provider)
        {
            case PersistenceProvider.Sqlite:
                if (string.IsNullOrWhiteSpace(SqliteDataFolder))
                    errors.Add($"{SqliteDataFolderKey}: must name a folder.");
                else if (SqliteDataFolder.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
                    errors.Add($"{SqliteDataFolderKey}: '{SqliteDataFolder}' holds characters a path may not have.");
                if (string.IsNullOrWhiteSpace(SqliteFile))
                    errors.Add($"{SqliteFileKey}: must name a file.");
                else if (SqliteFile.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || SqliteFile is "." or "..")
                    errors.Add($"{SqliteFileKey}: '{SqliteFile}' is not a plain file name (put folders in {SqliteDataFolderKey}).");
                else if (SqliteFile.Equals(":memory:", StringComparison.OrdinalIgnoreCase))
                    errors.Add($"{SqliteFileKey}: an in-memory database is not durable.");
                break;
            case PersistenceProvider.PostgreSql:
                if (!VariableName().IsMatch(PostgreSqlConnectionStringVariable ?? ""))
                {
                    errors.Add($"{PostgreSqlVariableKey}: '{PostgreSqlConnectionStringVariable}' is not an environment variable name.");
                    break;
                }
                var value = environment(PostgreSqlConnectionStringVariable!);
                if (string.IsNullOrWhiteSpace(value))
                {
                    errors.Add($"{PostgreSqlVariableKey}: environment variable '{PostgreSqlConnectionStringVariable}' is not set; it must hold the PostgreSQL connection string.");
                    break;
                }
                try
                {
                    var builder = new NpgsqlConnectionStringBuilder(value);
                    if (string.IsNullOrWhiteSpace(builder.Host))
                        errors.Add($"{PostgreSqlVariableKey}: the connection string in '{PostgreSqlConnectionStringVariable}' names no Host.");
                    if (string.IsNullOrWhiteSpace(builder.Database))
                        errors.Add($"{PostgreSqlVariableKey}: the connection string in '{PostgreSqlConnectionStringVariable}' names no Database.");
                }
                catch (ArgumentException e)
                {
                    // The message names the bad keyword, never the value: it may hold a password.
                    errors.Add($"{PostgreSqlVariableKey}: the connection string in '{PostgreSqlConnectionStringVariable}' is not valid ({e.Message}).");
                }
                break;
            default:
                errors.Add($"{ProviderKey}: '{Provider}' is not a provider; use 'sqlite' or 'postgresql'.");
                break;
        }
        return errors;
    }

    /// <summary>Throws <see cref="PersistenceConfigurationException"/> listing every problem.</summary>
    public PersistenceOptions Validate(Func<string, string?>? environment = null)
    {
        var errors = Errors(environment);
        return errors.Count == 0 ? this : throw new PersistenceConfigurationException(errors);
    }

    /// <summary>The connection string for the configured database (validated first).</summary>
    public string ConnectionString(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        Validate(environment);
        return Provider switch
        {
            PersistenceProvider.Sqlite => $"Data Source={SqliteFilePath};Mode=ReadWriteCreate",
            _ => environment(PostgreSqlConnectionStringVariable)!,
        };
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}

/// <summary>Persistence options that cannot be used; the message lists each bad key.</summary>
public sealed class PersistenceConfigurationException(IReadOnlyList<string> errors)
    : Exception("Persistence is not configured correctly:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
