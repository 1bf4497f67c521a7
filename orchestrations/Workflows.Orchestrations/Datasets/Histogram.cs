namespace Workflows.Orchestrations.Datasets;

/// <summary>Bin counts: bin i holds values in [Edges[i], Edges[i+1]), the last bin includes its upper edge.</summary>
/// <param name="Edges">Bin edges, one more than <paramref name="Counts"/>.</param>
/// <param name="Counts">Values per bin; they sum to the column's non-null count.</param>
public sealed record Histogram(IReadOnlyList<double> Edges, IReadOnlyList<long> Counts);
