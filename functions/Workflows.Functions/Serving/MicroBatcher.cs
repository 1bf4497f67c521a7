using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Workflows.Functions.Serving;

/// <summary>
/// Merges concurrent requests for one model version into single scoring calls. Requests wait in a bounded queue
/// (<see cref="TryEnqueue"/> refuses when it is full, so memory and waiting stay bounded); one loop takes the first
/// request, adds whatever else is queued up to the batch's row limit, scores them in one call, and completes each.
/// </summary>
/// <remarks>
/// <para>
/// Latency at low load: a request that finds the loop idle wakes it on its own thread and is scored there at once, with
/// no hand-off and no wait; the loop waits for more requests (up to the batch delay, counted from the first) only while
/// a batch already holds more than one, that is, while requests keep arriving together. Under load, requests that
/// arrive while a batch is scored form the next one, so batches grow with concurrency by themselves.
/// </para>
/// <para>
/// After a batch, when more requests are queued, the loop moves to the thread pool, so a request thread that woke it
/// gets back to answering its own request instead of serving everyone else's.
/// </para>
/// </remarks>
internal sealed class MicroBatcher
{
    private readonly IBatchScorer _scorer;
    private readonly Channel<ScoringRequest> _queue;
    private readonly long _maxDelayTicks;
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly List<ScoringRequest> _batch = [];
    private ScoringRequest? _carried;
    private long _batches;
    private long _rows;

    public MicroBatcher(IBatchScorer scorer, int capacity, TimeSpan maxDelay, ILogger logger, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _scorer = scorer;
        _maxDelayTicks = (long)(maxDelay.TotalSeconds * Stopwatch.Frequency);
        _logger = logger;
        _name = name;
        _queue = Channel.CreateBounded<ScoringRequest>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
            // The loop's wake-up runs on the writer's thread: an idle batcher scores a lone request without a thread hop.
            AllowSynchronousContinuations = true,
        });
        Completion = Task.Run(LoopAsync);
    }

    /// <summary>Requests waiting.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Scoring calls made.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Rows scored.</summary>
    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>Ends when <see cref="Complete"/> was called and every queued request was scored.</summary>
    public Task Completion { get; }

    /// <summary>Queues a request; false when the queue is full (or the batcher completed): the caller answers 503.</summary>
    public bool TryEnqueue(ScoringRequest request)
    {
        if (request.Rows < 1 || request.Rows > _scorer.MaxRows || request.Features.Length < request.Rows * _scorer.InputWidth)
        {
            throw new ArgumentException($"A request carries 1 to {_scorer.MaxRows} rows of {_scorer.InputWidth} values; this one has {request.Rows} rows and {request.Features.Length} values.", nameof(request));
        }

        return _queue.Writer.TryWrite(request);
    }

    /// <summary>Takes no more requests; the loop scores what is queued, then ends.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        while (true)
        {
            if (_carried is null && !reader.TryPeek(out _) && !await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                return;
            }

            var first = _carried;
            _carried = null;
            if (first is null && !reader.TryRead(out first))
            {
                continue;
            }

            var started = Stopwatch.GetTimestamp();
            _batch.Add(first);
            var rows = Collect(reader, first.Rows, started);
            Execute(rows);
            _batch.Clear();
            if (_carried is not null || reader.TryPeek(out _))
            {
                await Task.Yield();
            }
        }
    }

    /// <summary>Adds queued requests to the batch up to the row limit; waits for more only while they keep arriving.</summary>
    private int Collect(ChannelReader<ScoringRequest> reader, int rows, long started)
    {
        var max = _scorer.MaxRows;
        while (rows < max)
        {
            if (reader.TryRead(out var next))
            {
                if (rows + next.Rows > max)
                {
                    _carried = next;
                    break;
                }

                _batch.Add(next);
                rows += next.Rows;
                continue;
            }

            if (_batch.Count < 2 || _maxDelayTicks == 0 || !WaitForArrival(reader, started + _maxDelayTicks))
            {
                break;
            }
        }

        return rows;
    }

    /// <summary>Spins, then yields the core, until a request is queued or the deadline passes; never sleeps.</summary>
    private static bool WaitForArrival(ChannelReader<ScoringRequest> reader, long deadline)
    {
        var spinner = default(SpinWait);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (reader.TryPeek(out _))
            {
                return true;
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }

        return reader.TryPeek(out _);
    }

    private void Execute(int rows)
    {
        using var activity = ServingTelemetry.Source.StartActivity("score batch");
        activity?.SetTag("workflows.model", _name);
        activity?.SetTag("workflows.batch.requests", _batch.Count);
        activity?.SetTag("workflows.batch.rows", rows);
        try
        {
            var input = _scorer.Input;
            var inputWidth = _scorer.InputWidth;
            var offset = 0;
            foreach (var request in _batch)
            {
                var length = request.Rows * inputWidth;
                request.Features.AsSpan(0, length).CopyTo(input[offset..]);
                offset += length;
            }

            _scorer.Score(rows);
            var output = _scorer.Output;
            var outputWidth = _scorer.OutputWidth;
            offset = 0;
            foreach (var request in _batch)
            {
                var length = request.Rows * outputWidth;
                var result = output.Slice(offset, length).ToArray();
                offset += length;
                request.Completion.TrySetResult(result);
            }

            _batches++;
            _rows += rows;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            _logger.LogBatchFailed(e, _name, _batch.Count, rows);
            foreach (var request in _batch)
            {
                request.Completion.TrySetException(e);
            }
        }
    }
}
