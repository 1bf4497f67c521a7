using System.Text;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// The first pass: structure, encoding, header, field counts, and per column nulls, types and moments. Rows whose field
/// count differs from the header's are reported and left out of everything else. It can run the profiling in the same
/// pass (see <see cref="DatasetProfiling"/>).
/// </summary>
internal sealed class DatasetScan
{
    /// <summary>The reader's buffers: the one being filled, the batch being scanned, the batch being written.</summary>
    private const int ReaderBuffers = 3;

    private DatasetScan()
    {
    }

    public string[]? Header { get; private set; }

    /// <summary>Null when there is no usable header.</summary>
    public ColumnScan[]? Columns { get; private set; }

    public long Rows { get; private set; }

    public RowFinding WrongFieldCounts { get; } = new();

    /// <summary>The field count of the first row whose count is wrong.</summary>
    public int FirstWrongFieldCount { get; private set; }

    public CsvFormatError? Error { get; private set; }

    /// <summary>The profiling run in this pass, started once the header is read; the caller disposes it.</summary>
    public DatasetProfiling? Profiling { get; private set; }

    private RowBatch? Batch { get; set; }

    /// <summary>The batch scanned last, whose rows are written (see <see cref="DatasetProfiling.ScanBatch"/>) while the next is scanned.</summary>
    private RowBatch? _scannedBatch;

    /// <summary>The batch the reader fills after the current one.</summary>
    private RowBatch? _freeBatch;

    private Task _scanning = Task.CompletedTask;

    /// <summary>
    /// Scans the file; with <paramref name="startProfiling"/> (given the column count), also profiles it in the same
    /// pass.
    /// </summary>
    public static async Task<DatasetScan> RunAsync(
        string path, DatasetDefinition dataset, ValidationRules rules, List<ValidationFinding> findings, Func<int, DatasetProfiling>? startProfiling,
        CancellationToken cancellationToken)
    {
        var scan = new DatasetScan();
        var headerUnusable = false;
        try
        {
            scan.Error = await CsvFile.ReadRowsAsync(path, reader =>
            {
                if (reader.RowsRead == 1)
                {
                    headerUnusable = !scan.ReadHeader(reader, dataset, rules, findings);
                    if (!headerUnusable && startProfiling is not null)
                    {
                        scan.Profiling = startProfiling(scan.Columns!.Length);
                        scan.Profiling.WriteHeader(reader);
                    }
                }
                else if (!headerUnusable)
                {
                    scan.ReadRow(reader);
                }
            }, scan.ScanBatchAsync, ReaderBuffers, cancellationToken).ConfigureAwait(false);
            await scan.WaitForBatchAsync().ConfigureAwait(false);
            if (scan is { Profiling: { } profiling, _scannedBatch: { } last })
            {
                await profiling.WriteLastRowsAsync(last, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // No work may go on in the background: wait for the batch in flight (its own failure, if any, is secondary).
            await Task.WhenAny(scan._scanning).ConfigureAwait(false);
            scan.Profiling?.Dispose();
            throw;
        }

        if (scan.Header is null && scan.Error is null)
        {
            scan.Error = new CsvFormatError(ValidationRuleNames.Structure, "the file is empty: a CSV file needs a header row and data rows", 0, 1, null);
        }

        return scan;
    }

    private bool ReadHeader(CsvRowReader reader, DatasetDefinition dataset, ValidationRules rules, List<ValidationFinding> findings)
    {
        Header = new string[reader.FieldCount];
        for (var i = 0; i < Header.Length; i++)
        {
            Header[i] = Encoding.UTF8.GetString(reader.Field(i));
        }

        var plans = SchemaResolver.Resolve(Header, dataset, rules, findings);
        if (plans is null)
        {
            return false;
        }

        Columns = plans.Select(plan => new ColumnScan(plan)).ToArray();
        Batch = new RowBatch(Columns.Length);
        _freeBatch = new RowBatch(Columns.Length);
        return true;
    }

    private void ReadRow(CsvRowReader reader)
    {
        if (reader.FieldCount != Columns!.Length)
        {
            if (WrongFieldCounts.Count == 0)
            {
                FirstWrongFieldCount = reader.FieldCount;
            }

            WrongFieldCounts.Add(reader.RowsRead - 1, reader.RowLine);
            return;
        }

        Batch!.Add(reader);
    }

    /// <summary>
    /// Hands the buffer's rows to a task that scans (and profiles) them, and writes the previous batch's rows beside
    /// that, so that the next buffer is read and split into rows meanwhile. The reader keeps rows readable for two
    /// more fills (<see cref="ReaderBuffers"/>): until their batch is scanned, then written. This waits for the task
    /// before handing over the next batch, which also keeps every column's values and the rows in file order.
    /// </summary>
    private async ValueTask ScanBatchAsync(CancellationToken cancellationToken)
    {
        await WaitForBatchAsync().ConfigureAwait(false);
        if (Batch is not { Count: > 0 } batch)
        {
            return;
        }

        var written = _scannedBatch;
        _scannedBatch = batch;
        Batch = _freeBatch;
        _freeBatch = written ?? new RowBatch(Columns!.Length);
        _scanning = Task.Run(() => ScanAsync(batch, written, cancellationToken).AsTask(), cancellationToken);
    }

    private async Task WaitForBatchAsync()
    {
        var scanning = _scanning;
        _scanning = Task.CompletedTask;
        await scanning.ConfigureAwait(false);
    }

    /// <summary>
    /// Scans (and profiles) the batch one column per thread: each column's state sees its values in file order. The
    /// profiling's row work for the batch before (<paramref name="written"/>), which needed all of that batch's
    /// columns, runs beside it, in row order.
    /// </summary>
    private async ValueTask ScanAsync(RowBatch batch, RowBatch? written, CancellationToken cancellationToken)
    {
        var columns = Columns!;
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        if (Profiling is { } profiling)
        {
            profiling.ScanBatch(columns, batch, written, options);
            await profiling.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            Parallel.For(0, columns.Length, options, column => columns[column].AddColumn(batch));
        }

        Rows += batch.Count;
        written?.Clear();
    }
}
