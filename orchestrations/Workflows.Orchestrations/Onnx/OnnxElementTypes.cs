namespace Workflows.Orchestrations.Onnx;

/// <summary>The managed type of each element type this binding reads and writes, and back.</summary>
internal static class OnnxElementTypes
{
    /// <summary>The element type of <typeparamref name="T"/>; the JIT folds the chain to a constant per instantiation.</summary>
    public static OnnxElementType Of<T>()
        where T : unmanaged =>
        typeof(T) == typeof(float) ? OnnxElementType.Float
        : typeof(T) == typeof(double) ? OnnxElementType.Double
        : typeof(T) == typeof(long) ? OnnxElementType.Int64
        : typeof(T) == typeof(int) ? OnnxElementType.Int32
        : typeof(T) == typeof(byte) ? OnnxElementType.UInt8
        : typeof(T) == typeof(sbyte) ? OnnxElementType.Int8
        : typeof(T) == typeof(short) ? OnnxElementType.Int16
        : typeof(T) == typeof(ushort) ? OnnxElementType.UInt16
        : typeof(T) == typeof(uint) ? OnnxElementType.UInt32
        : typeof(T) == typeof(ulong) ? OnnxElementType.UInt64
        : typeof(T) == typeof(bool) ? OnnxElementType.Bool
        : typeof(T) == typeof(Half) ? OnnxElementType.Float16
        : throw new NotSupportedException($"{typeof(T).Name} has no ONNX tensor element type in this binding.");

    /// <summary>A managed array of <paramref name="count"/> elements of <paramref name="type"/> copied from <paramref name="data"/>.</summary>
    public static unsafe Array Copy(OnnxElementType type, void* data, int count) => type switch
    {
        OnnxElementType.Float => new ReadOnlySpan<float>(data, count).ToArray(),
        OnnxElementType.Double => new ReadOnlySpan<double>(data, count).ToArray(),
        OnnxElementType.Int64 => new ReadOnlySpan<long>(data, count).ToArray(),
        OnnxElementType.Int32 => new ReadOnlySpan<int>(data, count).ToArray(),
        OnnxElementType.UInt8 => new ReadOnlySpan<byte>(data, count).ToArray(),
        OnnxElementType.Int8 => new ReadOnlySpan<sbyte>(data, count).ToArray(),
        OnnxElementType.Int16 => new ReadOnlySpan<short>(data, count).ToArray(),
        OnnxElementType.UInt16 => new ReadOnlySpan<ushort>(data, count).ToArray(),
        OnnxElementType.UInt32 => new ReadOnlySpan<uint>(data, count).ToArray(),
        OnnxElementType.UInt64 => new ReadOnlySpan<ulong>(data, count).ToArray(),
        OnnxElementType.Bool => new ReadOnlySpan<bool>(data, count).ToArray(),
        OnnxElementType.Float16 => new ReadOnlySpan<Half>(data, count).ToArray(),
        _ => throw new NotSupportedException($"Reading {type} tensors into managed arrays is not supported by this binding."),
    };
}
