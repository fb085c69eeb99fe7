using SmartElek.Gateway.ChargePoint;
using SmartElek.Host.Configuration;
using SmartElek.Host.Ocpp;

namespace SmartElek.Gateway.Tests.Host;

/// <summary>The Host's OCPP store follows the Storage section; Ocpp:DataFile, when set, overrides it.</summary>
[Trait("Speed", "Fast")]
public sealed class OcppStoreTests
{
    [Fact]
    public void With_Sqlite_the_store_is_a_file_in_the_data_folder_and_DataFile_overrides_it()
    {
        var storage = new StorageOptions { Provider = "Sqlite", DataFolder = "site-data" };
        Assert.Equal(Path.GetFullPath(Path.Combine("site-data", OcppGatewayHosting.SqliteFile)), OcppGatewayHosting.SqliteFileOf(new OcppOptions(), storage));
        Assert.Equal(Path.GetFullPath("elsewhere/cp.db"), OcppGatewayHosting.SqliteFileOf(new OcppOptions { DataFile = "elsewhere/cp.db" }, storage));
        var postgres = new StorageOptions { Provider = "PostgreSql" };
        Assert.Null(OcppGatewayHosting.SqliteFileOf(new OcppOptions(), postgres));
        Assert.Equal(Path.GetFullPath("cp.db"), OcppGatewayHosting.SqliteFileOf(new OcppOptions { DataFile = "cp.db" }, postgres));
    }

    [Fact]
    public void The_opened_Sqlite_store_is_in_the_data_folder_and_keeps_a_charge_points_memory()
    {
        using var folder = new TempFolder();
        var storage = new StorageOptions { Provider = "Sqlite", DataFolder = Path.Combine(folder.Path, "data") };
        var running = new RememberedTransaction(1, 5, "TAG", 100, DateTimeOffset.UnixEpoch.AddDays(20_000));
        using (var store = OcppGatewayHosting.OpenStore(new OcppOptions(), storage))
        {
            Assert.Equal(Path.Combine(folder.Path, "data", OcppGatewayHosting.SqliteFile), store.Location);
            store.For(new ChargerId("SE-H1")).RememberTransaction(running);
        }
        Assert.True(File.Exists(Path.Combine(folder.Path, "data", OcppGatewayHosting.SqliteFile)));
        using (var store = OcppGatewayHosting.OpenStore(new OcppOptions(), storage))
            Assert.Equal(running, store.For(new ChargerId("SE-H1")).Recall().Transaction);
    }

    [Fact]
    public void With_PostgreSql_and_no_connection_string_the_error_names_the_Storage_key_and_the_variable()
    {
        var storage = new StorageOptions { Provider = "PostgreSql", PostgreSqlConnectionVariable = "SMARTELEK_TEST_NO_SUCH_PG" };
        var e = Assert.Throws<ConfigException>(() => OcppGatewayHosting.OpenStore(new OcppOptions(), storage, _ => null));
        var error = Assert.Single(e.Errors);
        Assert.Equal("Storage:PostgreSqlConnectionVariable", error.Key);
        Assert.Contains("SMARTELEK_TEST_NO_SUCH_PG", error.Reason);
    }
}
