using Akka.Actor;
using Akka.TestKit;
using CsCheck;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.Tests.Interop;
using Xunit.Abstractions;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.Tests;

/// <summary>The authorisation cache (OCPP 1.6 §3.5): bounded, expired entries then the least recently used evicted, kept across a restart.</summary>
[Trait("Speed", "Fast")]
public sealed class AuthorizationCacheTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(UnitTestConfig.VirtualClock, output: output)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Learning_never_passes_the_capacity_and_evicts_expired_entries_first_then_the_least_recently_used()
    {
        // (use or learn, tag, seconds of expiry from now: <= 0 expired, > 60 none)
        var op = Gen.Select(Gen.Bool, Gen.Int[0, 9], Gen.Int[-30, 90]);
        Gen.Select(Gen.Int[0, 5], op.Array[1, 60]).Sample((capacity, ops) =>
        {
            var cache = AuthorizationCache.Empty(capacity);
            var now = T0;
            foreach (var (use, n, expiresIn) in ops)
            {
                now = now.AddSeconds(1);
                var tag = $"T{n}";
                if (use)
                {
                    var (used, entry) = cache.Use(tag, now);
                    Assert.Equal(cache.Entries.ContainsKey(tag), entry is not null);
                    if (entry is not null) Assert.Equal(now, used.Entries[tag].LastUsed);
                    cache = used;
                    continue;
                }
                DateTimeOffset? expiry = expiresIn > 60 ? null : now.AddSeconds(expiresIn);
                var before = cache.Entries.SetItem(tag, new CachedAuthorization(new IdTagInfo(AuthorizationStatus.Accepted, expiry), now));
                var (after, evicted) = cache.Remember(tag, new IdTagInfo(AuthorizationStatus.Accepted, expiry), now);
                Assert.True(after.Entries.Count <= capacity);
                Assert.Equal(before.Count - after.Entries.Count, evicted.Count);
                Assert.Equal(before.Keys.Except(evicted).Order(), after.Entries.Keys.Order());
                bool Expired(CachedAuthorization e) => e.Info.ExpiryDate is { } x && x <= now;
                foreach (var gone in evicted.Select(g => before[g]).Where(e => !Expired(e)))
                {
                    // A live entry left only when no expired one stayed, and it was used no later than any that stayed.
                    Assert.DoesNotContain(after.Entries.Values, Expired);
                    Assert.All(after.Entries.Values, kept => Assert.True(gone.LastUsed <= kept.LastUsed));
                }
                cache = after;
            }
        });
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public async Task A_remembered_cache_larger_than_AuthorizationCacheMaxEntries_is_trimmed_by_the_eviction_rule_durably()
    {
        using var folder = new TempFolder();
        var file = folder.File("trim.db");
        var id = new ChargerId("SE-TRIM");
        using (var store = ChargePointStore.Sqlite(file))
        {
            var memory = store.For(id);
            memory.RememberCacheEntry("OLD-EXPIRED", new CachedAuthorization(new IdTagInfo(AuthorizationStatus.Accepted, T0.AddDays(-1)), T0.AddMinutes(-1)), []);
            memory.RememberCacheEntry("USED-LONG-AGO", new CachedAuthorization(new IdTagInfo(AuthorizationStatus.Accepted), T0.AddDays(-30)), []);
            memory.RememberCacheEntry("USED-LATELY", new CachedAuthorization(new IdTagInfo(AuthorizationStatus.Blocked), T0.AddDays(-1)), []);
            memory.RememberCacheEntry("USED-NOW", new CachedAuthorization(new IdTagInfo(AuthorizationStatus.Accepted, T0.AddDays(1)), T0), []);
            Assert.True(memory.WaitWritten(TimeSpan.FromSeconds(30)));
        }
        using (var store = ChargePointStore.Sqlite(file))
        {
            var defaults = ChargePointConfiguration.Default();
            var config = new ChargePointConfiguration(defaults.Keys.SetItem("AuthorizationCacheMaxEntries", defaults.Keys["AuthorizationCacheMaxEntries"] with { Value = "2" }));
            var memory = store.For(id);
            var cp = Sys.ActorOf(ChargePointActor.Props(new ChargePointSettings(id, Configuration: config, Clock: () => T0),
                new SimulatedConnector(), new ProbeLink(CreateTestProbe().Ref), memory, memory));
            await cp.Ask<ChargePointState>(GetState.Instance);
            Assert.True(memory.WaitWritten(TimeSpan.FromSeconds(30)));
            Assert.Equal(["USED-LATELY", "USED-NOW"], memory.Recall().AuthorizationCache!.Keys.Order(StringComparer.Ordinal));
        }
    }

    private (IActorRef Cp, TestProbe Wire, SimulatedConnector Connector) Start(ChargePointStore store, string name)
    {
        var wire = CreateTestProbe();
        var connector = new SimulatedConnector { Vehicle = VehicleConnection.RequestingEnergy };
        var start = Scheduler.Now;
        var memory = store.For(new ChargerId("SE-AC"));
        // LocalPreAuthorize off: online, every tag goes to the central system; offline only the cache can admit it.
        var config = ChargePointConfiguration.Default(meterSampleSeconds: 0).Change("LocalPreAuthorize", "false").Configuration;
        var cp = Sys.ActorOf(ChargePointActor.Props(new ChargePointSettings(new ChargerId("SE-AC"), Configuration: config,
            Clock: () => T0 + (Scheduler.Now - start)), connector, new ProbeLink(wire.Ref), memory, memory), name);
        return (cp, wire, connector);
    }

    private static async Task<DecodedCall> Expect(TestProbe wire, IActorRef cp, string action)
    {
        while (true)
        {
            var call = Assert.IsType<DecodedCall>(OcppFrames.Decode(await wire.ExpectMsgAsync<string>(TimeSpan.FromSeconds(5))));
            if (call.Action == action) return call;
            Assert.Equal("StatusNotification", call.Action);
            cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeResult(call.MessageId, new StatusNotificationResponse())));
        }
    }

    private static void Answer(IActorRef cp, DecodedCall call, IOcppResponse response) =>
        cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeResult(call.MessageId, response)));

    private async Task Stop(IActorRef cp)
    {
        Watch(cp);
        Sys.Stop(cp);
        await ExpectTerminatedAsync(cp);
    }

    [Fact]
    public async Task A_tag_learnt_online_admits_it_offline_after_a_restart_until_ClearCache_empties_the_durable_copy_too()
    {
        using var folder = new TempFolder();
        var file = folder.File("cache.db");

        // 1. Online: the central system accepts TAG-C until tomorrow; the cache learns it.
        using (var store = ChargePointStore.Sqlite(file))
        {
            var (cp, wire, _) = Start(store, "cp-1");
            cp.Tell(new OcppLinkProtocol.Connected(new Uri("ws://test/SE-AC")));
            Answer(cp, await Expect(wire, cp, "BootNotification"), new BootNotificationResponse(RegistrationStatus.Accepted, T0, 0));
            cp.Tell(new LocalStartRequested("TAG-C"));
            Answer(cp, await Expect(wire, cp, "Authorize"), new AuthorizeResponse(new IdTagInfo(AuthorizationStatus.Accepted, T0.AddDays(1))));
            var start = await Expect(wire, cp, "StartTransaction");
            Answer(cp, start, new StartTransactionResponse(new IdTagInfo(AuthorizationStatus.Accepted, T0.AddDays(1)), 10));
            cp.Tell(new LocalStopRequested());
            Answer(cp, await Expect(wire, cp, "StopTransaction"), new StopTransactionResponse());
            await cp.Ask<ChargePointState>(GetState.Instance);
            await Stop(cp);
            Assert.Equal(AuthorizationStatus.Accepted, store.For(new ChargerId("SE-AC")).Recall().AuthorizationCache!["TAG-C"].Info.Status);
        }

        // 2. Restarted and offline (unknown tags not allowed): the remembered cache admits TAG-C.
        using (var store = ChargePointStore.Sqlite(file))
        {
            var (cp, _, _) = Start(store, "cp-2");
            cp.Tell(new LocalStartRequested("TAG-C"));
            var state = await cp.Ask<ChargePointState>(GetState.Instance);
            Assert.True(state.TransactionId < 0, "the cached tag did not start a transaction offline after the restart");
            cp.Tell(new LocalStopRequested());
            await cp.Ask<ChargePointState>(GetState.Instance);
            await Stop(cp);
        }

        // 3. Online again: ClearCache (the offline transaction's messages are left queued, unanswered).
        using (var store = ChargePointStore.Sqlite(file))
        {
            var (cp, wire, _) = Start(store, "cp-3");
            cp.Tell(new OcppLinkProtocol.Connected(new Uri("ws://test/SE-AC")));
            Answer(cp, await Expect(wire, cp, "BootNotification"), new BootNotificationResponse(RegistrationStatus.Accepted, T0, 0));
            cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeCall("cc", new ClearCacheRequest())));
            while (OcppFrames.Decode(await wire.ExpectMsgAsync<string>(TimeSpan.FromSeconds(5))) is var f && f is not DecodedResult { MessageId: "cc" })
                if (f is DecodedCall { Action: "StatusNotification" } c) Answer(cp, c, new StatusNotificationResponse());
            await cp.Ask<ChargePointState>(GetState.Instance);
            await Stop(cp);
            Assert.Empty(store.For(new ChargerId("SE-AC")).Recall().AuthorizationCache!);
        }

        // 4. Restarted and offline again: TAG-C is unknown now and is refused.
        using (var store = ChargePointStore.Sqlite(file))
        {
            var (cp, _, _) = Start(store, "cp-4");
            cp.Tell(new LocalStartRequested("TAG-C"));
            await cp.Ask<ChargePointState>(GetState.Instance);
            Scheduler.Advance(TimeSpan.FromSeconds(46)); // starting up, it waits (45 s) for a registration that never comes
            var state = await cp.Ask<ChargePointState>(GetState.Instance);
            Assert.Null(state.TransactionId);
            Assert.Equal(2, state.QueuedTransactionMessages); // step 2's start and stop, still owed
            await Stop(cp);
        }
    }
}
