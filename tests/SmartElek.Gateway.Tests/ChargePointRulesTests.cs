using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CsCheck;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.Tests;

[Trait("Speed", "Fast")]
public class ChargePointRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static ConnectorSnapshot Snapshot(VehicleConnection v, decimal offered = 16m, decimal current = 16m,
        ConnectorFault fault = ConnectorFault.None, bool operative = true) =>
        new(v, fault, operative, new MeterSnapshot(T0, 1000, current * 240m, current, offered, 240m, 60m, 1m));

    [Theory]
    [InlineData(VehicleConnection.None, false, false, false, ChargePointStatus.Available)]
    [InlineData(VehicleConnection.None, false, true, false, ChargePointStatus.Reserved)]
    [InlineData(VehicleConnection.Connected, false, false, false, ChargePointStatus.Preparing)]
    [InlineData(VehicleConnection.Connected, false, false, true, ChargePointStatus.Finishing)]
    [InlineData(VehicleConnection.RequestingEnergy, true, false, false, ChargePointStatus.Charging)]
    [InlineData(VehicleConnection.Connected, true, false, false, ChargePointStatus.SuspendedEV)]
    public void The_status_follows_the_designs_mapping(VehicleConnection v, bool tx, bool reserved, bool finishing, ChargePointStatus expected) =>
        Assert.Equal(expected, StatusMapping.Of(Snapshot(v), tx, reserved, finishing, false).Status);

    [Fact]
    public void Offer_zero_is_SuspendedEVSE_no_draw_is_SuspendedEV_and_a_fault_names_its_code()
    {
        Assert.Equal(ChargePointStatus.SuspendedEVSE, StatusMapping.Of(Snapshot(VehicleConnection.RequestingEnergy, offered: 0, current: 0), true, false, false, false).Status);
        Assert.Equal(ChargePointStatus.SuspendedEV, StatusMapping.Of(Snapshot(VehicleConnection.RequestingEnergy, offered: 16, current: 0.1m), true, false, false, false).Status);
        var faulted = StatusMapping.Of(Snapshot(VehicleConnection.RequestingEnergy, fault: ConnectorFault.GroundFailure), true, false, false, false);
        Assert.Equal((ChargePointStatus.Faulted, ChargePointErrorCode.GroundFailure), (faulted.Status, faulted.ErrorCode));
        Assert.Equal(ChargePointErrorCode.OverCurrentFailure, StatusMapping.ErrorCode(ConnectorFault.OverCurrent));
        Assert.Equal(ChargePointStatus.Unavailable, StatusMapping.Of(Snapshot(VehicleConnection.None, operative: false), false, false, false, false).Status);
    }

    [Fact]
    public void Configuration_rejects_read_only_and_malformed_values_and_reports_unknown_keys()
    {
        var c = ChargePointConfiguration.Default();
        Assert.Equal(ConfigurationStatus.Rejected, c.Change("NumberOfConnectors", "2").Status);
        Assert.Equal(ConfigurationStatus.Rejected, c.Change("HeartbeatInterval", "soon").Status);
        Assert.Equal(ConfigurationStatus.Rejected, c.Change("MeterValuesSampledData", "Energy.Active.Import.Register,Bogus").Status);
        Assert.Equal(ConfigurationStatus.NotSupported, c.Change("NoSuchKey", "1").Status);
        var (changed, status) = c.Change("HeartbeatInterval", "120");
        Assert.Equal(ConfigurationStatus.Accepted, status);
        Assert.Equal(120, changed.Int("HeartbeatInterval"));
        var (keyed, rebootStatus) = c.Change("AuthorizationKey", "0123456789abcdef");
        Assert.Equal(ConfigurationStatus.RebootRequired, rebootStatus);
        Assert.Null(keyed.Get(["AuthorizationKey"]).ConfigurationKey!.Single().Value); // write-only
        var all = c.Get(null).ConfigurationKey!;
        Assert.Contains(all, k => k is { Key: "SupportedFeatureProfiles", Readonly: true });
        Assert.All(all, k => Assert.True(k.Key.Length <= 50 && (k.Value?.Length ?? 0) <= 500));
    }

    [Fact]
    public void The_local_list_wins_over_the_cache_and_differential_updates_need_a_newer_version()
    {
        var auth = LocalAuthorization.Empty.Remember("A", new IdTagInfo(AuthorizationStatus.Accepted, T0.AddHours(-1)), T0.AddHours(-2));
        Assert.Equal(AuthorizationStatus.Expired, auth.Lookup("A", T0, true, true)!.Status);
        var (full, s1) = auth.Update(new SendLocalListRequest(3, UpdateType.Full, [new AuthorizationData("A", new IdTagInfo(AuthorizationStatus.Blocked))]), true, 10);
        Assert.Equal(UpdateStatus.Accepted, s1);
        Assert.Equal(AuthorizationStatus.Blocked, full.Lookup("A", T0, true, true)!.Status);
        Assert.Equal(UpdateStatus.VersionMismatch, full.Update(new SendLocalListRequest(3, UpdateType.Differential, []), true, 10).Status);
        var (diff, s2) = full.Update(new SendLocalListRequest(4, UpdateType.Differential, [new AuthorizationData("A")]), true, 10);
        Assert.Equal(UpdateStatus.Accepted, s2);
        Assert.Equal(AuthorizationStatus.Expired, diff.Lookup("A", T0, true, true)!.Status); // back to the cache
        Assert.Null(diff.ClearCache().Lookup("A", T0, true, true));
        Assert.Equal(UpdateStatus.NotSupported, diff.Update(new SendLocalListRequest(5, UpdateType.Full, []), false, 10).Status);
    }

    [Fact]
    public void The_queue_keeps_order_and_remaps_only_the_placeholder()
    {
        var q = new InMemoryTransactionMessageQueue();
        q.Enqueue(new StartTransactionRequest(1, "A", 0, T0));
        q.Enqueue(new MeterValuesRequest(1, [], -1));
        q.Enqueue(new MeterValuesRequest(1, [], -2));
        q.Enqueue(new StopTransactionRequest(10, T0, -1));
        Assert.Throws<ArgumentException>(() => q.Enqueue(new HeartbeatRequest()));
        q.RemapTransactionId(-1, 55);
        Assert.Equal([0, 55, -2, 55], q.Snapshot().Select(m => m.Request switch
        {
            MeterValuesRequest mv => mv.TransactionId ?? 0, StopTransactionRequest s => s.TransactionId, _ => 0,
        }));
        Assert.Equal(q.Snapshot().Select(m => m.Sequence).Order(), q.Snapshot().Select(m => m.Sequence));
        q.RemoveHead();
        Assert.IsType<MeterValuesRequest>(q.Peek()!.Request);
        Assert.Equal(1, q.RecordFailedAttempt().FailedAttempts);
    }

    [Fact]
    public void Backoff_grows_exponentially_within_its_bounds_with_jitter() =>
        Gen.Select(Gen.Int[0, 40], Gen.Double[0, 1]).Sample((attempt, r) =>
        {
            var b = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
            var d = b.Delay(attempt, r);
            var step = Math.Min(60, Math.Pow(2, Math.Min(attempt, 30)));
            return d >= TimeSpan.FromSeconds(step * 0.5) - TimeSpan.FromMilliseconds(1)
                   && d <= TimeSpan.FromSeconds(step) + TimeSpan.FromMilliseconds(1)
                   && d <= TimeSpan.FromSeconds(60) + TimeSpan.FromMilliseconds(1);
        });

    [Fact]
    public void The_endpoint_appends_the_charge_point_id_and_basic_auth_carries_the_key()
    {
        var s = new OcppConnectionSettings(new Uri("wss://cs.example.test/ocpp"), "SE-1", AuthorizationKey: "k3y");
        Assert.Equal("wss://cs.example.test/ocpp/SE-1", s.Endpoint.ToString());
        Assert.Equal("Basic " + Convert.ToBase64String("SE-1:k3y"u8.ToArray()), s.AuthorizationHeader);
        Assert.Null((s with { AuthorizationKey = null }).AuthorizationHeader);
    }

    [Fact]
    public void Security_profile_2_accepts_only_a_server_certificate_from_the_configured_CA()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=SmartElek Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        using var server = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3, 4]);

        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var stranger = new CertificateRequest("CN=127.0.0.1", otherKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        Assert.True(ServerCertificateCheck.Validate(ca, server, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(ServerCertificateCheck.Validate(ca, stranger, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(ServerCertificateCheck.Validate(ca, server, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(ServerCertificateCheck.Validate(ca, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }
}
