using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Platform;

namespace Workflows.Functions.Triggers;

/// <summary>
/// Watches <c>&lt;data dir&gt;/drop/&lt;dataset&gt;/</c>: each file that has stopped changing is handed to an Ingestion,
/// once. Hidden files and the usual partial-download names are ignored while they are being written.
/// </summary>
public sealed partial class DropFolderWatcher(PlatformOptions platform, IOptions<DropOptions> options, IngestionTrigger trigger, ILogger<DropFolderWatcher> logger) : BackgroundService
{
    private readonly SettleTracker _settle = new(options.Value.SettleTime);
    private readonly HashSet<string> _handedOver = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var drop = platform.DropDirectory;
        Directory.CreateDirectory(drop);
        using var wake = new SemaphoreSlim(0, 1);
        using var watcher = new FileSystemWatcher(drop) { IncludeSubdirectories = true, EnableRaisingEvents = true };
        void Wake(object? sender, FileSystemEventArgs e)
        {
            if (wake.CurrentCount == 0)
            {
                try
                {
                    wake.Release();
                }
                catch (SemaphoreFullException)
                {
                    // Already woken.
                }
            }
        }

        watcher.Created += Wake;
        watcher.Changed += Wake;
        watcher.Renamed += Wake;
        LogWatching(logger, drop);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScanAsync(drop, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogScanFailed(logger, drop, ex);
            }

            try
            {
                await wake.WaitAsync(options.Value.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }
    }

    /// <summary>One pass over the drop folder.</summary>
    internal async Task ScanAsync(string drop, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var datasetDirectory in Directory.EnumerateDirectories(drop))
        {
            var dataset = Path.GetFileName(datasetDirectory);
            if (!_settle.AcceptsDataset(dataset, out var firstRefusal))
            {
                if (firstRefusal)
                {
                    LogInvalidDataset(logger, datasetDirectory);
                }

                continue;
            }

            foreach (var file in Directory.EnumerateFiles(datasetDirectory, "*", SearchOption.AllDirectories))
            {
                var info = new FileInfo(file);
                if (SettleTracker.IsPartial(file) || !info.Exists || !_settle.IsSettled(file, $"{info.Length}:{info.LastWriteTimeUtc.Ticks}", now))
                {
                    continue;
                }

                var key = $"file:{Path.GetRelativePath(drop, file).Replace('\\', '/')}:{info.Length}:{info.LastWriteTimeUtc.Ticks}";
                seen.Add(key);
                if (_handedOver.Contains(key))
                {
                    continue;
                }

                var (ingestionId, started) = await trigger.HandOverAsync(key, dataset, SourceKind.File, file, null, "drop", cancellationToken).ConfigureAwait(false);
                _handedOver.Add(key);
                if (started)
                {
                    LogHandedOver(logger, file, ingestionId);
                }
            }
        }

        _settle.EndScan();
        // Keys of files no longer in the drop are never seen again.
        _handedOver.IntersectWith(seen);
    }

    [LoggerMessage(2001, LogLevel.Information, "Watching the drop folder {Drop}")]
    private static partial void LogWatching(ILogger logger, string drop);

    [LoggerMessage(2002, LogLevel.Information, "Dropped file {File} handed to ingestion {IngestionId}")]
    private static partial void LogHandedOver(ILogger logger, string file, string ingestionId);

    [LoggerMessage(2004, LogLevel.Warning, "Ignoring drop folder {Folder}: its name is not a dataset name (lower-case letters, digits and '-')")]
    private static partial void LogInvalidDataset(ILogger logger, string folder);

    [LoggerMessage(2003, LogLevel.Warning, "Scanning the drop folder {Drop} failed; retrying")]
    private static partial void LogScanFailed(ILogger logger, string drop, Exception exception);
}
