using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// The values of the numeric columns, kept in a temporary file until each column's min and max are known, so that
/// the single pass that finds them can still count exact histograms between them. Each column fills an 8 KB block
/// (column, payload length, payload, in this process's byte order; see <see cref="NumberSpillColumn"/>) and appends
/// it when full, so memory is 8 KB per column however large the file; the file is deleted when closed.
/// </summary>
/// <remarks>
/// Writing and reading the file back is most of what the histograms cost, so whole-number columns, the common kind
/// (ids, counts, pixels), are written compactly: a zigzag varint of the long, 1–3 bytes for most, instead of 8. Their
/// doubles are then the longs converted back, exactly as their profiling converts them.
/// </remarks>
internal sealed class NumberSpill : IDisposable
{
    internal const int BlockBytes = 8 * 1024;
    internal const int HeaderBytes = 2 * sizeof(int);
    internal const int MaxVarintBytes = 10;

    private readonly SafeFileHandle _file;
    private readonly NumberSpillColumn?[] _columns;
    private readonly Lock _reserve = new();
    private long _length;

    public NumberSpill(string directory, int columns)
    {
        Directory.CreateDirectory(directory);
        _file = File.OpenHandle(Path.Combine(directory, ".numbers-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        _columns = new NumberSpillColumn?[columns];
    }

    /// <summary>
    /// The writer of one column's values (<paramref name="whole"/>: as whole numbers, see the remarks). Writers of
    /// different columns may be used on different threads at once.
    /// </summary>
    public NumberSpillColumn Column(int column, bool whole) => _columns[column] ??= new NumberSpillColumn(this, column, whole);

    /// <summary>Adds every spilled value to its column's histogram (none for a null one), once all values are in.</summary>
    public void CountInto(IReadOnlyList<HistogramCounter?> histograms, CancellationToken cancellationToken)
    {
        foreach (var column in _columns)
        {
            column?.Flush();
        }

        using var stream = new FileStream(_file, FileAccess.Read, 1 << 20);
        var payload = new byte[BlockBytes];
        var wholes = new double[BlockBytes]; // a block's whole numbers, at least a byte each
        Span<byte> header = stackalloc byte[HeaderBytes];
        for (long offset = 0; offset < _length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            stream.ReadExactly(header);
            var column = MemoryMarshal.Read<int>(header);
            var bytes = payload.AsSpan(0, MemoryMarshal.Read<int>(header[sizeof(int)..]));
            stream.ReadExactly(bytes);
            offset += HeaderBytes + bytes.Length;
            if (histograms[column] is not { } histogram)
            {
                continue;
            }

            histogram.AddAll(_columns[column]!.Whole ? wholes.AsSpan(0, DecodeWholes(bytes, wholes)) : MemoryMarshal.Cast<byte, double>(bytes));
        }
    }

    public void Dispose() => _file.Dispose();

    /// <summary>Appends a column's block: blocks of different columns go to disjoint ranges, so threads may write at once.</summary>
    internal void Append(ReadOnlySpan<byte> block)
    {
        long offset;
        lock (_reserve)
        {
            offset = _length;
            _length += block.Length;
        }

        RandomAccess.Write(_file, block, offset);
    }

    /// <summary>A block's zigzag varints as doubles (as their profiling converts the longs); returns how many.</summary>
    private static int DecodeWholes(ReadOnlySpan<byte> bytes, double[] values)
    {
        var count = 0;
        for (var at = 0; at < bytes.Length;)
        {
            ulong zigzag = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = bytes[at++];
                zigzag |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    break;
                }
            }

            values[count++] = (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
        }

        return count;
    }
}
