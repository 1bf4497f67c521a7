using Microsoft.Win32.SafeHandles;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// The values of the numeric columns, kept in a temporary file until each column's count, min and max are known, so
/// that the single pass that finds them can still count exact histograms between them and draw a uniform sample of
/// known size (see <see cref="UniformSample"/>). Each column fills a 32 KB block (in this process's byte order; see
/// <see cref="NumberSpillColumn"/>) and appends it when full, remembering where, so memory is 32 KB per column however
/// large the file, and each column reads its own blocks back; the file is deleted when closed. Columns append from
/// several threads and every write to the file takes its lock in the kernel, so blocks are large: 8 KB ones were 9%
/// slower per inspection.
/// </summary>
/// <remarks>
/// Writing and reading the file back is most of what the histograms cost, so whole-number columns, the common kind
/// (ids, counts, pixels), are written compactly: a zigzag varint of the long, 1–3 bytes for most, instead of 8. Their
/// doubles are then the longs converted back, exactly as their profiling converts them.
/// </remarks>
internal sealed class NumberSpill : IDisposable
{
    internal const int BlockBytes = 32 * 1024;
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
    public NumberSpillColumn Column(int column, bool whole) => _columns[column] ??= new NumberSpillColumn(this, whole);

    public void Dispose() => _file.Dispose();

    /// <summary>Appends a column's block and returns where it went: blocks go to disjoint ranges, so threads may write at once.</summary>
    internal long Append(ReadOnlySpan<byte> block)
    {
        long offset;
        lock (_reserve)
        {
            offset = _length;
            _length += block.Length;
        }

        RandomAccess.Write(_file, block, offset);
        return offset;
    }

    /// <summary>Reads a block back whole from where <see cref="Append"/> put it; blocks may be read on different threads at once.</summary>
    internal void Read(long offset, Span<byte> block)
    {
        for (var read = 0; read < block.Length;)
        {
            var got = RandomAccess.Read(_file, block[read..], offset + read);
            read += got > 0 ? got : throw new EndOfStreamException("the spill file of numbers ended before its last block");
        }
    }
}
