namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// One batch's canonical cells, profiled column by column. Most cells are canonical as written, so only the others
/// keep their canonical text (in a buffer per column); a plain row (see <see cref="CsvRowReader.RowIsPlain"/>) with
/// none of those is its own canonical text, taken as it is.
/// </summary>
internal sealed class BatchCells
{
    private readonly CanonicalRowBuilder[] _text;
    private readonly List<(int Row, int Start, int Length)>[] _rewritten;
    private readonly int[] _nextRewritten;
    private bool[] _rowRewritten = [];
    private ulong[] _plainRowHashes = [];

    public BatchCells(int columns)
    {
        _text = new CanonicalRowBuilder[columns];
        _rewritten = new List<(int, int, int)>[columns];
        for (var column = 0; column < columns; column++)
        {
            _text[column] = new CanonicalRowBuilder();
            _rewritten[column] = [];
        }

        _nextRewritten = new int[columns];
    }

    /// <summary>
    /// Profiles the batch's cells of one column, each right after <paramref name="scan"/> has added it (unless null:
    /// already scanned), so that a number is parsed once. Different columns may be profiled on different threads at once.
    /// </summary>
    public void ScanAndProfile(ColumnScan? scan, ColumnProfiler profiler, RowBatch batch)
    {
        var column = profiler.Scan.Plan.Index;
        var text = _text[column];
        var rewritten = _rewritten[column];
        text.Clear();
        rewritten.Clear();
        var buffer = batch.Buffer;
        var fields = batch.Column(column);
        var rows = batch.Rows;
        var lines = batch.Lines;
        for (var i = 0; i < fields.Length; i++)
        {
            var field = buffer.AsSpan(fields[i].Start, fields[i].Length);
            var (row, line) = (rows[i], lines[i]);
            if (scan is not null && profiler.TryScanCanonical(field, row, line))
            {
                continue;
            }

            var parsed = scan is null ? ParsedNumber.None : scan.Add(field, row, line);
            var start = text.Length;
            if (!profiler.Add(field, parsed, row, line, text))
            {
                rewritten.Add((i, start, text.Length - start));
            }
        }
    }

    /// <summary>
    /// Hashes the plain rows as they are, for duplicate detection, while the columns are profiled on other threads:
    /// most rows turn out to be their own canonical text (see <see cref="IsVerbatim"/>).
    /// </summary>
    public void HashPlainRows(RowBatch batch)
    {
        if (_plainRowHashes.Length < batch.Count)
        {
            _plainRowHashes = new ulong[batch.Count];
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (batch.IsPlain(i))
            {
                _plainRowHashes[i] = RowHashSet.Hash(batch.RowBytes(i));
            }
        }
    }

    /// <summary>Marks the rows with a rewritten cell, once every column of the batch is profiled.</summary>
    public void BeginRows(RowBatch batch)
    {
        if (_rowRewritten.Length < batch.Count)
        {
            _rowRewritten = new bool[batch.Count];
        }

        Array.Clear(_rowRewritten, 0, batch.Count);
        for (var column = 0; column < _rewritten.Length; column++)
        {
            _nextRewritten[column] = 0;
            foreach (var (row, _, _) in _rewritten[column])
            {
                _rowRewritten[row] = true;
            }
        }
    }

    /// <summary>Whether the row is its own canonical text: plain, with no rewritten cell. Its hash is <see cref="PlainRowHash"/>.</summary>
    public bool IsVerbatim(RowBatch batch, int row) => batch.IsPlain(row) && !_rowRewritten[row];

    /// <summary>The hash of a plain row's bytes (<see cref="HashPlainRows"/>).</summary>
    public ulong PlainRowHash(int row) => _plainRowHashes[row];

    /// <summary>
    /// Builds the canonical text of a row that is not <see cref="IsVerbatim"/> in <paramref name="builder"/>. Rows
    /// come in order.
    /// </summary>
    public ReadOnlySpan<byte> BuildRow(RowBatch batch, int row, CanonicalRowBuilder builder)
    {
        builder.Clear();
        for (var column = 0; column < _text.Length; column++)
        {
            if (column > 0)
            {
                builder.Separator();
            }

            var rewritten = _rewritten[column];
            var next = _nextRewritten[column];
            if (next < rewritten.Count && rewritten[next].Row == row)
            {
                builder.Append(_text[column].Written.Slice(rewritten[next].Start, rewritten[next].Length));
                _nextRewritten[column]++;
            }
            else
            {
                builder.AppendText(batch.Field(row, column));
            }
        }

        builder.EndRow();
        return builder.Written;
    }
}
