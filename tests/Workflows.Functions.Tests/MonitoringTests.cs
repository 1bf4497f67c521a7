using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Workflows.Functions.Api;
using Workflows.Functions.Cli;
using Workflows.Functions.Tests.Infrastructure;
using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Monitoring;
using Workflows.Orchestrations.Registry;
using Workflows.Testing;

namespace Workflows.Functions.Tests;

/// <summary>
/// The drift loop on real services: a deployed model serves traffic, the DriftMonitor checks it on its schedule,
/// calls like traffic stable and shifted traffic drifted, starts one retraining run (then honours the cooldown), and
/// fed-back labels give live accuracy.
/// </summary>
public sealed class MonitoringTests(PostgresFixture postgres)
{
    /// <summary>
    /// Windows of 300 rows against a baseline of about 1,400 keep PSI's sampling noise far below its threshold, and a
    /// KS level of 0.001 makes a false alarm on like traffic rare (at 0.05 one of two features would raise one in about
    /// a tenth of runs); a 6-unit shift of x1 is caught at any of these settings.
    /// </summary>
    private const string Monitoring = "{ schedule: \"*/2 * * * * *\", methods: [psi, ks], ksPValue: 0.001, minWindowRows: 300, retrainOnDrift: true, cooldown: 1h, maxConcurrentRetrains: 1 }";

