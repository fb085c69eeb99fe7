using System.Text.Json;
using System.Text.RegularExpressions;

namespace SmartElek.Host.Tests;

/// <summary>
/// The redirected log of the running site, as an operator (or a log collector) reads it: each charger
/// event one readable line, and in the JSON format one object per line with the event's full record.
/// </summary>
public sealed partial class EventLogProcessTests : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-log-").FullName;

    private static readonly Dictionary<string, string> QuickArrivals = new() { ["SMARTELEK__Simulation__MeanArrivalSeconds"] = "1" };

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    [GeneratedRegex(@"^\d\d:\d\d:\d\d (?:INF|WRN) (charger-\d+): (.*)$")]
    private static partial Regex ChargerEventLine();

    [GeneratedRegex(@"\d\.\d{4,}")]
    private static partial Regex LongDecimal();

    [Fact]
    public async Task Every_charger_event_in_the_redirected_log_is_one_readable_line()
    {
        using var site = HostProcess.Start(_workDir, Repository.Config("host.json"), QuickArrivals);
        await site.WaitForTextAsync(p => p.Text(), "charging at ", TimeSpan.FromSeconds(90));
        Assert.Equal(0, await site.InterruptAsync());

        var lines = site.Text().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        // One time and one level per line: not the host's and Akka's ("[INFO][date][Thread 0020][akka://...]") both.
        Assert.All(lines, l => Assert.Matches(@"^\d\d:\d\d:\d\d (?:DBG|INF|WRN|ERR|CRT) ", l));
        Assert.DoesNotContain(lines, l => l.Contains("[INFO]", StringComparison.Ordinal) || l.Contains("[Thread ", StringComparison.Ordinal));
        var events = lines.Select(l => ChargerEventLine().Match(l)).Where(m => m.Success && !m.Groups[2].Value.StartsWith("vehicle arrives", StringComparison.Ordinal)).ToList();
        Assert.Contains(events, m => m.Groups[2].Value == "vehicle plugged in, auto-start");
        Assert.Contains(events, m => Regex.IsMatch(m.Groups[2].Value, @"^charging at \d+\.\d A"));
        Assert.Contains(events, m => m.Groups[2].Value.StartsWith("charging stopped (the controller shut down) after ", StringComparison.Ordinal));
        foreach (var m in events)
        {
            var line = m.Value;
            Assert.False(line.Contains('{') || line.Contains('}'), $"a record in the log: {line}");
            Assert.DoesNotMatch(LongDecimal(), line);
            Assert.DoesNotContain("Charger charger-", line);
        }
        // kWh to the watt-hour, amps to a tenth.
        Assert.All(events.Where(m => m.Groups[2].Value.Contains(" kWh", StringComparison.Ordinal)), m => Assert.Matches(@"\d+\.\d{3} kWh", m.Value));
        Assert.All(events.Where(m => m.Groups[2].Value.StartsWith("charging at", StringComparison.Ordinal)), m => Assert.Matches(@"charging at \d+\.\d A", m.Value));
    }

    [Fact]
    public async Task In_the_json_format_at_debug_each_line_is_an_object_and_an_event_keeps_its_full_record()
    {
        var environment = new Dictionary<string, string>(QuickArrivals)
        {
            ["SMARTELEK__Console__LogFormat"] = "json",
            ["SMARTELEK__Console__LogLevel"] = "Debug",
        };
        using var site = HostProcess.Start(_workDir, Repository.Config("host.json"), environment);
        await site.WaitForTextAsync(p => p.Text(), "vehicle plugged in, auto-start", TimeSpan.FromSeconds(90));
        await site.WaitForTextAsync(p => p.Text(), "PluggedIn { SessionId", TimeSpan.FromSeconds(10));
        Assert.Equal(0, await site.InterruptAsync());

        var entries = site.Text().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var plugIn = entries.First(e => e.GetProperty("Message").GetString()!.EndsWith(": vehicle plugged in, auto-start", StringComparison.Ordinal));
        Assert.Equal("Information", plugIn.GetProperty("LogLevel").GetString());
        var state = plugIn.GetProperty("State");
        var charger = state.GetProperty("Charger").GetString()!;
        Assert.StartsWith(charger + ": ", plugIn.GetProperty("Message").GetString());
        Assert.Equal("session.plugged-in.v1,session.authorised.v1", state.GetProperty("EventType").GetString());
        Assert.Matches(@"^PluggedIn \{ SessionId = .*; Authorised \{ SessionId = .*, By = auto-start \}$", state.GetProperty("Event").GetString());
        // At Debug the records come as lines of their own, under the readable one.
        Assert.Contains(entries, e => e.GetProperty("LogLevel").GetString() == "Debug"
                                      && e.GetProperty("Message").GetString()!.StartsWith($"{charger}: PluggedIn {{ SessionId = ", StringComparison.Ordinal));
    }
}
