using System.Runtime.CompilerServices;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// The first pass over one column: nulls, type inference (or checks against the declared type) and moments.
/// </summary>
/// <remarks>
/// Inference: Boolean when every value is true/false/yes/no/1/0 (any case) and at least one is a word — a column of
/// only 0 and 1 stays Integer, since it is numeric-looking and a one-hot or indicator feature trains the same either
/// way; Integer when every value parses as a long; Numeric when every value parses as a double (invariant culture,
/// NaN and Infinity included so that they are reported as non-finite, not silently made categorical); else Categorical.
/// A column with no values at all is Categorical. Values are trimmed of spaces and tabs for parsing; an empty or
/// blank value is null.
/// </remarks>
internal sealed class ColumnScan(ColumnPlan plan)
{
    private bool _couldBeLong = true;
    private bool _couldBeDouble = true;
    private bool _couldBeBoolean = true;
    private bool _sawBooleanWord;

    public ColumnPlan Plan => plan;

    public RowFinding Nulls { get; } = new();

    public long Values { get; private set; }

    public StreamingMoments Moments { get; } = new();

    public RowFinding TypeMismatches { get; } = new();

    public RowFinding NonFinite { get; } = new();

    /// <summary>The declared type, or the inferred one once the pass is over.</summary>
    public ColumnType Type => plan.DeclaredType ?? Inferred();

    public bool IsNumeric => Type is ColumnType.Numeric or ColumnType.Integer;

    /// <summary>Adds every row of a batch, in order.</summary>
    public void AddColumn(RowBatch batch)
    {
        var buffer = batch.Buffer;
        var fields = batch.Column(plan.Index);
        var rows = batch.Rows;
        var lines = batch.Lines;
        for (var i = 0; i < fields.Length; i++)
        {
            Add(buffer.AsSpan(fields[i].Start, fields[i].Length), rows[i], lines[i]);
        }
    }

    /// <summary>Adds the next value; returns it as parsed as a number, when it was (see <see cref="ParsedNumber"/>).</summary>
    public ParsedNumber Add(ReadOnlySpan<byte> field, long row, long line)
    {
        var value = Utf8Values.Trim(field);
        if (value.IsEmpty)
        {
            Nulls.Add(row, line);
            return ParsedNumber.None;
        }

        Values++;
        switch (plan.DeclaredType)
        {
            case ColumnType.Numeric:
                return AddNumber(value, row, line, requireInteger: false);
            case ColumnType.Integer:
                return AddNumber(value, row, line, requireInteger: true);
            case ColumnType.Boolean:
                if (!Utf8Values.TryParseBoolean(value, out _, out _))
                {
                    TypeMismatches.Add(row, line);
                }

                return ParsedNumber.None;
            case ColumnType.Categorical:
                return ParsedNumber.None;
            default:
                return Infer(value, row, line);
        }
    }

    /// <summary>
    /// Adds a finite number parsed from a field with nothing to trim, when that is all the value takes: the declared
    /// type accepts it, or inference so far allows only numbers. False, with nothing added, when the field needs
    /// <see cref="Add"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per number, on the fused path
    public bool TryAddNumber(double value, bool isInteger)
    {
        switch (plan.DeclaredType)
        {
            case ColumnType.Numeric:
            case ColumnType.Integer when isInteger:
                break;
            case null when _couldBeDouble && !_couldBeBoolean:
                _couldBeLong &= isInteger;
                break;
            default:
                return false;
        }

        Values++;
        Moments.Add(value);
        return true;
    }

    /// <summary>
    /// Adds a non-blank field with nothing to trim, when the column takes it as text without a check: declared
    /// categorical, or inferred as neither numbers nor booleans. False, with nothing added, otherwise.
    /// </summary>
    public bool TryAddText()
    {
        if (plan.DeclaredType is ColumnType.Categorical || (plan.DeclaredType is null && !_couldBeDouble && !_couldBeBoolean))
        {
            Values++;
            return true;
        }

        return false;
    }

    /// <summary>Adds "true" or "false" as written, when the column is declared Boolean or inferred as nothing else so far; as <see cref="TryAddText"/> otherwise.</summary>
    public bool TryAddBooleanWord()
    {
        switch (plan.DeclaredType)
        {
            case ColumnType.Boolean:
                break;
            case null when !_couldBeDouble && _couldBeBoolean:
                _sawBooleanWord = true;
                break;
            default:
                return false;
        }

        Values++;
        return true;
    }

    private ParsedNumber AddNumber(ReadOnlySpan<byte> value, long row, long line, bool requireInteger)
    {
        var number = Utf8Values.ParseDouble(value);
        if (!number.Parsed || (requireInteger && !number.IsInteger && double.IsFinite(number.Value)))
        {
            TypeMismatches.Add(row, line);
        }
        else if (!double.IsFinite(number.Value))
        {
            NonFinite.Add(row, line);
        }
        else
        {
            Moments.Add(number.Value);
        }

        return number;
    }

    private ParsedNumber Infer(ReadOnlySpan<byte> value, long row, long line)
    {
        var number = ParsedNumber.None;
        if (_couldBeDouble)
        {
            number = Utf8Values.ParseDouble(value);
            if (number.Parsed)
            {
                _couldBeLong &= number.IsInteger;
                if (double.IsFinite(number.Value))
                {
                    Moments.Add(number.Value);
                }
                else
                {
                    NonFinite.Add(row, line);
                }
            }
            else
            {
                _couldBeDouble = _couldBeLong = false;
            }
        }

        if (_couldBeBoolean)
        {
            _couldBeBoolean = Utf8Values.TryParseBoolean(value, out _, out var isWord);
            _sawBooleanWord |= isWord;
        }

        return number;
    }

    private ColumnType Inferred() => Values == 0 ? ColumnType.Categorical
        : _couldBeBoolean && _sawBooleanWord ? ColumnType.Boolean
        : _couldBeLong ? ColumnType.Integer
        : _couldBeDouble ? ColumnType.Numeric
        : ColumnType.Categorical;
}
