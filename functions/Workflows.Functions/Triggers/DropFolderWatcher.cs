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
    private static readonly string[] PartialSuffixes = [".tmp", ".part", ".partial", ".crdownload", ".download", ".filepart"];
    private readonly Dictionary<string, (long Length, DateTime WrittenAt, DateTime UnchangedSince)> _seen = new(StringComparer.Ordinal);
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
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var datasetDirectory in Directory.EnumerateDirectories(drop))
        {
            var dataset = Path.GetFileName(datasetDirectory);
            foreach (var file in Directory.EnumerateFiles(datasetDirectory, "*", SearchOption.AllDirectories))
            {
                if (IsPartial(file))
                {
                    continue;
                }

                var info = new FileInfo(file);
                present.Add(file);
                if (!info.Exists || !IsSettled(file, info, now))
                {
                    continue;
                }

                var key = $"file:{Path.GetRelativePath(drop, file).Replace('\\', '/')}:{info.Length}:{info.LastWriteTimeUtc.Ticks}";
                if (_handedOver.Contains(key))
                {
                    continue;
                }

                var (ingestionId, started) = await trigger.HandOverAsync(key, dataset, SourceKind.File, file, "drop", cancellationToken).ConfigureAwait(false);
                _handedOver.Add(key);
                if (started)
                {
                    LogHandedOver(logger, file, ingestionId);
                }
            }
        }

        foreach (var gone in _seen.Keys.Where(path => !present.Contains(path)).ToList())
        {
            _seen.Remove(gone);
        }
    }

    /// <summary>Whether the file's size and time have stayed the same for the settle time.</summary>
    private bool IsSettled(string path, FileInfo info, DateTime now)
    {
        if (!_seen.TryGetValue(path, out var last) || last.Length != info.Length || last.WrittenAt != info.LastWriteTimeUtc)
        {
            _seen[path] = (info.Length, info.LastWriteTimeUtc, now);
            return false;
        }

        return now - last.UnchangedSince >= options.Value.SettleTime;
    }

    private static bool IsPartial(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith('.') || name.StartsWith('~') || PartialSuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase));
    }

    [LoggerMessage(2001, LogLevel.Information, "Watching the drop folder {Drop}")]
    private static partial void LogWatching(ILogger logger, string drop);

    [LoggerMessage(2002, LogLevel.Information, "Dropped file {File} handed to ingestion {IngestionId}")]
    private static partial void LogHandedOver(ILogger logger, string file, string ingestionId);

    [LoggerMessage(2003, LogLevel.Warning, "Scanning the drop folder {Drop} failed; retrying")]
    private static partial void LogScanFailed(ILogger logger, string drop, Exception exception);
}
