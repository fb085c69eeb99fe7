using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SmartElek.Host.Console;

/// <summary>
/// Keeps the last log lines in memory so the live table can show them under itself: writing them
/// to the terminal would tear the table apart.
/// </summary>
public sealed class RecentLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly int _capacity;

    public RecentLog(int capacity = 8) => _capacity = capacity;

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() { }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > _capacity && _lines.TryDequeue(out _)) { }
    }

    private sealed class Logger(RecentLog owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var level = logLevel switch { LogLevel.Warning => "WRN", LogLevel.Error => "ERR", LogLevel.Critical => "CRT", _ => "INF" };
            owner.Add($"{DateTime.Now:HH:mm:ss} {level} {formatter(state, exception)}");
        }
    }
}
