using Microsoft.Extensions.DependencyInjection;
using Workflows.Durable.Tests.Infrastructure;
using Workflows.Testing;

namespace Workflows.Durable.Tests;

/// <summary>Activities: typed inputs and outputs, DI, fan-out/fan-in, failures and retries.</summary>
public sealed class ActivityTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Activities_in_sequence_receive_typed_inputs_and_return_typed_outputs()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestrator<GreetingOrchestrator>()
            .AddActivity<GreetActivity>(),
            services: s => s.AddSingleton(new Greeter("Hello")));

        var result = await host.RunAsync(nameof(GreetingOrchestrator), new[] { "Tokyo", "Seattle", "London" });

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(["Hello Tokyo!", "Hello Seattle!", "Hello London!"], result.ReadOutputAs<List<string>>());
        Assert.Equal(["Tokyo", "Seattle", "London"], result.ReadInputAs<string[]>()!);
    }

    [Fact]
    public async Task Fan_out_and_fan_in_runs_every_activity_and_collects_results_in_order()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<int, int[]>("FanOut", async (context, count) =>
                await Task.WhenAll(Enumerable.Range(1, count).Select(i => context.CallActivityAsync<int>("Square", i))))
            .AddActivityFunc<int, int>("Square", (_, x) => Task.FromResult(x * x)));

        var result = await host.RunAsync("FanOut", 100);

        Assert.Equal(Enumerable.Range(1, 100).Select(i => i * i), result.ReadOutputAs<int[]>());
    }

    [Fact]
    public async Task WhenAny_continues_with_the_first_task_to_finish()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, string>("Race", async (context, _) =>
            {
                var fast = context.CallActivityAsync<string>("Echo", "fast");
                var slow = context.CreateTimer(TimeSpan.FromHours(1), CancellationToken.None);
                var winner = await Task.WhenAny(fast, slow);
                return winner == fast ? await fast : "timer";
            })
            .AddActivityFunc<string, string>("Echo", (_, s) => Task.FromResult(s)));

        var result = await host.RunAsync("Race");

        Assert.Equal("fast", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Activity_failure_reaches_the_orchestrator_with_type_message_and_stack()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, string>("CatchFailure", async (context, _) =>
            {
                try
                {
                    await context.CallActivityAsync("Explode");
                    return "no failure";
                }
                catch (TaskFailedException ex)
                {
                    return $"{ex.TaskName}|{ex.FailureDetails.ErrorType}|{ex.FailureDetails.ErrorMessage}|{ex.FailureDetails.IsCausedBy<InvalidOperationException>()}|{ex.FailureDetails.StackTrace?.Contains("ActivityTests", StringComparison.Ordinal)}";
                }
            })
            .AddActivityFunc<object?, object?>("Explode", (_, _) => throw new InvalidOperationException("boom at row 7")));

        var result = await host.RunAsync("CatchFailure");

        Assert.Equal("Explode|System.InvalidOperationException|boom at row 7|True|True", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Unhandled_activity_failure_fails_the_instance_with_the_cause()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, object?>("Unhandled", async (context, _) => await context.CallActivityAsync<object?>("Explode"))
            .AddActivityFunc<object?, object?>("Explode", (_, _) => throw new FormatException("bad number in column 'age'")));

        var result = await host.RunAsync("Unhandled");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        var failure = Assert.IsType<TaskFailureDetails>(result.FailureDetails);
        Assert.Equal(typeof(TaskFailedException).FullName, failure.ErrorType);
        Assert.Contains("bad number in column 'age'", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.True(failure.IsCausedBy<FormatException>());
        Assert.Equal(typeof(FormatException).FullName, failure.InnerFailure?.ErrorType);
    }

    [Fact]
    public async Task Retry_policy_retries_a_failing_activity_until_it_succeeds()
    {
        var attempts = 0;
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, int>("Retrying", async (context, _) =>
                await context.CallActivityAsync<int>("Flaky", null, TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromMilliseconds(100), 2.0))))
            .AddActivityFunc<object?, int>("Flaky", (_, _) =>
                Interlocked.Increment(ref attempts) < 3 ? throw new TimeoutException("transient") : Task.FromResult(attempts)));

        var result = await host.RunAsync("Retrying");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(3, result.ReadOutputAs<int>());
        var history = await host.Client.GetInstanceHistoryAsync(result.InstanceId, TestContext.Current.CancellationToken);
        Assert.Equal(2, history.OfType<History.TimerCreated>().Count());
    }

    [Fact]
    public async Task Retry_policy_gives_up_after_the_maximum_attempts()
    {
        var attempts = 0;
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, int>("GivingUp", async (context, _) =>
                await context.CallActivityAsync<int>("AlwaysFails", null, TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromMilliseconds(50)))))
            .AddActivityFunc<object?, int>("AlwaysFails", (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                throw new IOException("disk unavailable");
            }));

        var result = await host.RunAsync("GivingUp");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(3, attempts);
        Assert.True(result.FailureDetails!.IsCausedBy<IOException>());
    }

    [Fact]
    public async Task Retry_policy_handle_predicate_stops_retrying_errors_it_rejects()
    {
        var attempts = 0;
        var policy = new RetryPolicy(5, TimeSpan.FromMilliseconds(50)) { Handle = ex => !ex.FailureDetails.IsCausedBy<ArgumentException>() };
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, int>("Selective", async (context, _) => await context.CallActivityAsync<int>("BadArgument", null, TaskOptions.FromRetryPolicy(policy)))
            .AddActivityFunc<object?, int>("BadArgument", (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                throw new ArgumentException("never valid");
            }));

        var result = await host.RunAsync("Selective");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(1, attempts);
    }
}

public sealed record Greeter(string Salutation);

public sealed class GreetingOrchestrator : TaskOrchestrator<string[], List<string>>
{
    public override async Task<List<string>> RunAsync(TaskOrchestrationContext context, string[] input)
    {
        var greetings = new List<string>();
        foreach (var city in input)
        {
            greetings.Add(await context.CallActivityAsync<string>(nameof(GreetActivity), city));
        }

        return greetings;
    }
}

public sealed class GreetActivity(Greeter greeter) : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult($"{greeter.Salutation} {input}!");
}
