using Microsoft.Extensions.Logging;

namespace Workflows.Functions.Serving;

/// <summary>Serving's log messages, with fixed event IDs (24xx).</summary>
internal static partial class ServingLogs
{
    [LoggerMessage(2401, LogLevel.Information, "Loaded model {Pipeline} v{Version} ({Input} → {Output}, {Provider}) in {Milliseconds:F0} ms")]
    public static partial void LogModelLoaded(this ILogger logger, string pipeline, int version, string input, string output, string provider, double milliseconds);

    [LoggerMessage(2402, LogLevel.Error, "Loading model {Pipeline} v{Version} failed")]
    public static partial void LogModelLoadFailed(this ILogger logger, Exception exception, string pipeline, int version);

    [LoggerMessage(2403, LogLevel.Information, "Unloading model {Pipeline} v{Version}: no alias names it and it has not been used for {Idle}")]
    public static partial void LogModelEvicted(this ILogger logger, string pipeline, int version, TimeSpan idle);

    [LoggerMessage(2404, LogLevel.Error, "Scoring a batch of {Requests} requests ({Rows} rows) with {Model} failed")]
    public static partial void LogBatchFailed(this ILogger logger, Exception exception, string model, int requests, int rows);

    [LoggerMessage(2405, LogLevel.Information, "Serving {Pipeline}: {Routes}")]
    public static partial void LogRoutesChanged(this ILogger logger, string pipeline, string routes);

    [LoggerMessage(2406, LogLevel.Warning, "Reading model aliases failed; serving the routes read before")]
    public static partial void LogRefreshFailed(this ILogger logger, Exception exception);

    [LoggerMessage(2407, LogLevel.Warning, "Shadow scoring with {Pipeline} v{Version} failed (failures so far: {Failures})")]
    public static partial void LogShadowFailed(this ILogger logger, Exception exception, string pipeline, int version, long failures);

    [LoggerMessage(2408, LogLevel.Warning, "{Count} {What} dropped in the last {Interval} ({Total} since start): {Reason}")]
    public static partial void LogDropped(this ILogger logger, long count, string what, TimeSpan interval, long total, string reason);

    [LoggerMessage(2409, LogLevel.Warning, "Writing {Rows} rows to prediction_log failed; they are dropped")]
    public static partial void LogWriteFailed(this ILogger logger, Exception exception, int rows);
}
