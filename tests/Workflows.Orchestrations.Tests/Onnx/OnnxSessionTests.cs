using Workflows.Orchestrations.Onnx;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Onnx;

public sealed class OnnxSessionTests
{
    private static readonly float[] Weights = [0.5f, -1f, 0.25f, 1.5f, 0.1f, -0.3f, -0.7f, 0.2f, 0.9f, 0.05f, 0.6f, -0.4f];
    private static readonly float[] Bias = [0.1f, -0.2f, 0.3f];

    private static OnnxRuntime Runtime => TestOnnx.Runtime;

    [Fact]
    public void Metadata_gives_names_element_types_and_shapes_with_dynamic_dimensions_as_minus_one_and_their_names()
    {
        using var session = Runtime.CreateSession(OnnxModels.Doubler());

        Assert.Equal(["x", "ids"], session.Inputs.Select(i => i.Name));
        Assert.Equal(["x2", "ids2"], session.Outputs.Select(o => o.Name));
        var x = session.Inputs[0];
        Assert.Equal((OnnxValueKind.Tensor, OnnxElementType.Double), (x.Kind, x.ElementType));
        Assert.Equal([-1L, 2L], x.Shape);
        Assert.Equal(["batch", null], x.DimensionNames);
        Assert.Equal(OnnxElementType.Int64, session.Inputs[1].ElementType);
        Assert.Equal([-1L], session.Inputs[1].Shape);
        Assert.Equal("x: Double[batch, 2]", x.ToString());
        Assert.Equal(OnnxRuntime.CpuProvider, session.ExecutionProvider);
    }

