using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace SmartElek.TestSupport;

/// <summary>
/// A real PostgreSQL server for tests and benchmarks: a throw-away cluster made with Debian's
/// <c>initdb</c> and <c>pg_ctl</c> in a temp folder, listening on a free port of 127.0.0.1 only,
/// stopped and deleted on dispose. PostgreSQL refuses to run as root, so as root the binaries run
/// as the <c>postgres</c> OS user, which owns the folder. No xunit here: the benchmarks link this file.
/// </summary>
public sealed class ThrowawayPostgreSql : IAsyncDisposable
{
    private readonly string binaries;
    private readonly bool durable;
    private int databases;

    public string Folder { get; }
    public int Port { get; }
    private string DataFolder => Path.Combine(Folder, "data");
    private string LogFile => Path.Combine(Folder, "server.log");

    private ThrowawayPostgreSql(string binaries, string folder, int port, bool durable)
    {
        this.binaries = binaries;
        Folder = folder;
        Port = port;
        this.durable = durable;
    }

    /// <param name="durable">false turns fsync off (tests: speed); true keeps PostgreSQL's defaults (benchmarks).</param>
    public static async Task<ThrowawayPostgreSql> StartAsync(bool durable = false)
    {
        var binaries = FindBinaries();
        // /tmp is open to every user; a root-only TMPDIR would lock the postgres user out.
        var root = Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();
        var folder = Path.Combine(root, "smartelek-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var server = new ThrowawayPostgreSql(binaries, folder, FreePort(), durable);
        try
        {
            if (IsRoot) await RunAsync("chown", ["postgres:postgres", folder], asPostgres: false);
            await server.RunPgAsync("initdb", ["-D", server.DataFolder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
            await server.StartAgainAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection string for a database on this server (default: the <c>postgres</c> database).</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
            Timeout = 5,
        }.ConnectionString;

    /// <summary>Creates a fresh, empty database so that tests sharing this server never see each other's rows.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref databases)}_{Guid.NewGuid().ToString("N")[..8]}".ToLowerInvariant();
        // Unpooled: a pooled connection would be broken by a StopAsync/StartAgainAsync in between.
        await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Stops the server (fast shutdown: clients are disconnected), keeping its data.</summary>
    public Task StopAsync() => RunPgAsync("pg_ctl", ["-D", DataFolder, "-m", "fast", "-w", "stop"]);

    /// <summary>Starts the server (again) on the same port and data.</summary>
    public Task StartAgainAsync()
    {
        var options = $"-c listen_addresses=127.0.0.1 -p {Port} -k {Folder} -c max_connections=200";
        if (!durable) options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        return RunPgAsync("pg_ctl", ["-D", DataFolder, "-l", LogFile, "-o", options, "-w", "-t", "60", "start"]);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
        {
            try
            {
                await RunPgAsync("pg_ctl", ["-D", DataFolder, "-m", "immediate", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already stopped by the test; the folder goes either way.
            }
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open must not fail the run; /tmp is cleaned by the OS.
        }
    }

    private Task RunPgAsync(string tool, IReadOnlyList<string> arguments) =>
        RunAsync(Path.Combine(binaries, tool), arguments, asPostgres: IsRoot);

    private static bool IsRoot => Environment.UserName == "root";

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file }) start.ArgumentList.Add(a);
        }
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        // pg_ctl start leaves the server holding inherited pipes: read without waiting for their end.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            var text = await Task.WhenAny(Task.WhenAll(output, error), Task.Delay(1000)) is Task<string[]> both
                ? string.Join(Environment.NewLine, both.Result)
                : "";
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {text}");
        }
    }

    private static string FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                  .Select(d => Path.Combine(d, "bin"))
                  .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
                  .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                  .FirstOrDefault()
              ?? throw new InvalidOperationException("No PostgreSQL binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql).")
            : throw new InvalidOperationException("No /usr/lib/postgresql: install the Debian package postgresql (scripts/test.sh does).");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
