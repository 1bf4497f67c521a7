using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Orchestrations.Activities;

namespace Workflows.Orchestrations.Alerts;

/// <summary>
/// Posts published alerts to their webhooks: at once when one is published in this process, else at its next
/// attempt time. A failure (no answer, a non-2xx status) is retried with doubling delays; after the last attempt the
/// alert is marked failed and logged. Nothing here blocks a pipeline: runs only insert into the outbox.
/// </summary>
public sealed partial class AlertDispatcher(AlertOutbox outbox, IOptions<AlertOptions> options, ILogger<AlertDispatcher> logger) : BackgroundService
{
    // One client for the dispatcher's life; pooled connections are recycled so DNS changes of a receiver are seen.
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            var woken = outbox.Published.WaitAsync(settings.PollInterval, stoppingToken);
            try
            {
                // The lease outlasts one POST, so a host that dies mid-delivery leaves the alert to be tried again soon.
                foreach (var failed in await outbox.DeliverDueAsync(DeliverAsync, settings.MaxAttempts, RetryDelay, settings.RequestTimeout * 2, stoppingToken).ConfigureAwait(false))
                {
                    LogGaveUp(logger, failed.Kind, failed.Pipeline, failed.Url, failed.Attempts, failed.LastError);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be restarting: keep the dispatcher alive and look again at the next poll.
                LogDispatchFailed(logger, ex);
            }

            try
            {
                await woken.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The wait after the <paramref name="attempts"/>-th failure: the first delay, doubled each time, capped.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var settings = options.Value;
        var delay = settings.FirstRetryDelay.TotalSeconds * Math.Pow(2, Math.Max(0, attempts - 1));
        return TimeSpan.FromSeconds(Math.Min(delay, settings.MaxRetryDelay.TotalSeconds));
    }

    private async Task<string?> DeliverAsync(AlertRecord alert, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        try
        {
            using var response = await _http.PostAsJsonAsync(alert.Url, alert.Event, ArtifactJson.Options, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }

            var error = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            LogAttemptFailed(logger, alert.Kind, alert.Pipeline, alert.Url, alert.Attempts + 1, error);
            return error;
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var error = ex is OperationCanceledException ? $"no answer within {options.Value.RequestTimeout}" : ex.Message;
            LogAttemptFailed(logger, alert.Kind, alert.Pipeline, alert.Url, alert.Attempts + 1, error);
            return error;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Kind} of pipeline {Pipeline} to {Url}: attempt {Attempt} failed: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string kind, string pipeline, Uri url, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert {Kind} of pipeline {Pipeline} to {Url} given up after {Attempts} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, string kind, string pipeline, Uri url, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering alerts failed; trying again shortly")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);
}
