namespace Workflows.Orchestrations.Onnx;

/// <summary>A Run output copied into a managed array, with its shape (row-major, C order).</summary>
public sealed record OnnxTensor(string Name, OnnxElementType ElementType, IReadOnlyList<long> Shape, Array Data)
{
    /// <summary>The data as <typeparamref name="T"/>[] (the array itself, not a copy).</summary>
    /// <exception cref="InvalidCastException">The tensor holds another element type.</exception>
    public T[] As<T>()
        where T : unmanaged =>
        Data as T[] ?? throw new InvalidCastException($"Output '{Name}' holds {ElementType} elements ({Data.GetType().GetElementType()!.Name}), not {typeof(T).Name}.");
}
