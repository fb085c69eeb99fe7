using System.Data.Common;
using SmartElek.Actors.Persistence;

namespace SmartElek.Operator.Users;

/// <summary>
/// Users, their API tokens (hashed), the chargers assigned to drivers and the one-time setup link,
/// in the site's own database (the same SQLite file or PostgreSQL database as the chargers'
/// journal, through <see cref="PersistenceOptions.ConnectionString"/>), so every node knows them.
/// Plain SQL that both providers read alike; times are Unix milliseconds. Columns added later are
/// added to an existing database at start (<see cref="EnsureSchemaAsync"/>).
/// </summary>
public sealed class UserStore(PersistenceOptions options, Func<string, string?>? environment = null)
{
    private readonly string _connectionString = options.ConnectionString(environment);

    private async Task<DbConnection> OpenAsync(CancellationToken cancel)
    {
        var connection = Sql.Connection(options.Provider, _connectionString);
        await connection.OpenAsync(cancel);
        return connection;
    }

    public async Task EnsureSchemaAsync(CancellationToken cancel = default)
    {
        if (options.Provider == PersistenceProvider.Sqlite)
            Directory.CreateDirectory(Path.GetDirectoryName(options.SqliteFilePath)!);
        await using var c = await OpenAsync(cancel);
        foreach (var ddl in new[]
        {
            "CREATE TABLE IF NOT EXISTS op_users (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL, password_hash TEXT NULL, id_tag TEXT NULL, created_at BIGINT NOT NULL, driver_group TEXT NULL)",
            "CREATE TABLE IF NOT EXISTS op_tokens (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL, revoked_at BIGINT NULL)",
            "CREATE TABLE IF NOT EXISTS op_assignments (user_id TEXT NOT NULL, charger_id TEXT NOT NULL, PRIMARY KEY (user_id, charger_id))",
            "CREATE TABLE IF NOT EXISTS op_setup_links (token_hash TEXT PRIMARY KEY, expires_at BIGINT NOT NULL, used_at BIGINT NULL)",
            "CREATE TABLE IF NOT EXISTS op_key_ring (id TEXT PRIMARY KEY, xml TEXT NOT NULL)",
        })
            await Execute(c, null, ddl, cancel);
        await AddGroupColumnAsync(c, cancel);
    }

    // Migration 1 (issue 12): users' driver group. A database made before it keeps every row and
    // reads with no group; a column another node added meanwhile is taken as it is.
    private async Task AddGroupColumnAsync(DbConnection c, CancellationToken cancel)
    {
        if (await HasGroupColumnAsync(c, cancel)) return;
        try
        {
            await Execute(c, null, "ALTER TABLE op_users ADD COLUMN driver_group TEXT NULL", cancel);
        }
        catch (DbException)
        {
            // Another node of the site may have added it between the look and the change.
            if (!await HasGroupColumnAsync(c, cancel)) throw;
        }
    }

    private async Task<bool> HasGroupColumnAsync(DbConnection c, CancellationToken cancel) =>
        Convert.ToInt64(await Scalar(c, options.Provider == PersistenceProvider.Sqlite
                ? "SELECT COUNT(*) FROM pragma_table_info('op_users') WHERE name = 'driver_group'"
                : "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'op_users' AND column_name = 'driver_group'", cancel),
            System.Globalization.CultureInfo.InvariantCulture) > 0;

