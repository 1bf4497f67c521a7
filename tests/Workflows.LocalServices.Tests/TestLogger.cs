using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Workflows.LocalServices.Tests;

/// <summary>Records log entries for assertions and echoes them to the test's output.</summary>
public sealed class TestLogger : ILogger
{
    private readonly ConcurrentQueue<(EventId EventId, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyCollection<(EventId EventId, LogLevel Level, string Message)> Entries => _entries;

    public bool Logged(int eventId) => _entries.Any(e => e.EventId.Id == eventId);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        _entries.Enqueue((eventId, logLevel, message));
        TestContext.Current.TestOutputHelper?.WriteLine($"[{logLevel}] {eventId.Id} {message}");
    }
}
