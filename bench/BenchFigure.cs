using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Bench;

/// <summary>One measured figure beside the baseline measured in the same run, and their ratio.</summary>
/// <param name="Name">What was measured.</param>
/// <param name="Value">The figure.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Baseline">The same-run baseline, in the same unit.</param>
/// <param name="Ratio">Value divided by baseline.</param>
public sealed record BenchFigure(string Name, double Value, string Unit, double Baseline, double Ratio)
{
    public static BenchFigure Of(string name, double value, string unit, double baseline) => new(name, value, unit, baseline, value / baseline);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name,-58} {Value,12:F2} {Unit,-16} baseline {Baseline,10:F2}   ratio {Ratio,8:F3}");

    public static async Task WriteJsonAsync(string path, IReadOnlyList<BenchFigure> figures, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, figures, BenchJsonContext.Default.IReadOnlyListBenchFigure, cancellationToken);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(IReadOnlyList<BenchFigure>))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
