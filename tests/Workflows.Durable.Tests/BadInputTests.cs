using Npgsql;
using Workflows.Durable.Tests.Infrastructure;
using Workflows.Testing;

namespace Workflows.Durable.Tests;

/// <summary>Bad calls get a clear error at the call and leave nothing behind in the database.</summary>
public sealed class BadInputTests(PostgresFixture postgres)
{
    private static void Register(DurableTaskRegistry registry) => registry
        .AddOrchestratorFunc<int, int>("NeedsNumber", (_, n) => Task.FromResult(n))
        .AddOrchestratorFunc<string, string>("CallsBadly", async (context, mode) =>
        {
            try
            {
                return mode == "unknown"
                    ? await context.CallActivityAsync<string>("NoSuchActivity")
                    : await context.CallActivityAsync<string>("Square", "seven");
            }
            catch (ArgumentException ex)
            {
                return ex.Message;
            }
        })
        .AddActivityFunc<int, int>("Square", (_, x) => Task.FromResult(x * x));

    [Fact]
    public async Task Input_the_orchestrator_cannot_read_is_refused_at_the_call_and_nothing_is_stored()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, Register);

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            host.Client.ScheduleNewOrchestrationInstanceAsync("NeedsNumber", new { rows = 3 }, new("bad-input"), TestContext.Current.CancellationToken));

        Assert.Contains("'NeedsNumber' cannot be read as Int32", error.Message, StringComparison.Ordinal);
        await AssertHubIsEmptyAsync(host.HubName);
    }

    [Fact]
    public async Task Input_that_cannot_be_serialized_is_refused_at_the_call()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, Register);
        var cyclic = new Node();
        cyclic.Next = cyclic;

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            host.Client.ScheduleNewOrchestrationInstanceAsync("NeedsNumber", cyclic, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("cannot be serialized to JSON", error.Message, StringComparison.Ordinal);
        await AssertHubIsEmptyAsync(host.HubName);
    }

    [Fact]
    public async Task Unknown_orchestrator_name_is_refused_at_the_call_and_nothing_is_stored()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, Register);

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            host.Client.ScheduleNewOrchestrationInstanceAsync("NoSuchPipeline", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("No orchestrator named 'NoSuchPipeline'", error.Message, StringComparison.Ordinal);
        Assert.Contains("NeedsNumber", error.Message, StringComparison.Ordinal);
        await AssertHubIsEmptyAsync(host.HubName);
    }

    [Fact]
    public async Task A_client_without_the_orchestrator_in_its_process_accepts_names_that_a_worker_registered()
    {
        var hub = DurableTestHost.NewHubName();
        await using var worker = await DurableTestHost.StartAsync(postgres, Register, hub);
        await using var client = await DurableTestHost.StartAsync(postgres, _ => { }, hub, withWorker: false);
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        while (!await NameRegisteredAsync(hub, "needsnumber"))
        {
            await Task.Delay(20, cancel.Token);
        }

        var id = await client.Client.ScheduleNewOrchestrationInstanceAsync("NeedsNumber", 5, cancellationToken: cancel.Token);
        var result = await client.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);

        Assert.Equal(5, result.ReadOutputAs<int>());
        await Assert.ThrowsAsync<ArgumentException>(() => client.Client.ScheduleNewOrchestrationInstanceAsync("NoSuchPipeline", cancellationToken: cancel.Token));
    }

    [Fact]
    public void Negative_retry_interval_is_refused_when_the_policy_is_built()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(3, TimeSpan.FromSeconds(-1)));

        Assert.Equal("firstRetryInterval", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(3, TimeSpan.FromSeconds(1), backoffCoefficient: 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(3, TimeSpan.FromSeconds(2), maxRetryInterval: TimeSpan.FromSeconds(1)));
    }

    [Theory]
    [InlineData("unknown", "No activity named 'NoSuchActivity' is registered")]
    [InlineData("wrong type", "The input for activity 'Square' cannot be read as Int32")]
    public async Task Bad_activity_calls_throw_in_orchestrator_code_at_the_call(string mode, string expected)
    {
        await using var host = await DurableTestHost.StartAsync(postgres, Register);

        var result = await host.RunAsync("CallsBadly", mode);

        Assert.Contains(expected, result.ReadOutputAs<string>(), StringComparison.Ordinal);
        var history = await host.Client.GetInstanceHistoryAsync(result.InstanceId, TestContext.Current.CancellationToken);
        Assert.Empty(history.OfType<History.TaskScheduled>());
    }

    [Fact]
    public void Invalid_task_hub_name_is_refused_with_the_rule()
    {
        var error = Assert.Throws<ArgumentException>(() => new Postgres.TaskHubSchema("drop table;"));

        Assert.Contains("letters, digits or underscores", error.Message, StringComparison.Ordinal);
    }

    private async Task AssertHubIsEmptyAsync(string hub)
    {
        await using var dataSource = postgres.CreateDataSource();
        foreach (var table in new[] { "instances", "inbox", "history", "activities" })
        {
            await using var command = dataSource.CreateCommand($"SELECT count(*) FROM \"{hub}\".{table}");
            Assert.Equal(0L, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }
    }

    private async Task<bool> NameRegisteredAsync(string hub, string name)
    {
        await using var dataSource = postgres.CreateDataSource();
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM \"{hub}\".registrations WHERE name_key = @name");
        command.Parameters.AddWithValue("name", name);
        try
        {
            return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))! > 0;
        }
        catch (PostgresException)
        {
            return false;
        }
    }

    private sealed class Node
    {
        public Node? Next { get; set; }
    }
}
