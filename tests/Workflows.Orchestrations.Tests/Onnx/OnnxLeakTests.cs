using System.Diagnostics;
using Workflows.Orchestrations.Onnx;

namespace Workflows.Orchestrations.Tests.Onnx;

/// <summary>Runs alone, after the parallel tests, so no other test's allocations blur the process's memory.</summary>
[CollectionDefinition(nameof(OnnxLeakTests), DisableParallelization = true)]
public sealed class OnnxLeakCollection;

[Collection(nameof(OnnxLeakTests))]
public sealed class OnnxLeakTests
{
    [Fact]
    public void A_million_runs_leave_memory_where_it_was_after_warm_up()
    {
        var runtime = TestOnnx.Runtime;
        using var session = runtime.CreateSession(OnnxModels.Add(), new OnnxSessionOptions { IntraOpThreads = 1 });
        var a = new float[] { 1, 2, 3 };
        var b = new float[] { 4, 5, 6 };
        var c = new float[3];

        // Every run makes and frees all its native objects: three tensors over pinned arrays, and on every other run
        // the ORT-allocated output and its type-and-shape info.
        void RunOnce(int i)
        {
            using var x = runtime.CreateTensor(a, 1, 3);
            using var y = runtime.CreateTensor(b, 1, 3);
            if (i % 2 == 0)
            {
                using var z = runtime.CreateTensor(c, 1, 3);
                session.Run([x, y], [z]);
            }
            else
            {
                c = session.Run(("a", x), ("b", y))[0].As<float>();
            }
        }

        for (var i = 0; i < 50_000; i++)
        {
            RunOnce(i);
        }

        var (workingSet, privateBytes) = Measure();
        for (var i = 0; i < 1_000_000; i++)
        {
            RunOnce(i);
        }

        var (workingSetAfter, privateBytesAfter) = Measure();

        Assert.Equal([5f, 7f, 9f], c);
        const long Bound = 32L << 20;
        Assert.True(workingSetAfter - workingSet < Bound, $"working set grew {(workingSetAfter - workingSet) >> 20} MB over a million runs ({workingSet >> 20} MB → {workingSetAfter >> 20} MB)");
        Assert.True(privateBytesAfter - privateBytes < Bound, $"private bytes grew {(privateBytesAfter - privateBytes) >> 20} MB over a million runs ({privateBytes >> 20} MB → {privateBytesAfter >> 20} MB)");
    }

    private static (long WorkingSet, long PrivateBytes) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (process.WorkingSet64, process.PrivateMemorySize64);
    }
}
