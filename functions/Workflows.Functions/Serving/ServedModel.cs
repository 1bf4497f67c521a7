using Workflows.Orchestrations.Onnx;

namespace Workflows.Functions.Serving;

/// <summary>
/// One model version loaded for serving: its schema, its ONNX session and its batcher. Reference-counted: the cache
/// holds one reference while the version is loaded and each request holds one while it is scored, so unloading a
/// version (<see cref="Retire"/>) waits for the requests that started with it; the batcher scores what is queued and
/// only then is the session released.
/// </summary>
internal sealed class ServedModel
{
    private readonly OnnxSession _session;
    private readonly OnnxBatchScorer _scorer;
    private readonly TaskCompletionSource _unloaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _references = 1;
    private int _retired;
    private long _lastUsed = Environment.TickCount64;

    public ServedModel(string pipeline, int version, ModelSchema schema, OnnxSession session, OnnxBatchScorer scorer, MicroBatcher batcher)
    {
        Pipeline = pipeline;
        Version = version;
        Schema = schema;
        _session = session;
        _scorer = scorer;
        Batcher = batcher;
    }

    public string Pipeline { get; }

    public int Version { get; }

    public ModelSchema Schema { get; }

    public MicroBatcher Batcher { get; }

    /// <summary>When a request last took this version (Environment.TickCount64).</summary>
    public long LastUsed => Interlocked.Read(ref _lastUsed);

    /// <summary>Completes once the version was retired, its last request answered, and its session released.</summary>
    public Task Unloaded => _unloaded.Task;

    /// <summary>Takes a reference for a request; false once the version is being unloaded (the caller loads it again).</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            var references = Volatile.Read(ref _references);
            if (references == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, references + 1, references) == references)
            {
                Volatile.Write(ref _lastUsed, Environment.TickCount64);
                return true;
            }
        }
    }

    /// <summary>Gives a request's reference back.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _ = UnloadAsync();
        }
    }

    /// <summary>Gives the cache's reference back: the version unloads once the requests holding it are answered.</summary>
    public void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0)
        {
            Release();
        }
    }

    public override string ToString() => $"{Pipeline} v{Version}";

    private async Task UnloadAsync()
    {
        try
        {
            Batcher.Complete();
            await Batcher.Completion.ConfigureAwait(false);
            _scorer.Dispose();
            _session.Dispose();
        }
        finally
        {
            _unloaded.TrySetResult();
        }
    }
}
