using Workflows.Orchestrations.Onnx;

namespace Workflows.Orchestrations.Tests.Onnx;

public sealed class OnnxRunTests
{
    private static OnnxRuntime Runtime => TestOnnx.Runtime;

    [Fact]
    public void A_wrong_input_shape_is_ORTs_error_and_the_session_still_works_after()
    {
        using var session = Runtime.CreateSession(OnnxModels.Add());
        using var wide = Runtime.CreateTensor(new float[8], 2, 4);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(("a", wide), ("b", wide)));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("invalid dimensions for input: a", error.OrtMessage, StringComparison.Ordinal);
        AssertAddWorks(session);
    }

    [Fact]
    public void A_wrong_element_type_is_ORTs_error_and_the_session_still_works_after()
    {
        using var session = Runtime.CreateSession(OnnxModels.Add());
        using var doubles = Runtime.CreateTensor(new double[3], 1, 3);
        using var floats = Runtime.CreateTensor(new float[3], 1, 3);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(("a", floats), ("b", doubles)));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("Unexpected input data type", error.OrtMessage, StringComparison.Ordinal);
        Assert.Contains("tensor(double)", error.OrtMessage, StringComparison.Ordinal);
        AssertAddWorks(session);
    }

    [Fact]
    public void An_unknown_input_name_is_refused_naming_it_and_the_models_inputs()
    {
        using var session = Runtime.CreateSession(OnnxModels.Add());
        using var a = Runtime.CreateTensor(new float[3], 1, 3);

        var error = Assert.Throws<ArgumentException>(() => session.Run(("a", a), ("bee", a)));

        Assert.Contains("no input named 'bee'", error.Message, StringComparison.Ordinal);
        Assert.Contains("a: Float[batch, 3], b: Float[batch, 3]", error.Message, StringComparison.Ordinal);
        AssertAddWorks(session);
    }

    [Fact]
    public void A_missing_input_is_ORTs_error()
    {
        using var session = Runtime.CreateSession(OnnxModels.Add());
        using var a = Runtime.CreateTensor(new float[3], 1, 3);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(("a", a)));

        Assert.Contains("b", error.OrtMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_buffer_smaller_than_its_shape_is_refused_when_the_tensor_is_made()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => Runtime.CreateTensor(new float[5], 2, 3));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("not enough space", error.OrtMessage, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Runtime.CreateTensor(new float[5], -1, 5));
    }

    [Fact]
    public void Pre_allocated_outputs_are_written_in_place()
    {
        using var session = Runtime.CreateSession(OnnxModels.Add());
        var a = new float[] { 1, 2, 3, 4, 5, 6 };
        var b = new float[] { 0.5f, 0.5f, 0.5f, 1, 1, 1 };
        var c = new float[6];
        using var aValue = Runtime.CreateTensor(a, 2, 3);
        using var bValue = Runtime.CreateTensor(b, 2, 3);
        using var cValue = Runtime.CreateTensor(c, 2, 3);

        session.Run([aValue, bValue], [cValue]);
        Assert.Equal([1.5f, 2.5f, 3.5f, 5, 6, 7], c);

        // The same values again over changed inputs: the buffers are live, nothing was copied at creation.
        a[0] = 100;
        session.Run([("b", bValue), ("a", aValue)], [("c", cValue)]);
        Assert.Equal(100.5f, c[0]);
    }

    [Fact]
    public void A_pre_allocated_output_of_the_wrong_shape_is_ORTs_error()
    {
        using var session = Runtime.CreateSession(OnnxModels.Add());
        using var a = Runtime.CreateTensor(new float[6], 2, 3);
        using var c = Runtime.CreateTensor(new float[3], 1, 3);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([a, a], [c]));

        Assert.Contains("hape", error.OrtMessage, StringComparison.Ordinal);
        AssertAddWorks(session);
    }

    [Fact]
    public void The_positional_run_wants_every_input_and_output_in_order()
    {
        using var session = Runtime.CreateSession(OnnxModels.Add());
        using var a = Runtime.CreateTensor(new float[3], 1, 3);

        var error = Assert.Throws<ArgumentException>(() => session.Run([a], [a]));

        Assert.Contains("takes 2 inputs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_runs_on_one_session_from_several_threads_give_each_its_own_correct_result()
    {
        using var session = Runtime.CreateSession(OnnxSessionTests.Classifier(), new OnnxSessionOptions { IntraOpThreads = 1 });
        const int Threads = 8;
        const int RunsPerThread = 400;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, thread =>
        {
            var random = new Random(thread);
            var output = new float[6];
            for (var run = 0; run < RunsPerThread; run++)
            {
                var input = Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() * 4) - 2).ToArray();
                var expected = OnnxSessionTests.Softmax(input, 2);
                using var x = Runtime.CreateTensor(input, 2, 4);
                float[] got;
                if (run % 2 == 0)
                {
                    using var y = Runtime.CreateTensor(output, 2, 3);
                    session.Run([x], [y]);
                    got = output;
                }
                else
                {
                    got = session.Run(("input", x))[0].As<float>();
                }

                if (!got.Zip(expected).All(p => Math.Abs(p.First - p.Second) < 1e-6))
                {
                    failures.Add($"thread {thread} run {run}: [{string.Join(", ", got)}] != [{string.Join(", ", expected)}]");
                }
            }
        });

        Assert.Empty(failures);
    }

    [Fact]
    public void A_disposed_session_refuses_to_run()
    {
        var session = Runtime.CreateSession(OnnxModels.Add());
        using var a = Runtime.CreateTensor(new float[3], 1, 3);
        session.Dispose();

        Assert.Throws<ObjectDisposedException>(() => session.Run(("a", a), ("b", a)));
    }

    private static void AssertAddWorks(OnnxSession session)
    {
        using var a = Runtime.CreateTensor(new float[] { 1, 2, 3 }, 1, 3);
        using var b = Runtime.CreateTensor(new float[] { 4, 5, 6 }, 1, 3);
        Assert.Equal([5f, 7f, 9f], session.Run(("a", a), ("b", b))[0].As<float>());
    }
}
