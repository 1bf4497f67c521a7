using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Durable;

namespace Workflows.Bench.Engine;

/// <summary>
/// The durable engine on PostgreSQL: (a) latency of a 5-activity sequence, (b) fan-out/fan-in throughput,
/// (c) throughput of many concurrent orchestrations; each against single-row INSERT+COMMIT measured in the same run.
/// </summary>
public sealed class EngineBenchmark(string connectionString, TextWriter output)
{
    private const string Sequence = "Sequence5";
    private const string FanOut = "FanOut";
    private const string Noop = "Noop";

    public async Task<IReadOnlyList<BenchFigure>> RunAsync(CancellationToken cancellationToken)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        var insertsPerSecond = await InsertCommitBaseline.MeasurePerSecondAsync(dataSource, TimeSpan.FromSeconds(5), cancellationToken);
        var commitMs = 1000 / insertsPerSecond;
        output.WriteLine($"baseline: single-row INSERT+COMMIT, one connection: {insertsPerSecond:F0}/s ({commitMs:F3} ms each)");

        using var host = BuildHost();
        await host.StartAsync(cancellationToken);
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var figures = new List<BenchFigure>();
        try
        {
            var (p50, p99) = await MeasureSequenceLatencyAsync(client, runs: 200, cancellationToken);
            figures.Add(BenchFigure.Of("(a) 5-activity sequence latency p50", p50, "ms", commitMs));
            figures.Add(BenchFigure.Of("(a) 5-activity sequence latency p99", p99, "ms", commitMs));
            figures.Add(BenchFigure.Of("(b) fan-out/fan-in of 1000 activities", await MeasureFanOutAsync(client, 1000, cancellationToken), "activities/s", insertsPerSecond));
            figures.Add(BenchFigure.Of("(c) 500 concurrent 5-activity orchestrations", await MeasureConcurrentAsync(client, 500, cancellationToken), "orchestrations/s", insertsPerSecond));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }

        return figures;
    }

    private IHost BuildHost()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDurableTask(registry => registry
            .AddOrchestratorFunc<int, int>(Sequence, async (context, _) =>
            {
                var sum = 0;
                for (var i = 0; i < 5; i++)
                {
                    sum += await context.CallActivityAsync<int>(Noop, i);
                }

                return sum;
            })
            .AddOrchestratorFunc<int, int>(FanOut, async (context, n) =>
                (await Task.WhenAll(Enumerable.Range(0, n).Select(i => context.CallActivityAsync<int>(Noop, i)))).Length)
            .AddActivityFunc<int, int>(Noop, (_, x) => Task.FromResult(x))).AddDurableTaskWorker();
        builder.Services.Configure<DurableTaskOptions>(options =>
        {
            options.HubName = "bench_" + Guid.NewGuid().ToString("N")[..8];
            options.StorageProvider.ConnectionString = connectionString;
            options.MaxConcurrentActivityFunctions = 64;
            options.MaxConcurrentOrchestratorFunctions = 8;
        });
        return builder.Build();
    }

    private async Task<(double P50, double P99)> MeasureSequenceLatencyAsync(DurableTaskClient client, int runs, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 20; i++)
        {
            await RunOneAsync(client, Sequence, 0, cancellationToken);
        }

        var latencies = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await RunOneAsync(client, Sequence, 0, cancellationToken);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        latencies.Sort();
        output.WriteLine($"(a) {runs} runs: min {latencies[0]:F2} ms, max {latencies[^1]:F2} ms");
        return (Percentile(latencies, 0.50), Percentile(latencies, 0.99));
    }

    private async Task<double> MeasureFanOutAsync(DurableTaskClient client, int width, CancellationToken cancellationToken)
    {
        await RunOneAsync(client, FanOut, 100, cancellationToken);
        var rates = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            await RunOneAsync(client, FanOut, width, cancellationToken);
            rates.Add(width / clock.Elapsed.TotalSeconds);
        }

        rates.Sort();
        output.WriteLine($"(b) 3 runs: {string.Join(", ", rates.Select(r => $"{r:F0}"))} activities/s");
        return rates[1];
    }

    private async Task<double> MeasureConcurrentAsync(DurableTaskClient client, int count, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var ids = new string[count];
        // Started as a busy client would: many requests in flight at once.
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (i, ct) =>
            ids[i] = await client.ScheduleNewOrchestrationInstanceAsync(Sequence, i, cancellationToken: ct));

        var scheduled = clock.Elapsed;
        foreach (var id in ids)
        {
            var done = await client.WaitForInstanceCompletionAsync(id, cancellationToken: cancellationToken);
            if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            {
                throw new InvalidOperationException($"Instance {id} ended {done.RuntimeStatus}: {done.FailureDetails}");
            }
        }

        output.WriteLine($"(c) {count} scheduled in {scheduled.TotalMilliseconds:F0} ms, all completed in {clock.Elapsed.TotalMilliseconds:F0} ms");
        return count / clock.Elapsed.TotalSeconds;
    }

    private static async Task RunOneAsync(DurableTaskClient client, string name, int input, CancellationToken cancellationToken)
    {
        var id = await client.ScheduleNewOrchestrationInstanceAsync(name, input, cancellationToken: cancellationToken);
        var done = await client.WaitForInstanceCompletionAsync(id, cancellationToken: cancellationToken);
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            throw new InvalidOperationException($"Instance {id} ended {done.RuntimeStatus}: {done.FailureDetails}");
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
