using System.Runtime.InteropServices;

namespace Workflows.Orchestrations.Tests.Onnx;

/// <summary>
/// Tiny ONNX models written by hand with <see cref="ProtoWriter"/>, following onnx.proto's field numbers:
/// ModelProto {ir_version 1, graph 7, opset_import 8}, GraphProto {node 1, name 2, initializer 5, input 11, output 12},
/// NodeProto {input 1, output 2, name 3, op_type 4, attribute 5}, AttributeProto {name 1, i 3, type 20},
/// ValueInfoProto {name 1, type 2}, TypeProto {tensor_type 1}, TypeProto.Tensor {elem_type 1, shape 2},
/// TensorShapeProto {dim 1}, Dimension {dim_value 1, dim_param 2}, TensorProto {dims 1, data_type 2, name 8, raw_data 9}.
/// </summary>
public static class OnnxModels
{
    public const int Float = 1;
    public const int Int64 = 7;
    public const int Double = 11;

    /// <summary>c = a + b over float [batch, 3].</summary>
    public static byte[] Add() => Model(
        [Node("Add", ["a", "b"], ["c"])],
        [Value("a", Float, "batch", 3), Value("b", Float, "batch", 3)],
        [Value("c", Float, "batch", 3)]);

    /// <summary>probabilities = softmax(input · W + B) over float [batch, 4] → [batch, 3], with W and B as initializers.</summary>
    public static byte[] Classifier(float[] weights, float[] bias) => Model(
        [Node("MatMul", ["input", "W"], ["logits_raw"]), Node("Add", ["logits_raw", "B"], ["logits"]), Node("Softmax", ["logits"], ["probabilities"], IntAttribute("axis", 1))],
        [Value("input", Float, "batch", 4)],
        [Value("probabilities", Float, "batch", 3)],
        [FloatTensor("W", [4, 3], weights), FloatTensor("B", [3], bias)]);

    /// <summary>Each input added to itself: x float64 [batch, 2] → x2, ids int64 [batch] → ids2.</summary>
    public static byte[] Doubler() => Model(
        [Node("Add", ["x", "x"], ["x2"]), Node("Add", ["ids", "ids"], ["ids2"])],
        [Value("x", Double, "batch", 2), Value("ids", Int64, "batch")],
        [Value("x2", Double, "batch", 2), Value("ids2", Int64, "batch")]);

    public static byte[] Model(ProtoWriter[] nodes, ProtoWriter[] inputs, ProtoWriter[] outputs, ProtoWriter[]? initializers = null, int opset = 13)
    {
        var graph = new ProtoWriter();
        foreach (var node in nodes)
        {
            graph.Message(1, node);
        }

        graph.String(2, "test");
        foreach (var initializer in initializers ?? [])
        {
            graph.Message(5, initializer);
        }

        foreach (var input in inputs)
        {
            graph.Message(11, input);
        }

        foreach (var output in outputs)
        {
            graph.Message(12, output);
        }

        return new ProtoWriter()
            .Varint(1, 8)
            .String(2, "workflows-tests")
            .Message(7, graph)
            .Message(8, new ProtoWriter().String(1, "").Varint(2, opset))
            .ToArray();
    }

    public static ProtoWriter Node(string op, string[] inputs, string[] outputs, params ProtoWriter[] attributes)
    {
        var node = new ProtoWriter();
        foreach (var input in inputs)
        {
            node.String(1, input);
        }

        foreach (var output in outputs)
        {
            node.String(2, output);
        }

        node.String(3, op + "_" + outputs[0]).String(4, op);
        foreach (var attribute in attributes)
        {
            node.Message(5, attribute);
        }

        return node;
    }

    /// <summary>An INT attribute (AttributeType 2).</summary>
    public static ProtoWriter IntAttribute(string name, long value) => new ProtoWriter().String(1, name).Varint(3, value).Varint(20, 2);

    /// <summary>A tensor input or output; each dimension a size (int) or a symbolic name (string).</summary>
    public static ProtoWriter Value(string name, int elementType, params object[] dims)
    {
        var shape = new ProtoWriter();
        foreach (var dim in dims)
        {
            shape.Message(1, dim is string symbol ? new ProtoWriter().String(2, symbol) : new ProtoWriter().Varint(1, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture)));
        }

        var tensorType = new ProtoWriter().Varint(1, elementType).Message(2, shape);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensorType));
    }

    public static ProtoWriter FloatTensor(string name, long[] dims, float[] values)
    {
        var tensor = new ProtoWriter();
        foreach (var dim in dims)
        {
            tensor.Varint(1, dim);
        }

        return tensor.Varint(2, Float).String(8, name).Bytes(9, MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
