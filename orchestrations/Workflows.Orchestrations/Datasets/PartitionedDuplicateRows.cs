using System.Numerics;
using System.Runtime.CompilerServices;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Duplicate rows in bounded memory: each row's <see cref="SpilledRow"/> goes to one of P temporary partition files
/// chosen by the top bits of its hash, with P sized so that one partition's hashes fit the in-memory budget. Equal
/// hashes land in the same partition in row order, so each partition is then checked on its own, one after another
/// with one reused <see cref="RowHashSet"/>, and the per-partition findings merge into exactly what one set over all
/// rows finds.
/// </summary>
internal sealed class PartitionedDuplicateRows : DuplicateRows
{
    /// <summary>Write buffers over all partitions together.</summary>
    private const int WriteBufferBytes = 2 << 20;

    private const int MinBufferRecords = 1024;
    private const int ReadRecords = 1 << 14;

    /// <summary>Open files are a limited resource: beyond 256 × the budget, partitions grow past it instead.</summary>
    private const int MaxPartitions = 256;

    private readonly string _directory;
    private readonly RowHashPartition[] _partitions;
    private readonly int _partitionShift;

    private readonly RowHashSet? _reusableSet;

    /// <summary>
    /// Partitions for about <paramref name="expectedRows"/> rows; <paramref name="reusableSet"/>, when given, is
    /// emptied and reused to check them instead of a new set (once it is no longer needed elsewhere).
    /// </summary>
    public PartitionedDuplicateRows(long expectedRows, int inMemoryRows, string spillDirectory, RowHashSet? reusableSet = null)
    {
        _reusableSet = reusableSet;
        var needed = (ulong)((expectedRows + inMemoryRows - 1) / inMemoryRows);
        var count = (int)Math.Clamp(BitOperations.RoundUpToPowerOf2(needed), 2, MaxPartitions);
        _partitionShift = 64 - BitOperations.Log2((uint)count);
        _directory = Path.Combine(Path.GetFullPath(spillDirectory), ".row-hashes-" + Guid.NewGuid().ToString("N"));
        _partitions = new RowHashPartition[count];
        var bufferRecords = Math.Max(MinBufferRecords, WriteBufferBytes / Unsafe.SizeOf<SpilledRow>() / count);
        try
        {
            Directory.CreateDirectory(_directory);
            for (var i = 0; i < count; i++)
            {
                _partitions[i] = new RowHashPartition(Path.Combine(_directory, i + ".bin"), bufferRecords);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public override RowFinding Finish(CancellationToken cancellationToken)
    {
        foreach (var partition in _partitions)
        {
            partition.CompleteWrites();
        }

        var hashes = _reusableSet ?? new RowHashSet(_partitions.Max(p => p.Count));
        var scratch = new Scratch();
        var found = new RowFinding[_partitions.Length];
        for (var i = 0; i < _partitions.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            hashes.Clear();
            found[i] = FindDuplicates(_partitions[i], hashes, scratch);
        }

        return RowFinding.Merge(found);
    }

    /// <summary>
    /// Adds the hash of a row seen before every row added here (see <see cref="GrowingDuplicateRows"/>): later equal
    /// rows are duplicates of it. Seeds are distinct and precede the rows, so they are never reported themselves.
    /// </summary>
    public void Seed(ulong hash) => Add(hash, -1, 0);

    public override void Add(ulong hash, long row, long line) =>
        _partitions[(int)(hash >> _partitionShift)].Append(new SpilledRow(hash, row, line));

    protected override void Dispose(bool disposing)
    {
        foreach (var partition in _partitions)
        {
            partition?.Dispose();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Reads the partition in row order a block at a time and adds each block's hashes as one batch.</summary>
    private static RowFinding FindDuplicates(RowHashPartition partition, RowHashSet hashes, Scratch scratch)
    {
        var found = new RowFinding();
        for (long start = 0; start < partition.Count;)
        {
            var read = partition.Read(start, scratch.Records);
            for (var i = 0; i < read; i++)
            {
                scratch.Hashes[i] = scratch.Records[i].Hash;
            }

            hashes.AddBatch(scratch.Hashes.AsSpan(0, read), scratch.IsNew);
            for (var i = 0; i < read; i++)
            {
                if (!scratch.IsNew[i])
                {
                    found.Add(scratch.Records[i].Row, scratch.Records[i].Line);
                }
            }

            start += read;
        }

        return found;
    }

    /// <summary>Read buffers shared by all partitions, one block of records at a time.</summary>
    private sealed class Scratch
    {
        public SpilledRow[] Records { get; } = new SpilledRow[ReadRecords];

        public ulong[] Hashes { get; } = new ulong[ReadRecords];

        public bool[] IsNew { get; } = new bool[ReadRecords];
    }
}
