using System.Text.Json.Nodes;
using Akka.Actor;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Connection;
using Xunit.Abstractions;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.Tests.Interop;

/// <summary>
/// What every test against the node central system (tests/interop) shares: the process started
/// and stopped around each test, polling its record and a charge point's state, a WebSocket link.
/// </summary>
public abstract class InteropTest(ITestOutputHelper output, string password, int heartbeatSeconds, string? config = null)
    : Akka.TestKit.Xunit2.TestKit(config ?? "akka.loglevel = INFO", output: output), IAsyncLifetime
{
    protected string Password { get; } = password;

    protected CentralSystemProcess CentralSystem { get; set; } = null!;

    public virtual async Task InitializeAsync() => CentralSystem = await CentralSystemProcess.StartAsync(Password, heartbeatSeconds);

    public virtual async Task DisposeAsync() => await CentralSystem.DisposeAsync();

    protected WebSocketLink Link(string identity) => new(new OcppConnectionSettings(
        new Uri($"ws://127.0.0.1:{CentralSystem.Port}/ocpp"), identity, AuthorizationKey: Password,
        Backoff: new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1))));

    /// <summary>Polls the central system's record until <paramref name="condition"/> holds.</summary>
    protected async Task<CentralSystemRecord> WaitFor(string what, Func<CentralSystemRecord, bool> condition, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var record = await CentralSystem.RecordAsync();
            if (condition(record)) return record;
            if (DateTime.UtcNow > until)
                throw new Xunit.Sdk.XunitException($"waited {seconds} s for {what}; received: " +
                    string.Join(", ", record.Received.Select(r => r.Method)) + "; failures: " + string.Join(" | ", record.Failures));
            await Task.Delay(150);
        }
    }

    protected static async Task<ChargePointState> StateUntil(IActorRef cp, Func<ChargePointState, bool> condition, string what, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var s = await cp.Ask<ChargePointState>(GetState.Instance, TimeSpan.FromSeconds(5));
            if (condition(s)) return s;
            if (DateTime.UtcNow > until) throw new Xunit.Sdk.XunitException($"waited {seconds} s for {what}; state {s}");
            await Task.Delay(100);
        }
    }

    protected static async Task Until(Func<bool> condition, string what, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new Xunit.Sdk.XunitException($"waited {seconds} s for {what}");
            await Task.Delay(100);
        }
    }

    protected static string Status(JsonNode n) => n["status"]!.GetValue<string>();

    /// <summary>The value of one measurand in a MeterValues CALL's first meter value.</summary>
    protected static decimal? Measured(ReceivedCall meterValues, string measurand) =>
        meterValues.Params["meterValue"]![0]!["sampledValue"]!.AsArray()
            .Where(v => v!["measurand"]?.GetValue<string>() == measurand)
            .Select(v => (decimal?)decimal.Parse(v!["value"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();

    protected static bool IsTriggered(ReceivedCall c) =>
        c.Method == "MeterValues" && c.Params["meterValue"]![0]!["sampledValue"]![0]!["context"]?.GetValue<string>() == "Trigger";
}
