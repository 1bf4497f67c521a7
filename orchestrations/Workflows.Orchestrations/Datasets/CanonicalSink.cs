using System.Buffers;
using System.Security.Cryptography;
using System.Threading.Channels;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Writes the canonical file and its SHA-256 on a second thread: rows are copied into pooled 1 MiB chunks, full chunks
/// go through a bounded channel (backpressure: at most four in flight) to a task that hashes and writes them. The file
/// is written as <c>path.partial</c> and moved into place only by <see cref="CommitAsync"/>, so a failed or cancelled
/// inspection never leaves a canonical file behind.
/// </summary>
/// <remarks>
/// A file that passes is registered next, and registration flushes it to disk before publishing it. So the sink starts
/// the disk writing every 16 MB as it goes (<see cref="FileWriteback"/>), while the inspection is busy with the CPU:
/// the flush then waits for the last few megabytes, not for the whole file at once.
/// </remarks>
internal sealed class CanonicalSink : IAsyncDisposable
{
    private const int ChunkSize = 1 << 20;
    private const long WritebackBytes = 16 << 20;

    private readonly string _path;
    private readonly string _partialPath;
    private readonly Channel<(byte[] Chunk, int Length)> _chunks = Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
    private readonly Queue<(byte[] Chunk, int Length)> _full = new();
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Task _consumer;
    private byte[] _current = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private int _length;
    private bool _committed;

    public CanonicalSink(string path, CancellationToken cancellationToken)
    {
        _path = Path.GetFullPath(path);
        _partialPath = _path + ".partial";
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _consumer = Task.Run(() => ConsumeAsync(cancellationToken), cancellationToken);
    }

    public long BytesWritten { get; private set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var take = Math.Min(bytes.Length, _current.Length - _length);
            bytes[..take].CopyTo(_current.AsSpan(_length));
            _length += take;
            bytes = bytes[take..];
            if (_length == _current.Length)
            {
                _full.Enqueue((_current, _length));
                _current = ArrayPool<byte>.Shared.Rent(ChunkSize);
                _length = 0;
            }
        }
    }

    /// <summary>Hands full chunks to the writer task; awaits only when four are already waiting.</summary>
    public async ValueTask FlushFullChunksAsync(CancellationToken cancellationToken)
    {
        while (_full.TryDequeue(out var chunk))
        {
            await _chunks.Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the rest, moves the file into place, and returns the lower-case hex SHA-256.</summary>
    public async Task<string> CommitAsync(CancellationToken cancellationToken)
    {
        _full.Enqueue((_current, _length));
        _current = [];
        await FlushFullChunksAsync(cancellationToken).ConfigureAwait(false);
        _chunks.Writer.Complete();
        await _consumer.ConfigureAwait(false);
        File.Move(_partialPath, _path, overwrite: true);
        _committed = true;
        return Convert.ToHexStringLower(_sha256.GetHashAndReset());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_committed)
        {
            _chunks.Writer.TryComplete();
            try
            {
                await _consumer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Cancelled with the inspection: the partial file goes either way.
            }

            File.Delete(_partialPath);
        }

        if (_current.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_current);
        }

        _sha256.Dispose();
    }

    private async Task ConsumeAsync(CancellationToken cancellationToken)
    {
        // A new file rather than a truncated one: on ext4, closing a file truncated to empty (as FileMode.Create does,
        // even to a new file) forces its whole delayed allocation at once, tens of milliseconds for a large file.
        File.Delete(_partialPath);
        var file = new FileStream(_partialPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        await using var _ = file.ConfigureAwait(false);
        long writebackStarted = 0;
        await foreach (var (chunk, length) in _chunks.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            _sha256.AppendData(chunk, 0, length);
            await file.WriteAsync(chunk.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            BytesWritten += length;
            ArrayPool<byte>.Shared.Return(chunk);
            if (BytesWritten - writebackStarted >= WritebackBytes)
            {
                FileWriteback.Start(file.SafeFileHandle, writebackStarted, BytesWritten - writebackStarted);
                writebackStarted = BytesWritten;
            }
        }
    }
}
