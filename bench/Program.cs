using Workflows.Bench;
using Workflows.Bench.Drift;
using Workflows.Bench.Engine;
using Workflows.Bench.Ingest;
using Workflows.Bench.Serving;
using Workflows.Bench.Training;
using Workflows.LocalServices;

// Benchmarks, not tests: each prints its figures beside a baseline measured in the same run, and the ratio.
// Usage: dotnet run -c Release --project bench -- engine|ingest|training|serving|drift [--json FILE]
var scenario = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
var jsonIndex = Array.IndexOf(args, "--json");
var jsonPath = jsonIndex >= 0 && jsonIndex + 1 < args.Length ? args[jsonIndex + 1] : null;
if (scenario is not ("engine" or "ingest" or "training" or "serving" or "drift") || (jsonIndex >= 0 && jsonPath is null))
{
    Console.Error.WriteLine("usage: bench engine|ingest|training|serving|drift [--json FILE]");
    return 2;
}

using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(20));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

IReadOnlyList<BenchFigure> figures;
if (scenario == "drift")
{
    // Pure computation: no database to start.
    Console.WriteLine($"{Environment.ProcessorCount} cores; no database");
    figures = new DriftBenchmark(Console.Out).Run();
}
else
{
    var dataDirectory = Path.Combine(Path.GetTempPath(), "workflows-bench", Guid.NewGuid().ToString("N")[..12]);
    await using var postgres = await PostgresConnectionResolver.ResolveAsync(null, new EmbeddedPostgresOptions { DataDirectory = dataDirectory }, cancellationToken: cancel.Token);
    Console.WriteLine($"PostgreSQL: {(postgres.IsEmbedded ? "embedded, fresh data directory" : "external (WORKFLOWS_POSTGRES_CONNECTION)")}; {Environment.ProcessorCount} cores");
    figures = scenario switch
    {
        "ingest" => await new IngestBenchmark(postgres.ConnectionString, Console.Out).RunAsync(cancel.Token),
        "training" => await new TrainingBenchmark(postgres.ConnectionString, Console.Out).RunAsync(cancel.Token),
        "serving" => await new ServingBenchmark(postgres.ConnectionString, Console.Out).RunAsync(cancel.Token),
        _ => await new EngineBenchmark(postgres.ConnectionString, Console.Out).RunAsync(cancel.Token),
    };
}

Console.WriteLine();
foreach (var figure in figures)
{
    Console.WriteLine(figure);
}

if (jsonPath is not null)
{
    await BenchFigure.WriteJsonAsync(jsonPath, figures, cancel.Token);
    Console.WriteLine($"figures written to {jsonPath}");
}

return 0;
