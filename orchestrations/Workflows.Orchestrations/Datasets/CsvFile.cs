namespace Workflows.Orchestrations.Datasets;

/// <summary>The row loop every reader of a CSV file shares.</summary>
internal static class CsvFile
{
    /// <summary>As the overload with two buffers: rows stay readable until <paramref name="afterBuffer"/> returns the next time.</summary>
    public static Task<CsvFormatError?> ReadRowsAsync(
        string path, Action<CsvRowReader> onRow, Func<CancellationToken, ValueTask>? afterBuffer, CancellationToken cancellationToken) =>
        ReadRowsAsync(path, onRow, afterBuffer, buffers: 2, cancellationToken);

    /// <summary>
    /// Calls <paramref name="onRow"/> for every row, the header included (<see cref="CsvRowReader.RowsRead"/> is 1 for
    /// it), and <paramref name="afterBuffer"/> after each buffer's rows (the last buffer's too). Their fields stay
    /// readable until <paramref name="afterBuffer"/> returns the <paramref name="buffers"/> - 1-th time after, so it may
    /// hand them to work that it waits for in a later call. Returns the structural error that stopped the file, or null
    /// when it was read to the end. Throws only for I/O errors and cancellation.
    /// </summary>
    public static async Task<CsvFormatError?> ReadRowsAsync(
        string path, Action<CsvRowReader> onRow, Func<CancellationToken, ValueTask>? afterBuffer, int buffers, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        await using var _ = stream.ConfigureAwait(false);
        var reader = new CsvRowReader(stream, buffers);
        while (true)
        {
            while (reader.TryReadRow())
            {
                onRow(reader);
            }

            if (afterBuffer is not null)
            {
                await afterBuffer(cancellationToken).ConfigureAwait(false);
            }

            if (reader.Error is not null || reader.IsCompleted || !await reader.FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return reader.Error;
            }
        }
    }

    /// <summary>Where a structural error is, in words: data row and physical line, and the column when known.</summary>
    public static string Describe(CsvFormatError error, IReadOnlyList<string>? header)
    {
        var where = error.Row == 0 ? $"in the header, line {error.Line}" : $"data row {error.Row}, line {error.Line}";
        if (error.Field is int field)
        {
            where += header is not null && field < header.Count ? $", column '{header[field]}'" : $", field {field + 1}";
        }

        return $"{error.Message} ({where})";
    }
}
