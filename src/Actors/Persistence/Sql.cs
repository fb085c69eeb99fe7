using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SmartElek.Actors.Persistence;

/// <summary>A parameter value with its database type, for a null the provider could not type by itself.</summary>
public sealed record SqlValue(object? Value, DbType Type)
{
    public static SqlValue Of(object? value, DbType type) => new(value, type);
}

/// <summary>
/// The plain ADO.NET the site's own tables use (the charger journal's direct reads, the read side,
/// the OCPP charge points' store): one way to open a connection of the configured provider and
/// one way to make a command with named parameters, on SQLite and PostgreSQL alike.
/// </summary>
public static class Sql
{
    /// <summary>A new, closed connection of <paramref name="provider"/>.</summary>
    public static DbConnection Connection(PersistenceProvider provider, string connectionString) =>
        provider == PersistenceProvider.Sqlite ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);

    /// <summary>
    /// A command in <paramref name="transaction"/> (may be null). Parameter names may be given with or
    /// without their '@'; a null value is sent as NULL (give a <see cref="SqlValue"/> where the column's
    /// type must be named, as PostgreSQL needs for an untyped NULL in some places).
    /// </summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name.StartsWith('@') ? name : "@" + name;
            if (value is SqlValue typed)
            {
                p.DbType = typed.Type;
                p.Value = typed.Value ?? DBNull.Value;
            }
            else
            {
                p.Value = value ?? DBNull.Value;
            }
            command.Parameters.Add(p);
        }
        return command;
    }

    /// <summary>Runs <paramref name="sql"/> (no parameters), e.g. a schema or PRAGMA script.</summary>
    public static int Execute(DbConnection connection, string sql)
    {
        using var command = Command(connection, null, sql);
        return command.ExecuteNonQuery();
    }
}
