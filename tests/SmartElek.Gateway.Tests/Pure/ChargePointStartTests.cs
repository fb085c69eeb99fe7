using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;

namespace SmartElek.Gateway.Tests.Pure;

// What a charge point starts from after a restart, decided without a store or an actor.
[Trait("Speed", "Fast")]
public class ChargePointStartTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly ChargePointConfiguration Config = ChargePointConfiguration.Default();

    private static ChargingProfile Profile(int id, ChargingProfilePurpose purpose) =>
        new(id, 0, purpose, ChargingProfileKind.Absolute,
            new ChargingSchedule(ChargingRateUnit.A, [new ChargingSchedulePeriod(0, 10m)], StartSchedule: T0));

    private static QueuedTransactionMessage Start(long sequence, int placeholder) =>
        new(sequence, new StartTransactionRequest(1, "TAG", 100, T0), 0, placeholder);

    [Fact]
    public void Nothing_remembered_starts_fresh_with_placeholders_from_minus_one()
    {
        var start = ChargePointStart.Fresh(Config, [], T0);
        Assert.Equal((0, (RememberedTransaction?)null, false, 0), (start.NextPlaceholder, start.CutTransaction, start.ForgetTransaction, start.Profiles.Installed.Count));
        Assert.Empty(start.Warnings);
        Assert.Same(Config, start.Configuration);
    }

    [Fact]
    public void Placeholders_continue_below_those_still_queued()
    {
        var start = ChargePointStart.Fresh(Config, [Start(1, -3), Start(2, -7)], T0);
        Assert.Equal(-7, start.NextPlaceholder);
    }

    [Fact]
    public void Remembered_keys_apply_and_one_that_no_longer_does_is_warned_about()
    {
        var kept = RememberedChargePoint.Nothing with
        {
            Configuration = new Dictionary<string, string> { ["HeartbeatInterval"] = "120", ["NumberOfConnectors"] = "3", ["Gone"] = "1" },
        };
        var start = ChargePointStart.Of(kept, [], Config, T0);
        Assert.Equal(TimeSpan.FromSeconds(120), start.Configuration.HeartbeatInterval);
        Assert.Equal(1, start.Configuration.SmartChargingLimits.NumberOfConnectors);
        Assert.Equal(2, start.Warnings.Count);
        Assert.Contains(start.Warnings, w => w.Contains("NumberOfConnectors=3", StringComparison.Ordinal) && w.Contains("Rejected", StringComparison.Ordinal));
        Assert.Contains(start.Warnings, w => w.Contains("Gone=1", StringComparison.Ordinal) && w.Contains("NotSupported", StringComparison.Ordinal));
    }

    [Fact]
    public void A_TxProfile_is_not_reinstalled_its_transaction_ended_with_the_restart()
    {
        var kept = RememberedChargePoint.Nothing with
        {
            Profiles = [new InstalledProfile(1, Profile(1, ChargingProfilePurpose.TxDefaultProfile)), new InstalledProfile(1, Profile(2, ChargingProfilePurpose.TxProfile))],
        };
        Assert.Equal([1], ChargePointStart.Of(kept, [], Config, T0).Profiles.Installed.Select(p => p.Profile.ChargingProfileId));
    }

    [Fact]
    public void A_remembered_transaction_is_cut_only_while_it_owes_its_stop_else_it_is_forgotten()
    {
        var running = new RememberedTransaction(1, 42, "TAG", 100, T0);
        var owes = ChargePointStart.Of(RememberedChargePoint.Nothing with { Transaction = running }, [], Config, T0);
        Assert.Equal((running, false), (owes.CutTransaction, owes.ForgetTransaction));

        var stopQueued = new QueuedTransactionMessage(1, new StopTransactionRequest(200, T0, 42, "TAG", StopTransactionReason.Local), 0);
        var stopped = ChargePointStart.Of(RememberedChargePoint.Nothing with { Transaction = running }, [stopQueued], Config, T0);
        Assert.Equal(((RememberedTransaction?)null, true), (stopped.CutTransaction, stopped.ForgetTransaction));
        Assert.Single(stopped.Warnings);

        // A placeholder whose StartTransaction was never queued: the central system never heard of it.
        var neverStarted = ChargePointStart.Of(RememberedChargePoint.Nothing with { Transaction = running with { TransactionId = -1 } }, [], Config, T0);
        Assert.True(neverStarted.ForgetTransaction);
        var started = ChargePointStart.Of(RememberedChargePoint.Nothing with { Transaction = running with { TransactionId = -1 } }, [Start(1, -1)], Config, T0);
        Assert.Equal(-1, started.CutTransaction?.TransactionId);
    }

    [Fact]
    public void A_cache_kept_larger_than_its_capacity_is_trimmed_and_the_store_told_to_follow()
    {
        var small = Config with { Keys = Config.Keys.SetItem("AuthorizationCacheMaxEntries", Config.Keys["AuthorizationCacheMaxEntries"] with { Value = "2" }) };
        var cache = Enumerable.Range(0, 3).ToDictionary(i => $"T{i}",
            i => new CachedAuthorization(new IdTagInfo(AuthorizationStatus.Accepted), T0.AddMinutes(i)));
        var start = ChargePointStart.Of(RememberedChargePoint.Nothing with { AuthorizationCache = cache }, [], small, T0);
        Assert.Equal(["T1", "T2"], start.Authorization.Cache.Entries.Keys.Order());
        Assert.Equal(["T1", "T2"], start.RewriteCache!.Keys.Order());

        var fits = ChargePointStart.Of(RememberedChargePoint.Nothing with { AuthorizationCache = cache }, [], Config, T0);
        Assert.Null(fits.RewriteCache);
        Assert.Equal(3, fits.Authorization.Cache.Entries.Count);
    }

    [Fact]
    public void The_local_list_comes_back_with_its_version()
    {
        var list = new LocalList(7, [new AuthorizationData("A", new IdTagInfo(AuthorizationStatus.Accepted)), new AuthorizationData("B", null)]);
        var start = ChargePointStart.Of(RememberedChargePoint.Nothing with { LocalList = list }, [], Config, T0);
        Assert.Equal(7, start.Authorization.ListVersion);
        Assert.Equal(["A"], start.Authorization.List.Keys);
    }
}
