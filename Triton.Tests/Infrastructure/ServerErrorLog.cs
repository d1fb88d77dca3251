using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Triton.Tests.Infrastructure;

/// <summary>
/// Appends what the test apps log as errors to one file (TRITON_TEST_ERROR_LOG, set by the test script), so a test
/// that fails on what the browser or the API saw can be read beside what the server said at that moment.
/// </summary>
public sealed class ServerErrorLog(string path) : ILoggerProvider
{
    /// <summary>Adds the log to a test app's host when the test script asked for it.</summary>
    public static void AddTo(IWebHostBuilder builder)
    {
        if (Environment.GetEnvironmentVariable("TRITON_TEST_ERROR_LOG") is { Length: > 0 } path)
            builder.ConfigureLogging(logging => logging.AddProvider(new ServerErrorLog(path)));
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private void Append(string category, string message, Exception? exception)
    {
        var entry = $"{DateTime.UtcNow:HH:mm:ss.fff} {category}: {message}\n";
        if (exception is not null) entry += "  " + string.Join("\n  ", exception.ToString().Split('\n').Take(4)) + "\n";
        // Several test apps log at once; a file opened per entry keeps them whole and needs no shared writer.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                File.AppendAllText(path, entry);
                return;
            }
            catch (IOException) { Thread.Sleep(5); }
        }
    }

    private sealed class Logger(ServerErrorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) log.Append(category, formatter(state, exception), exception);
        }
    }
}
