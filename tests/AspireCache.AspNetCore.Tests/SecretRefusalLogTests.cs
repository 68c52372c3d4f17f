using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AspireCache.AspNetCore.Tests;

public sealed class SecretRefusalLogTests
{
    [Fact]
    public void AFloodOfRefusals_IsOneLineASecond_CountingTheRest()
    {
        var clock = new FakeTimeProvider();
        var logger = new LinesLogger();
        var log = new SecretRefusalLog(logger, clock);

        for (int i = 0; i < 100; i++)
        {
            log.Refused("peer", SecretCheck.Wrong, "10.1.2.3");
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        log.Refused("peer", SecretCheck.Missing, "10.1.2.3");

        Assert.Equal(2, logger.Lines.Count);
        Assert.Contains("(0 more refused", logger.Lines[0], StringComparison.Ordinal);
        Assert.Contains("(99 more refused", logger.Lines[1], StringComparison.Ordinal);
        Assert.All(logger.Lines, line => Assert.Contains("peer API from 10.1.2.3", line, StringComparison.Ordinal));
    }

    private sealed class LinesLogger : ILogger<SecretRefusalLog>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
