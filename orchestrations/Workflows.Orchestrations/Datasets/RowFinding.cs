namespace Workflows.Orchestrations.Datasets;

/// <summary>Rows where one rule failed: the count of all, the first 20 row numbers, and the first one's physical line.</summary>
internal sealed class RowFinding
{
    private readonly List<long> _rows = [];

    public long Count { get; private set; }

    public long FirstLine { get; private set; }

    public IReadOnlyList<long> Rows => _rows;

    public void Add(long row, long line)
    {
        if (Count++ == 0)
        {
            FirstLine = line;
        }

        if (_rows.Count < ValidationFinding.MaxSampleRows)
        {
            _rows.Add(row);
        }
    }

    /// <summary>
    /// One finding from findings over disjoint sets of rows, each filled in row order: the counts add up and the first
    /// rows overall are among the parts' first rows.
    /// </summary>
    public static RowFinding Merge(IReadOnlyCollection<RowFinding> parts)
    {
        var merged = new RowFinding { Count = parts.Sum(p => p.Count) };
        merged.FirstLine = parts.Where(p => p.Count > 0).MinBy(p => p._rows[0])?.FirstLine ?? 0;
        merged._rows.AddRange(parts.SelectMany(p => p._rows).Order().Take(ValidationFinding.MaxSampleRows));
        return merged;
    }

    public ValidationFinding ToFinding(string rule, FindingSeverity severity, string? column, string message) =>
        new(rule, severity, column, _rows.ToArray(), Count, message);
}
