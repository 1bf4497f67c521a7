using Workflows.Durable.Tests.Infrastructure;
using Workflows.Testing;

namespace Workflows.Durable.Tests;

/// <summary>Sub-orchestrations: outputs, instance ids, failures, retries.</summary>
public sealed class SubOrchestrationTests(PostgresFixture postgres)
{
    private static DurableTaskRegistry Register(DurableTaskRegistry registry) => registry
        .AddOrchestratorFunc<int, int>("Child", async (context, x) =>
        {
            if (x < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(x), x, "negative input");
            }

            return await context.CallActivityAsync<int>("Double", x);
        })
        .AddActivityFunc<int, int>("Double", (_, x) => Task.FromResult(x * 2));

    [Fact]
    public async Task Sub_orchestration_returns_its_output_and_uses_the_given_instance_id()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => Register(r)
            .AddOrchestratorFunc<string, int>("Parent", async (context, childId) =>
                await context.CallSubOrchestratorAsync<int>("Child", 21, new SubOrchestrationOptions(childId))));
        var childId = "child-" + Guid.NewGuid().ToString("N");

        var result = await host.RunAsync("Parent", childId);

        Assert.Equal(42, result.ReadOutputAs<int>());
        var child = await host.Client.GetInstanceAsync(childId, true, TestContext.Current.CancellationToken);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child!.RuntimeStatus);
        Assert.Equal(result.InstanceId, child.ParentInstanceId);
    }

    [Fact]
    public async Task Many_sub_orchestrations_fan_out_and_fan_in()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => Register(r)
            .AddOrchestratorFunc<int, int>("ManyChildren", async (context, n) =>
                (await Task.WhenAll(Enumerable.Range(1, n).Select(i => context.CallSubOrchestratorAsync<int>("Child", i)))).Sum()));

        var result = await host.RunAsync("ManyChildren", 20);

        Assert.Equal(Enumerable.Range(1, 20).Sum() * 2, result.ReadOutputAs<int>());
    }

    [Fact]
    public async Task Sub_orchestration_failure_reaches_the_parent_as_TaskFailedException()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => Register(r)
            .AddOrchestratorFunc<object?, string>("CatchingParent", async (context, _) =>
            {
                try
                {
                    await context.CallSubOrchestratorAsync<int>("Child", -1);
                    return "no failure";
                }
                catch (TaskFailedException ex) when (ex.FailureDetails.IsCausedBy<ArgumentOutOfRangeException>())
                {
                    return ex.FailureDetails.ErrorMessage;
                }
            }));

        var result = await host.RunAsync("CatchingParent");

        Assert.Contains("negative input", result.ReadOutputAs<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sub_orchestration_with_the_id_of_a_running_instance_fails_in_the_parent()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, string>("Blocker", async (context, _) => await context.WaitForExternalEvent<string>("Release"))
            .AddOrchestratorFunc<string, string>("Clasher", async (context, id) =>
            {
                try
                {
                    return await context.CallSubOrchestratorAsync<string>("Blocker", null, new SubOrchestrationOptions(id));
                }
                catch (TaskFailedException ex) when (ex.FailureDetails.IsCausedBy<OrchestrationAlreadyExistsException>())
                {
                    return "refused";
                }
            }));
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        var blocker = await host.Client.ScheduleNewOrchestrationInstanceAsync("Blocker", cancellationToken: cancel.Token);

        var result = await host.RunAsync("Clasher", blocker);

        Assert.Equal("refused", result.ReadOutputAs<string>());
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(blocker, cancellationToken: cancel.Token))!.RuntimeStatus);
    }

    [Fact]
    public async Task Terminating_a_sub_orchestration_fails_the_parent_task()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, string>("Forever", async (context, _) => await context.WaitForExternalEvent<string>("Never"))
            .AddOrchestratorFunc<string, string>("Waiting", async (context, id) =>
            {
                try
                {
                    return await context.CallSubOrchestratorAsync<string>("Forever", null, new SubOrchestrationOptions(id));
                }
                catch (TaskFailedException ex)
                {
                    return ex.FailureDetails.ErrorMessage;
                }
            }));
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        var childId = "forever-" + Guid.NewGuid().ToString("N");
        var parent = await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiting", childId, cancellationToken: cancel.Token);
        await host.WaitForStatusAsync(childId, OrchestrationRuntimeStatus.Running, cancel.Token);

        await host.Client.TerminateInstanceAsync(childId, "operator stopped it", cancel.Token);
        var result = await host.Client.WaitForInstanceCompletionAsync(parent, true, cancel.Token);

        Assert.Contains("operator stopped it", result.ReadOutputAs<string>(), StringComparison.Ordinal);
    }
}
