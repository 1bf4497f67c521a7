using System.Runtime.CompilerServices;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// The profiling of one column as if its type were <see cref="Type"/>: canonical text, exact histogram, bins on the
/// previous version's edges (for PSI), range checks, category counts, allowed labels and quantiles. The numbers wait
/// in a <see cref="NumberSpill"/> until the column's count, min and max are known (<see cref="CountSpilled"/>).
/// </summary>
internal sealed class ColumnProfiler
{
    private const int MaxNumberLength = 32;

    private readonly NumberSpillColumn? _numbers;
    private readonly int _sampleSize;
    private readonly ValueRange? _range;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>>? _allowed;
    private readonly HistogramCounter? _previousBins;

    public ColumnProfiler(
        ColumnScan scan, ColumnType type, NumberSpill numbers, int sampleSize, ValueRange? range, Histogram? previous, bool countCategories, IReadOnlyList<string>? allowedLabels)
    {
        Scan = scan;
        Type = type;
        var numeric = type is ColumnType.Numeric or ColumnType.Integer;
        _numbers = numeric ? numbers.Column(scan.Plan.Index, whole: type == ColumnType.Integer) : null;
        _sampleSize = sampleSize;
        _previousBins = numeric && previous is { Edges.Count: > 1 } ? HistogramCounter.WithEdges(previous.Edges) : null;
        _range = numeric ? range : null;
        Categories = countCategories || !numeric ? new CategoryCounter() : null;
        _allowed = allowedLabels?.ToHashSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public ColumnScan Scan { get; }

    public ColumnType Type { get; }

    /// <summary>20 equal-width bins between the column's min and max, counted once the pass is over.</summary>
    public HistogramCounter? Histogram { get; private set; }

    /// <summary>p01 … p99 of the column's numbers (see <see cref="UniformSample"/>), once the pass is over.</summary>
    public IReadOnlyDictionary<string, double>? Quantiles { get; private set; }

    /// <summary>The values on the previous version's bins; null when there were none or the column has no numbers.</summary>
    public HistogramCounter? PreviousBins => Scan.Moments.Count > 0 ? _previousBins : null;

    public CategoryCounter? Categories { get; }

    public RowFinding OutOfRange { get; } = new();

    public RowFinding DisallowedLabels { get; } = new();

    /// <summary>
    /// Profiles the field (<paramref name="parsed"/>: as the first pass parsed it, if it did) and returns true when the field as written is its canonical text (written with
    /// <see cref="CanonicalRowBuilder.AppendText"/>); otherwise appends its canonical text to
    /// <paramref name="output"/> and returns false. Numbers already in canonical form are taken as they are:
    /// formatting is the slow part, and most files write numbers that way.
    /// </summary>
    public bool Add(ReadOnlySpan<byte> field, ParsedNumber parsed, long row, long line, CanonicalRowBuilder output)
    {
        var value = Utf8Values.Trim(field);
        if (value.IsEmpty)
        {
            // Null: the canonical text is empty.
            return field.IsEmpty;
        }

        var start = output.Length;
        switch (Type)
        {
            case ColumnType.Numeric when (parsed.Parsed ? parsed : Utf8Values.ParseDouble(value)) is { Parsed: true, Value: var number, IsCanonical: var canonical } && double.IsFinite(number):
                _numbers!.Add(number);
                AddNumber(number, row, line);
                if (!canonical)
                {
                    output.Advance(Utf8Values.FormatDouble(number, output.GetSpan(MaxNumberLength)));
                }

                break;
            case ColumnType.Integer when Utf8Values.TryParseLong(value, parsed, out var whole, out var canonical):
                _numbers!.AddWhole(whole);
                AddNumber(whole, row, line);
                if (!canonical)
                {
                    output.Advance(Utf8Values.FormatLong(whole, output.GetSpan(MaxNumberLength)));
                }

                break;
            case ColumnType.Boolean when Utf8Values.TryParseBoolean(value, out var flag, out _):
                var word = flag ? "true"u8 : "false"u8;
                if (!value.SequenceEqual(word))
                {
                    output.Append(word);
                }

                break;
            default:
                // Categorical, or a value the first pass already reported as mismatched: kept as written.
                Count(field, row, line);
                return true;
        }

        if (output.Length == start && value.Length != field.Length)
        {
            // Canonical once trimmed.
            output.Append(value);
        }

        var verbatim = output.Length == start;
        Count(verbatim ? value : output.Written[start..], row, line);
        return verbatim;
    }

    /// <summary>
    /// Scans and profiles a field in one step when it is the common case, a value already canonical that the column
    /// takes as it is (see <see cref="ColumnScan.TryAddNumber"/>); false, with nothing done, when the field needs
    /// <see cref="ColumnScan.Add"/> and <see cref="Add"/>. This skips the trimming, type dispatch and number handover
    /// that the general path repeats for every cell.
    /// </summary>
    public bool TryScanCanonical(ReadOnlySpan<byte> field, long row, long line)
    {
        if (field.IsEmpty)
        {
            return false;
        }

        switch (Type)
        {
            case ColumnType.Numeric or ColumnType.Integer:
                // In an Integer column, only whole numbers, and "-0" is the whole number 0, written "0".
                if (!Utf8Values.TryParseFast(field, out var number, out var isInteger, out var canonical) || !canonical
                    || (Type == ColumnType.Integer && (!isInteger || field.SequenceEqual("-0"u8))) || !Scan.TryAddNumber(number, isInteger))
                {
                    return false;
                }

                if (Type == ColumnType.Integer)
                {
                    _numbers!.AddWhole((long)number);
                }
                else
                {
                    _numbers!.Add(number);
                }

                AddNumber(number, row, line);
                break;
            case ColumnType.Boolean:
                if (!(field.SequenceEqual("true"u8) || field.SequenceEqual("false"u8)) || !Scan.TryAddBooleanWord())
                {
                    return false;
                }

                break;
            default:
                if (Utf8Values.NeedsTrim(field) || !Scan.TryAddText())
                {
                    return false;
                }

                break;
        }

        Count(field, row, line);
        return true;
    }

    /// <summary>
    /// Once the pass is over: the histogram between the column's min and max and the quantiles of a uniform sample, from
    /// the spilled numbers. Nothing for a column without numbers. Columns may be counted on different threads at once.
    /// </summary>
    public void CountSpilled(CancellationToken cancellationToken)
    {
        var moments = Scan.Moments;
        if (_numbers is null || moments.Count == 0)
        {
            return;
        }

        var histogram = HistogramCounter.Uniform(moments.Min, moments.Max);
        var sample = new UniformSample(_sampleSize, _numbers.Count, seed: Scan.Plan.Index);
        _numbers.ReadBack(values =>
        {
            histogram.AddAll(values);
            sample.AddAll(values);
        }, cancellationToken);
        Histogram = histogram;
        Quantiles = sample.Quantiles();
    }

    /// <summary>The checks of a number; its histogram value is spilled by the caller, as a double or a long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per number, mostly two null checks
    private void AddNumber(double number, long row, long line)
    {
        _previousBins?.Add(number);
        if (_range is { } range && (number < range.Min || number > range.Max))
        {
            OutOfRange.Add(row, line);
        }
    }

    private void Count(ReadOnlySpan<byte> canonical, long row, long line)
    {
        Categories?.Add(canonical);
        if (_allowed is { } allowed && Categories is { } categories && !categories.IsIn(allowed, canonical))
        {
            DisallowedLabels.Add(row, line);
        }
    }
}
