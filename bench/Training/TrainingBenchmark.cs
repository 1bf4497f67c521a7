using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Functions.Api;
using Workflows.Functions.Hosting;
using Workflows.GpuWorker;
using Workflows.GpuWorker.Protocol;
using Workflows.Orchestrations.Training;

namespace Workflows.Bench.Training;

/// <summary>
/// The training plane's overhead. (1) Samples per second of the MLP trainer on the breast-cancer export through the full
/// worker path (a real host, a worker process leasing the job, downloading the export, supervising the trainer,
/// uploading the artifacts) against the same trainer run directly on the same export with the same job file, the two
/// alternated (target: at least 0.95). (2) Dispatch latency from enqueue to trainer start with an idle worker waiting
/// in its long poll (target: p50 at most 500 ms), against starting a Python process directly.
/// </summary>
public sealed class TrainingBenchmark(string connectionString, TextWriter output)
{
    private const string Token = "bench-worker-token";
    private const int Rounds = 5;
    private const int DispatchSamples = 15;

    // Enough epochs that a run trains for seconds, so start-up and a moment of contention do not dominate either side.
    private static readonly Dictionary<string, object> Hyperparameters = new()
    {
        ["epochs"] = 600, ["batchSize"] = 32, ["hiddenLayers"] = new[] { 64, 32 }, ["learningRate"] = 0.001, ["dropout"] = 0.0, ["earlyStoppingPatience"] = 0,
    };

