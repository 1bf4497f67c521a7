using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Reads the NumPy .npy files trainers write (and <see cref="NpyWriter"/> writes): float32, float64 and int64,
/// little-endian, C order, format versions 1 to 3. Anything else is refused with the file and the reason, rather
/// than read wrong.
/// </summary>
internal static partial class NpyReader
{
    /// <summary>An array read from a .npy file: its shape and its values in C order.</summary>
    public sealed record NpyArray(IReadOnlyList<long> Shape, Array Data)
    {
        /// <summary>The values as <typeparamref name="T"/>[] (the array itself).</summary>
        public T[] As<T>() => Data as T[] ?? throw new InvalidCastException($"The array holds {Data.GetType().GetElementType()!.Name}, not {typeof(T).Name}.");
    }

    public static NpyArray Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || !bytes.AsSpan(1, 5).SequenceEqual("NUMPY"u8))
        {
            throw Invalid(path, "it does not start with the .npy magic string");
        }

        var (headerLength, headerStart) = bytes[6] switch
        {
            1 => ((int)BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)), 10),
            2 or 3 when bytes.Length >= 12 => (checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8))), 12),
            _ => throw Invalid(path, $"format version {bytes[6]}.{bytes[7]} is not 1.0, 2.0 or 3.0"),
        };
        if (headerStart + headerLength > bytes.Length)
        {
            throw Invalid(path, "the header runs past the end of the file");
        }

        var header = Encoding.Latin1.GetString(bytes, headerStart, headerLength);
        var match = HeaderPattern().Match(header);
        if (!match.Success)
        {
            throw Invalid(path, $"its header is not a dict with descr, fortran_order and shape: {header.Trim()}");
        }

        if (match.Groups["fortran"].Value != "False")
        {
            throw Invalid(path, "it is in Fortran order; only C order is read");
        }

        var shape = match.Groups["shape"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.Parse(d, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        var count = checked((int)shape.Aggregate(1L, (a, d) => a * d));
        var data = bytes.AsSpan(headerStart + headerLength);
        Array values = match.Groups["descr"].Value switch
        {
            "<f4" => Values<float>(path, data, count),
            "<f8" => Values<double>(path, data, count),
            "<i8" => Values<long>(path, data, count),
            var other => throw Invalid(path, $"its element type '{other}' is not one of '<f4' (float32), '<f8' (float64), '<i8' (int64)"),
        };
        return new NpyArray(shape, values);
    }

    private static T[] Values<T>(string path, ReadOnlySpan<byte> data, int count)
        where T : unmanaged
    {
        var size = Marshal.SizeOf<T>();
        if (data.Length != (long)count * size)
        {
            throw Invalid(path, $"the shape needs {(long)count * size} bytes of data and the file has {data.Length}");
        }

        // .npy data here is little-endian, as is every platform this runs on.
        return MemoryMarshal.Cast<byte, T>(data).ToArray();
    }

    private static InvalidDataException Invalid(string path, string reason) => new($"{path} cannot be read as .npy: {reason}.");

    [GeneratedRegex(@"^\{\s*'descr':\s*'(?<descr>[^']*)',\s*'fortran_order':\s*(?<fortran>True|False),\s*'shape':\s*\((?<shape>[\d,\s]*)\),?\s*\}\s*$")]
    private static partial Regex HeaderPattern();
}
