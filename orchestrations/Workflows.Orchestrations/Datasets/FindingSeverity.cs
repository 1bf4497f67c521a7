using System.Text.Json.Serialization;

namespace Workflows.Orchestrations.Datasets;

/// <summary>Whether a finding rejects the file.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FindingSeverity>))]
public enum FindingSeverity
{
    /// <summary>The file fails validation and is quarantined.</summary>
    Error,

    /// <summary>Reported, but the file passes.</summary>
    Warning,
}
