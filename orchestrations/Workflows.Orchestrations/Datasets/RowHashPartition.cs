using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// One temporary file of <see cref="SpilledRow"/> records: appended through a buffer, then read back in the order
/// written. The file is deleted when it is closed.
/// </summary>
internal sealed class RowHashPartition : IDisposable
{
    private static readonly int RecordSize = Unsafe.SizeOf<SpilledRow>();

    private readonly SafeFileHandle _file;
    private SpilledRow[] _buffer;
    private int _buffered;
    private long _bytesWritten;

    public RowHashPartition(string path, int bufferRecords)
    {
        _file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        _buffer = new SpilledRow[bufferRecords];
    }

    /// <summary>Records appended.</summary>
    public long Count { get; private set; }

    public void Append(SpilledRow row)
    {
        _buffer[_buffered++] = row;
        Count++;
        if (_buffered == _buffer.Length)
        {
            WriteBuffer();
        }
    }

    /// <summary>Writes what is buffered and lets the buffer go: from here on the partition is only read.</summary>
    public void CompleteWrites()
    {
        WriteBuffer();
        _buffer = [];
    }

    /// <summary>Reads records from record index <paramref name="start"/> into <paramref name="records"/>; returns how many.</summary>
    public int Read(long start, Span<SpilledRow> records)
    {
        var bytes = MemoryMarshal.AsBytes(records[..(int)Math.Min(records.Length, Count - start)]);
        var offset = start * RecordSize;
        for (var read = 0; read < bytes.Length;)
        {
            var n = RandomAccess.Read(_file, bytes[read..], offset + read);
            read += n > 0 ? n : throw new EndOfStreamException("a duplicate-row partition file ended early");
        }

        return bytes.Length / RecordSize;
    }

    public void Dispose() => _file.Dispose();

    private void WriteBuffer()
    {
        var bytes = MemoryMarshal.AsBytes(_buffer.AsSpan(0, _buffered));
        RandomAccess.Write(_file, bytes, _bytesWritten);
        _bytesWritten += bytes.Length;
        _buffered = 0;
    }
}
