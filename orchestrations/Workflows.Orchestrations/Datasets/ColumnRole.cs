using System.Text.Json.Serialization;

namespace Workflows.Orchestrations.Datasets;

/// <summary>What training does with a column.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ColumnRole>))]
public enum ColumnRole
{
    /// <summary>An input of the model.</summary>
    Feature,

    /// <summary>The label the model learns.</summary>
    Target,

    /// <summary>Kept in the data (ids, timestamps, undeclared columns) but never a model input.</summary>
    Ignored,
}
