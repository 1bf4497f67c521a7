using Microsoft.Extensions.DependencyInjection;
using Workflows.Functions.Tests.Infrastructure;
using Workflows.Orchestrations.Alerts;
using Workflows.Testing;

namespace Workflows.Functions.Tests;

/// <summary>
/// Webhook alerts from real runs to a real HTTP receiver: a deploy and a failed run are posted, retried with back-off
/// while the receiver fails, and a dead receiver is given up on without holding up the run.
/// </summary>
public sealed class AlertTests(PostgresFixture postgres)
{
    private static readonly string[] FastRetries =
        ["--workflows:alerts:firstRetryDelay", "00:00:00.200", "--workflows:alerts:maxRetryDelay", "00:00:01", "--workflows:alerts:pollInterval", "00:00:00.200"];

    [Fact]
    public async Task A_deploy_is_posted_to_the_webhook_after_the_receiver_recovers()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(3));
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 2, timeout.Token);
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory(monitoring: $"{{ webhookUrl: \"{receiver.Url}\" }}"), [.. TestPlatform.EmbeddedWorkerSettings, .. FastRetries]);
        await UploadAsync(platform, timeout.Token);

        var run = await platform.RunToEndAsync("tiny", timeout.Token);
        await WaitUntilAsync(() => Task.FromResult(receiver.Accepted.Any(a => a.GetProperty("kind").GetString() == AlertKinds.Deployed)), timeout.Token);
        var alert = receiver.Accepted.First(a => a.GetProperty("kind").GetString() == AlertKinds.Deployed);

        Assert.Equal("Completed", run.Status);
        Assert.Equal(("tiny", run.Id, "tiny v1 is production"), (alert.GetProperty("pipeline").GetString(), alert.GetProperty("runId").GetString(), alert.GetProperty("summary").GetString()));
        Assert.Equal(1, alert.GetProperty("details").GetProperty("version").GetInt32());
        var stored = Assert.Single(await platform.App.Services.GetRequiredService<AlertOutbox>().ListAsync("tiny", timeout.Token));
        Assert.Equal((AlertState.Delivered, 3, "503 Service Unavailable"), (stored.State, stored.Attempts, stored.LastError));
    }

    [Fact]
    public async Task A_failed_run_is_alerted_and_a_dead_receiver_is_given_up_without_holding_up_runs()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(2));
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: int.MaxValue, timeout.Token);
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory(monitoring: $"{{ webhookUrl: \"{receiver.Url}\" }}"),
            [.. FastRetries, "--workflows:alerts:maxAttempts", "3"]);

        // No data yet: the run fails at its first stage.
        var run = await platform.RunToEndAsync("tiny", timeout.Token);
        var outbox = platform.App.Services.GetRequiredService<AlertOutbox>();
        await WaitUntilAsync(async () => (await outbox.ListAsync("tiny", timeout.Token)).Any(a => a.State == AlertState.Failed), timeout.Token);
        var stored = Assert.Single(await outbox.ListAsync("tiny", timeout.Token));

        Assert.Equal("Failed", run.Status);
        Assert.Equal((AlertKinds.RunFailed, 3), (stored.Kind, stored.Attempts));
        Assert.StartsWith($"run {run.Id} of tiny failed at resolve-dataset:", stored.Event.Summary, StringComparison.Ordinal);
        Assert.Equal(3, receiver.Posts);
    }

    private static async Task UploadAsync(TestPlatform platform, CancellationToken cancellationToken)
    {
        var file = Path.Combine(platform.DataDirectory, "tiny.csv");
        Directory.CreateDirectory(platform.DataDirectory);
        await File.WriteAllTextAsync(file, TinyPipeline.Csv(3, rows: 60), cancellationToken);
        await platform.UploadFileAsync("tiny", file, cancellationToken);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (!await condition())
        {
            await Task.Delay(100, cancellationToken);
        }
    }
}
