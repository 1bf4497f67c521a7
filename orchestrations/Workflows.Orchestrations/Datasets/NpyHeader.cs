using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// A parsed .npy header: the element type, the shape and where the data starts. Versions 1.0 (uint16 header length)
/// and 2.0 (uint32) are read; 3.0 only differs by a UTF-8 header, which NumPy writes for structured field names we
/// do not read anyway.
/// </summary>
internal sealed partial record NpyHeader(string Descr, int[] Shape, long DataOffset)
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The number of values: the product of the shape (1 for a 0-d array).</summary>
    public long Count
    {
        get
        {
            long count = 1;
            foreach (var length in Shape)
            {
                count = checked(count * length);
            }

            return count;
        }
    }

    /// <summary>Reads and parses the header at the start of <paramref name="file"/>, leaving it positioned at the data.</summary>
    public static async Task<NpyHeader> ReadAsync(Stream file, string path, CancellationToken cancellationToken)
    {
        var preamble = new byte[12];
        var read = await file.ReadAtLeastAsync(preamble.AsMemory(0, 8), 8, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < 8 || !preamble.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw Invalid(path, "is not a NumPy .npy file (no \\x93NUMPY magic)");
        }

        var major = preamble[6];
        if (major is not (1 or 2))
        {
            throw Invalid(path, $"uses .npy format version {major}.{preamble[7]}, which is not supported (1.0 and 2.0 are)");
        }

        var lengthBytes = major == 1 ? 2 : 4;
        await ReadExactlyAsync(file, preamble.AsMemory(8, lengthBytes), path, "header length", cancellationToken).ConfigureAwait(false);
        var length = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(preamble.AsSpan(8)) : BinaryPrimitives.ReadUInt32LittleEndian(preamble.AsSpan(8));
        if (length > 1 << 20)
        {
            throw Invalid(path, $"declares a {length}-byte header, far beyond any array's");
        }

        var text = new byte[length];
        await ReadExactlyAsync(file, text, path, "header", cancellationToken).ConfigureAwait(false);
        return Parse(Encoding.Latin1.GetString(text), path, 8 + lengthBytes + length);
    }

    /// <summary>Reads exactly <paramref name="buffer"/>'s length, or says which part of the file ended early.</summary>
    public static async Task ReadExactlyAsync(Stream file, Memory<byte> buffer, string path, string what, CancellationToken cancellationToken)
    {
        var read = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < buffer.Length)
        {
            throw Invalid(path, $"ends inside its {what}");
        }
    }

    public static InvalidDataException Invalid(string path, string problem) => new($"{path} {problem}.");

    /// <summary>The header is a Python dict literal: <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 2), }</c>.</summary>
    private static NpyHeader Parse(string dict, string path, long dataOffset)
    {
        if (DescrPattern().Match(dict) is not { Success: true } descr)
        {
            throw Invalid(path, $"has a header without a simple 'descr' (structured arrays are not supported): {dict.Trim()}");
        }

        if (FortranPattern().Match(dict) is not { Success: true } fortran)
        {
            throw Invalid(path, $"has a header without 'fortran_order': {dict.Trim()}");
        }

        if (fortran.Groups[1].Value == "True")
        {
            throw Invalid(path, "is in Fortran (column-major) order, which is not supported (save it C-contiguous)");
        }

        if (ShapePattern().Match(dict) is not { Success: true } shape)
        {
            throw Invalid(path, $"has a header without a 'shape' tuple: {dict.Trim()}");
        }

        var axes = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var lengths = new int[axes.Length];
        for (var i = 0; i < axes.Length; i++)
        {
            if (!int.TryParse(axes[i].TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out lengths[i]))
            {
                throw Invalid(path, $"has a shape axis '{axes[i]}' that is not a length below 2^31");
            }
        }

        return new NpyHeader(descr.Groups[1].Value, lengths, dataOffset);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
