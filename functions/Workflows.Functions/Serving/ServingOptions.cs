namespace Workflows.Functions.Serving;

/// <summary>How the scoring endpoint batches, queues, samples and caches; bound from host.json's <c>workflows:serving</c> section.</summary>
public sealed class ServingOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "workflows:serving";

    /// <summary>The most rows one request may carry; more is a 400.</summary>
    public int MaxRequestRows { get; set; } = 256;

    /// <summary>The most rows one ONNX Runtime call scores: concurrent requests are merged up to this.</summary>
    public int MaxBatchRows { get; set; } = 256;

    /// <summary>
    /// How long a batch may wait for more requests, counted from its first. The batcher waits only while requests keep
    /// arriving: a request that finds nobody else queued is scored at once, so this adds no latency at low load.
    /// </summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(0.2);

    /// <summary>Requests queued per model version; when full, a request is refused with 503 and Retry-After.</summary>
    public int QueueCapacity { get; set; } = 2048;

    /// <summary>The share of requests whose inputs and outputs are logged to prediction_log (0 to 1).</summary>
    public double SampleRate { get; set; } = 0.1;

    /// <summary>Rows waiting to be written to prediction_log; when full, rows are dropped and counted, never waited for.</summary>
    public int LogQueueCapacity { get; set; } = 10_000;

    /// <summary>The most rows one write to prediction_log carries.</summary>
    public int LogBatchRows { get; set; } = 1000;

    /// <summary>Shadow scorings in flight at once; beyond this, shadow copies are dropped and counted.</summary>
    public int ShadowQueueCapacity { get; set; } = 512;

    /// <summary>ONNX Runtime threads per call. One keeps the call on the batcher's thread; the host's other threads need the rest.</summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>How often aliases are re-read to see moves made by other hosts (moves in this host are seen at once).</summary>
    public TimeSpan AliasRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A loaded version that no alias names is unloaded after going unused this long.</summary>
    public TimeSpan EvictAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where model files are cached; empty means <c>serving/models</c> under the data directory.</summary>
    public string CacheDirectory { get; set; } = "";

    /// <summary>How often a warning reports rows dropped from the prediction log or shadow copies dropped.</summary>
    public TimeSpan DropReportInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        Check(MaxRequestRows >= 1, nameof(MaxRequestRows), "at least 1");
        Check(MaxBatchRows >= MaxRequestRows, nameof(MaxBatchRows), $"at least {nameof(MaxRequestRows)} ({MaxRequestRows})");
        Check(MaxBatchDelay >= TimeSpan.Zero && MaxBatchDelay <= TimeSpan.FromSeconds(1), nameof(MaxBatchDelay), "between 0 and 1 s");
        Check(QueueCapacity >= 1, nameof(QueueCapacity), "at least 1");
        Check(SampleRate is >= 0 and <= 1, nameof(SampleRate), "between 0 and 1");
        Check(LogQueueCapacity >= 1, nameof(LogQueueCapacity), "at least 1");
        Check(LogBatchRows >= 1, nameof(LogBatchRows), "at least 1");
        Check(ShadowQueueCapacity >= 0, nameof(ShadowQueueCapacity), "0 or more");
        Check(IntraOpThreads >= 0, nameof(IntraOpThreads), "0 (ONNX Runtime picks) or more");
        Check(AliasRefreshInterval > TimeSpan.Zero, nameof(AliasRefreshInterval), "positive");
        Check(EvictAfter >= TimeSpan.Zero, nameof(EvictAfter), "0 or more");
    }

    private static void Check(bool ok, string name, string rule)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"{SectionName}:{char.ToLowerInvariant(name[0])}{name[1..]} must be {rule}.");
        }
    }
}
