using System.Collections.Concurrent;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// The profiling that needs every column's type: canonical rows (written to the sink when there is one), duplicate
/// rows, histograms, categories, ranges and labels.
/// </summary>
/// <remarks>
/// It normally runs inside the first pass (<see cref="Speculate"/>): each column is profiled as the type it has after
/// the first buffer of rows, since a type rarely changes after that. When one does change, <see cref="Mispredicted"/>
/// is set, the work stops, and the caller throws it away and runs a second pass with the final types
/// (<see cref="RunAsync"/>). Either way the results are the same.
/// </remarks>
internal sealed class DatasetProfiling : IDisposable
{
    /// <summary>Sampled values over all columns, for quantiles: 4 million doubles (32 MB) at most, 100,000 per column at most.</summary>
    private const int SampleBudget = 4_000_000;
    private const int MinSampleSize = 1_000;

    private readonly ColumnProfiler?[] _profilers;
    private readonly Func<ColumnScan, ColumnType, ColumnProfiler> _createProfiler;
    private readonly DuplicateRows _duplicates;
    private readonly NumberSpill _numbers;
    private readonly CanonicalSink? _sink;
    private readonly CanonicalRowBuilder _row = new();

    /// <summary>A batch's work items: its columns, the hashing of its plain rows, and writing the previous batch's rows.</summary>
    private readonly LongestFirstWork _batchWork;

    /// <summary>The cells of the batch being scanned, and of the batch scanned before it, whose rows are written next.</summary>
    private BatchCells? _cells;
    private BatchCells? _writtenCells;
    private long _rows;
    private long _rowBytes;

    private DatasetProfiling(
        int columns, DatasetDefinition dataset, ValidationRules rules, DatasetProfile? previous, string spillDirectory, Func<DatasetProfiling, DuplicateRows> duplicates,
        CanonicalSink? sink, bool speculative)
    {
        var classification = dataset.Task == ModelTask.Classification;
        _profilers = new ColumnProfiler?[columns];
        _numbers = new NumberSpill(spillDirectory, columns);
        var sampleSize = Math.Clamp(SampleBudget / columns, MinSampleSize, ColumnProfile.SampleSize);
        _createProfiler = (scan, type) =>
        {
            var isTarget = scan.Plan.Role == ColumnRole.Target;
            return new ColumnProfiler(
                scan,
                type,
                _numbers,
                sampleSize,
                rules.Ranges.GetValueOrDefault(scan.Plan.Name),
                previous?.Column(scan.Plan.Name)?.Histogram,
                countCategories: isTarget && classification,
                allowedLabels: isTarget && classification ? rules.LabelClasses : null);
        };
        _duplicates = duplicates(this);
        _sink = sink;
        _cells = speculative ? new BatchCells(columns) : null;
        _writtenCells = speculative ? new BatchCells(columns) : null;
        _batchWork = new LongestFirstWork(columns + 2);
    }

    /// <summary>Every column's profiler, once the pass is over.</summary>
    public IReadOnlyList<ColumnProfiler> Columns => _profilers!;

    public RowFinding Duplicates { get; private set; } = new();

    /// <summary>A column's type changed after profiling began: these results are wrong, and a second pass is needed.</summary>
    public bool Mispredicted { get; private set; }

    /// <summary>Profiling to run inside the first pass (see the remarks); the file's size helps size duplicate detection.</summary>
    public static DatasetProfiling Speculate(
        int columns, DatasetDefinition dataset, ValidationRules rules, DatasetProfile? previous, long sourceBytes, int duplicateRowsInMemory, string spillDirectory, CanonicalSink sink) =>
        new(columns, dataset, rules, previous, spillDirectory,
            profiling => DuplicateRows.CreateGrowing(duplicateRowsInMemory, spillDirectory, () => profiling.EstimateRows(sourceBytes)), sink, speculative: true);

    /// <summary>The second pass over the file, with the types the first pass found.</summary>
    public static async Task<DatasetProfiling> RunAsync(
        string path, DatasetScan scan, DatasetDefinition dataset, ValidationRules rules, DatasetProfile? previous, int duplicateRowsInMemory, string spillDirectory,
        CanonicalSink? sink, CancellationToken cancellationToken)
    {
        var profiling = new DatasetProfiling(scan.Columns!.Length, dataset, rules, previous, spillDirectory,
            _ => DuplicateRows.Create(scan.Rows, duplicateRowsInMemory, spillDirectory), sink, speculative: false);
        try
        {
            foreach (var column in scan.Columns)
            {
                profiling._profilers[column.Plan.Index] = profiling._createProfiler(column, column.Type);
            }

            Func<CancellationToken, ValueTask>? flush = sink is null ? null : sink.FlushFullChunksAsync;
            var error = await CsvFile.ReadRowsAsync(path, profiling.ReadRow, flush, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                // The first pass read the same bytes to the end: only a file changed underneath gets here.
                throw new IOException($"{path} changed while it was inspected: {CsvFile.Describe(error, scan.Header)}");
            }

            profiling.Finish(scan, cancellationToken);
            return profiling;
        }
        catch
        {
            profiling.Dispose();
            throw;
        }
    }

