using System.Runtime.InteropServices;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Reads NumPy .npy files (format 1.0 and 2.0, C order) of little-endian float32, float64 or int64 into managed arrays:
/// the exports' X and y files and a trainer's test predictions. Anything else fails with an
/// <see cref="InvalidDataException"/> that names the file and what it holds.
/// </summary>
public static class NpyReader
{
    private const int ChunkBytes = 1 << 16;

    /// <summary>Reads a file whose element type is exactly <typeparamref name="T"/>: <see cref="float"/>, <see cref="double"/> or <see cref="long"/>.</summary>
    public static async Task<NpyArray<T>> ReadAsync<T>(string path, CancellationToken cancellationToken)
        where T : unmanaged
    {
        var wanted = Descr<T>();
        var file = Open(path);
        await using var _ = file.ConfigureAwait(false);
        var header = await NpyHeader.ReadAsync(file, path, cancellationToken).ConfigureAwait(false);
        if (header.Descr != wanted)
        {
            throw NpyHeader.Invalid(path, IsSupported(header.Descr)
                ? $"holds {Name(header.Descr)} values where {Name(wanted)} is expected"
                : Unsupported(header.Descr));
        }

        return new NpyArray<T>(header.Shape, await ReadValuesAsync<T>(file, header, path, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Reads any supported element type as float64 (exact for float32; int64 beyond 2^53 rounds), e.g. regression targets.</summary>
    public static async Task<NpyArray<double>> ReadAsDoublesAsync(string path, CancellationToken cancellationToken)
    {
        var file = Open(path);
        await using var _ = file.ConfigureAwait(false);
        var header = await NpyHeader.ReadAsync(file, path, cancellationToken).ConfigureAwait(false);
        var values = header.Descr switch
        {
            "<f8" => await ReadValuesAsync<double>(file, header, path, cancellationToken).ConfigureAwait(false),
            "<f4" => Widening.ToDoubles(await ReadValuesAsync<float>(file, header, path, cancellationToken).ConfigureAwait(false)),
            "<i8" => Widening.ToDoubles(await ReadValuesAsync<long>(file, header, path, cancellationToken).ConfigureAwait(false)),
            var other => throw NpyHeader.Invalid(path, Unsupported(other)),
        };
        return new NpyArray<double>(header.Shape, values);
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous | FileOptions.SequentialScan);

    private static string Descr<T>() =>
        typeof(T) == typeof(float) ? "<f4"
        : typeof(T) == typeof(double) ? "<f8"
        : typeof(T) == typeof(long) ? "<i8"
        : throw new NotSupportedException($"NpyReader reads float, double or long, not {typeof(T).Name}.");

    private static bool IsSupported(string descr) => descr is "<f4" or "<f8" or "<i8";

    private static string Name(string descr) => descr switch
    {
        "<f4" => "float32 ('<f4')",
        "<f8" => "float64 ('<f8')",
        _ => "int64 ('<i8')",
    };

    private static string Unsupported(string descr) =>
        $"holds '{descr}' values{(descr.StartsWith('>') ? " (big-endian)" : "")}, which are not supported (little-endian float32 '<f4', float64 '<f8' and int64 '<i8' are)";

    /// <summary>
    /// The data, straight into the array's memory: every platform .NET runs Workflows on is little-endian, so the file's
    /// bytes are the values.
    /// </summary>
    private static async Task<T[]> ReadValuesAsync<T>(Stream file, NpyHeader header, string path, CancellationToken cancellationToken)
        where T : unmanaged
    {
        var count = header.Count;
        var total = count * Marshal.SizeOf<T>();
        if (total > int.MaxValue)
        {
            // The bytes are addressed as one span, whose length is an int.
            throw NpyHeader.Invalid(path, $"holds {count} values ({total} bytes), more than the 2 GiB read into one array");
        }

        var values = new T[count];
        var buffer = new byte[(int)Math.Min(ChunkBytes, Math.Max(total, 1))];
        for (long done = 0; done < total;)
        {
            var take = (int)Math.Min(buffer.Length, total - done);
            var read = await file.ReadAsync(buffer.AsMemory(0, take), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw NpyHeader.Invalid(path, $"ends after {done / Marshal.SizeOf<T>()} of its {count} values (shape ({string.Join(", ", header.Shape)}))");
            }

            Copy(buffer.AsSpan(0, read), values, done);
            done += read;
        }

        return values;
    }

    private static void Copy<T>(ReadOnlySpan<byte> chunk, T[] values, long offset)
        where T : unmanaged =>
        chunk.CopyTo(MemoryMarshal.AsBytes(values.AsSpan())[checked((int)offset)..]);
}
