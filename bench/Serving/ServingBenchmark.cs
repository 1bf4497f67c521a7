using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Functions.Api;
using Workflows.Functions.Hosting;
using Workflows.Functions.Serving;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Onnx;
using Workflows.Orchestrations.Registry;

namespace Workflows.Bench.Serving;

/// <summary>
/// The scoring endpoint against ONNX Runtime itself, on the breast-cancer MLP trained in the same run through the
/// pipeline. Baselines: in-process ORT calls on one row and on batches of 256 rows (pre-allocated tensors, one thread).
/// Then single-row HTTP requests at concurrency 1, 16 and 64: p50 and p99 latency against the in-process single-row
/// call, requests/s against in-process single-row calls/s, and predictions/s against in-process rows/s in batches of
/// 256 (what micro-batching can reach at best). Targets on a 2-core machine: p50 at most 1 ms at concurrency 1, and at
/// least 10,000 predictions/s at concurrency 64.
/// </summary>
public sealed class ServingBenchmark(string connectionString, TextWriter output)
{
    private const string Pipeline = "breast-cancer";
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(5);
    private static readonly int[] Concurrency = [1, 16, 64];

    public async Task<IReadOnlyList<BenchFigure>> RunAsync(CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "workflows-bench-serving", Guid.NewGuid().ToString("N")[..12]);
        var pipelines = Directory.CreateDirectory(Path.Combine(directory, "pipelines")).FullName;
        // One trial of the shipped pipeline's larger network, deployed at once: the benchmark needs one good model, fast.
        await File.WriteAllTextAsync(Path.Combine(pipelines, "breast-cancer.yaml"), """
            name: breast-cancer
            dataset:
              name: breast-cancer
              format: csv
              task: classification
              target: diagnosis
            training:
              trainer: mlp
              device: cpu
              hyperparameters: { epochs: 60, batchSize: 32, hiddenLayers: [64, 32], learningRate: 0.003, standardize: true }
            evaluation:
              primaryMetric: f1_macro
            deploy:
              approval: auto
            """, cancellationToken);
        var apiKey = Guid.NewGuid().ToString("N");
        await using var app = PlatformHost.Build(
            ["--urls", "http://127.0.0.1:0", "--workflows:dataDirectory", Path.Combine(directory, "data"), "--workflows:pipelinesDirectory", pipelines,
             "--extensions:durableTask:hubName", "bench_serving_" + Guid.NewGuid().ToString("N")[..8],
             "--workflows:training:embeddedWorker", "true", "--workflows:worker:devices", "cpu", "--workflows:worker:python", FindPython(),
             "--Logging:LogLevel:Default", "Error", "--Logging:LogLevel:Workflows", "Error"],
            connectionString, builder => builder.Services.PostConfigure<ApiKeyOptions>(o => o.Keys.Add(apiKey)));
        await app.StartAsync(cancellationToken);
        var baseUrl = app.Urls.First();
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl + "/") };
        http.DefaultRequestHeaders.Add("x-api-key", apiKey);
        try
        {
            await IngestAsync(http, cancellationToken);
            var clock = Stopwatch.StartNew();
            using (var started = await http.PostAsJsonAsync($"api/pipelines/{Pipeline}/runs", new { }, cancellationToken))
            {
                started.EnsureSuccessStatusCode();
            }

            var registry = app.Services.GetRequiredService<ModelRegistry>();
            ModelVersion? model;
            while ((model = await registry.FindAsync(Pipeline, ModelAliases.Production, cancellationToken)) is null)
            {
                await Task.Delay(500, cancellationToken);
            }

            output.WriteLine($"trained, evaluated and deployed {Pipeline} v{model.Version} in {clock.Elapsed.TotalSeconds:F0} s (test F1 {model.Metrics.GetValueOrDefault("f1_macro"):F3})");
            var bodies = await RequestBodiesAsync(cancellationToken);
            var (single, batch) = await MeasureInProcessAsync(app, model, cancellationToken);
            output.WriteLine($"in-process ORT: {single:F0} single-row calls/s ({1000 / single:F4} ms each), {batch * 256:F0} rows/s in batches of 256");

            using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, UseProxy = false, MaxConnectionsPerServer = 1024, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            {
                BaseAddress = new Uri(baseUrl + "/"),
            };
            // Warm-up: JIT tiers, connection pool, the model load.
            await LoadAsync(client, bodies, 16, TimeSpan.FromSeconds(3), cancellationToken);
            var figures = new List<BenchFigure>
            {
                BenchFigure.Of("in-process ORT single-row calls/s (baseline: rows/s in 256-row calls)", single, "calls/s", batch * 256),
                BenchFigure.Of("in-process ORT 256-row calls/s (baseline: single-row calls/s)", batch, "calls/s", single),
                BenchFigure.Of("in-process ORT rows/s in 256-row calls (baseline: single-row calls/s)", batch * 256, "rows/s", single),
            };
            foreach (var concurrency in Concurrency)
            {
                var served = BatcherCounters(app);
                var result = await LoadAsync(client, bodies, concurrency, Measure, cancellationToken);
                var after = BatcherCounters(app);
                var batches = after.Batches - served.Batches;
                output.WriteLine($"HTTP concurrency {concurrency}: {result.Requests} requests, {result.Failures} failed, p50 {result.P50:F3} ms, p99 {result.P99:F3} ms, " +
                    $"{result.RequestsPerSecond:F0} req/s, {(batches == 0 ? 0 : (after.Rows - served.Rows) / (double)batches):F1} rows per ORT call");
                if (result.Failures > 0)
                {
                    throw new InvalidOperationException($"{result.Failures} requests failed at concurrency {concurrency}: {result.FirstFailure}");
                }

                figures.Add(BenchFigure.Of($"HTTP c={concurrency} p50 latency (baseline: in-process single-row call)", result.P50, "ms", 1000 / single));
                figures.Add(BenchFigure.Of($"HTTP c={concurrency} p99 latency (baseline: in-process single-row call)", result.P99, "ms", 1000 / single));
                figures.Add(BenchFigure.Of($"HTTP c={concurrency} requests/s (baseline: in-process single-row calls/s)", result.RequestsPerSecond, "req/s", single));
                figures.Add(BenchFigure.Of($"HTTP c={concurrency} predictions/s (baseline: in-process rows/s, 256-row batches)", result.RequestsPerSecond, "predictions/s", batch * 256));
            }

            return figures;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static (long Batches, long Rows) BatcherCounters(WebApplication app)
    {
        var statistics = app.Services.GetRequiredService<ServingStatistics>();
        return (statistics.Batches, statistics.Rows);
    }

    private static async Task IngestAsync(HttpClient http, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(Path.Combine(WorkflowsHost.PipelinesDirectory, "data", "breast_cancer.csv"));
        using var response = await http.PostAsync($"api/datasets/{Pipeline}/ingest", new StreamContent(file), cancellationToken);
        response.EnsureSuccessStatusCode();
        while ((await http.GetFromJsonAsync<JsonElement>($"api/datasets/{Pipeline}/versions", cancellationToken)).GetArrayLength() == 0)
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Single-row bodies by column name, from the first 64 rows of the data set.</summary>
    private static async Task<byte[][]> RequestBodiesAsync(CancellationToken cancellationToken)
    {
        var lines = await File.ReadAllLinesAsync(Path.Combine(WorkflowsHost.PipelinesDirectory, "data", "breast_cancer.csv"), cancellationToken);
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Take(64).Select(line =>
        {
            var cells = line.Split(',');
            var row = string.Join(", ", header.Select((name, i) => (name, i)).Where(c => c.name != "diagnosis").Select(c => $"\"{c.name}\": {cells[c.i]}"));
            return Encoding.UTF8.GetBytes($"{{\"rows\": [{{{row}}}]}}");
        })];
    }

    /// <summary>ORT calls per second on the production model: single rows, and batches of 256 rows; pre-allocated tensors, one intra-op thread.</summary>
    private static async Task<(double Single, double Batch)> MeasureInProcessAsync(WebApplication app, ModelVersion model, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Path.GetTempPath(), $"bench-serving-{Guid.NewGuid():N}.onnx");
        var artifacts = app.Services.GetRequiredService<IArtifactStore>();
        await using (var source = (await artifacts.OpenReadAsync(model.ModelPath, cancellationToken))!)
        await using (var target = File.Create(file))
        {
            await source.CopyToAsync(target, cancellationToken);
        }

        try
        {
            var runtime = app.Services.GetRequiredService<OnnxRuntime>();
            using var session = runtime.CreateSession(file, new OnnxSessionOptions { IntraOpThreads = 1, InterOpThreads = 1 });
            var width = (int)session.Inputs[0].Shape[1];
            var classes = (int)session.Outputs[0].Shape[1];
            double CallsPerSecond(int rows)
            {
                var input = new float[rows * width];
                for (var i = 0; i < input.Length; i++)
                {
                    input[i] = (float)(Random.Shared.NextDouble() * 10);
                }

                var outputs = new float[rows * classes];
                using var inputValue = runtime.CreateTensor(input, rows, width);
                using var outputValue = runtime.CreateTensor(outputs, rows, classes);
                for (var i = 0; i < 200; i++)
                {
                    session.Run([inputValue], [outputValue]);
                }

                var calls = 0;
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < TimeSpan.FromSeconds(3))
                {
                    for (var i = 0; i < 50; i++)
                    {
                        session.Run([inputValue], [outputValue]);
                    }

                    calls += 50;
                }

                return calls / clock.Elapsed.TotalSeconds;
            }

            return (CallsPerSecond(1), CallsPerSecond(256));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary><paramref name="concurrency"/> clients each sending one request after another for <paramref name="duration"/>.</summary>
    private static async Task<LoadResult> LoadAsync(HttpClient client, byte[][] bodies, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var latencies = new List<double>[concurrency];
        var failures = 0;
        string? firstFailure = null;
        var uri = new Uri($"api/models/{Pipeline}/predict", UriKind.Relative);
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var clients = Enumerable.Range(0, concurrency).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<double>(100_000);
            var i = c;
            while (Stopwatch.GetTimestamp() < end)
            {
                using var content = new ByteArrayContent(bodies[i++ % bodies.Length]);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                var sent = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync(uri, content, cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                mine.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                    firstFailure ??= $"{(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}";
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(clients);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(all.Length, failures, firstFailure, Percentile(all, 0.5), Percentile(all, 0.99), all.Length / seconds);
    }

    private static double Percentile(double[] sorted, double quantile) => sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(quantile * sorted.Length))];

    /// <summary>The first of WORKFLOWS_PYTHON, python3 and /usr/bin/python3 that imports torch and numpy (the trainer's needs).</summary>
    private static string FindPython()
    {
        string?[] candidates = [Environment.GetEnvironmentVariable("WORKFLOWS_PYTHON"), "python3", "/usr/bin/python3"];
        foreach (var candidate in candidates.OfType<string>().Where(c => c.Length > 0))
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(candidate, ["-c", "import torch, numpy"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
                if (process.WaitForExit(60_000) && process.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }

        throw new InvalidOperationException("No Python imports torch and numpy: run ./wf setup, or set WORKFLOWS_PYTHON.");
    }

    private sealed record LoadResult(int Requests, int Failures, string? FirstFailure, double P50, double P99, double RequestsPerSecond);
}
