using Workflows.Durable.History;
using Workflows.Durable.Tests.Infrastructure;
using Workflows.Testing;

namespace Workflows.Durable.Tests;

/// <summary>Many instances at once in one worker: episodes of one instance follow each other across slots.</summary>
public sealed class ConcurrencyTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Hundreds_of_concurrent_sequences_in_one_worker_all_complete_with_clean_histories()
    {
        await using var host = await DurableTestHost.StartAsync(postgres,
            r => r
                .AddOrchestratorFunc<int, int>("Sequence", async (context, n) =>
                {
                    var sum = 0;
                    for (var i = 1; i <= 5; i++)
                    {
                        sum += await context.CallActivityAsync<int>("Add", n + i);
                    }

                    return sum;
                })
                .AddActivityFunc<int, int>("Add", (_, x) => Task.FromResult(x)),
            configure: o =>
            {
                o.MaxConcurrentOrchestratorFunctions = 16;
                o.MaxConcurrentActivityFunctions = 32;
            });
        using var cancel = TestTimeout.Start(TimeSpan.FromMinutes(3));

        var ids = await Task.WhenAll(Enumerable.Range(0, 300).Select(n =>
            host.Client.ScheduleNewOrchestrationInstanceAsync("Sequence", n, cancellationToken: cancel.Token)));
        for (var n = 0; n < ids.Length; n++)
        {
            var done = await host.Client.WaitForInstanceCompletionAsync(ids[n], true, cancel.Token);
            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{ids[n]}: {done.RuntimeStatus} {done.FailureDetails}");
            Assert.Equal((5 * n) + 15, done.ReadOutputAs<int>());
            var history = await host.Client.GetInstanceHistoryAsync(ids[n], cancel.Token);
            Assert.Equal([0, 1, 2, 3, 4], history.OfType<TaskScheduled>().Select(e => e.TaskId));
        }
    }
}