    public async Task<int> CountUsersAsync(CancellationToken cancel = default)
    {
        await using var c = await OpenAsync(cancel);
        return Convert.ToInt32(await Scalar(c, "SELECT COUNT(*) FROM op_users", cancel), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Adds a user; null when the name is taken.</summary>
    public async Task<OperatorUser?> CreateUserAsync(string name, string role, string? passwordHash, string? idTag, DateTimeOffset now, CancellationToken cancel = default,
        string? group = null)
    {
        await using var c = await OpenAsync(cancel);
        await using var tx = await c.BeginTransactionAsync(cancel);
        if (await Scalar(c, "SELECT COUNT(*) FROM op_users WHERE name = @n", cancel, tx, ("@n", name)) is not (0L or 0)) return null;
        var user = new OperatorUser(Secrets.NewId(), name, role, passwordHash, idTag, now, group);
        await Execute(c, tx, "INSERT INTO op_users (id, name, role, password_hash, id_tag, created_at, driver_group) VALUES (@i, @n, @r, @p, @t, @c, @g)", cancel,
            ("@i", user.Id), ("@n", name), ("@r", role), ("@p", passwordHash), ("@t", idTag), ("@c", now.ToUnixTimeMilliseconds()), ("@g", group));
        await tx.CommitAsync(cancel);
        return user;
    }

    /// <summary>Adds the first operator only while there is no user at all (first start); null otherwise.</summary>
    public async Task<OperatorUser?> CreateFirstOperatorAsync(string name, string passwordHash, DateTimeOffset now, CancellationToken cancel = default) =>
        await CountUsersAsync(cancel) == 0 ? await CreateUserAsync(name, Roles.Operator, passwordHash, null, now, cancel) : null;

    public Task<OperatorUser?> FindByNameAsync(string name, CancellationToken cancel = default) =>
        OneUserAsync("WHERE name = @k", name, cancel);

    public Task<OperatorUser?> FindByIdAsync(string id, CancellationToken cancel = default) =>
        OneUserAsync("WHERE id = @k", id, cancel);

    public async Task<IReadOnlyList<OperatorUser>> ListUsersAsync(CancellationToken cancel = default)
    {
        await using var c = await OpenAsync(cancel);
        return await UsersAsync(c, "SELECT id, name, role, password_hash, id_tag, created_at, driver_group FROM op_users ORDER BY name", cancel);
    }

    public async Task<bool> UpdateUserAsync(OperatorUser user, CancellationToken cancel = default)
    {
        await using var c = await OpenAsync(cancel);
        return await Execute(c, null, "UPDATE op_users SET role = @r, password_hash = @p, id_tag = @t, driver_group = @g WHERE id = @i", cancel,
            ("@r", user.Role), ("@p", user.PasswordHash), ("@t", user.IdTag), ("@g", user.Group), ("@i", user.Id)) == 1;
    }

    /// <summary>Removes a user with their tokens and assignments.</summary>
    public async Task<bool> DeleteUserAsync(string id, CancellationToken cancel = default)
    {
        await using var c = await OpenAsync(cancel);
        await using var tx = await c.BeginTransactionAsync(cancel);
        await Execute(c, tx, "DELETE FROM op_tokens WHERE user_id = @i", cancel, ("@i", id));
        await Execute(c, tx, "DELETE FROM op_assignments WHERE user_id = @i", cancel, ("@i", id));
        var removed = await Execute(c, tx, "DELETE FROM op_users WHERE id = @i", cancel, ("@i", id)) == 1;
        await tx.CommitAsync(cancel);
        return removed;
    }

    public async Task<IReadOnlyList<string>> AssignmentsAsync(string userId, CancellationToken cancel = default)
    {
        await using var c = await OpenAsync(cancel);
        await using var command = Command(c, null, "SELECT charger_id FROM op_assignments WHERE user_id = @u ORDER BY charger_id", ("@u", userId));
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var list = new List<string>();
        while (await reader.ReadAsync(cancel)) list.Add(reader.GetString(0));
        return list;
    }

    /// <summary>Every user's assigned chargers, by user id (users with none left out), in one read.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> AllAssignmentsAsync(CancellationToken cancel = default)
    {
        await using var c = await OpenAsync(cancel);
        await using var command = Command(c, null, "SELECT user_id, charger_id FROM op_assignments ORDER BY user_id, charger_id");
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var all = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancel))
        {
            var user = reader.GetString(0);
            if (!all.TryGetValue(user, out var list)) all[user] = list = [];
            list.Add(reader.GetString(1));
        }
        return all.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }

    public async Task SetAssignmentsAsync(string userId, IReadOnlyCollection<string> chargers, CancellationToken cancel = default)
    {
        await using var c = await OpenAsync(cancel);
        await using var tx = await c.BeginTransactionAsync(cancel);
        await Execute(c, tx, "DELETE FROM op_assignments WHERE user_id = @u", cancel, ("@u", userId));
        foreach (var charger in chargers.Distinct(StringComparer.Ordinal))
            await Execute(c, tx, "INSERT INTO op_assignments (user_id, charger_id) VALUES (@u, @c)", cancel, ("@u", userId), ("@c", charger));
        await tx.CommitAsync(cancel);
    }

    public async Task<ApiToken> CreateTokenAsync(string userId, string name, string tokenHash, DateTimeOffset now, CancellationToken cancel = default)
    {
        var token = new ApiToken(Secrets.NewId(), userId, name, now, null);
        await using var c = await OpenAsync(cancel);
        await Execute(c, null, "INSERT INTO op_tokens (id, user_id, name, token_hash, created_at) VALUES (@i, @u, @n, @h, @c)", cancel,
            ("@i", token.Id), ("@u", userId), ("@n", name), ("@h", tokenHash), ("@c", now.ToUnixTimeMilliseconds()));
        return token;
    }

    /// <summary>The user a live (not revoked) token belongs to.</summary>
    public async Task<OperatorUser?> UserOfTokenAsync(string tokenHash, CancellationToken cancel = default)
    {
        await using var c = await OpenAsync(cancel);
        var users = await UsersAsync(c, "SELECT u.id, u.name, u.role, u.password_hash, u.id_tag, u.created_at, u.driver_group FROM op_tokens t JOIN op_users u ON u.id = t.user_id " +
                                        "WHERE t.token_hash = @h AND t.revoked_at IS NULL", cancel, ("@h", tokenHash));
        return users.Count == 1 ? users[0] : null;
    }