    public async Task<IReadOnlyList<BenchFigure>> RunAsync(CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "workflows-bench-training", Guid.NewGuid().ToString("N")[..12]);
        var pipelines = Directory.CreateDirectory(Path.Combine(directory, "pipelines")).FullName;
        // The shipped pipeline, without its run on every new version: the benchmark starts the runs it measures.
        await File.WriteAllTextAsync(Path.Combine(pipelines, "breast-cancer.yaml"),
            (await File.ReadAllTextAsync(Path.Combine(WorkflowsHost.PipelinesDirectory, "breast-cancer.yaml"), cancellationToken)).Replace("runOnNewVersion: true", "runOnNewVersion: false", StringComparison.Ordinal),
            cancellationToken);
        var apiKey = Guid.NewGuid().ToString("N");
        await using var app = PlatformHost.Build(
            ["--urls", "http://127.0.0.1:0", "--workflows:dataDirectory", Path.Combine(directory, "data"), "--workflows:pipelinesDirectory", pipelines,
             "--extensions:durableTask:hubName", "bench_training_" + Guid.NewGuid().ToString("N")[..8], "--workflows:training:embeddedWorker", "false",
             "--workflows:training:workerTokens:0", Token, "--Logging:LogLevel:Default", "Error", "--Logging:LogLevel:Workflows", "Error"],
            connectionString, builder => builder.Services.PostConfigure<ApiKeyOptions>(o => o.Keys.Add(apiKey)));
        await app.StartAsync(cancellationToken);
        var baseUrl = app.Urls.First();
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl + "/") };
        http.DefaultRequestHeaders.Add("x-api-key", apiKey);
        using var worker = StartWorker(baseUrl, Path.Combine(directory, "worker"));
        try
        {
            await IngestAsync(http, cancellationToken);
            // Not measured: the worker's first job also compiles its code, on the cores the trainer needs.
            await TrainThroughWorkerAsync(app, http, cancellationToken, epochs: 5);
            var direct = new List<TrainerMeasure>();
            var viaWorker = new List<TrainerMeasure>();
            TrainingJob? job = null;
            Task<TrainerMeasure> DirectAsync(TrainingJob template, int round) =>
                TrainDirectlyAsync(template, Path.Combine(directory, "data", "artifacts", template.Spec.ExportPath), Path.Combine(directory, $"direct-{round}"), cancellationToken);
            for (var round = 0; round < Rounds; round++)
            {
                // Alternating which goes first spreads a burst of load from elsewhere over both sides.
                if (round % 2 == 1 && job is not null)
                {
                    direct.Add(await DirectAsync(job, round));
                }

                (var measure, job) = await TrainThroughWorkerAsync(app, http, cancellationToken);
                viaWorker.Add(measure);
                if (round % 2 == 0)
                {
                    direct.Add(await DirectAsync(job, round));
                }

                output.WriteLine($"round {round + 1}: trainer {viaWorker[^1].TrainerSamplesPerSecond:F0} vs {direct[^1].TrainerSamplesPerSecond:F0} samples/s, " +
                    $"end to end {viaWorker[^1].EndToEndSamplesPerSecond:F0} vs {direct[^1].EndToEndSamplesPerSecond:F0} samples/s (worker vs direct)");
            }

            var latencies = await MeasureDispatchAsync(app, job!, cancellationToken);
            var spawn = await MeasureProcessSpawnAsync(cancellationToken);
            output.WriteLine($"dispatch: {DispatchSamples} jobs, enqueue → trainer started, ms: {string.Join(", ", latencies.Select(l => l.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}");
            return
            [
                BenchFigure.Of("MLP trainer samples/s through the worker (baseline: direct)", Median(viaWorker.Select(m => m.TrainerSamplesPerSecond)), "samples/s", Median(direct.Select(m => m.TrainerSamplesPerSecond))),
                BenchFigure.Of("  end to end, lease to completion incl. transfers (baseline: direct)", Median(viaWorker.Select(m => m.EndToEndSamplesPerSecond)), "samples/s", Median(direct.Select(m => m.EndToEndSamplesPerSecond))),
                BenchFigure.Of("dispatch latency p50, enqueue to trainer start (baseline: python spawn)", Percentile(latencies, 0.5), "ms", spawn),
                BenchFigure.Of("dispatch latency p99 (baseline: python spawn)", Percentile(latencies, 0.99), "ms", spawn),
            ];
        }
        finally
        {
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync(CancellationToken.None);
            await app.StopAsync(CancellationToken.None);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Process StartWorker(string baseUrl, string workDirectory)
    {
        var agent = Path.Combine(AppContext.BaseDirectory, "Workflows.GpuWorker.dll");
        return Process.Start(new ProcessStartInfo("dotnet",
            [agent, "--worker:hostUrl", baseUrl, "--worker:token", Token, "--worker:devices", "cpu", "--worker:threads", "1", "--worker:workDirectory", workDirectory, "--Logging:LogLevel:Default", "Warning"])
        {
            RedirectStandardOutput = false,
        })!;
    }

    private static async Task IngestAsync(HttpClient http, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(Path.Combine(WorkflowsHost.PipelinesDirectory, "data", "breast_cancer.csv"));
        using var response = await http.PostAsync("api/datasets/breast-cancer/ingest", new StreamContent(file), cancellationToken);
        response.EnsureSuccessStatusCode();
        while ((await http.GetFromJsonAsync<JsonElement>("api/datasets/breast-cancer/versions", cancellationToken)).GetArrayLength() == 0)
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>One run of the pipeline with the benchmark's hyperparameters (one trial); the job's own figures.</summary>
    private static async Task<(TrainerMeasure, TrainingJob)> TrainThroughWorkerAsync(WebApplication app, HttpClient http, CancellationToken cancellationToken, int? epochs = null)
    {
        var overrides = Hyperparameters.ToDictionary(h => h.Key, h => JsonSerializer.SerializeToElement(h.Key == "epochs" && epochs is not null ? epochs : h.Value));
        using var response = await http.PostAsJsonAsync("api/pipelines/breast-cancer/runs", new StartRunBody(null, overrides), cancellationToken);
        response.EnsureSuccessStatusCode();
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetString()!;
        var jobs = app.Services.GetRequiredService<TrainingJobStore>();
        while (true)
        {
            if ((await jobs.ListForRunAsync(runId, cancellationToken)).FirstOrDefault() is { State: var state } job && state.IsTerminal())
            {
                if (job.Result is not { } result)
                {
                    throw new InvalidOperationException($"The benchmark's job ended {state}: {job.Error}");
                }

                var samples = (double)result.EpochsRun * TrainRows(job, app);
                return (new TrainerMeasure(result.SamplesPerSecond ?? double.NaN, samples / (job.EndedAt!.Value - job.StartedAt!.Value).TotalSeconds), job);
            }

            // Seldom: the bench must not take CPU from the trainer it measures (the figures come from the job row).
            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>The same trainer, job file and export, started directly: the figures the worker path is held to.</summary>
    private static async Task<TrainerMeasure> TrainDirectlyAsync(TrainingJob job, string export, string work, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(work);
        var spec = job.Spec;
        var trainerJob = new TrainerJob(job.JobId, job.RunId, job.Trial, spec.Trainer, spec.Task.ToString().ToLowerInvariant(), spec.Device, spec.Hyperparameters, spec.Seed, spec.CheckpointEvery, spec.PrimaryMetric, Threads: 1);
        await File.WriteAllTextAsync(Path.Combine(work, "job.json"), JsonSerializer.Serialize(trainerJob, new JsonSerializerOptions(JsonSerializerDefaults.Web)), cancellationToken);
        var trainers = TrainerRegistry.Load(Path.Combine(AppContext.BaseDirectory, "trainers"));
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo(new WorkerOptions().Python, [trainers.ScriptOf(spec.Trainer), "--job", Path.Combine(work, "job.json"), "--data", export, "--out", Path.Combine(work, "out")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        TrainerEvent? completed = null;
        TrainerEvent? lastEpoch = null;
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            var trainerEvent = TrainerEvent.TryParse(line);
            completed = trainerEvent?.Kind == TrainerEvent.Completed ? trainerEvent : completed;
            lastEpoch = trainerEvent?.Kind == TrainerEvent.Epoch ? trainerEvent : lastEpoch;
        }

        await process.WaitForExitAsync(cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0 || completed is null || lastEpoch is null)
        {
            throw new InvalidOperationException($"The direct trainer run failed ({process.ExitCode}): {await stderr}");
        }

        var rows = ReadRows(Path.Combine(export, "manifest.json"));
        return new TrainerMeasure(completed.Double("samplesPerSecond") ?? double.NaN, lastEpoch.Int("epoch")!.Value * (double)rows / seconds);
    }

    /// <summary>Enqueues one-epoch jobs one at a time while the worker waits idle, and times each until its trainer is launched.</summary>
    private static async Task<List<double>> MeasureDispatchAsync(WebApplication app, TrainingJob template, CancellationToken cancellationToken)
    {
        var jobs = app.Services.GetRequiredService<TrainingJobStore>();
        var spec = template.Spec with { Hyperparameters = new Dictionary<string, JsonElement>(template.Spec.Hyperparameters) { ["epochs"] = JsonSerializer.SerializeToElement(1) } };
        var latencies = new List<double>();
        for (var i = 0; i < DispatchSamples; i++)
        {
            // The worker is back in its long poll once the previous job ended.
            await Task.Delay(500, cancellationToken);
            var jobId = $"{template.RunId}-dispatch-{i}";
            var clock = Stopwatch.StartNew();
            await jobs.EnqueueAsync(jobId, template.RunId, template.Pipeline, 100 + i, "bench-no-orchestration", spec, 1, DateTimeOffset.UtcNow.AddMinutes(5), cancellationToken);
            while ((await jobs.GetAsync(jobId, cancellationToken))?.Progress is null)
            {
                await Task.Delay(2, cancellationToken);
            }

            latencies.Add(clock.Elapsed.TotalMilliseconds);
            while ((await jobs.GetAsync(jobId, cancellationToken))?.State.IsTerminal() != true)
            {
                await Task.Delay(20, cancellationToken);
            }
        }

        return latencies;
    }

    /// <summary>The baseline: starting the trainers' Python and waiting for it to exit, median of five.</summary>
    private static async Task<double> MeasureProcessSpawnAsync(CancellationToken cancellationToken)
    {
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(new ProcessStartInfo(new WorkerOptions().Python, ["-c", "pass"]))!;
            await process.WaitForExitAsync(cancellationToken);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return Percentile(times, 0.5);
    }

    private static long TrainRows(TrainingJob job, WebApplication app) =>
        ReadRows(Path.Combine(app.Services.GetRequiredService<Workflows.Orchestrations.Platform.PlatformOptions>().ArtifactsDirectory, job.Spec.ExportPath, "manifest.json"));

    private static long ReadRows(string manifest)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(manifest));
        return document.RootElement.GetProperty("rows").GetProperty("train").GetInt64();
    }

    private static double Median(IEnumerable<double> values) => Percentile([.. values], 0.5);

    private static double Percentile(List<double> values, double quantile)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(quantile * sorted.Count))];
    }

    private sealed record TrainerMeasure(double TrainerSamplesPerSecond, double EndToEndSamplesPerSecond);
}
