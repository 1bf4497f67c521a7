using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Durable;

/// <summary>Serializes inputs, outputs, event payloads and custom status with System.Text.Json.</summary>
public sealed class DataConverter
{
    /// <summary>The converter with web defaults (camelCase, enums as strings).</summary>
    public static DataConverter Default { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    });

    private readonly JsonSerializerOptions _options;

    /// <summary>Creates a converter with the given serializer options.</summary>
    public DataConverter(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _options.MakeReadOnly(populateMissingResolver: true);
    }

    /// <summary>Serializes a value to JSON; null stays null.</summary>
    public string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), _options);

    /// <summary>Deserializes JSON into <paramref name="type"/>; null JSON gives the type's default.</summary>
    public object? Deserialize(string? json, Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (json is null)
        {
            return type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null;
        }

        return JsonSerializer.Deserialize(json, type, _options);
    }

    /// <summary>Deserializes JSON into <typeparamref name="T"/>.</summary>
    public T? Deserialize<T>(string? json) => (T?)Deserialize(json, typeof(T));
}