    public async Task<IReadOnlyList<ApiToken>> TokensAsync(string? userId, CancellationToken cancel = default)
    {
        await using var c = await OpenAsync(cancel);
        await using var command = Command(c, null, "SELECT id, user_id, name, created_at, revoked_at FROM op_tokens" +
                                                   (userId is null ? "" : " WHERE user_id = @u") + " ORDER BY created_at, id", ("@u", userId));
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var list = new List<ApiToken>();
        while (await reader.ReadAsync(cancel))
            list.Add(new ApiToken(reader.GetString(0), reader.GetString(1), reader.GetString(2), Time(reader.GetInt64(3)),
                reader.IsDBNull(4) ? null : Time(reader.GetInt64(4))));
        return list;
    }

    /// <summary>Revokes a token of <paramref name="userId"/> (any user's when null); false when there is no such live token.</summary>
    public async Task<bool> RevokeTokenAsync(string tokenId, string? userId, DateTimeOffset now, CancellationToken cancel = default)
    {
        await using var c = await OpenAsync(cancel);
        return await Execute(c, null, "UPDATE op_tokens SET revoked_at = @t WHERE id = @i AND revoked_at IS NULL" + (userId is null ? "" : " AND user_id = @u"),
            cancel, ("@t", now.ToUnixTimeMilliseconds()), ("@i", tokenId), ("@u", userId)) == 1;
    }

    public async Task CreateSetupLinkAsync(string tokenHash, DateTimeOffset expiresAt, CancellationToken cancel = default)
    {
        await using var c = await OpenAsync(cancel);
        await Execute(c, null, "INSERT INTO op_setup_links (token_hash, expires_at) VALUES (@h, @e)", cancel, ("@h", tokenHash), ("@e", expiresAt.ToUnixTimeMilliseconds()));
    }

    /// <summary>Spends a setup link: true once for an unexpired, unused link (a second use, or another node's, gets false).</summary>
    public async Task<bool> UseSetupLinkAsync(string tokenHash, DateTimeOffset now, CancellationToken cancel = default)
    {
        await using var c = await OpenAsync(cancel);
        return await Execute(c, null, "UPDATE op_setup_links SET used_at = @n WHERE token_hash = @h AND used_at IS NULL AND expires_at > @n", cancel,
            ("@n", now.ToUnixTimeMilliseconds()), ("@h", tokenHash)) == 1;
    }

    /// <summary>The data protection key ring (cookie and anti-forgery keys), shared by every node.</summary>
    public async Task<IReadOnlyList<string>> KeyRingAsync(CancellationToken cancel = default)
    {
        await EnsureSchemaAsync(cancel);
        await using var c = await OpenAsync(cancel);
        await using var command = Command(c, null, "SELECT xml FROM op_key_ring ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var list = new List<string>();
        while (await reader.ReadAsync(cancel)) list.Add(reader.GetString(0));
        return list;
    }

    public async Task AddKeyAsync(string name, string xml, CancellationToken cancel = default)
    {
        await EnsureSchemaAsync(cancel);
        await using var c = await OpenAsync(cancel);
        await Execute(c, null, "INSERT INTO op_key_ring (id, xml) VALUES (@i, @x)", cancel, ("@i", name + "-" + Secrets.NewId()), ("@x", xml));
    }

    private async Task<OperatorUser?> OneUserAsync(string where, string key, CancellationToken cancel)
    {
        await using var c = await OpenAsync(cancel);
        var users = await UsersAsync(c, "SELECT id, name, role, password_hash, id_tag, created_at, driver_group FROM op_users " + where, cancel, ("@k", key));
        return users.Count == 1 ? users[0] : null;
    }

    private static async Task<List<OperatorUser>> UsersAsync(DbConnection c, string sql, CancellationToken cancel, params (string, object?)[] parameters)
    {
        await using var command = Command(c, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var list = new List<OperatorUser>();
        while (await reader.ReadAsync(cancel))
            list.Add(new OperatorUser(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), Time(reader.GetInt64(5)), reader.IsDBNull(6) ? null : reader.GetString(6)));
        return list;
    }

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    // The site's one command helper; a statement takes only the parameters it names, and a null is a typed
    // NULL (PostgreSQL cannot type an untyped one in every place).
    private static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters) =>
        Sql.Command(c, tx, sql, [.. parameters
            .Where(p => sql.Contains(p.Name, StringComparison.Ordinal))
            .Select(p => (p.Name, p.Value ?? SqlValue.Of(null, System.Data.DbType.String)))]);

    private static async Task<int> Execute(DbConnection c, DbTransaction? tx, string sql, CancellationToken cancel, params (string, object?)[] parameters)
    {
        await using var command = Command(c, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancel);
    }

    private static async Task<object?> Scalar(DbConnection c, string sql, CancellationToken cancel, DbTransaction? tx = null, params (string, object?)[] parameters)
    {
        await using var command = Command(c, tx, sql, parameters);
        return await command.ExecuteScalarAsync(cancel);
    }
}
