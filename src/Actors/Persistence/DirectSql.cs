using System.Data.Common;
using Akka.Configuration;

namespace SmartElek.Actors.Persistence;

/// <summary>
/// Plain ADO.NET reads of Akka.Persistence.Sql's tables, for the two reads a recovery makes
/// (<see cref="SqlJournal"/>, <see cref="SqlSnapshots"/>): connections of the configured provider,
/// and the table and column names of the configured <c>table-mapping</c>.
/// </summary>
internal sealed class DirectSql
{
    private readonly string _connectionString;
    private readonly bool _sqlite;
    private readonly Config _mapping;

    /// <param name="plugin">The plugin's config, with its defaults as fallback.</param>
    /// <param name="table">The mapping's table section: <c>journal</c> or <c>snapshot</c>.</param>
    public DirectSql(Config plugin, string table)
    {
        var provider = plugin.GetString("provider-name") ?? "";
        _sqlite = provider.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase);
        if (!_sqlite && !provider.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase))
            throw new ConfigurationException($"SmartElek's direct reads support SQLite and PostgreSQL only; provider-name is '{provider}'.");
        _connectionString = plugin.GetString("connection-string");
        var mappingName = plugin.GetString("table-mapping") ?? "default";
        var mapping = plugin.GetConfig(mappingName) ?? throw new ConfigurationException($"Unknown table-mapping '{mappingName}'.");
        _mapping = mapping.GetConfig(table) ?? throw new ConfigurationException($"table-mapping '{mappingName}' has no '{table}' section.");
        var schema = mapping.GetString("schema-name");
        Table = (string.IsNullOrEmpty(schema) ? "" : Quote(schema) + ".") + Quote(_mapping.GetString("table-name"));
    }

    /// <summary>The quoted (schema-qualified) table name.</summary>
    public string Table { get; }

    /// <summary>A quoted column name of the mapping, e.g. <c>sequence-number</c>.</summary>
    public string Column(string key) =>
        Quote(_mapping.GetString("columns." + key) ?? throw new ConfigurationException($"The table mapping has no column '{key}'."));

    public bool Flag(string key) => _mapping.GetBoolean(key);

    public DbConnection Connection() => Sql.Connection(_sqlite ? PersistenceProvider.Sqlite : PersistenceProvider.PostgreSql, _connectionString);

    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        Sql.Command(connection, null, sql, parameters);

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
