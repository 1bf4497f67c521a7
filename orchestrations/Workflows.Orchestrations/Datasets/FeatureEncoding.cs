using System.Text.Json.Serialization;

namespace Workflows.Orchestrations.Datasets;

/// <summary>How one source column becomes columns of X.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FeatureEncoding>))]
public enum FeatureEncoding
{
    /// <summary>The value as float32; a missing value is the train mean.</summary>
    Numeric,

    /// <summary>1 for true, 0 for false; a missing value is the train mean.</summary>
    Boolean,

    /// <summary>One 0/1 column per category (sorted, ordinal); a missing value is all zeros.</summary>
    OneHot,

    /// <summary>The category's index in the sorted category list, for columns with more than <see cref="DatasetExporter.MaxOneHotCategories"/> categories; a missing value is the train mean.</summary>
    Ordinal,
}
