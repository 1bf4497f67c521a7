using System.Text.Json;

namespace Workflows.GpuWorker.Tests.Trainers;

/// <summary>
/// A job.json as the worker writes it. Tests default to one thread on the CPU, so runs are reproducible and parallel
/// tests do not fight over the two cores.
/// </summary>
public sealed record TrainerJob(
    string Trainer,
    IReadOnlyDictionary<string, object?> Hyperparameters,
    string? Task = null,
    int Seed = 42,
    int CheckpointEvery = 5,
    int Threads = 1,
    string Device = "cpu",
    string? PrimaryMetric = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string JobId { get; init; } = $"j-{Guid.NewGuid():N}";

    public string RunId { get; init; } = "run-test";

    public int Trial { get; init; }

    /// <summary>The pipeline's own hyperparameters with <paramref name="overrides"/> on top (fewer epochs, a sweep value).</summary>
    public static Dictionary<string, object?> From(IReadOnlyDictionary<string, JsonElement> pipeline, params (string Key, object? Value)[] overrides)
    {
        var values = pipeline.ToDictionary(pair => pair.Key, pair => (object?)pair.Value);
        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        return values;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
