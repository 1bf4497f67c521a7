using System.Collections.Concurrent;
using Workflows.Durable.History;
using Workflows.Durable.Tests.Infrastructure;
using Workflows.Testing;

namespace Workflows.Durable.Tests;

/// <summary>Replay: determinism helpers, replay-safe logging, non-determinism detection, long histories.</summary>
public sealed class ReplayTests(PostgresFixture postgres)
{
    [Fact]
    public async Task NewGuid_and_CurrentUtcDateTime_return_the_same_values_on_every_replay()
    {
        var firstGuids = new ConcurrentBag<Guid>();
        var firstTimes = new ConcurrentBag<DateTime>();
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, Guid[]>("Guids", async (context, _) =>
            {
                var first = context.NewGuid();
                firstGuids.Add(first);
                firstTimes.Add(context.CurrentUtcDateTime);
                await context.CallActivityAsync<int>("One");
                var second = context.NewGuid();
                await context.CallActivityAsync<int>("One");
                return [first, second];
            })
            .AddActivityFunc<object?, int>("One", (_, _) => Task.FromResult(1)));

        var result = await host.RunAsync("Guids");

        var guids = result.ReadOutputAs<Guid[]>()!;
        Assert.Equal(3, firstGuids.Count);
        Assert.Single(firstGuids.Distinct());
        Assert.Single(firstTimes.Distinct());
        Assert.Equal(guids[0], firstGuids.First());
        Assert.NotEqual(guids[0], guids[1]);
    }

    [Fact]
    public async Task Replay_safe_logger_writes_each_message_once_although_the_code_replays()
    {
        var replayingSeen = 0;
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, int>("Chatty", async (context, _) =>
            {
                var logger = context.CreateReplaySafeLogger("Chatty");
                if (context.IsReplaying)
                {
                    Interlocked.Increment(ref replayingSeen);
                }

                for (var i = 1; i <= 3; i++)
                {
                    logger.LogStep(i);
                    await context.CallActivityAsync<int>("One");
                }

                return 3;
            })
            .AddActivityFunc<object?, int>("One", (_, _) => Task.FromResult(1)));

        await host.RunAsync("Chatty");

        Assert.Equal(["step 1", "step 2", "step 3"], host.Logs.Messages("Chatty"));
        Assert.Equal(3, replayingSeen);
    }

    [Fact]
    public async Task Code_that_no_longer_matches_its_history_fails_the_instance_naming_expected_and_actual_actions()
    {
        var hub = DurableTestHost.NewHubName();
        string id;
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        await using (var v1 = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, string>("Evolving", async (context, _) =>
            {
                await context.CallActivityAsync<string>("Extract");
                context.SetCustomStatus("waiting");
                return await context.WaitForExternalEvent<string>("Go");
            })
            .AddActivityFunc<object?, string>("Extract", (_, _) => Task.FromResult("x")), hubName: hub))
        {
            id = await v1.Client.ScheduleNewOrchestrationInstanceAsync("Evolving", cancellationToken: cancel.Token);
            await v1.WaitForCustomStatusAsync(id, cancel.Token);
        }

        // Version 2 of the code was deployed while the instance was waiting: it now calls another activity first.
        await using var v2 = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, string>("Evolving", async (context, _) =>
            {
                await context.CallActivityAsync<string>("Validate");
                return await context.WaitForExternalEvent<string>("Go");
            })
            .AddActivityFunc<object?, string>("Validate", (_, _) => Task.FromResult("y")), hubName: hub);
        await v2.Client.RaiseEventAsync(id, "Go", "now", cancel.Token);
        var result = await v2.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, result.FailureDetails!.ErrorType);
        Assert.Contains("history expects CallActivity('Extract')", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("code now does CallActivity('Validate')", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orchestration_with_a_10000_event_history_replays_from_the_database_and_completes()
    {
        var hub = DurableTestHost.NewHubName();
        using var cancel = TestTimeout.Start(TimeSpan.FromMinutes(3));
        void Register(DurableTaskRegistry r) => r
            .AddOrchestratorFunc<int, int>("Wide", async (context, n) =>
            {
                var results = await Task.WhenAll(Enumerable.Range(0, n).Select(i => context.CallActivityAsync<int>("One", i)));
                context.SetCustomStatus("fanned in");
                var bonus = await context.WaitForExternalEvent<int>("Finish");
                return results.Sum() + bonus;
            })
            .AddActivityFunc<int, int>("One", (_, _) => Task.FromResult(1));

        string id;
        await using (var first = await DurableTestHost.StartAsync(postgres, Register, hub, o => o.MaxConcurrentActivityFunctions = 64))
        {
            id = await first.Client.ScheduleNewOrchestrationInstanceAsync("Wide", 5000, cancellationToken: cancel.Token);
            await first.WaitForCustomStatusAsync(id, cancel.Token);
        }

        // A new process has no cached history: it must read all of it and replay it.
        await using var second = await DurableTestHost.StartAsync(postgres, Register, hub);
        await second.Client.RaiseEventAsync(id, "Finish", 7, cancel.Token);
        var result = await second.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);
        var history = await second.Client.GetInstanceHistoryAsync(id, cancel.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(5007, result.ReadOutputAs<int>());
        Assert.True(history.Count >= 10_000, $"history has {history.Count} events");
        Assert.Equal(5000, history.OfType<TaskCompleted>().Select(e => e.TaskScheduledId).Distinct().Count());
    }
}

internal static partial class ReplayTestLogs
{
    [Microsoft.Extensions.Logging.LoggerMessage(1, Microsoft.Extensions.Logging.LogLevel.Information, "step {Step}")]
    public static partial void LogStep(this Microsoft.Extensions.Logging.ILogger logger, int step);
}
