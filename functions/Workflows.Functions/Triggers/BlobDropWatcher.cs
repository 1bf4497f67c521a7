using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Orchestrators;

namespace Workflows.Functions.Triggers;

/// <summary>
/// Watches the blob drop container: each blob <c>&lt;dataset&gt;/...</c> whose ETag has stopped changing is handed to an
/// Ingestion, once per content (the ETag is part of its source key).
/// </summary>
public sealed partial class BlobDropWatcher(BlobDropContainer container, IOptions<DropOptions> options, IngestionTrigger trigger, ILogger<BlobDropWatcher> logger) : BackgroundService
{
    private readonly SettleTracker _settle = new(options.Value.SettleTime);
    private readonly HashSet<string> _handedOver = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogWatching(logger, container.Store.Describe(container.Name));
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        do
        {
            try
            {
                await ScanAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogScanFailed(logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private async Task ScanAsync(CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var blob in container.Store.ListAsync("", cancellationToken).ConfigureAwait(false))
        {
            var slash = blob.Path.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || SettleTracker.IsPartial(blob.Path) || !_settle.IsSettled(blob.Path, $"{blob.ETag}:{blob.Length}", now))
            {
                continue;
            }

            if (!_settle.AcceptsDataset(blob.Path[..slash], out var firstRefusal))
            {
                if (firstRefusal)
                {
                    LogInvalidDataset(logger, blob.Path[..slash]);
                }

                continue;
            }

            var key = $"blob:{container.Name}/{blob.Path}:{blob.ETag}";
            seen.Add(key);
            if (!_handedOver.Contains(key))
            {
                var (ingestionId, started) = await trigger.HandOverAsync(key, blob.Path[..slash], SourceKind.Blob, blob.Path, blob.ETag, IngestionTrigger.BlobTrigger, cancellationToken).ConfigureAwait(false);
                _handedOver.Add(key);
                if (started)
                {
                    LogHandedOver(logger, blob.Path, ingestionId);
                }
            }
        }

        _settle.EndScan();
        _handedOver.IntersectWith(seen);
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(2011, LogLevel.Information, "Watching the blob drop container {Container}")]
    private static partial void LogWatching(ILogger logger, string container);

    [LoggerMessage(2012, LogLevel.Information, "Dropped blob {Blob} handed to ingestion {IngestionId}")]
    private static partial void LogHandedOver(ILogger logger, string blob, string ingestionId);

    [LoggerMessage(2014, LogLevel.Warning, "Ignoring blobs under {Prefix}/: it is not a dataset name (lower-case letters, digits and '-')")]
    private static partial void LogInvalidDataset(ILogger logger, string prefix);

    [LoggerMessage(2013, LogLevel.Warning, "Scanning the blob drop container failed; retrying")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);
}

/// <summary>The blob drop container's store, and its name for people; disposing it releases the store's connections.</summary>
public sealed record BlobDropContainer(IArtifactStore Store, string Name) : IDisposable
{
    public void Dispose() => (Store as IDisposable)?.Dispose();
}
