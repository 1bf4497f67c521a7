using System.Text.Json;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Onnx;
using Workflows.Orchestrations.Pipelines;
using Workflows.Testing;

namespace Workflows.GpuWorker.Tests.Trainers;

/// <summary>
/// The platform's Evaluation, run on a trainer's test_predictions.npy and the export's y_test.npy, gives the test
/// metrics the trainer wrote in metrics.json: the evaluate stage and the trainer report the same numbers for the same
/// split. The shared runs of <see cref="SampleTraining"/> cover binary (breast-cancer), multiclass (digits) and
/// regression (diabetes).
/// </summary>
public sealed class PlatformMetricsTests(SampleTraining samples)
{
    /// <summary>
    /// The acceptance bound is 1e-4; on the trainer's own float64 predictions both sides compute the same sums, so a far
    /// tighter bound holds and catches a definition that drifts by less than 1e-4.
    /// </summary>
    private const double Tolerance = 1e-9;

    /// <summary>The bound for the evaluate stage's path: the ONNX model in float32 through ONNX Runtime.</summary>
    private const double OnnxTolerance = 1e-4;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Theory]
    [InlineData(SampleTraining.BreastCancer)]
    [InlineData(SampleTraining.Digits)]
    [InlineData(SampleTraining.Diabetes)]
    public async Task Platform_metrics_of_the_test_predictions_agree_with_the_trainers_metrics_json(string pipeline)
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(3));
        var run = (await samples.TrainedAsync(pipeline, timeout.Token)).AssertCompleted();
        var export = samples.Export(pipeline);
        var manifest = JsonSerializer.Deserialize<ExportManifest>(await File.ReadAllTextAsync(Path.Combine(export, ExportManifest.FileName), timeout.Token), Json)!;
        var truthFile = Path.Combine(export, manifest.Files.YTest);

        var predictions = await NpyReader.ReadAsync<double>(Path.Combine(run.OutDirectory, "test_predictions.npy"), timeout.Token);
        var report = manifest.Task == ModelTask.Classification
            ? ClassificationMetrics.Compute((await NpyReader.ReadAsync<long>(truthFile, timeout.Token)).Values, predictions.Values, manifest.ClassLabels!)
            : RegressionMetrics.Compute((await NpyReader.ReadAsDoublesAsync(truthFile, timeout.Token)).Values, predictions.Values);

        var trainer = run.ReadJson("metrics.json").GetProperty("test");
        Assert.Equal(manifest.Rows.Test, report.Rows);
        Assert.Equal(manifest.Task == ModelTask.Classification ? [report.Rows, manifest.ClassLabels!.Count] : [report.Rows], predictions.Shape);
        AssertAgrees(report, trainer, Tolerance);
    }

    /// <summary>
    /// What the evaluate stage does: the exported model.onnx scored on X_test through our ONNX Runtime binding, then
    /// the platform's metrics, agree with the trainer's own test metrics within 1e-4.
    /// </summary>
    [Theory]
    [InlineData(SampleTraining.BreastCancer)]
    [InlineData(SampleTraining.Digits)]
    [InlineData(SampleTraining.Diabetes)]
    public async Task The_evaluate_stages_metrics_through_onnx_runtime_agree_with_the_trainers_within_1e_4(string pipeline)
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(3));
        var run = (await samples.TrainedAsync(pipeline, timeout.Token)).AssertCompleted();
        var export = samples.Export(pipeline);
        var manifest = JsonSerializer.Deserialize<ExportManifest>(await File.ReadAllTextAsync(Path.Combine(export, ExportManifest.FileName), timeout.Token), Json)!;
        using var runtime = OnnxRuntime.Load();

        var x = await NpyReader.ReadAsync<float>(Path.Combine(export, manifest.Files.XTest), timeout.Token);
        var scores = new ModelScorer(runtime).Score(Path.Combine(run.OutDirectory, "model.onnx"), manifest, x);
        var report = ModelScorer.Evaluate(manifest, scores, await NpyReader.ReadAsDoublesAsync(Path.Combine(export, manifest.Files.YTest), timeout.Token));

        AssertAgrees(report, run.ReadJson("metrics.json").GetProperty("test"), OnnxTolerance);
    }

    private static void AssertAgrees(EvaluationReport report, JsonElement trainer, double tolerance)
    {
        foreach (var (name, ours) in report.Metrics)
        {
            AssertAgree(name, ours, trainer.GetProperty(name), tolerance);
        }

        if (report.Task == ModelTask.Classification)
        {
            AssertSameTables(report, trainer, tolerance);
        }
    }

    private static void AssertSameTables(EvaluationReport report, JsonElement trainer, double tolerance)
    {
        var perClass = trainer.GetProperty("per_class");
        Assert.Equal(perClass.EnumerateObject().Select(p => p.Name), report.PerClass!.Select(c => c.Label));
        foreach (var row in report.PerClass!)
        {
            var expected = perClass.GetProperty(row.Label);
            AssertAgree($"{row.Label} precision", row.Precision, expected.GetProperty("precision"), tolerance);
            AssertAgree($"{row.Label} recall", row.Recall, expected.GetProperty("recall"), tolerance);
            AssertAgree($"{row.Label} f1", row.F1, expected.GetProperty("f1"), tolerance);
            Assert.Equal(expected.GetProperty("support").GetInt64(), row.Support);
        }

        Assert.Equal(trainer.GetProperty("confusion_matrix").Deserialize<long[][]>(), report.ConfusionMatrix);
    }

    /// <summary>The trainer writes an undefined metric (NaN) as null, as the report does.</summary>
    private static void AssertAgree(string name, double? ours, JsonElement trainer, double tolerance)
    {
        if (trainer.ValueKind == JsonValueKind.Null)
        {
            Assert.True(ours is null, $"{name}: the trainer's is undefined, ours {ours}");
            return;
        }

        Assert.True(ours is { } value && Math.Abs(value - trainer.GetDouble()) <= tolerance, $"{name}: ours {ours:R}, the trainer's {trainer.GetDouble():R}");
    }
}
