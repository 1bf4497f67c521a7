using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// The second pass over one column, with its type known: canonical text, exact histogram, bins on the previous version's
/// edges (for PSI), range checks, category counts and allowed labels.
/// </summary>
internal sealed class ColumnProfiler
{
    private const int MaxNumberLength = 32;

    private readonly ValueRange? _range;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>>? _allowed;

    public ColumnProfiler(ColumnScan scan, ValueRange? range, Histogram? previous, bool countCategories, IReadOnlyList<string>? allowedLabels)
    {
        Scan = scan;
        Type = scan.Type;
        var numeric = scan.IsNumeric && scan.Moments.Count > 0;
        Histogram = numeric ? HistogramCounter.Uniform(scan.Moments.Min, scan.Moments.Max) : null;
        PreviousBins = numeric && previous is { Edges.Count: > 1 } ? HistogramCounter.WithEdges(previous.Edges) : null;
        _range = scan.IsNumeric ? range : null;
        Categories = countCategories || !scan.IsNumeric ? new CategoryCounter() : null;
        _allowed = allowedLabels?.ToHashSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public ColumnScan Scan { get; }

    public ColumnType Type { get; }

    public HistogramCounter? Histogram { get; }

    public HistogramCounter? PreviousBins { get; }

    public CategoryCounter? Categories { get; }

    public RowFinding OutOfRange { get; } = new();

    public RowFinding DisallowedLabels { get; } = new();

    /// <summary>
    /// Appends the field's canonical text to the row and profiles it. Numbers already in canonical form are copied as
    /// they are: formatting is the slow part, and most files write numbers that way.
    /// </summary>
    public void Add(ReadOnlySpan<byte> field, long row, long line, CanonicalRowBuilder output)
    {
        var value = Utf8Values.Trim(field);
        if (value.IsEmpty)
        {
            return;
        }

        var start = output.Length;
        switch (Type)
        {
            case ColumnType.Numeric when Utf8Values.TryParseDouble(value, out var number, out _, out var canonical) && double.IsFinite(number):
                AddNumber(number, row, line);
                if (canonical)
                {
                    output.Append(value);
                }
                else
                {
                    output.Advance(Utf8Values.FormatDouble(number, output.GetSpan(MaxNumberLength)));
                }

                break;
            case ColumnType.Integer when Utf8Values.TryParseLong(value, out var whole, out var canonical):
                AddNumber(whole, row, line);
                if (canonical)
                {
                    output.Append(value);
                }
                else
                {
                    output.Advance(Utf8Values.FormatLong(whole, output.GetSpan(MaxNumberLength)));
                }

                break;
            case ColumnType.Boolean when Utf8Values.TryParseBoolean(value, out var flag, out _):
                output.Append(flag ? "true"u8 : "false"u8);
                break;
            default:
                // Categorical, or a value the first pass already reported as mismatched: kept as written.
                output.AppendText(field);
                Categories?.Add(field);
                CheckLabel(field, row, line);
                return;
        }

        var written = output.Written[start..];
        Categories?.Add(written);
        CheckLabel(written, row, line);
    }

    private void AddNumber(double number, long row, long line)
    {
        Histogram?.Add(number);
        PreviousBins?.Add(number);
        if (_range is { } range && (number < range.Min || number > range.Max))
        {
            OutOfRange.Add(row, line);
        }
    }

    private void CheckLabel(ReadOnlySpan<byte> label, long row, long line)
    {
        if (_allowed is { } allowed && Categories is { } categories && !categories.IsIn(allowed, label))
        {
            DisallowedLabels.Add(row, line);
        }
    }
}
