using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Workflows.Orchestrations.Platform;
using Workflows.Orchestrations.Registry;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Registry;

/// <summary>A model registry over a platform schema of its own (a fresh hub), and shorthand for registering models.</summary>
public sealed class RegistryHub : IAsyncDisposable
{
    public const string Pipeline = "iris";

    private readonly NpgsqlDataSource _dataSource;

    private RegistryHub(NpgsqlDataSource dataSource, PlatformSchema schema)
    {
        _dataSource = dataSource;
        Registry = new ModelRegistry(dataSource, schema);
    }

    public ModelRegistry Registry { get; }

    public static async Task<RegistryHub> CreateAsync(PostgresFixture postgres, CancellationToken cancellationToken)
    {
        var schema = new PlatformSchema("r_" + Guid.NewGuid().ToString("N")[..16]);
        var dataSource = postgres.CreateDataSource();
        await schema.MigrateAsync(dataSource, NullLogger.Instance, cancellationToken);
        return new RegistryHub(dataSource, schema);
    }

    public static NewModelVersion Model(string runId, double f1 = 0.9, string pipeline = Pipeline) => new(
        pipeline, $"sha-{runId}", $"models/{pipeline}/runs/{runId}/model.onnx", $"models/{pipeline}/runs/{runId}/manifest.json", $"models/{pipeline}/runs/{runId}/evaluation.json",
        new Dictionary<string, double?> { ["f1_macro"] = f1, ["roc_auc"] = null },
        new ModelLineage(runId, pipeline, 1, "data-sha", "exports/iris/v1/k/", "mlp",
            new Dictionary<string, JsonElement> { ["epochs"] = JsonSerializer.SerializeToElement(5) }, $"{runId}-job-0", 0, "worker-1", "cpu", 5, 1.5));

    public Task<ModelVersion> RegisterAsync(string runId, CancellationToken cancellationToken, double f1 = 0.9) =>
        Registry.RegisterAsync(Model(runId, f1), cancellationToken);

    public async Task<int?> ProductionAsync(CancellationToken cancellationToken) =>
        (await Registry.FindAsync(Pipeline, ModelAliases.Production, cancellationToken))?.Version;

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
