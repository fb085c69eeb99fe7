using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Connection;
using Xunit.Abstractions;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.Tests.Interop;

/// <summary>
/// Security profile 2 end to end: ocpp-rpc serves wss:// with a certificate from a test CA; the
/// charge point connects only when that CA is the one configured, with basic auth inside TLS.
/// </summary>
[Collection("interop")]
public sealed class OcppRpcTlsInteropTests(ITestOutputHelper output) : InteropTest(output, "tls-key-0123456789abcdef", heartbeatSeconds: 30)
{
    private readonly string _dir = Directory.CreateTempSubdirectory("smartelek-tls-").FullName;
    private X509Certificate2 _ca = null!;
    private X509Certificate2 _otherCa = null!;

    private static X509Certificate2 NewCa(string name, out ECDsa key)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    public override async Task InitializeAsync()
    {
        _ca = NewCa("SmartElek Test CA", out var caKey);
        _otherCa = NewCa("Somebody Else's CA", out var otherKey);
        otherKey.Dispose();
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = request.Create(_ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [7, 7, 7, 7]);
        caKey.Dispose();
        var cert = Path.Combine(_dir, "server.pem");
        var key = Path.Combine(_dir, "server.key");
        await File.WriteAllTextAsync(cert, server.ExportCertificatePem());
        await File.WriteAllTextAsync(key, serverKey.ExportPkcs8PrivateKeyPem());
        CentralSystem = await CentralSystemProcess.StartAsync(Password, heartbeatSeconds: 30, (cert, key));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _ca.Dispose();
        _otherCa.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private IActorRef ChargePoint(string id, X509Certificate2 trusted) =>
        Sys.ActorOf(ChargePointActor.Props(new ChargePointSettings(new ChargerId(id)), new SimulatedConnector(),
            new WebSocketLink(new OcppConnectionSettings(new Uri($"wss://127.0.0.1:{CentralSystem.Port}/ocpp"), id, AuthorizationKey: Password, TrustedCa: trusted,
                Backoff: new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1))))));

    [Fact]
    public async Task Security_profile_2_connects_only_to_a_server_certified_by_the_configured_CA()
    {
        // A central system whose certificate does not chain to our CA is never talked to.
        var wary = ChargePoint("SE-TLS-WARY", _otherCa);
        // It tried, gave up in the handshake, backed off and tried again: two connections, no request.
        var r = await CentralSystem.RecordAsync();
        for (var triedBy = DateTime.UtcNow.AddSeconds(20); r.TlsAttempts < 2 && DateTime.UtcNow < triedBy; r = await CentralSystem.RecordAsync())
            await Task.Delay(100);
        Assert.True(r.TlsAttempts >= 2, $"{r.TlsAttempts} connection attempt(s) to the wss:// server");
        Assert.Empty(r.Received);
        Assert.Empty(r.PasswordMatched); // the TLS handshake failed before any HTTP
        Assert.False((await wary.Ask<ChargePointState>(GetState.Instance, TimeSpan.FromSeconds(5))).Connected);
        await wary.GracefulStop(TimeSpan.FromSeconds(5));

        // With the right CA: TLS, basic auth inside it, Boot accepted.
        var trusting = ChargePoint("SE-TLS-OK", _ca);
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!(r = await CentralSystem.RecordAsync()).Of("BootNotification").Any() && DateTime.UtcNow < until)
            await Task.Delay(150);
        Assert.Single(r.Of("BootNotification"));
        Assert.Equal([true], r.PasswordMatched);
        Assert.Empty(r.Failures);
        await AwaitAssertAsync(async () =>
            Assert.Equal(Registration.Accepted, (await trusting.Ask<ChargePointState>(GetState.Instance, TimeSpan.FromSeconds(5))).Registration),
            TimeSpan.FromSeconds(10));
    }
}