    [Fact]
    public async Task Shifted_traffic_is_called_drift_starts_one_retraining_run_and_the_cooldown_holds_the_next()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(4));
        await using var platform = await TestPlatform.StartAsync(postgres,
            TinyPipeline.Directory(evaluation: "{ primaryMetric: accuracy, mustBeatProduction: false }", monitoring: Monitoring),
            [.. TestPlatform.EmbeddedWorkerSettings, "--workflows:serving:sampleRate", "1.0"]);
        await UploadTinyAsync(platform, timeout.Token);
        Assert.Equal("Completed", (await platform.RunToEndAsync("tiny", timeout.Token)).Status);

        var ids = await PredictAsync(platform, Rows(seed: 11, shift: 0), timeout.Token);
        var labels = TinyLabels(Rows(seed: 11, shift: 0));
        using (var fed = await platform.Http.PostAsJsonAsync("api/models/tiny/feedback",
            new FeedbackBody([.. ids.Zip(labels).Select(p => new FeedbackLabel(p.First, JsonSerializer.SerializeToElement(p.Second)))]), timeout.Token))
        {
            fed.EnsureSuccessStatusCode();
        }

        var stable = await WaitForCheckAsync(platform, c => c.Verdict != DriftVerdict.InsufficientData, null, timeout.Token);
        var drifted = await WaitForCheckAsync(platform, c => c.Id > stable.Id && c.Verdict == DriftVerdict.Drifted && c.RetrainNote is not null,
            () => PredictAsync(platform, Rows(seed: 12, shift: 6), timeout.Token), timeout.Token);
        // The retrained model trained on the same data, so shifted traffic drifts from its baseline too: whichever
        // version serves it, the next drifted check falls in the cooldown.
        var held = await WaitForCheckAsync(platform, c => c.Id > drifted.Id && c.Verdict == DriftVerdict.Drifted && c.RetrainNote is not null,
            () => PredictAsync(platform, Rows(seed: 13, shift: 6), timeout.Token), timeout.Token);
        Assert.True(drifted.RetrainRunId is not null, $"check #{drifted.Id} started no run: {drifted.RetrainNote}");
        var retrain = await platform.WaitForRunAsync(drifted.RetrainRunId, timeout.Token);

        Assert.Equal((DriftVerdict.Stable, 1, 400), (stable.Verdict, stable.Version, stable.Rows));
        Assert.Equal(("accuracy", 400), (stable.Live!.Metric, stable.Live.LabelledRows));
        Assert.InRange(stable.Live.Live!.Value, 0.8, 1);
        Assert.Contains("x1", drifted.DriftedFeatureNames);
        Assert.StartsWith("started run ", drifted.RetrainNote, StringComparison.Ordinal);
        Assert.Null(held.RetrainRunId);
        Assert.StartsWith("cooldown: run " + drifted.RetrainRunId, held.RetrainNote, StringComparison.Ordinal);
        Assert.Equal(("Completed", "drift"), (retrain.Status, retrain.Trigger));
        // The check shows what became of the run it started.
        var outcome = await RetrainOfAsync(platform, drifted.Id, timeout.Token);
        Assert.Equal((drifted.RetrainRunId, "Completed", "Deployed", "baseline"), (outcome?.RunId, outcome?.Status, outcome?.Outcome, outcome?.Stage));
        Assert.Equal(2, (await platform.Host.GetAsync<ModelVersion>("api/models/tiny/versions/production", timeout.Token)).Version);
        var report = await platform.Host.GetAsync<DriftCheckRecord>($"api/models/tiny/drift/{drifted.Id}", timeout.Token);
        var x1 = report.Report.Features.Single(f => f.Name == "x1");
        Assert.True(x1.Drifted);
        Assert.Contains(x1.Tests, t => t.Method == Orchestrations.Pipelines.DriftMethod.KolmogorovSmirnov && t.PValue < 0.05);
    }

    [Fact]
    public async Task Drift_starts_no_second_retraining_run_while_the_allowed_ones_still_run_and_shows_the_gate_turning_one_down()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(4));
        // No cooldown to speak of, one retrain at a time; every run waits at its gate for an approval, so a retrain stays running.
        await using var platform = await TestPlatform.StartAsync(postgres,
            TinyPipeline.Directory(evaluation: "{ primaryMetric: accuracy, mustBeatProduction: false }", deploy: "{ approval: manual, approvalTimeout: 1h }",
                monitoring: Monitoring.Replace("cooldown: 1h", "cooldown: 1ms", StringComparison.Ordinal)),
            [.. TestPlatform.EmbeddedWorkerSettings, "--workflows:serving:sampleRate", "1.0"]);
        await UploadTinyAsync(platform, timeout.Token);
        var first = await platform.StartRunAsync("tiny", timeout.Token);
        await platform.WaitUntilWaitingForAsync(first.Id, ApprovalEvent.Name, timeout.Token);
        await platform.RaiseAsync(first.Id, ApprovalEvent.Name, new ApprovalEvent(true, "ana", null), timeout.Token);
        Assert.Equal("Completed", (await platform.WaitForRunAsync(first.Id, timeout.Token)).Status);

        var shifted = 20;
        var started = await WaitForCheckAsync(platform, c => c.Verdict == DriftVerdict.Drifted && c.RetrainRunId is not null,
            () => PredictAsync(platform, Rows(seed: shifted++, shift: 6), timeout.Token), timeout.Token);
        await platform.WaitUntilWaitingForAsync(started.RetrainRunId!, ApprovalEvent.Name, timeout.Token);
        var held = await WaitForCheckAsync(platform, c => c.Id > started.Id && c.Verdict == DriftVerdict.Drifted && c.RetrainNote is not null,
            () => PredictAsync(platform, Rows(seed: shifted++, shift: 6), timeout.Token), timeout.Token);

        Assert.Null(held.RetrainRunId);
        Assert.Equal("1 drift-started run(s) still running, the most allowed (1)", held.RetrainNote);
        Assert.Equal("Running", (await platform.Durable.GetInstanceAsync(started.RetrainRunId!, false, timeout.Token))?.RuntimeStatus.ToString());
        var waiting = await RetrainOfAsync(platform, started.Id, timeout.Token);
        Assert.Equal(("Running", null, "gate"), (waiting?.Status, waiting?.Outcome, waiting?.Stage));

        // Turned down at the gate, the retrained model leaves production as it was, and the check says so.
        await platform.RaiseAsync(started.RetrainRunId!, ApprovalEvent.Name, new ApprovalEvent(false, "bo", "not this week"), timeout.Token);
        await platform.WaitForRunAsync(started.RetrainRunId!, timeout.Token);
        var rejected = await RetrainOfAsync(platform, started.Id, timeout.Token);
        Assert.Equal(("Completed", "Rejected", "gate"), (rejected?.Status, rejected?.Outcome, rejected?.Stage));
        Assert.Contains("rejected", rejected!.Detail, StringComparison.Ordinal);
        Assert.Equal(1, (await platform.Host.GetAsync<ModelVersion>("api/models/tiny/versions/production", timeout.Token)).Version);
    }

    private static async Task UploadTinyAsync(TestPlatform platform, CancellationToken cancellationToken)
    {
        var file = Path.Combine(platform.DataDirectory, "tiny.csv");
        Directory.CreateDirectory(platform.DataDirectory);
        await File.WriteAllTextAsync(file, TinyPipeline.Csv(3, rows: 2000), cancellationToken);
        await platform.UploadFileAsync("tiny", file, cancellationToken);
    }

    private static Task<List<DriftCheckSummary>> ChecksAsync(TestPlatform platform, CancellationToken cancellationToken) =>
        platform.Host.GetAsync<List<DriftCheckSummary>>("api/models/tiny/drift?limit=500", cancellationToken);

    /// <summary>What became of the retraining run a check started, as the check's listing shows it.</summary>
    private static async Task<RetrainRunView?> RetrainOfAsync(TestPlatform platform, long checkId, CancellationToken cancellationToken) =>
        (await ChecksAsync(platform, cancellationToken)).Single(c => c.Id == checkId).Retrain;

    /// <summary>400 rows like the training data (x1 in [0, 10), x2 in [0, 5)), with x1 moved by <paramref name="shift"/>.</summary>
    private static (double X1, double X2)[] Rows(int seed, double shift)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, 400).Select(_ => (random.NextDouble() * 10 + shift, random.NextDouble() * 5))];
    }

    /// <summary>
    /// The rule the tiny data's labels follow, as the model names its classes: the yes/no column is inferred boolean,
    /// so its classes are "false" and "true", and feedback uses the labels the predict endpoint answers with.
    /// </summary>
    private static string[] TinyLabels((double X1, double X2)[] rows) => [.. rows.Select(r => r.X1 + r.X2 > 7.5 ? "true" : "false")];

    private static async Task<Guid[]> PredictAsync(TestPlatform platform, (double X1, double X2)[] rows, CancellationToken cancellationToken)
    {
        var ids = new List<Guid>();
        foreach (var chunk in rows.Chunk(25))
        {
            var body = "{\"rows\": [" + string.Join(", ", chunk.Select(r => string.Create(CultureInfo.InvariantCulture, $"{{\"x1\": {r.X1:R}, \"x2\": {r.X2:R}}}"))) + "]}";
            using var response = await platform.Anonymous.PostAsync("api/models/tiny/predict", new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
            response.EnsureSuccessStatusCode();
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            ids.AddRange(answer.GetProperty("predictionIds").EnumerateArray().Select(i => i.GetGuid()));
        }

        return [.. ids];
    }

    /// <summary>
    /// Waits for a check that matches, sending <paramref name="traffic"/> first and again every few seconds (a window
    /// read by a version that left production meanwhile is never checked); when the wait runs out, the failure shows
    /// the monitor and the checks so far.
    /// </summary>
    private static async Task<DriftCheckSummary> WaitForCheckAsync(TestPlatform platform, Func<DriftCheckSummary, bool> match, Func<Task>? traffic, CancellationToken cancellationToken)
    {
        List<DriftCheckSummary> checks = [];
        try
        {
            for (var poll = 0; ; poll++)
            {
                if (traffic is not null && poll % 10 == 0)
                {
                    await traffic();
                }

                checks = await ChecksAsync(platform, cancellationToken);
                if (checks.Where(match).OrderBy(c => c.Id).FirstOrDefault() is { } found)
                {
                    return found;
                }

                await Task.Delay(300, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            var monitor = await platform.Durable.GetInstanceAsync(Orchestrations.Orchestrators.DriftMonitorOrchestrator.InstanceId("tiny"), true, CancellationToken.None);
            throw new TimeoutException($"No matching drift check. Monitor: {monitor?.RuntimeStatus} {monitor?.SerializedCustomStatus} {monitor?.FailureDetails?.ErrorMessage}. "
                + $"Checks with data: {string.Join("; ", checks.Where(c => c.Rows > 0).Take(12).Select(c => $"#{c.Id} v{c.Version} {c.Verdict} {c.Rows} rows, drifted [{string.Join(",", c.DriftedFeatureNames)}], {c.RetrainNote}"))}");
        }
    }
}
