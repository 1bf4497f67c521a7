using System.Diagnostics;
using System.Text.Json;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Onnx;

/// <summary>
/// A model a real trainer produced, run through the binding: the reference mlp trainer (PyTorch, on the CPU) trained
/// briefly on the platform's own export of the breast-cancer data, as a pipeline run would hand it over.
/// </summary>
public sealed class OnnxTrainedModelTests
{
    [Fact]
    public async Task The_mlp_trainers_model_gives_the_trainers_own_test_predictions_within_1e_5()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(4));
        using var temp = new TempDirectory();
        var export = await ExportBreastCancerAsync(temp, timeout.Token);
        var outDirectory = Directory.CreateDirectory(temp.Combine("out")).FullName;
        await TrainAsync(export, outDirectory, temp.Combine("job.json"), timeout.Token);

        var features = await NpyReader.ReadAsync<float>(Path.Combine(export, ExportFiles.Default.XTest), timeout.Token);
        var expected = await NpyReader.ReadAsync<double>(Path.Combine(outDirectory, "test_predictions.npy"), timeout.Token);
        using var session = TestOnnx.Runtime.CreateSession(Path.Combine(outDirectory, "model.onnx"));
        using var input = TestOnnx.Runtime.CreateTensor(features.Values, [.. features.Shape.Select(d => (long)d)]);
        var probabilities = session.Run(("input", input))[0];

        Assert.Equal(["input"], session.Inputs.Select(i => i.Name));
        Assert.Equal(-1, session.Inputs[0].Shape[0]);
        Assert.Equal(30, session.Inputs[0].Shape[1]);
        Assert.Equal("probabilities", probabilities.Name);
        Assert.Equal(expected.Shape.Select(d => (long)d), probabilities.Shape);
        Assert.True(features.Shape[0] > 50, $"only {features.Shape[0]} test rows");
        var got = probabilities.As<float>();
        var want = expected.Values;
        var worst = got.Zip(want).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst <= 1e-5, $"the largest difference from test_predictions.npy is {worst}");
    }

    private static async Task<string> ExportBreastCancerAsync(TempDirectory temp, CancellationToken cancellationToken)
    {
        var pipeline = PipelineCatalog.Load(RepositoryPaths.Pipelines).Find("breast-cancer")!;
        var source = Path.Combine(RepositoryPaths.Pipelines, "data", "breast_cancer.csv");
        var canonical = temp.Combine("canonical.csv");
        var inspection = await DatasetInspector.InspectAsync(source, pipeline.Dataset, pipeline.Validation, null, canonical, cancellationToken);
        Assert.True(inspection.Passed, inspection.Report.ToText());
        var export = temp.Combine("export");
        await DatasetExporter.ExportAsync(canonical, inspection.Schema!, pipeline.Dataset, pipeline.Split, export, cancellationToken);
        return export;
    }

    /// <summary>Runs the mlp trainer as the worker does (<c>--job --data --out</c>): a few epochs, one thread, seeded.</summary>
    private static async Task TrainAsync(string export, string outDirectory, string jobFile, CancellationToken cancellationToken)
    {
        var job = new
        {
            jobId = "onnx-binding-test",
            trainer = "mlp",
            task = "classification",
            seed = 42,
            threads = 1,
            device = "cpu",
            checkpointEvery = 0,
            primaryMetric = "f1_macro",
            hyperparameters = new { epochs = 8, hiddenLayers = new[] { 32, 16 }, learningRate = 0.003 },
        };
        await File.WriteAllTextAsync(jobFile, JsonSerializer.Serialize(job), cancellationToken);
        var script = Path.Combine(RepositoryPaths.Root, "gpu-worker", "trainers", "mlp.py");
        var start = new ProcessStartInfo(TestPython.With("numpy", "torch"), [script, "--job", jobFile, "--data", export, "--out", outDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var trainer = Process.Start(start)!;
        try
        {
            var stdout = trainer.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = trainer.StandardError.ReadToEndAsync(cancellationToken);
            await trainer.WaitForExitAsync(cancellationToken);
            Assert.True(trainer.ExitCode == 0, $"the trainer exited with {trainer.ExitCode}:\n{await stdout}\n{await stderr}");
        }
        finally
        {
            if (!trainer.HasExited)
            {
                trainer.Kill(entireProcessTree: true);
            }
        }
    }
}
