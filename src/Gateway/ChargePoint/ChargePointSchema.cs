using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// The charge point store's tables (the same SQL on SQLite and PostgreSQL) and the stored form of
/// OCPP messages: the CALL frames they are or would be sent as, the protocol's own form.
/// </summary>
internal static class ChargePointSchema
{
    public const string Tables = """
        CREATE TABLE IF NOT EXISTS ocpp_transaction_queue (
            charge_point TEXT NOT NULL, sequence BIGINT NOT NULL, frame TEXT NOT NULL,
            failed_attempts INTEGER NOT NULL, start_placeholder INTEGER NULL,
            PRIMARY KEY (charge_point, sequence));
        CREATE TABLE IF NOT EXISTS ocpp_profile (
            charge_point TEXT NOT NULL, position INTEGER NOT NULL, frame TEXT NOT NULL,
            PRIMARY KEY (charge_point, position));
        CREATE TABLE IF NOT EXISTS ocpp_local_list (
            charge_point TEXT NOT NULL PRIMARY KEY, frame TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS ocpp_configuration (
            charge_point TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
            PRIMARY KEY (charge_point, key));
        CREATE TABLE IF NOT EXISTS ocpp_open_transaction (
            charge_point TEXT NOT NULL PRIMARY KEY, connector INTEGER NOT NULL, transaction_id INTEGER NOT NULL,
            id_tag TEXT NOT NULL, meter_start BIGINT NOT NULL, started TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS ocpp_authorization_cache (
            charge_point TEXT NOT NULL, id_tag TEXT NOT NULL, answer TEXT NOT NULL, last_used BIGINT NOT NULL,
            PRIMARY KEY (charge_point, id_tag));
        """;

    /// <summary>SQLite: write-ahead logging, and a commit is on disk when it returns.</summary>
    public const string SqliteSetup = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";

    public static string Frame(IOcppRequest request) => OcppFrames.EncodeCall("stored", request);

    public static IOcppRequest Request(string frame, string what) => OcppFrames.Decode(frame) is DecodedCall call
        ? call.Request
        : throw new InvalidDataException($"A stored {what} is not a readable OCPP CALL: {(frame.Length > 120 ? frame[..120] + "..." : frame)}");
}
