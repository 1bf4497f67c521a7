using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Durable.History;

/// <summary>The stored JSON form of history events (source-generated: serialization is on the hot path of every episode).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HistoryEvent))]
internal sealed partial class HistoryJsonContext : JsonSerializerContext;

/// <summary>Reads and writes history events as JSON.</summary>
internal static class HistoryJson
{
    public static string Serialize(HistoryEvent historyEvent) =>
        JsonSerializer.Serialize(historyEvent, HistoryJsonContext.Default.HistoryEvent);

    public static HistoryEvent Deserialize(string json) =>
        JsonSerializer.Deserialize(json, HistoryJsonContext.Default.HistoryEvent)
            ?? throw new JsonException("A stored history event is null.");

    /// <summary>The discriminator stored beside the JSON, for readable queries.</summary>
    public static string TypeName(HistoryEvent historyEvent) => historyEvent.GetType().Name;
}
