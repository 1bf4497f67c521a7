using Workflows.Durable.History;
using Workflows.Durable.Tests.Infrastructure;
using Workflows.Testing;

namespace Workflows.Durable.Tests;

/// <summary>ContinueAsNew: eternal orchestrations with bounded history.</summary>
public sealed class ContinueAsNewTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ContinueAsNew_restarts_with_new_input_and_a_fresh_history()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<int, int>("CountTo10", async (context, n) =>
            {
                if (n >= 10)
                {
                    return n;
                }

                await context.CallActivityAsync<int>("Noop", n);
                context.ContinueAsNew(n + 1);
                return -1;
            })
            .AddActivityFunc<int, int>("Noop", (_, x) => Task.FromResult(x)));

        var result = await host.RunAsync("CountTo10", 0);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(10, result.ReadOutputAs<int>());
        Assert.Equal(10, result.ReadInputAs<int>());
        var history = await host.Client.GetInstanceHistoryAsync(result.InstanceId, TestContext.Current.CancellationToken);
        Assert.Single(history.OfType<ExecutionStarted>());
        Assert.Empty(history.OfType<TaskScheduled>());
    }

    [Fact]
    public async Task ContinueAsNew_carries_unprocessed_events_into_the_next_execution_when_asked()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<string, string>("Collect", async (context, collected) =>
            {
                var item = await context.WaitForExternalEvent<string>("Item");
                collected += item;
                if (collected.Length >= 3)
                {
                    return collected;
                }

                context.SetCustomStatus(collected);
                context.ContinueAsNew(collected, preserveUnprocessedEvents: true);
                return "";
            }));
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Collect", "", cancellationToken: cancel.Token);

        // All three arrive together: one is consumed per execution, the rest must be carried over.
        foreach (var item in new[] { "a", "b", "c" })
        {
            await host.Client.RaiseEventAsync(id, "Item", item, cancel.Token);
        }

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);

        Assert.Equal("abc", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task ContinueAsNew_drops_unprocessed_events_when_told_not_to_preserve_them()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<int, string>("Forgetful", async (context, generation) =>
            {
                if (generation == 1)
                {
                    try
                    {
                        return await context.WaitForExternalEvent<string>("Item", TimeSpan.FromSeconds(1));
                    }
                    catch (TimeoutException)
                    {
                        return "nothing carried";
                    }
                }

                // "Item" was raised before "Start", so it is buffered in this execution whenever the episodes run.
                await context.WaitForExternalEvent<string>("Start");
                context.ContinueAsNew(1, preserveUnprocessedEvents: false);
                return "";
            }));
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Forgetful", 0, cancellationToken: cancel.Token);
        await host.Client.RaiseEventAsync(id, "Item", "should be dropped", cancel.Token);
        await host.Client.RaiseEventAsync(id, "Start", null, cancel.Token);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);

        Assert.Equal("nothing carried", result.ReadOutputAs<string>());
    }
}
