using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;

namespace SmartElek.Gateway.Tests;

/// <summary>The same store on a real, throw-away PostgreSQL server (initdb + pg_ctl on 127.0.0.1).</summary>
public sealed class PostgreSqlChargePointStoreTests : IAsyncLifetime
{
    private ThrowawayPostgreSql _server = null!;
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _server = await ThrowawayPostgreSql.StartAsync();
        _connection = await _server.CreateDatabaseAsync("ocpp"); // a connection string to a fresh database
    }

    public async Task DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await _server.DisposeAsync();
    }

    [Fact]
    public void Any_sequence_of_queue_operations_gives_the_in_memory_queues_result_and_survives_reconnecting()
    {
        DurableChargePointTests.SameAsInMemory(() => ChargePointStore.PostgreSql(_connection), iter: 10);
    }

    [Fact]
    public void Profiles_configuration_and_the_local_list_are_remembered_across_a_reconnect()
    {
        var profile = new ChargingProfile(3, 2, ChargingProfilePurpose.TxDefaultProfile, ChargingProfileKind.Relative,
            new ChargingSchedule(ChargingRateUnit.W, [new ChargingSchedulePeriod(0, 7200m), new ChargingSchedulePeriod(3600, 3600m)]));
        using (var store = ChargePointStore.PostgreSql(_connection))
        {
            var cp = store.For(new ChargerId("SE-PG"));
            cp.RememberProfiles([new InstalledProfile(1, profile)]);
            cp.RememberConfiguration("HeartbeatInterval", "120");
            cp.RememberLocalList(new LocalList(4, [new AuthorizationData("TAG-PG", new IdTagInfo(AuthorizationStatus.Accepted))]));
            Assert.StartsWith("postgresql://127.0.0.1:", store.Location);
            Assert.DoesNotContain("Password", store.Location, StringComparison.OrdinalIgnoreCase);
        }
        using (var store = ChargePointStore.PostgreSql(_connection))
        {
            var kept = store.For(new ChargerId("SE-PG")).Recall();
            var installed = Assert.Single(kept.Profiles);
            Assert.Equal((1, 3600m), (installed.ConnectorId, installed.Profile.ChargingSchedule.ChargingSchedulePeriod[1].Limit));
            Assert.Equal("120", kept.Configuration["HeartbeatInterval"]);
            Assert.Equal(4, kept.LocalList!.Version);
            Assert.Equal("TAG-PG", Assert.Single(kept.LocalList.Entries).IdTag);
            Assert.Empty(store.For(new ChargerId("SE-OTHER")).Recall().Profiles);
        }
    }

    [Fact]
    public async Task A_stopped_server_holds_the_changes_in_order_offers_none_unstored_and_writes_them_when_it_is_back()
    {
        await StoreOutageTests.HoldsAndWritesBack(() => ChargePointStore.PostgreSql(_connection, retryAfter: TimeSpan.FromMilliseconds(50)),
            () => _server.StopAsync(), () => _server.StartAgainAsync(), "postgresql://127.0.0.1:");
    }

    [Fact]
    public void The_running_transaction_is_remembered_across_a_reconnect_until_it_is_forgotten()
    {
        DurableChargePointTests.RemembersTheRunningTransaction(() => ChargePointStore.PostgreSql(_connection));
    }

    [Fact]
    public void The_host_with_Storage_Provider_PostgreSql_opens_the_store_on_the_connection_string_of_the_named_variable()
    {
        const string variable = "SMARTELEK_TEST_OCPP_PG";
        var storage = new SmartElek.Host.Configuration.StorageOptions { Provider = "PostgreSql", PostgreSqlConnectionVariable = variable };
        var running = new RememberedTransaction(1, 9, "TAG-HOST", 500, DateTimeOffset.UnixEpoch.AddDays(20_000));
        using (var store = SmartElek.Host.Ocpp.OcppGatewayHosting.OpenStore(new SmartElek.Host.Configuration.OcppOptions(), storage,
            v => v == variable ? _connection : null))
        {
            Assert.StartsWith("postgresql://127.0.0.1:", store.Location);
            store.For(new ChargerId("SE-PG-HOST")).RememberTransaction(running);
        }
        using (var store = ChargePointStore.PostgreSql(_connection))
            Assert.Equal(running, store.For(new ChargerId("SE-PG-HOST")).Recall().Transaction);
    }
}
