using System.Text.Json;

namespace Workflows.Functions.Serving;

/// <summary>A predict request: <paramref name="Rows"/> (values by source column) or <paramref name="Instances"/> (the model's input order), at most 256.</summary>
/// <param name="Rows">One object per row: every feature by its column name; strings for categories, booleans, null for a missing value.</param>
/// <param name="Instances">One array per row of the model's input values, in its order.</param>
public sealed record PredictRequest(IReadOnlyList<IReadOnlyDictionary<string, JsonElement>>? Rows, IReadOnlyList<IReadOnlyList<float?>>? Instances);

/// <summary>A predict response.</summary>
/// <param name="Model">The model (pipeline) name.</param>
/// <param name="Version">The version that answered.</param>
/// <param name="Route">production, canary, or version (asked for by number or alias).</param>
/// <param name="Predictions">Per row: the class label (classification) or the predicted value (regression).</param>
/// <param name="Probabilities">Classification: per row, each label's probability.</param>
/// <param name="PredictionIds">Per row, the id it is logged under.</param>
public sealed record PredictResponse(string Model, int Version, string Route, IReadOnlyList<JsonElement> Predictions, IReadOnlyList<IReadOnlyDictionary<string, float>>? Probabilities, IReadOnlyList<Guid> PredictionIds);
