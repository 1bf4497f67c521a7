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

    public ValidationFinding ToFinding(string rule, FindingSeverity severity, string? column, string message) =>
        new(rule, severity, column, _rows.ToArray(), Count, message);
}
