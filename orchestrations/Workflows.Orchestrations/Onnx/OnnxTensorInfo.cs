namespace Workflows.Orchestrations.Onnx;

/// <summary>
/// A model input or output as the session reports it. <see cref="Shape"/> holds -1 for a dynamic dimension, and
/// <see cref="DimensionNames"/> the symbolic name the model gives it (for example "batch"), null where it has none.
/// </summary>
public sealed record OnnxTensorInfo(string Name, OnnxValueKind Kind, OnnxElementType ElementType, IReadOnlyList<long> Shape, IReadOnlyList<string?> DimensionNames)
{
    public override string ToString() =>
        $"{Name}: {ElementType}[{string.Join(", ", Shape.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : DimensionNames[i] ?? "?"))}]";
}
