using Workflows.Durable;
using Workflows.Functions.Tests.Infrastructure;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Testing;

namespace Workflows.Functions.Tests;

/// <summary>A pipeline's <c>schedule</c> starts runs at its occurrences; changing or removing it takes effect on reload.</summary>
public sealed class ScheduleTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_schedule_starts_runs_and_a_reload_changes_or_removes_it()
    {
        var pipelines = TinyPipeline.Directory(schedule: "*/2 * * * * *");
        await using var platform = await TestPlatform.StartAsync(postgres, pipelines);
        using var cancel = TestTimeout.Start(TimeSpan.FromMinutes(2));
        var scheduleId = ScheduleOrchestrator.InstanceId("tiny");

        while ((await ScheduledRunsAsync(platform, cancel.Token)).Count < 2)
        {
            await Task.Delay(200, cancel.Token);
        }

        var runs = await ScheduledRunsAsync(platform, cancel.Token);
        Assert.All(runs, r => Assert.StartsWith("tiny.", r.InstanceId, StringComparison.Ordinal));
        Assert.Equal("*/2 * * * * *", (await platform.Durable.GetInstanceAsync(scheduleId, true, cancel.Token))!.ReadInputAs<ScheduleInput>()!.Cron);

        TinyPipeline.Write(pipelines, "0 0 3 * * *");
        (await platform.Http.PostAsync("api/pipelines/reload", null, cancel.Token)).EnsureSuccessStatusCode();
        var changed = await platform.Durable.GetInstanceAsync(scheduleId, true, cancel.Token);
        Assert.Equal("0 0 3 * * *", changed!.ReadInputAs<ScheduleInput>()!.Cron);
        Assert.True(changed.IsRunning);

        TinyPipeline.Write(pipelines, schedule: null);
        (await platform.Http.PostAsync("api/pipelines/reload", null, cancel.Token)).EnsureSuccessStatusCode();
        var removed = await platform.Durable.GetInstanceAsync(scheduleId, cancellationToken: cancel.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, removed!.RuntimeStatus);
        var count = (await ScheduledRunsAsync(platform, cancel.Token)).Count;
        await Task.Delay(TimeSpan.FromSeconds(3), cancel.Token);
        Assert.Equal(count, (await ScheduledRunsAsync(platform, cancel.Token)).Count);
    }

    [Fact]
    public async Task A_reload_with_a_broken_definition_is_refused_with_its_position_and_keeps_the_pipelines()
    {
        var pipelines = TinyPipeline.Directory();
        await using var platform = await TestPlatform.StartAsync(postgres, pipelines);
        File.WriteAllText(Path.Combine(pipelines, "broken.yaml"), "name: broken\ndataset:\n  nmae: x\n");

        using var response = await platform.Http.PostAsync("api/pipelines/reload", null, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("broken.yaml:3:3", body, StringComparison.Ordinal);
        using var pipelinesNow = await platform.Anonymous.GetAsync("api/pipelines", TestContext.Current.CancellationToken);
        Assert.Contains("\"tiny\"", await pipelinesNow.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyList<OrchestrationMetadata>> ScheduledRunsAsync(TestPlatform platform, CancellationToken cancellationToken) =>
        (await platform.Durable.QueryInstancesAsync(new OrchestrationQuery { Name = nameof(PipelineRunOrchestrator), InstanceIdPrefix = "tiny." }, cancellationToken)).Items;
}