    /// <summary>Writes the canonical header; the first pass calls this once it has read a usable one.</summary>
    public void WriteHeader(CsvRowReader reader)
    {
        _row.Clear();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (i > 0)
            {
                _row.Separator();
            }

            _row.AppendText(reader.Field(i));
        }

        _row.EndRow();
        _sink?.Write(_row.Written);
    }

    /// <summary>
    /// Scans a batch's columns and profiles each as the type it had after its first batch, one column per thread, with
    /// the plain rows hashed beside them, and the canonical rows of the batch scanned before (<paramref name="written"/>)
    /// written beside those; <see cref="FlushAsync"/> follows, and after the last batch, <see cref="WriteLastRowsAsync"/>.
    /// </summary>
    public void ScanBatch(IReadOnlyList<ColumnScan> columns, RowBatch batch, RowBatch? written, ParallelOptions options)
    {
        _batchWork.Run(item =>
        {
            if (item < columns.Count)
            {
                ScanColumn(columns[item], batch);
            }
            else if (item == columns.Count)
            {
                if (!Mispredicted)
                {
                    _cells!.HashPlainRows(batch);
                }
            }
            else if (written is not null)
            {
                WriteRows(written, _writtenCells!);
            }
        }, options);
        (_cells, _writtenCells) = (_writtenCells, _cells);
    }

    /// <summary>Hands the canonical rows written so far to the sink's writer, waiting only when it is behind.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken) =>
        _sink?.FlushFullChunksAsync(cancellationToken) ?? ValueTask.CompletedTask;

    /// <summary>Writes the rows of the last batch, once it has been scanned.</summary>
    public ValueTask WriteLastRowsAsync(RowBatch batch, CancellationToken cancellationToken)
    {
        WriteRows(batch, _writtenCells!);
        return FlushAsync(cancellationToken);
    }

    /// <summary>Completes duplicates, histograms and quantiles once the first pass (and this one, if separate) is over.</summary>
    public void Finish(DatasetScan scan, CancellationToken cancellationToken)
    {
        foreach (var column in scan.Columns!)
        {
            // No data rows: nothing was profiled yet.
            _profilers[column.Plan.Index] ??= _createProfiler(column, column.Type);
        }

        // Independent reads of the spill files, on every core: duplicates, the longest, first; then column by column.
        Action[] work = [() => Duplicates = _duplicates.Finish(cancellationToken), .. _profilers.Select(p => (Action)(() => p!.CountSpilled(cancellationToken)))];
        Parallel.ForEach(Partitioner.Create(work, EnumerablePartitionerOptions.NoBuffering), new ParallelOptions { CancellationToken = cancellationToken }, item => item());
    }

    public void Dispose()
    {
        _duplicates.Dispose();
        _numbers.Dispose();
    }

    /// <summary>A scanned batch's canonical rows: to duplicate detection and the sink, in row order.</summary>
    private void WriteRows(RowBatch batch, BatchCells cells)
    {
        if (Mispredicted)
        {
            return;
        }

        _rows += batch.Count;
        _rowBytes += batch.Bytes;
        cells.BeginRows(batch);
        for (var i = 0; i < batch.Count; i++)
        {
            if (cells.IsVerbatim(batch, i))
            {
                _duplicates.Add(cells.PlainRowHash(i), batch.Row(i), batch.Line(i));
                _sink?.Write(batch.RowBytes(i));
            }
            else
            {
                var canonical = cells.BuildRow(batch, i, _row);
                _duplicates.Add(canonical, batch.Row(i), batch.Line(i));
                _sink?.Write(canonical);
            }
        }
    }

    /// <summary>Scans one column of a batch and profiles it (see <see cref="ScanBatch"/>).</summary>
    private void ScanColumn(ColumnScan scan, RowBatch batch)
    {
        var column = scan.Plan.Index;
        if (Mispredicted)
        {
            scan.AddColumn(batch);
            return;
        }

        if (_profilers[column] is { } profiler)
        {
            _cells!.ScanAndProfile(scan, profiler, batch);
        }
        else
        {
            // The first batch decides the type to profile as, so it is scanned before it is profiled.
            scan.AddColumn(batch);
            profiler = _profilers[column] = _createProfiler(scan, scan.Type);
            _cells!.ScanAndProfile(null, profiler, batch);
        }

        if (profiler.Type != scan.Type)
        {
            Mispredicted = true;
        }
    }

    /// <summary>Rows in the whole file, from the rows so far (their batch included) and their bytes.</summary>
    private long EstimateRows(long sourceBytes) => _rowBytes == 0 ? 0 : (long)((double)sourceBytes / _rowBytes * _rows);

    private void ReadRow(CsvRowReader reader)
    {
        if (reader.RowsRead == 1)
        {
            WriteHeader(reader);
            return;
        }

        if (reader.FieldCount != _profilers.Length)
        {
            return;
        }

        _row.Clear();
        var row = reader.RowsRead - 1;
        for (var i = 0; i < _profilers.Length; i++)
        {
            if (i > 0)
            {
                _row.Separator();
            }

            var field = reader.Field(i);
            if (_profilers[i]!.Add(field, ParsedNumber.None, row, reader.RowLine, _row))
            {
                _row.AppendText(field);
            }
        }

        _row.EndRow();
        _duplicates.Add(_row.Written, row, reader.RowLine);
        _sink?.Write(_row.Written);
    }
}
