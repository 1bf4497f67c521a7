using System.Text.Json;

namespace Workflows.Orchestrations.Training;

/// <summary>
/// Expands a pipeline's hyperparameters and sweep grid into trials. A run's override of a swept key pins it: the
/// person who asked for that value wants that value, so the grid no longer varies it.
/// </summary>
public static class SweepGrid
{
    /// <summary>
    /// One hyperparameter set per grid point (the Cartesian product, the last key varying fastest, in definition
    /// order); a single set when there is no sweep.
    /// </summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> Expand(
        IReadOnlyDictionary<string, JsonElement> hyperparameters,
        IReadOnlyDictionary<string, JsonElement>? overrides,
        IReadOnlyDictionary<string, IReadOnlyList<JsonElement>>? sweep)
    {
        var fixedValues = new Dictionary<string, JsonElement>(hyperparameters);
        foreach (var (key, value) in overrides ?? new Dictionary<string, JsonElement>())
        {
            fixedValues[key] = value;
        }

        var axes = (sweep ?? new Dictionary<string, IReadOnlyList<JsonElement>>()).Where(axis => overrides?.ContainsKey(axis.Key) != true).ToList();
        IEnumerable<Dictionary<string, JsonElement>> points = [fixedValues];
        foreach (var (key, values) in axes)
        {
            points = points.SelectMany(point => values.Select(value => new Dictionary<string, JsonElement>(point) { [key] = value }));
        }

        return [.. points];
    }
}
