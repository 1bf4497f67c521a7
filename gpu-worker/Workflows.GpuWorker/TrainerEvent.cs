using System.Text.Json;
using Workflows.GpuWorker.Protocol;

namespace Workflows.GpuWorker;

/// <summary>One JSON line a trainer wrote on stdout (see gpu-worker/trainers/README.md for the events).</summary>
public sealed record TrainerEvent(string Kind, JsonElement Body)
{
    public const string Started = "started";
    public const string Epoch = "epoch";
    public const string Progress = "progress";
    public const string Checkpoint = "checkpoint";
    public const string Completed = "completed";
    public const string Error = "error";

    /// <summary>The event on <paramref name="line"/>, or null when the line is not a JSON object with an <c>event</c>.</summary>
    public static TrainerEvent? TryParse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            var body = document.RootElement.Clone();
            return body.TryGetProperty("event", out var kind) && kind.ValueKind == JsonValueKind.String ? new TrainerEvent(kind.GetString()!, body) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public int? Int(string name) => Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    public long? Long(string name) => Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    public double? Double(string name) => Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    public string? Text(string name) => Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public bool? Flag(string name) => Body.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    /// <summary>The numeric entries of the <c>metrics</c> object (others, such as per-class tables, are left out).</summary>
    public IReadOnlyDictionary<string, double> Metrics() =>
        Body.TryGetProperty("metrics", out var metrics) && metrics.ValueKind == JsonValueKind.Object
            ? metrics.EnumerateObject().Where(m => m.Value.ValueKind == JsonValueKind.Number).ToDictionary(m => m.Name, m => m.Value.GetDouble())
            : new Dictionary<string, double>();

    /// <summary>Progress for a heartbeat, from a started, epoch or progress event.</summary>
    public TrainerProgress ToProgress(TrainerProgress? previous) => new(
        Kind,
        Int("epoch") ?? (Kind == Started ? Int("startEpoch") : previous?.Epoch),
        Int("epochs") ?? previous?.Epochs,
        Long("step") ?? previous?.Step,
        Double("loss") ?? previous?.Loss,
        Kind == Epoch ? Metrics() : previous?.Metrics,
        Double("samplesPerSecond") ?? previous?.SamplesPerSecond);

    /// <summary>The summary a completed event carries; <paramref name="startEpoch"/> is what the started event said.</summary>
    public TrainerSummary ToSummary(TrainerProgress? last, int startEpoch) => new(
        Metrics(),
        Int("bestEpoch") ?? 0,
        Int("epochsRun") ?? last?.Epoch ?? 0,
        startEpoch,
        Double("samplesPerSecond") ?? last?.SamplesPerSecond,
        Double("trainSeconds"),
        Text("device"));
}