    [Fact]
    public void Add_gives_the_sums()
    {
        using var session = Runtime.CreateSession(OnnxModels.Add());
        using var a = Runtime.CreateTensor(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        using var b = Runtime.CreateTensor(new float[] { 10, 20, 30, 40, 50, 60 }, 2, 3);

        var c = Assert.Single(session.Run(("a", a), ("b", b)));

        Assert.Equal(("c", OnnxElementType.Float), (c.Name, c.ElementType));
        Assert.Equal([2L, 3L], c.Shape);
        Assert.Equal([11f, 22f, 33f, 44f, 55f, 66f], c.As<float>());
    }

    [Fact]
    public void MatMul_Add_Softmax_gives_the_probabilities_computed_by_hand()
    {
        using var session = Runtime.CreateSession(OnnxModels.Classifier(Weights, Bias));
        float[] input = [1, 2, 3, 4, -1, 0.5f, 2, -3, 0, 0, 0, 0];
        using var x = Runtime.CreateTensor(input, 3, 4);

        var probabilities = session.Run(("input", x))[0].As<float>();

        var expected = Softmax(input, 3);
        Assert.Equal(expected.Length, probabilities.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], probabilities[i], 1e-6);
        }
    }

    [Fact]
    public void Float64_and_int64_tensors_run_and_come_back_in_their_own_types()
    {
        using var session = Runtime.CreateSession(OnnxModels.Doubler());
        using var x = Runtime.CreateTensor(new[] { 0.5, -1.25, 3e100, 1e-300 }, 2, 2);
        using var ids = Runtime.CreateTensor(new[] { long.MaxValue / 2, -7L }, 2);

        var outputs = session.Run(("x", x), ("ids", ids));

        Assert.Equal([1.0, -2.5, 6e100, 2e-300], outputs[0].As<double>());
        Assert.Equal([long.MaxValue - 1, -14L], outputs[1].As<long>());
        Assert.Throws<InvalidCastException>(() => outputs[1].As<float>());
    }

    [Fact]
    public void A_session_from_a_file_equals_one_from_bytes()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("classifier.onnx");
        File.WriteAllBytes(path, OnnxModels.Classifier(Weights, Bias));
        using var fromFile = Runtime.CreateSession(path);
        using var fromBytes = Runtime.CreateSession(File.ReadAllBytes(path));
        using var x = Runtime.CreateTensor(new float[] { 1, 2, 3, 4 }, 1, 4);

        Assert.Equal(fromBytes.Inputs, fromFile.Inputs, (l, r) => l.ToString() == r.ToString());
        Assert.Equal(fromBytes.Run(("input", x))[0].As<float>(), fromFile.Run(("input", x))[0].As<float>());
    }

    [Fact]
    public void Random_bytes_are_refused_with_ORTs_protobuf_error()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);

        var error = Assert.Throws<OnnxRuntimeException>(() => Runtime.CreateSession(garbage));

        Assert.Equal(OrtErrorCode.InvalidProtobuf, error.ErrorCode);
        Assert.Contains("protobuf parsing failed", error.OrtMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_truncated_model_file_is_refused_with_ORTs_error()
    {
        using var temp = new TempDirectory();
        var model = OnnxModels.Classifier(Weights, Bias);
        var path = temp.Combine("truncated.onnx");
        File.WriteAllBytes(path, model[..(model.Length * 2 / 3)]);

        var error = Assert.Throws<OnnxRuntimeException>(() => Runtime.CreateSession(path));

        Assert.Equal(OrtErrorCode.InvalidProtobuf, error.ErrorCode);
        Assert.Contains(path, error.OrtMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_model_file_is_ORTs_NoSuchFile()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => Runtime.CreateSession("/nowhere/model.onnx"));

        Assert.Equal(OrtErrorCode.NoSuchFile, error.ErrorCode);
        Assert.Contains("/nowhere/model.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CUDA_requested_on_a_CPU_only_build_falls_back_to_the_CPU_with_a_warning()
    {
        var logger = new ListLogger<OnnxRuntime>();
        using var runtime = OnnxRuntime.Load(logger: logger);

        using var session = runtime.CreateSession(OnnxModels.Add(), new OnnxSessionOptions { ExecutionProvider = OnnxExecutionProvider.Cuda, IntraOpThreads = 1 });

        Assert.Equal(OnnxRuntime.CpuProvider, session.ExecutionProvider);
        var warning = Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Contains("CUDA was requested", warning.Message, StringComparison.Ordinal);
        Assert.Contains("running on the CPU", warning.Message, StringComparison.Ordinal);
        using var a = runtime.CreateTensor(new float[] { 1, 2, 3 }, 1, 3);
        Assert.Equal([2f, 4f, 6f], session.Run(("a", a), ("b", a))[0].As<float>());
    }

    [Fact]
    public void Session_options_for_threads_and_optimization_are_accepted()
    {
        using var session = Runtime.CreateSession(OnnxModels.Classifier(Weights, Bias), new OnnxSessionOptions
        {
            IntraOpThreads = 2,
            InterOpThreads = 1,
            AllowSpinning = true,
            GraphOptimization = OnnxGraphOptimization.Disabled,
        });
        using var x = Runtime.CreateTensor(new float[] { 1, 2, 3, 4 }, 1, 4);

        Assert.Equal(1f, session.Run(("input", x))[0].As<float>().Sum(), 1e-6);
    }

    /// <summary>softmax(x · W + B) row by row, in double.</summary>
    internal static float[] Softmax(float[] input, int rows)
    {
        var result = new float[rows * 3];
        for (var r = 0; r < rows; r++)
        {
            var logits = new double[3];
            for (var c = 0; c < 3; c++)
            {
                logits[c] = Bias[c];
                for (var k = 0; k < 4; k++)
                {
                    logits[c] += input[(r * 4) + k] * Weights[(k * 3) + c];
                }
            }

            var max = logits.Max();
            var sum = logits.Sum(l => Math.Exp(l - max));
            for (var c = 0; c < 3; c++)
            {
                result[(r * 3) + c] = (float)(Math.Exp(logits[c] - max) / sum);
            }
        }

        return result;
    }

    internal static byte[] Classifier() => OnnxModels.Classifier(Weights, Bias);
}
