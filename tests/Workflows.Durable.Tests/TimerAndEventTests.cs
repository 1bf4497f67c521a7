using Workflows.Durable.History;
using Workflows.Durable.Tests.Infrastructure;
using Workflows.Testing;

namespace Workflows.Durable.Tests;

/// <summary>Durable timers and external events.</summary>
public sealed class TimerAndEventTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Durable_timer_completes_no_earlier_than_its_due_time()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, double>("Sleep", async (context, _) =>
            {
                var before = context.CurrentUtcDateTime;
                await context.CreateTimer(TimeSpan.FromMilliseconds(700), CancellationToken.None);
                return (context.CurrentUtcDateTime - before).TotalMilliseconds;
            }));

        var result = await host.RunAsync("Sleep");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.True(result.ReadOutputAs<double>() >= 700, $"resumed after {result.ReadOutputAs<double>()} ms");
    }

    [Fact]
    public async Task Timer_due_while_workers_are_idle_fires_by_its_due_time_not_the_polling_back_off()
    {
        // Polling alone would not look again for ten minutes; only the timer's own due time can wake the worker.
        await using var host = await DurableTestHost.StartAsync(postgres,
            r => r.AddOrchestratorFunc<object?, string>("IdleTimer", async (context, _) =>
            {
                await context.CreateTimer(TimeSpan.FromSeconds(3), CancellationToken.None);
                return "fired";
            }),
            configure: o => o.StorageProvider.MaxPollingInterval = TimeSpan.FromMinutes(10));

        var result = await host.RunAsync("IdleTimer", timeout: TimeSpan.FromSeconds(60));

        Assert.Equal("fired", result.ReadOutputAs<string>());
        var firedAfter = result.CompletedAt!.Value - result.CreatedAt;
        Assert.InRange(firedAfter, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Cancelled_timer_does_not_complete_and_leaves_the_orchestration_free_to_finish()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, string>("CancelTimer", async (context, _) =>
            {
                using var cancel = new CancellationTokenSource();
                var timer = context.CreateTimer(TimeSpan.FromDays(1), cancel.Token);
                // Cancel(), not CancelAsync(): the latter runs callbacks on the thread pool, outside the replay.
                cancel.Cancel();
                try
                {
                    await timer;
                    return "timer completed";
                }
                catch (TaskCanceledException)
                {
                    return "cancelled";
                }
            }));

        var result = await host.RunAsync("CancelTimer");

        Assert.Equal("cancelled", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task External_event_is_delivered_to_a_waiting_orchestration()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, string>("Approve", async (context, _) =>
            {
                context.SetCustomStatus(new { stage = "waiting for approval" });
                var approval = await context.WaitForExternalEvent<Approval>("Approval");
                return $"{approval.By}:{approval.Approved}";
            }));
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approve", cancellationToken: cancel.Token);
        await host.WaitForCustomStatusAsync(id, cancel.Token);

        await host.Client.RaiseEventAsync(id, "approval", new Approval("ana", true), cancel.Token);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);

        Assert.Equal("ana:True", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Event_raised_before_the_orchestration_waits_for_it_is_buffered_and_delivered()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, string>("LateWaiter", async (context, _) =>
            {
                await context.CreateTimer(TimeSpan.FromSeconds(1), CancellationToken.None);
                var first = await context.WaitForExternalEvent<string>("Go");
                var second = await context.WaitForExternalEvent<string>("Go");
                return first + second;
            }));
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("LateWaiter", cancellationToken: cancel.Token);

        await host.Client.RaiseEventAsync(id, "Go", "a", cancel.Token);
        await host.Client.RaiseEventAsync(id, "Go", "b", cancel.Token);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);

        Assert.Equal("ab", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Waiting_for_an_event_with_a_timeout_throws_TimeoutException_when_none_arrives()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, string>("Impatient", async (context, _) =>
            {
                try
                {
                    await context.WaitForExternalEvent<string>("Never", TimeSpan.FromMilliseconds(500));
                    return "received";
                }
                catch (TimeoutException ex)
                {
                    return ex.Message;
                }
            }));

        var result = await host.RunAsync("Impatient");

        Assert.Contains("Event 'Never' did not arrive", result.ReadOutputAs<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_arriving_after_a_timed_out_wait_is_kept_for_the_next_wait()
    {
        await using var host = await DurableTestHost.StartAsync(postgres, r => r
            .AddOrchestratorFunc<object?, string>("SecondChance", async (context, _) =>
            {
                try
                {
                    await context.WaitForExternalEvent<string>("Data", TimeSpan.FromMilliseconds(200));
                }
                catch (TimeoutException)
                {
                    context.SetCustomStatus("timed out");
                }

                return await context.WaitForExternalEvent<string>("Data");
            }));
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("SecondChance", cancellationToken: cancel.Token);
        await host.WaitForCustomStatusAsync(id, cancel.Token);

        await host.Client.RaiseEventAsync(id, "Data", "late but delivered", cancel.Token);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);

        Assert.Equal("late but delivered", result.ReadOutputAs<string>());
        var history = await host.Client.GetInstanceHistoryAsync(id, cancel.Token);
        Assert.Single(history.OfType<EventRaised>());
    }
}

public sealed record Approval(string By, bool Approved);
