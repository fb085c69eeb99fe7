using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.Tests.Pure;

[Trait("Speed", "Fast")]
public class ConfigurationKeysTests
{
    private static ChargePointConfiguration Changed(string key, string value)
    {
        var (config, status) = ChargePointConfiguration.Default().Change(key, value);
        Assert.Equal(ConfigurationStatus.Accepted, status);
        return config;
    }

    // Every writable integer key the charge point acts on: the typed property reads what ChangeConfiguration set.
    [Theory]
    [InlineData("HeartbeatInterval")]
    [InlineData("MeterValueSampleInterval")]
    [InlineData("ClockAlignedDataInterval")]
    [InlineData("ConnectionTimeOut")]
    [InlineData("TransactionMessageRetryInterval")]
    public void An_interval_key_is_a_time_span_of_its_seconds(string key)
    {
        var config = Changed(key, "37");
        var typed = typeof(ChargePointConfiguration).GetProperty(key)!.GetValue(config);
        Assert.Equal(TimeSpan.FromSeconds(37), typed);
    }

    [Theory]
    [InlineData("AllowOfflineTxForUnknownId")]
    [InlineData("AuthorizationCacheEnabled")]
    [InlineData("AuthorizeRemoteTxRequests")]
    [InlineData("LocalAuthorizeOffline")]
    [InlineData("LocalPreAuthorize")]
    [InlineData("LocalAuthListEnabled")]
    [InlineData("StopTransactionOnInvalidId")]
    public void A_boolean_key_reads_both_values(string key)
    {
        var property = typeof(ChargePointConfiguration).GetProperty(key)!;
        Assert.True((bool)property.GetValue(Changed(key, "true"))!);
        Assert.False((bool)property.GetValue(Changed(key, "false"))!);
    }

    [Fact]
    public void Integer_and_measurand_keys_read_typed()
    {
        Assert.Equal(9, Changed("TransactionMessageAttempts", "9").TransactionMessageAttempts);
        Assert.Equal(12, Changed("StopTxnMaxMeterValues", "12").StopTxnMaxMeterValues);
        Assert.Equal([Measurand.Voltage, Measurand.SoC], Changed("StopTxnSampledData", "Voltage,SoC").StopTxnSampledData);
        Assert.Equal([Measurand.CurrentImport], Changed("StopTxnAlignedData", "Current.Import").StopTxnAlignedData);
        Assert.Equal([Measurand.Frequency], Changed("MeterValuesAlignedData", "Frequency").MeterValuesAlignedData);
        var defaults = ChargePointConfiguration.Default();
        Assert.Equal((1000, 100, true), (defaults.AuthorizationCacheMaxEntries, defaults.SendLocalListMaxLength, defaults.StopTransactionOnEVSideDisconnect));
        Assert.Equal(new SmartCharging.SmartChargingLimits(1, 10, 48, 16), defaults.SmartChargingLimits);
        Assert.True(defaults.AllowsRateUnit(ChargingRateUnit.A) && defaults.AllowsRateUnit(ChargingRateUnit.W));
    }

    [Fact]
    public void A_key_is_named_case_insensitively_as_the_central_system_may_spell_it() =>
        Assert.True(ChargePointConfiguration.Is("heartbeatinterval", nameof(ChargePointConfiguration.HeartbeatInterval)));
}
