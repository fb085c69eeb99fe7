using System.Globalization;
using System.Text.Json;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;
using static SmartElek.Gateway.ChargePoint.ChargePointSchema;

namespace SmartElek.Gateway.ChargePoint;

// The durable memory: profiles, local list, changed configuration, running transaction, authorisation cache.
public sealed partial class DurableChargePoint
{
    /// <summary>What is remembered, once this charge point's own changes so far are written (or failed).</summary>
    public RememberedChargePoint Recall()
    {
        WaitWritten(TimeSpan.FromSeconds(30));
        var profiles = _store.Query("SELECT frame FROM ocpp_profile WHERE charge_point = @cp ORDER BY position",
            r => (SetChargingProfileRequest)Request(r.GetString(0), $"charging profile of {_id}"), ("@cp", _id))
            .Select(p => new InstalledProfile(p.ConnectorId, p.CsChargingProfiles)).ToList();
        var config = _store.Query("SELECT key, value FROM ocpp_configuration WHERE charge_point = @cp",
            r => (r.GetString(0), r.GetString(1)), ("@cp", _id)).ToDictionary(kv => kv.Item1, kv => kv.Item2);
        var list = _store.Query("SELECT frame FROM ocpp_local_list WHERE charge_point = @cp",
            r => (SendLocalListRequest)Request(r.GetString(0), $"local authorisation list of {_id}"), ("@cp", _id))
            .Select(l => new LocalList(l.ListVersion, l.LocalAuthorizationList ?? [])).SingleOrDefault();
        var open = _store.Query("SELECT connector, transaction_id, id_tag, meter_start, started FROM ocpp_open_transaction WHERE charge_point = @cp",
            r => new RememberedTransaction(r.GetInt32(0), r.GetInt32(1), r.GetString(2), r.GetInt64(3), Started(r.GetString(4))), ("@cp", _id))
            .SingleOrDefault();
        var cache = _store.Query("SELECT id_tag, answer, last_used FROM ocpp_authorization_cache WHERE charge_point = @cp",
            r => (IdTag: r.GetString(0), Entry: new CachedAuthorization(Answer(r.GetString(0), r.GetString(1)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)))),
            ("@cp", _id)).ToDictionary(e => e.IdTag, e => e.Entry, StringComparer.Ordinal);
        return new RememberedChargePoint(profiles, config, list, open, cache);
    }

    public void RememberProfiles(IReadOnlyList<InstalledProfile> profiles) => Write("charging profiles", run =>
    {
        run("DELETE FROM ocpp_profile WHERE charge_point = @cp", [("@cp", _id)]);
        for (var i = 0; i < profiles.Count; i++)
            run("INSERT INTO ocpp_profile VALUES (@cp, @pos, @frame)",
                [("@cp", _id), ("@pos", i), ("@frame", Frame(new SetChargingProfileRequest(profiles[i].ConnectorId, profiles[i].Profile)))]);
    });

    // Kept as the Full SendLocalList that would set it again.
    public void RememberLocalList(LocalList list) => Write($"local list version {list.Version}", run =>
        run("INSERT INTO ocpp_local_list VALUES (@cp, @frame) ON CONFLICT (charge_point) DO UPDATE SET frame = excluded.frame",
            [("@cp", _id), ("@frame", Frame(new SendLocalListRequest(list.Version, UpdateType.Full, list.Entries)))]));

    public void RememberTransaction(RememberedTransaction? transaction)
    {
        if (transaction is null)
        {
            Write("end of the running transaction", run => run("DELETE FROM ocpp_open_transaction WHERE charge_point = @cp", [("@cp", _id)]));
            return;
        }
        Write($"running transaction {transaction.TransactionId}", run => run("""
            INSERT INTO ocpp_open_transaction VALUES (@cp, @c, @tx, @tag, @ms, @at) ON CONFLICT (charge_point) DO UPDATE SET
            connector = excluded.connector, transaction_id = excluded.transaction_id, id_tag = excluded.id_tag,
            meter_start = excluded.meter_start, started = excluded.started
            """,
            [("@cp", _id), ("@c", transaction.ConnectorId), ("@tx", transaction.TransactionId), ("@tag", transaction.IdTag),
             ("@ms", transaction.MeterStart), ("@at", transaction.Start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))]));
    }

    private DateTimeOffset Started(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new InvalidDataException($"The remembered transaction of {_id} has an unreadable start time '{text}'.");

    // Kept as the Authorize answer that taught it: the protocol's own form.
    private IdTagInfo Answer(string idTag, string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, OcppJsonContext.Default.AuthorizeResponse)?.IdTagInfo
                ?? throw new JsonException("null");
        }
        catch (Exception e) when (e is JsonException or OcppPayloadException)
        {
            throw new InvalidDataException($"The authorisation cache entry of {_id} for idTag '{idTag}' is not a readable idTagInfo ({e.Message}): {json}", e);
        }
    }

    public void RememberCacheEntry(string idTag, CachedAuthorization entry, IReadOnlyCollection<string> evicted) =>
        Write($"authorisation cache entry {idTag}", run =>
    {
        foreach (var gone in evicted)
            run("DELETE FROM ocpp_authorization_cache WHERE charge_point = @cp AND id_tag = @tag", [("@cp", _id), ("@tag", gone)]);
        run("""
            INSERT INTO ocpp_authorization_cache VALUES (@cp, @tag, @answer, @used) ON CONFLICT (charge_point, id_tag) DO UPDATE SET
            answer = excluded.answer, last_used = excluded.last_used
            """,
            [("@cp", _id), ("@tag", idTag), ("@answer", JsonSerializer.Serialize(new AuthorizeResponse(entry.Info), OcppJsonContext.Default.AuthorizeResponse)),
             ("@used", entry.LastUsed.ToUnixTimeMilliseconds())]);
    });

    public void ClearCache() =>
        Write("clearing the authorisation cache", run => run("DELETE FROM ocpp_authorization_cache WHERE charge_point = @cp", [("@cp", _id)]));

    public void RememberConfiguration(string key, string value) => Write($"configuration {key}", run =>
        run("INSERT INTO ocpp_configuration VALUES (@cp, @k, @v) ON CONFLICT (charge_point, key) DO UPDATE SET value = excluded.value",
            [("@cp", _id), ("@k", key), ("@v", value)]));
}
