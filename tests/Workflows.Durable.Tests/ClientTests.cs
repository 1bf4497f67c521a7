using Workflows.Durable.History;
using Workflows.Durable.Tests.Infrastructure;
using Workflows.Testing;

namespace Workflows.Durable.Tests;

/// <summary>The client: scheduling, reading, control, purge and queries.</summary>
public sealed class ClientTests(PostgresFixture postgres)
{
    private static void Register(DurableTaskRegistry registry) => registry
        .AddOrchestratorFunc<string, string>("Echo", (_, input) => Task.FromResult(input))
        .AddOrchestratorFunc<object?, string>("WaitForGo", async (context, _) =>
        {
            context.SetCustomStatus("waiting");
            var value = await context.WaitForExternalEvent<string>("Go");
            context.SetCustomStatus("done");
            return value;
        });

    /// <summary>Starts a WaitForGo instance and returns once it waits for its event.</summary>
    private static async Task<string> StartWaitingAsync(DurableTestHost host, CancellationToken cancellationToken)
    {
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForGo", cancellationToken: cancellationToken);
        await host.WaitForCustomStatusAsync(id, cancellationToken);
        return id;
    }

    [Fact]
    public async Task Starting_an_instance_id_that_is_still_running_is_refused_with_a_clear_error()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, Register);
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForGo", options: new("order-17"), cancellationToken: cancel.Token);

        var error = await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() =>
            host.Client.ScheduleNewOrchestrationInstanceAsync("Echo", "x", new("order-17"), cancel.Token));

        Assert.Equal("order-17", error.InstanceId);
        Assert.Contains("'order-17' already exists", error.Message, StringComparison.Ordinal);
        var instance = await host.Client.GetInstanceAsync(id, true, cancel.Token);
        Assert.Equal("WaitForGo", instance!.Name);
    }

    [Fact]
    public async Task A_finished_instance_id_can_be_started_again_with_a_fresh_history()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, Register);

        var first = await host.RunAsync("Echo", "first", instanceId: "reused");
        var second = await host.RunAsync("Echo", "second", instanceId: "reused");

        Assert.Equal("first", first.ReadOutputAs<string>());
        Assert.Equal("second", second.ReadOutputAs<string>());
        var history = await host.Client.GetInstanceHistoryAsync("reused", TestContext.Current.CancellationToken);
        Assert.Single(history.OfType<ExecutionStarted>());
    }

    [Fact]
    public async Task Get_returns_inputs_and_outputs_only_when_asked_and_null_for_unknown_ids()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, Register);
        var done = await host.RunAsync("Echo", "payload");
        var cancellation = TestContext.Current.CancellationToken;

        var without = await host.Client.GetInstanceAsync(done.InstanceId, false, cancellation);
        var with = await host.Client.GetInstanceAsync(done.InstanceId, true, cancellation);

        Assert.Null(without!.SerializedInput);
        Assert.Null(without.SerializedOutput);
        Assert.Equal("payload", with!.ReadInputAs<string>());
        Assert.Equal("payload", with.ReadOutputAs<string>());
        Assert.NotNull(with.CompletedAt);
        Assert.Null(await host.Client.GetInstanceAsync("no-such-instance", cancellationToken: cancellation));
    }

    [Fact]
    public async Task Scheduled_start_time_keeps_the_instance_pending_until_then()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, Register);
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        var startAt = DateTimeOffset.UtcNow.AddSeconds(2);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Echo", "later", new(StartAt: startAt), cancel.Token);
        var pending = await host.Client.GetInstanceAsync(id, cancellationToken: cancel.Token);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Pending, pending!.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.True(done.CompletedAt >= startAt.UtcDateTime, $"completed at {done.CompletedAt:O}, before its start time {startAt:O}");
    }

    [Fact]
    public async Task Events_sent_to_a_pending_instance_wait_for_its_start()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, Register);
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForGo", null, new(StartAt: DateTimeOffset.UtcNow.AddSeconds(1)), cancel.Token);
        await host.Client.RaiseEventAsync(id, "Go", "early bird", cancel.Token);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);

        Assert.Equal("early bird", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Terminate_stops_the_instance_and_records_the_reason()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, Register);
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        var id = await StartWaitingAsync(host, cancel.Token);

        await host.Client.TerminateInstanceAsync(id, "dataset withdrawn", cancel.Token);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, done.RuntimeStatus);
        Assert.Equal("dataset withdrawn", done.ReadOutputAs<string>());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Client.RaiseEventAsync(id, "Go", "x", cancel.Token));
        Assert.Contains("already finished (Terminated)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suspended_instance_keeps_events_until_resumed()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, Register);
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        var id = await StartWaitingAsync(host, cancel.Token);

        await host.Client.SuspendInstanceAsync(id, "maintenance", cancel.Token);
        await host.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Suspended, cancel.Token);

        await host.Client.RaiseEventAsync(id, "Go", "after resume", cancel.Token);
        await Task.Delay(1500, cancel.Token);
        var stillSuspended = await host.Client.GetInstanceAsync(id, cancellationToken: cancel.Token);
        await host.Client.ResumeInstanceAsync(id, "done", cancel.Token);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Suspended, stillSuspended!.RuntimeStatus);
        Assert.Equal("\"waiting\"", stillSuspended.SerializedCustomStatus);
        Assert.Equal("after resume", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Purge_deletes_finished_instances_and_their_history_but_not_running_ones()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, Register);
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        var done = await host.RunAsync("Echo", "x");
        var running = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForGo", cancellationToken: cancel.Token);

        Assert.True(await host.Client.PurgeInstanceAsync(done.InstanceId, cancel.Token));
        Assert.False(await host.Client.PurgeInstanceAsync(running, cancel.Token));
        Assert.Null(await host.Client.GetInstanceAsync(done.InstanceId, cancellationToken: cancel.Token));
        Assert.Empty(await host.Client.GetInstanceHistoryAsync(done.InstanceId, cancel.Token));
        Assert.NotNull(await host.Client.GetInstanceAsync(running, cancellationToken: cancel.Token));
        Assert.Equal(0, await host.Client.PurgeInstancesAsync(DateTime.UtcNow.AddMinutes(1), cancellationToken: cancel.Token));
    }

    [Fact]
    public async Task Query_filters_by_status_name_and_creation_time_and_pages_through_everything()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, Register);
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        var before = DateTime.UtcNow.AddSeconds(-1);
        for (var i = 0; i < 7; i++)
        {
            await host.RunAsync("Echo", $"e{i}", instanceId: $"echo-{i}");
        }

        var waiting = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForGo", options: new("waiter-1"), cancellationToken: cancel.Token);

        var seen = new List<OrchestrationMetadata>();
        string? token = null;
        do
        {
            var page = await host.Client.QueryInstancesAsync(new OrchestrationQuery
            {
                Statuses = [OrchestrationRuntimeStatus.Completed],
                Name = "echo",
                CreatedFrom = before,
                PageSize = 3,
                ContinuationToken = token,
                FetchInputsAndOutputs = true,
            }, cancel.Token);
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"echo-{i}"), seen.Select(m => m.InstanceId));
        Assert.All(seen, m => Assert.NotNull(m.SerializedOutput));
        var newest = await host.Client.QueryInstancesAsync(new OrchestrationQuery { Name = "echo", NewestFirst = true, PageSize = 4 }, cancel.Token);
        var older = await host.Client.QueryInstancesAsync(new OrchestrationQuery { Name = "echo", NewestFirst = true, PageSize = 4, ContinuationToken = newest.ContinuationToken }, cancel.Token);
        Assert.Equal(Enumerable.Range(0, 7).Reverse().Select(i => $"echo-{i}"), newest.Items.Concat(older.Items).Select(m => m.InstanceId));
        Assert.Null(older.ContinuationToken);
        var running = await host.Client.QueryInstancesAsync(new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending] }, cancel.Token);
        Assert.Equal([waiting], running.Items.Select(m => m.InstanceId));
        var future = await host.Client.QueryInstancesAsync(new OrchestrationQuery { CreatedFrom = DateTime.UtcNow.AddHours(1) }, cancel.Token);
        Assert.Empty(future.Items);
    }

    [Fact]
    public async Task Custom_status_is_visible_to_clients_while_the_instance_runs()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, Register);
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        var id = await StartWaitingAsync(host, cancel.Token);

        var running = await host.Client.GetInstanceAsync(id, cancellationToken: cancel.Token);
        await host.Client.RaiseEventAsync(id, "Go", "x", cancel.Token);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, cancellationToken: cancel.Token);

        Assert.Equal("waiting", running!.ReadCustomStatusAs<string>());
        Assert.Equal("done", done.ReadCustomStatusAs<string>());
    }
}
