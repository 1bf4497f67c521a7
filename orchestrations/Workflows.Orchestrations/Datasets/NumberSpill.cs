using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// The values of the numeric columns, kept in a temporary file until each column's min and max are known, so that
/// the single pass that finds them can still count exact histograms between them. Each column buffers 1,024 values
/// and appends them as one block (column, count, values, in this process's byte order), so memory is 8 KB per column however large the file; the
/// file is deleted when closed.
/// </summary>
internal sealed class NumberSpill : IDisposable
{
    private const int BlockValues = 1024;
    private const int HeaderBytes = 2 * sizeof(int);

    private readonly SafeFileHandle _file;

    /// <summary>Each column's block: column, count, values. The count lives in it, not in an array shared by the columns, whose threads would contend for its cache line.</summary>
    private readonly byte[]?[] _blocks;
    private readonly Lock _reserve = new();
    private long _length;

    public NumberSpill(string directory, int columns)
    {
        Directory.CreateDirectory(directory);
        _file = File.OpenHandle(Path.Combine(directory, ".numbers-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        _blocks = new byte[columns][];
    }

    /// <summary>Adds one value of a column. Calls for one column must not overlap; calls for different columns may.</summary>
    public void Add(int column, double value)
    {
        var block = _blocks[column] ??= NewBlock(column);
        ref var count = ref Count(block);
        MemoryMarshal.Write(block.AsSpan(HeaderBytes + (count * sizeof(double))), in value);
        if (++count == BlockValues)
        {
            WriteBlock(block);
        }
    }

    /// <summary>Adds every spilled value to its column's histogram (none for a null one), once all values are in.</summary>
    public void CountInto(IReadOnlyList<HistogramCounter?> histograms, CancellationToken cancellationToken)
    {
        foreach (var columnBlock in _blocks)
        {
            if (columnBlock is not null)
            {
                WriteBlock(columnBlock);
            }
        }

        using var stream = new FileStream(_file, FileAccess.Read, 1 << 20);
        var block = new byte[BlockValues * sizeof(double)];
        Span<byte> header = stackalloc byte[HeaderBytes];
        for (long offset = 0; offset < _length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            stream.ReadExactly(header);
            var column = MemoryMarshal.Read<int>(header);
            var bytes = block.AsSpan(0, MemoryMarshal.Read<int>(header[sizeof(int)..]) * sizeof(double));
            stream.ReadExactly(bytes);
            offset += HeaderBytes + bytes.Length;
            if (histograms[column] is { } histogram)
            {
                foreach (var value in MemoryMarshal.Cast<byte, double>(bytes))
                {
                    histogram.Add(value);
                }
            }
        }
    }

    public void Dispose() => _file.Dispose();

    private static byte[] NewBlock(int column)
    {
        var block = new byte[HeaderBytes + (BlockValues * sizeof(double))];
        MemoryMarshal.Write(block, in column);
        return block;
    }

    private static ref int Count(byte[] block) => ref MemoryMarshal.Cast<byte, int>(block.AsSpan(sizeof(int), sizeof(int)))[0];

    private void WriteBlock(byte[] block)
    {
        ref var count = ref Count(block);
        if (count == 0)
        {
            return;
        }

        var bytes = block.AsSpan(0, HeaderBytes + (count * sizeof(double)));
        long offset;
        lock (_reserve)
        {
            offset = _length;
            _length += bytes.Length;
        }

        // Blocks of different columns go to disjoint ranges, so two threads may write at once.
        RandomAccess.Write(_file, bytes, offset);
        count = 0;
    }
}
