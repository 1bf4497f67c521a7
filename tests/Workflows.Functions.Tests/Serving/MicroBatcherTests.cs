using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Functions.Serving;

namespace Workflows.Functions.Tests.Serving;

public sealed class MicroBatcherTests
{
    [Fact]
    public async Task Requests_queued_while_a_batch_is_scored_are_scored_together_in_the_next_call()
    {
        using var scorer = new GatedScorer(maxRows: 256);
        var batcher = new MicroBatcher(scorer, 100, TimeSpan.Zero, NullLogger.Instance, "test");
        var first = Request(1, 1f);
        await StartBlockedAsync(batcher, scorer, first);

        var queued = new[] { Request(1, 2f), Request(3, 3f), Request(1, 4f), Request(2, 5f) };
        Assert.All(queued, r => Assert.True(batcher.TryEnqueue(r)));
        scorer.Open();
        await Task.WhenAll(queued.Append(first).Select(r => r.Completion.Task)).WaitAsync(TestContext.Current.CancellationToken);

        Assert.Equal([1, 7], scorer.Batches);
        Assert.Equal(new[] { 2f }, await first.Completion.Task);
        Assert.Equal(new[] { 6f, 6f, 6f }, await queued[1].Completion.Task);
        Assert.Equal(new[] { 10f, 10f }, await queued[3].Completion.Task);
        Assert.Equal(2, batcher.Batches);
        Assert.Equal(8, batcher.Rows);
    }

    [Fact]
    public async Task A_batch_never_exceeds_the_row_limit_and_a_request_that_does_not_fit_opens_the_next()
    {
        using var scorer = new GatedScorer(maxRows: 4);
        var batcher = new MicroBatcher(scorer, 100, TimeSpan.Zero, NullLogger.Instance, "test");
        await StartBlockedAsync(batcher, scorer, Request(1, 1f));

        var queued = new[] { Request(3, 1f), Request(2, 1f), Request(2, 1f), Request(4, 1f) };
        Assert.All(queued, r => Assert.True(batcher.TryEnqueue(r)));
        scorer.Open();
        await Task.WhenAll(queued.Select(r => r.Completion.Task)).WaitAsync(TestContext.Current.CancellationToken);

        Assert.Equal([1, 3, 4, 4], scorer.Batches);
    }

    [Fact]
    public async Task A_full_queue_refuses_requests_instead_of_growing_and_the_queued_ones_are_still_answered()
    {
        using var scorer = new GatedScorer(maxRows: 256);
        var batcher = new MicroBatcher(scorer, 2, TimeSpan.Zero, NullLogger.Instance, "test");
        var first = Request(1, 1f);
        await StartBlockedAsync(batcher, scorer, first);

        var second = Request(1, 1f);
        var third = Request(1, 1f);
        Assert.True(batcher.TryEnqueue(second));
        Assert.True(batcher.TryEnqueue(third));
        Assert.False(batcher.TryEnqueue(Request(1, 1f)));
        Assert.Equal(2, batcher.Queued);
        scorer.Open();

        await Task.WhenAll(first.Completion.Task, second.Completion.Task, third.Completion.Task).WaitAsync(TestContext.Current.CancellationToken);
        Assert.True(batcher.TryEnqueue(Request(1, 1f)));
    }

    [Fact]
    public async Task A_failed_call_fails_the_requests_of_its_batch_only()
    {
        using var scorer = new GatedScorer(maxRows: 256) { FailNext = true };
        var batcher = new MicroBatcher(scorer, 100, TimeSpan.Zero, NullLogger.Instance, "test");
        scorer.Open();
        var failed = Request(1, 1f);
        batcher.TryEnqueue(failed);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => failed.Completion.Task.WaitAsync(TestContext.Current.CancellationToken));
        var next = Request(1, 1f);
        batcher.TryEnqueue(next);

        Assert.Equal("scorer failed", failure.Message);
        Assert.Equal(new[] { 2f }, await next.Completion.Task.WaitAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Completing_scores_what_is_queued_and_then_takes_nothing_more()
    {
        using var scorer = new GatedScorer(maxRows: 256);
        var batcher = new MicroBatcher(scorer, 100, TimeSpan.Zero, NullLogger.Instance, "test");
        await StartBlockedAsync(batcher, scorer, Request(1, 1f));
        var queued = Request(2, 1f);
        batcher.TryEnqueue(queued);

        batcher.Complete();
        Assert.False(batcher.TryEnqueue(Request(1, 1f)));
        scorer.Open();
        await batcher.Completion.WaitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new[] { 2f, 2f }, await queued.Completion.Task);
    }

    [Fact]
    public async Task With_a_batch_delay_a_lone_request_is_still_scored_alone_and_at_once()
    {
        using var scorer = new GatedScorer(maxRows: 256);
        scorer.Open();
        // A delay far longer than the test's timeout: were a lone request made to wait for company, this would hang.
        var batcher = new MicroBatcher(scorer, 100, TimeSpan.FromSeconds(1), NullLogger.Instance, "test");

        for (var i = 0; i < 5; i++)
        {
            var request = Request(1, i);
            Assert.True(batcher.TryEnqueue(request));
            await request.Completion.Task.WaitAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal([1, 1, 1, 1, 1], scorer.Batches);
    }

    private static ScoringRequest Request(int rows, float value) => new(Enumerable.Repeat(value, rows * 2).ToArray(), rows);

    /// <summary>Queues a request from another thread (an idle batcher scores on the caller's thread) and waits until its call is blocked in the scorer.</summary>
    private static async Task StartBlockedAsync(MicroBatcher batcher, GatedScorer scorer, ScoringRequest request)
    {
        _ = Task.Run(() => batcher.TryEnqueue(request));
        await scorer.Entered.WaitAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Two inputs per row, one output: their sum. Calls wait at a gate until it is opened; records each call's rows.</summary>
    private sealed class GatedScorer(int maxRows) : IBatchScorer, IDisposable
    {
        private readonly float[] _input = new float[maxRows * 2];
        private readonly float[] _output = new float[maxRows];
        private readonly ManualResetEventSlim _gate = new();
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int InputWidth => 2;

        public int OutputWidth => 1;

        public int MaxRows => maxRows;

        public Span<float> Input => _input;

        public ReadOnlySpan<float> Output => _output;

        public List<int> Batches { get; } = [];

        public bool FailNext { get; set; }

        public Task Entered => _entered.Task;

        public void Open() => _gate.Set();

        public void Score(int rows)
        {
            _entered.TrySetResult();
            _gate.Wait(TestContext.Current.CancellationToken);
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("scorer failed");
            }

            Batches.Add(rows);
            for (var r = 0; r < rows; r++)
            {
                _output[r] = _input[2 * r] + _input[2 * r + 1];
            }
        }

        public void Dispose() => _gate.Dispose();
    }
}
