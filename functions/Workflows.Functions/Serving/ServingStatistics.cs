namespace Workflows.Functions.Serving;

/// <summary>What serving has done in this process, for diagnostics and benchmarks.</summary>
public sealed class ServingStatistics
{
    private readonly ServedModels _models;
    private readonly PredictionLog _log;
    private readonly ShadowScorer _shadows;

    internal ServingStatistics(ServedModels models, PredictionLog log, ShadowScorer shadows)
    {
        _models = models;
        _log = log;
        _shadows = shadows;
    }

    /// <summary>ONNX Runtime calls made by the batchers of the versions loaded now.</summary>
    public long Batches => _models.Loaded.Sum(m => m.Batcher.Batches);

    /// <summary>Rows those calls scored; divided by <see cref="Batches"/>, the mean batch size.</summary>
    public long Rows => _models.Loaded.Sum(m => m.Batcher.Rows);

    /// <summary>The versions loaded now, as "pipeline vN".</summary>
    public IReadOnlyList<string> LoadedModels => [.. _models.Loaded.Select(m => m.ToString())];

    /// <summary>Rows written to prediction_log.</summary>
    public long LoggedRows => _log.Written;

    /// <summary>Rows dropped from prediction_log (queue full or write failed).</summary>
    public long DroppedLogRows => _log.Dropped;

    /// <summary>Shadow copies scored, dropped and failed.</summary>
    public (long Scored, long Dropped, long Failed) Shadows => (_shadows.Scored, _shadows.Dropped, _shadows.Failures);
}
