using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Platform;
using Workflows.Orchestrations.Training;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Training;

/// <summary>A job store over a platform schema of its own (a fresh hub), and the shorthand the store tests share.</summary>
public sealed class TrainingHub : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    private TrainingHub(NpgsqlDataSource dataSource, PlatformSchema schema)
    {
        _dataSource = dataSource;
        Schema = schema;
        Store = new TrainingJobStore(dataSource, schema, Signal);
    }

    public PlatformSchema Schema { get; }

    public ChangeSignal Signal { get; } = new();

    public TrainingJobStore Store { get; }

    public static async Task<TrainingHub> CreateAsync(PostgresFixture postgres, CancellationToken cancellationToken)
    {
        var schema = new PlatformSchema("t_" + Guid.NewGuid().ToString("N")[..16]);
        var dataSource = postgres.CreateDataSource();
        await schema.MigrateAsync(dataSource, NullLogger.Instance, cancellationToken);
        return new TrainingHub(dataSource, schema);
    }

    /// <summary>A second host's store on the same tables: it shares the queue but not this host's <see cref="Signal"/>.</summary>
    public TrainingJobStore OtherHost() => new(_dataSource, Schema, new ChangeSignal());

    public static TrainingJobSpec Spec(string device = "cpu") => new(
        "mlp", ModelTask.Classification, device, new Dictionary<string, JsonElement> { ["epochs"] = JsonSerializer.SerializeToElement(3) },
        Seed: 7, PrimaryMetric: "f1_macro", CheckpointEvery: 5, ExportPath: "exports/iris/1", DataFiles: ["train.csv", "validation.csv"]);

    public Task EnqueueAsync(string jobId, CancellationToken cancellationToken, string runId = "run-1", int trial = 0, string device = "cpu", int maxAttempts = 3, DateTimeOffset? deadline = null) =>
        Store.EnqueueAsync(jobId, runId, "iris", trial, $"{runId}:train:{trial}", Spec(device), maxAttempts, deadline ?? DateTimeOffset.UtcNow.AddHours(1), cancellationToken);

    /// <summary>One look for a job, without waiting.</summary>
    public Task<JobLease?> TryLeaseAsync(string workerId, CancellationToken cancellationToken, bool hasGpu = false, TimeSpan? duration = null) =>
        Store.LeaseAsync(workerId, WorkerJson(workerId, hasGpu), hasGpu, duration ?? TimeSpan.FromMinutes(5), TimeSpan.Zero, cancellationToken);

    /// <summary>Leases a job that must be there.</summary>
    public async Task<JobLease> LeaseAsync(string workerId, CancellationToken cancellationToken, bool hasGpu = false, TimeSpan? duration = null) =>
        await TryLeaseAsync(workerId, cancellationToken, hasGpu, duration) ?? throw new InvalidOperationException($"{workerId} found no job to lease.");

    public static string WorkerJson(string workerId, bool hasGpu) =>
        JsonSerializer.Serialize(new { name = workerId, devices = new[] { hasGpu ? "cuda" : "cpu" } });

    public async Task<TrainingJob> GetAsync(string jobId, CancellationToken cancellationToken) =>
        await Store.GetAsync(jobId, cancellationToken) ?? throw new InvalidOperationException($"Job {jobId} is not stored.");

    /// <summary>Changes the tables directly, as an administrator would, to set up what time alone would bring.</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(Schema.Sql(sql));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
