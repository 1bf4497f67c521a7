using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// NumPy .npy format version 1.0: magic, version, a little-endian uint16 header length, and a Python dict literal padded
/// with spaces and ended by '\n' so that the data starts at a multiple of 64 bytes; then the data, C order.
/// </summary>
internal static class NpyWriter
{
    private const int Alignment = 64;
    private const int PreambleLength = 10;

    private const int ChunkBytes = 1 << 16;

    /// <summary>Writes float32 values with the given shape: (rows,) or (rows, columns).</summary>
    public static Task WriteFloat32Async(string path, float[] values, int[] shape, CancellationToken cancellationToken) =>
        WriteAsync(path, "<f4", Shape(shape), values.Length, sizeof(float),
            (chunk, start, count) =>
            {
                for (var i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(i * sizeof(float)), values[start + i]);
                }
            },
            cancellationToken);

    public static Task WriteInt64Async(string path, long[] values, CancellationToken cancellationToken) =>
        WriteAsync(path, "<i8", Shape([values.Length]), values.Length, sizeof(long),
            (chunk, start, count) =>
            {
                for (var i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(chunk.AsSpan(i * sizeof(long)), values[start + i]);
                }
            },
            cancellationToken);

    /// <summary>A Python tuple: "(5,)" or "(5, 3)".</summary>
    private static string Shape(int[] shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";

    /// <summary>The header bytes: magic, version 1.0, length, and the padded dict.</summary>
    internal static byte[] Header(string descr, string shape)
    {
        var dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
        var unpadded = PreambleLength + dict.Length + 1;
        var padded = (unpadded + Alignment - 1) / Alignment * Alignment;
        var text = dict + new string(' ', padded - unpadded) + "\n";
        var header = new byte[padded];
        header[0] = 0x93;
        "NUMPY"u8.CopyTo(header.AsSpan(1));
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), checked((ushort)text.Length));
        Encoding.ASCII.GetBytes(text, header.AsSpan(PreambleLength));
        return header;
    }

    /// <summary>Writes the header, then the values in little-endian chunks (<paramref name="fill"/> encodes a range into a chunk).</summary>
    private static async Task WriteAsync(string path, string descr, string shape, int count, int size, Action<byte[], int, int> fill, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        await using var _ = file.ConfigureAwait(false);
        await file.WriteAsync(Header(descr, shape), cancellationToken).ConfigureAwait(false);
        var chunk = new byte[ChunkBytes];
        for (var start = 0; start < count; start += ChunkBytes / size)
        {
            var take = Math.Min(ChunkBytes / size, count - start);
            fill(chunk, start, take);
            await file.WriteAsync(chunk.AsMemory(0, take * size), cancellationToken).ConfigureAwait(false);
        }
    }
}
