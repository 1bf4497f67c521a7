using Workflows.Durable.History;
using Workflows.Durable.TestWorker;
using Workflows.Durable.Tests.Infrastructure;
using Workflows.Testing;

namespace Workflows.Durable.Tests;

/// <summary>Several worker processes on one database, and a worker killed mid-orchestration.</summary>
public sealed class MultiProcessTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Two_worker_processes_complete_200_orchestrations_without_repeating_any_episode_or_activity()
    {
        using var cancel = TestTimeout.Start(TimeSpan.FromMinutes(4));
        await using var hub = await SharedHub.CreateAsync(postgres, cancel.Token);
        await using var first = await WorkerProcess.StartAsync(postgres.ConnectionString, hub.Name, 30, cancel.Token);
        await using var second = await WorkerProcess.StartAsync(postgres.ConnectionString, hub.Name, 30, cancel.Token);

        var ids = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            ids.Add(await hub.Client.ScheduleNewOrchestrationInstanceAsync(SharedOrchestrations.Chain, new ChainInput(5), cancellationToken: cancel.Token));
        }

        foreach (var id in ids)
        {
            var done = await hub.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
            Assert.Equal(5, done.ReadOutputAs<int>());
            var history = await hub.Client.GetInstanceHistoryAsync(id, cancel.Token);
            // An episode committed twice would repeat its scheduling and its results.
            Assert.Equal(5, history.OfType<TaskScheduled>().Select(e => e.TaskId).Distinct().Count());
            Assert.Equal(5, history.OfType<TaskScheduled>().Count());
            Assert.Equal(5, history.OfType<TaskCompleted>().Count());
            Assert.Single(history.OfType<ExecutionCompleted>());
        }

        var executions = await hub.Log.ReadAsync(cancel.Token);
        Assert.Equal(1000, executions.Count);
        Assert.Equal(1000, executions.Select(e => (e.InstanceId, e.Step)).Distinct().Count());
        Assert.Equal([first.Id, second.Id], executions.Select(e => e.ProcessId).Distinct().Order());
    }

    [Fact]
    public async Task Worker_killed_with_SIGKILL_mid_orchestration_is_taken_over_without_rerunning_completed_activities()
    {
        using var cancel = TestTimeout.Start(TimeSpan.FromMinutes(2));
        await using var hub = await SharedHub.CreateAsync(postgres, cancel.Token);
        var doomed = await WorkerProcess.StartAsync(postgres.ConnectionString, hub.Name, 3, cancel.Token);

        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync(SharedOrchestrations.Chain, new ChainInput(4, SlowStep: 3), cancellationToken: cancel.Token);
        await hub.WaitForStepAsync("step3", cancel.Token);

        await doomed.KillAsync();
        await using var survivor = await WorkerProcess.StartAsync(postgres.ConnectionString, hub.Name, 3, cancel.Token);
        var done = await hub.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(4, done.ReadOutputAs<int>());
        var executions = await hub.Log.ReadAsync(cancel.Token);
        Assert.Equal([(doomed.Id, "step1"), (doomed.Id, "step2"), (doomed.Id, "step3"), (survivor.Id, "step3"), (survivor.Id, "step4")],
            executions.Select(e => (e.ProcessId, e.Step)));
        await doomed.DisposeAsync();
    }

    [Fact]
    public async Task Worker_killed_with_SIGKILL_inside_an_episode_releases_the_instance_at_once_and_the_episode_runs_again()
    {
        using var cancel = TestTimeout.Start(TimeSpan.FromMinutes(2));
        await using var hub = await SharedHub.CreateAsync(postgres, cancel.Token);
        // A long lease: take-over must come from the dead connection ending the transaction, not from expiry.
        var doomed = await WorkerProcess.StartAsync(postgres.ConnectionString, hub.Name, 600, cancel.Token, stallEpisodes: true);

        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync(SharedOrchestrations.Chain, new ChainInput(4), cancellationToken: cancel.Token);
        await hub.WaitForStepAsync("episode", cancel.Token);

        await doomed.KillAsync();
        await using var survivor = await WorkerProcess.StartAsync(postgres.ConnectionString, hub.Name, 600, cancel.Token);
        var done = await hub.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(4, done.ReadOutputAs<int>());
        var steps = (await hub.Log.ReadAsync(cancel.Token)).Select(e => e.Step).ToList();
        Assert.Equal(["step1", "step2", "episode", "step3", "step4"], steps);
        var history = await hub.Client.GetInstanceHistoryAsync(id, cancel.Token);
        Assert.Equal(4, history.OfType<TaskScheduled>().Count());
        await doomed.DisposeAsync();
    }
}
