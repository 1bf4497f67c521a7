using System.Text;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// The first pass: structure, encoding, header, field counts, and per column nulls, types and moments. Rows whose field
/// count differs from the header's are reported and left out of everything else.
/// </summary>
internal sealed class DatasetScan
{
    /// <summary>Reservoir values over all columns: 4 million doubles (32 MB) at most, 100,000 per column at most.</summary>
    private const int ReservoirBudget = 4_000_000;
    private const int MinReservoir = 1_000;

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

    private RowBatch? Batch { get; set; }

    public static async Task<DatasetScan> RunAsync(string path, DatasetDefinition dataset, ValidationRules rules, List<ValidationFinding> findings, CancellationToken cancellationToken)
    {
        var scan = new DatasetScan();
        var headerUnusable = false;
        scan.Error = await CsvFile.ReadRowsAsync(path, reader =>
        {
            if (reader.RowsRead == 1)
            {
                headerUnusable = !scan.ReadHeader(reader, dataset, rules, findings);
            }
            else if (!headerUnusable)
            {
                scan.ReadRow(reader);
            }
        }, scan.ScanBatch, cancellationToken).ConfigureAwait(false);
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

        var reservoir = Math.Clamp(ReservoirBudget / plans.Length, MinReservoir, ColumnProfile.ReservoirSize);
        Columns = plans.Select(plan => new ColumnScan(plan, reservoir, seed: plan.Index)).ToArray();
        Batch = new RowBatch(Columns.Length);
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

    /// <summary>Scans the buffer's rows one column per thread: each column's state sees its values in file order.</summary>
    private ValueTask ScanBatch(CancellationToken cancellationToken)
    {
        if (Batch is not { Count: > 0 } batch)
        {
            return ValueTask.CompletedTask;
        }

        var columns = Columns!;
        Parallel.For(0, columns.Length, column =>
        {
            var scan = columns[column];
            for (var i = 0; i < batch.Count; i++)
            {
                scan.Add(batch.Field(i, column), batch.Row(i), batch.Line(i));
            }
        });
        Rows += batch.Count;
        batch.Clear();
        return ValueTask.CompletedTask;
    }
}
