using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SmartElek.TestSupport;

/// <summary>
/// The independent central system (tests/interop/central-system.js, ocpp-rpc in strict mode) run
/// by node on 127.0.0.1 and a free port, driven with JSON lines on stdin/stdout.
/// </summary>
public sealed class CentralSystemProcess : IAsyncDisposable
{
    private readonly Process _node;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode?>> _waiting = new();
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _stderr = new();
    private int _nextId;

    public int Port { get; private set; }

    private CentralSystemProcess(Process node) => _node = node;

    public static string InteropDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "interop");
            if (File.Exists(Path.Combine(candidate, "central-system.js"))) return candidate;
        }
        throw new InvalidOperationException("tests/interop/central-system.js not found above " + AppContext.BaseDirectory);
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <param name="tls">PEM files of the server certificate and key: serve wss:// (security profile 2)</param>
    public static async Task<CentralSystemProcess> StartAsync(string password, int heartbeatSeconds, (string CertPem, string KeyPem)? tls = null)
    {
        var dir = InteropDirectory();
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "ocpp-rpc")))
            throw new InvalidOperationException($"ocpp-rpc is not installed: run 'npm ci' in {dir} (scripts/test.sh does it).");
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "central-system.js", "--port", FreePort().ToString(), "--password", password, "--heartbeat", heartbeatSeconds.ToString() })
            info.ArgumentList.Add(a);
        if (tls is { } t)
            foreach (var a in new[] { "--tls-cert", t.CertPem, "--tls-key", t.KeyPem })
                info.ArgumentList.Add(a);
        var node = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        var cs = new CentralSystemProcess(node);
        node.OutputDataReceived += (_, e) => cs.OnLine(e.Data);
        node.ErrorDataReceived += (_, e) => { if (e.Data is not null) cs._stderr.Enqueue(e.Data); };
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        var done = await Task.WhenAny(cs._listening.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        if (done != cs._listening.Task)
            throw new InvalidOperationException("the central system did not start: " + string.Join('\n', cs._stderr));
        cs.Port = await cs._listening.Task;
        return cs;
    }

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        var msg = JsonNode.Parse(line)!;
        if (msg["event"]?.GetValue<string>() == "listening")
        {
            _listening.TrySetResult(msg["port"]!.GetValue<int>());
            return;
        }
        if (msg["id"] is { } id && _waiting.TryRemove(id.GetValue<int>(), out var tcs))
        {
            if (msg["ok"]!.GetValue<bool>()) tcs.TrySetResult(msg["result"]?.DeepClone());
            else tcs.TrySetException(new CentralSystemException(msg["error"]?.ToString() ?? "?", msg["rpcCode"]?.ToString()));
        }
    }

    private async Task<JsonNode?> CommandAsync(JsonObject command)
    {
        var id = Interlocked.Increment(ref _nextId);
        command["id"] = id;
        var tcs = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = tcs;
        await _node.StandardInput.WriteLineAsync(command.ToJsonString());
        await _node.StandardInput.FlushAsync();
        var done = await Task.WhenAny(tcs.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        if (done != tcs.Task) throw new TimeoutException($"the central system did not answer {command.ToJsonString()}");
        return await tcs.Task;
    }

    /// <summary>The central system sends a CALL to the charge point and returns its CALLRESULT payload.</summary>
    public async Task<JsonNode> CallAsync(string method, object payload, string? identity = null)
    {
        var command = new JsonObject { ["op"] = "call", ["method"] = method, ["params"] = JsonSerializer.SerializeToNode(payload) };
        if (identity is not null) command["identity"] = identity;
        return (await CommandAsync(command))!;
    }

    public async Task<CentralSystemRecord> RecordAsync()
    {
        var r = (await CommandAsync(new JsonObject { ["op"] = "record" }))!;
        return new CentralSystemRecord(
            r["received"]!.AsArray().Select(n => new ReceivedCall(n!["seq"]!.GetValue<int>(), n["method"]!.GetValue<string>(), n["params"]!.AsObject(), n["identity"]?.GetValue<string>())).ToList(),
            r["failures"]!.AsArray().Select(n => n!.ToJsonString()).ToList(),
            r["connections"]!.AsArray().Select(n => n!["passwordMatched"]!.GetValue<bool>()).ToList(),
            r["tlsAttempts"]!.AsArray().Count);
    }

    public Task GoAwayAsync() => CommandAsync(new JsonObject { ["op"] = "close" });

    public Task ComeBackAsync() => CommandAsync(new JsonObject { ["op"] = "listen" });

    public async ValueTask DisposeAsync()
    {
        try
        {
            _node.StandardInput.Close();
            if (!_node.WaitForExit(5000)) _node.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _node.Dispose();
        await Task.CompletedTask;
    }
}

public sealed class CentralSystemException(string message, string? rpcCode) : Exception(message)
{
    public string? RpcCode { get; } = rpcCode;
}

public sealed record ReceivedCall(int Seq, string Method, JsonObject Params, string? Identity = null)
{
    public int? TransactionId => Params["transactionId"]?.GetValue<int>();
    public string? Timestamp => Params["timestamp"]?.GetValue<string>() ?? Params["meterValue"]?[0]?["timestamp"]?.GetValue<string>();
}

/// <param name="TlsAttempts">TCP connections to the wss:// server, whatever became of their TLS handshake (0 on ws://).</param>
public sealed record CentralSystemRecord(IReadOnlyList<ReceivedCall> Received, IReadOnlyList<string> Failures, IReadOnlyList<bool> PasswordMatched,
    int TlsAttempts)
{
    public IEnumerable<ReceivedCall> Of(string method) => Received.Where(r => r.Method == method);
}
