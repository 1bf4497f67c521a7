namespace Workflows.Orchestrations.Datasets;

/// <summary>The values of a .npy file in C (row-major) order, with its shape: (rows,) or (rows, columns), or more axes.</summary>
/// <param name="Shape">The length of each axis; empty for a 0-d array (one value).</param>
/// <param name="Values">Every value, the last axis varying fastest.</param>
public sealed record NpyArray<T>(IReadOnlyList<int> Shape, T[] Values)
{
    /// <summary>The length of the first axis (1 for a 0-d array).</summary>
    public int Rows => Shape.Count == 0 ? 1 : Shape[0];

    /// <summary>Values per row: the product of every axis after the first (1 for a vector).</summary>
    public int Columns => Rows == 0 ? 0 : Values.Length / Rows;
}
