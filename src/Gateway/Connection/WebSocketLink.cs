using System.Buffers;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using Akka.Actor;

namespace SmartElek.Gateway.Connection;

/// <summary>How a charge point reaches its central system.</summary>
/// <param name="BaseUrl">ws:// or wss:// base; the charge point id is appended as the last path segment</param>
/// <param name="AuthorizationKey">security profile 1 and 2: HTTP basic auth with the id as user (null: none)</param>
/// <param name="TrustedCa">security profile 2: the server certificate must chain to this CA (null: system trust)</param>
public sealed record OcppConnectionSettings(
    Uri BaseUrl,
    string ChargePointId,
    string? AuthorizationKey = null,
    X509Certificate2? TrustedCa = null,
    Backoff? Backoff = null,
    TimeSpan? ConnectTimeout = null,
    TimeSpan? KeepAlive = null)
{
    public const string SubProtocol = "ocpp1.6";

    /// <summary>Base URL + "/" + escaped charge point id.</summary>
    public Uri Endpoint
    {
        get
        {
            var b = BaseUrl.ToString();
            return new Uri((b.EndsWith('/') ? b : b + "/") + Uri.EscapeDataString(ChargePointId));
        }
    }

    /// <summary>"Basic base64(id:key)" for security profiles 1 and 2.</summary>
    public string? AuthorizationHeader => AuthorizationKey is null ? null
        : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ChargePointId}:{AuthorizationKey}"));
}

/// <summary>Security profile 2: the server's certificate is checked against one configured CA.</summary>
public static class ServerCertificateCheck
{
    public static bool Validate(X509Certificate2 trustedCa, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null) return false;
        // A wrong host name is never forgiven; chain errors are re-judged against our CA alone.
        if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trustedCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}

/// <summary>
/// The OCPP-J WebSocket client (System.Net.WebSockets): subprotocol ocpp1.6, reconnect with
/// exponential back-off and jitter, one sender at a time.
/// </summary>
public sealed class WebSocketLink(OcppConnectionSettings settings) : IOcppLink
{
    /// <summary>No OCPP 1.6 frame comes near this; a larger one is a broken or hostile peer.</summary>
    public const int MaxFrameBytes = 1 << 20;

    private readonly CancellationTokenSource _stop = new();
    private Channel<string>? _outgoing;
    private Task? _loop;

    public void Start(IActorRef owner) => _loop ??= Task.Run(() => RunAsync(owner));

    public bool Send(string frame) => _outgoing?.Writer.TryWrite(frame) ?? false;

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
            await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private ClientWebSocket Create()
    {
        var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol(OcppConnectionSettings.SubProtocol);
        ws.Options.KeepAliveInterval = settings.KeepAlive ?? TimeSpan.FromSeconds(30);
        if (settings.AuthorizationHeader is { } auth) ws.Options.SetRequestHeader("Authorization", auth);
        if (settings.TrustedCa is { } ca)
            ws.Options.RemoteCertificateValidationCallback = (_, cert, _, errors) => ServerCertificateCheck.Validate(ca, cert, errors);
        return ws;
    }

    private async Task RunAsync(IActorRef owner)
    {
        var backoff = settings.Backoff ?? Backoff.Default;
        var failures = 0;
        while (!_stop.IsCancellationRequested)
        {
            string reason;
            using (var ws = Create())
            {
                try
                {
                    using (var connect = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
                    {
                        connect.CancelAfter(settings.ConnectTimeout ?? TimeSpan.FromSeconds(15));
                        await ws.ConnectAsync(settings.Endpoint, connect.Token).ConfigureAwait(false);
                    }
                    if (ws.SubProtocol != OcppConnectionSettings.SubProtocol)
                        throw new WebSocketException($"the server did not accept subprotocol {OcppConnectionSettings.SubProtocol} (got '{ws.SubProtocol}')");
                    failures = 0;
                    var outgoing = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
                    _outgoing = outgoing;
                    owner.Tell(new OcppLinkProtocol.Connected(settings.Endpoint));
                    reason = await PumpAsync(ws, owner, outgoing).ConfigureAwait(false);
                    outgoing.Writer.TryComplete();
                }
                catch (Exception e)
                {
                    // Whatever went wrong with this connection, the link lives on and retries.
                    reason = $"{e.GetType().Name}: {e.Message}";
                }
            }
            if (_outgoing is not null)
            {
                _outgoing.Writer.TryComplete();
                _outgoing = null;
                owner.Tell(new OcppLinkProtocol.Disconnected(reason));
            }
            if (_stop.IsCancellationRequested) break;
            try
            {
                await Task.Delay(backoff.Delay(failures++, Random.Shared.NextDouble()), _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task<string> PumpAsync(ClientWebSocket ws, IActorRef owner, Channel<string> outgoing)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var sender = Task.Run(async () =>
        {
            try
            {
                await foreach (var frame in outgoing.Reader.ReadAllAsync(session.Token).ConfigureAwait(false))
                    await ws.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, session.Token).ConfigureAwait(false);
            }
            finally
            {
                // A failed send ends this connection: reconnecting is better than losing frames quietly.
                await session.CancelAsync().ConfigureAwait(false);
            }
        });
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (!session.IsCancellationRequested)
            {
                var result = await ws.ReceiveAsync(buffer.GetMemory(4096), session.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (ws.State == WebSocketState.CloseReceived)
                        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).ConfigureAwait(false);
                    return $"closed by the server ({ws.CloseStatus} {ws.CloseStatusDescription})";
                }
                buffer.Advance(result.Count);
                if (buffer.WrittenCount > MaxFrameBytes)
                {
                    await ws.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"frames are limited to {MaxFrameBytes} bytes", CancellationToken.None).ConfigureAwait(false);
                    return $"a frame exceeded {MaxFrameBytes} bytes";
                }
                if (!result.EndOfMessage) continue;
                owner.Tell(new OcppLinkProtocol.Received(Encoding.UTF8.GetString(buffer.WrittenSpan)));
                buffer.ResetWrittenCount();
            }
            if (ws.State == WebSocketState.Open)
                await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "stopping", CancellationToken.None).ConfigureAwait(false);
            return "stopped";
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            return e.Message;
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            try { await sender.ConfigureAwait(false); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException) { }
        }
    }
}
