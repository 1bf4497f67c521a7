using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workflows.Functions.Serving;

/// <summary>
/// Scores copies of production's requests with a shadow candidate, off the request path: the answer has gone (or goes)
/// out from production meanwhile. At most <see cref="ServingOptions.ShadowQueueCapacity"/> copies are in flight; beyond
/// that, and when the candidate's own queue is full, copies are dropped and counted. Failures are logged, never
/// surfaced. The shadow's outputs are logged with route <c>shadow</c> and the prediction ids of the answers they
/// shadowed, so the two can be compared row by row.
/// </summary>
internal sealed class ShadowScorer
{
    private readonly PredictionLog _log;
    private readonly ServingOptions _options;
    private readonly ILogger _logger;
    private readonly DropCounter _drops;
    private int _inFlight;
    private long _scored;
    private long _failures;

    public ShadowScorer(PredictionLog log, IOptions<ServingOptions> options, ILogger<ShadowScorer> logger)
    {
        _log = log;
        _options = options.Value;
        _logger = logger;
        _drops = new DropCounter("shadow copies", "too many were in flight (raise workflows:serving:shadowQueueCapacity)", _options.DropReportInterval, logger);
    }

    /// <summary>Copies scored so far.</summary>
    public long Scored => Interlocked.Read(ref _scored);

    /// <summary>Copies dropped so far.</summary>
    public long Dropped => _drops.Total;

    /// <summary>Copies whose scoring failed so far.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>
    /// Starts scoring a copy of a request body with <paramref name="shadow"/> (whose reference this takes over) and
    /// returns at once. The body is parsed against the shadow's own schema: a candidate may have been trained on
    /// another dataset version, with other categories or means.
    /// </summary>
    public void Start(ServedModel shadow, byte[] body, Guid[] predictionIds, bool logged)
    {
        if (Interlocked.Increment(ref _inFlight) > _options.ShadowQueueCapacity)
        {
            Interlocked.Decrement(ref _inFlight);
            shadow.Release();
            _drops.Add();
            return;
        }

        _ = ScoreAsync(shadow, body, predictionIds, logged);
    }

    private async Task ScoreAsync(ServedModel shadow, byte[] body, Guid[] predictionIds, bool logged)
    {
        try
        {
            // Off the caller's thread before any work: the request it copies is answered meanwhile.
            await Task.Yield();
            var input = PredictionRequestParser.Parse(body, shadow.Schema, _options.MaxRequestRows);
            var request = new ScoringRequest(input.Features, input.Rows);
            if (!shadow.Batcher.TryEnqueue(request))
            {
                _drops.Add();
                return;
            }

            var outputs = await request.Completion.Task.ConfigureAwait(false);
            Interlocked.Increment(ref _scored);
            if (logged && predictionIds.Length == input.Rows)
            {
                _log.Write(shadow.Pipeline, shadow.Version, ServingRoutes.Shadow, shadow.Schema, input.Features, outputs, predictionIds);
            }
        }
        catch (Exception e)
        {
            // The first failure and then one in a thousand: a candidate that fails every copy must not flood the log.
            var failures = Interlocked.Increment(ref _failures);
            if (failures == 1 || failures % 1000 == 0)
            {
                _logger.LogShadowFailed(e, shadow.Pipeline, shadow.Version, failures);
            }
        }
        finally
        {
            shadow.Release();
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
