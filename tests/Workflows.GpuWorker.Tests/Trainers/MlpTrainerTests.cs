using System.Text;
using System.Text.Json;
using Workflows.Testing;

namespace Workflows.GpuWorker.Tests.Trainers;

public sealed class MlpTrainerTests(SampleTraining samples)
{
    [Fact]
    public async Task Breast_cancer_mlp_passes_accuracy_0_95_on_the_test_split_and_exports_an_onnx_model_with_a_model_card()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(3));

        var run = (await samples.TrainedAsync(SampleTraining.BreastCancer, timeout.Token)).AssertCompleted();

        var metrics = run.ReadJson("metrics.json");
        Assert.True(metrics.GetProperty("test").GetProperty("accuracy").GetDouble() >= 0.95, metrics.GetProperty("test").GetRawText());
        Assert.Equal("f1_macro", metrics.GetProperty("primaryMetric").GetString());
        var card = run.ReadJson("model.json");
        Assert.Equal(("onnx", 13, "input"), (card.GetProperty("format").GetString(), card.GetProperty("opset").GetInt32(), card.GetProperty("inputName").GetString()));
        Assert.Equal(["probabilities"], card.GetProperty("outputNames").EnumerateArray().Select(name => name.GetString()));
        Assert.Equal(["benign", "malignant"], card.GetProperty("classLabels").EnumerateArray().Select(label => label.GetString()));
        Assert.Equal(30, card.GetProperty("featureCount").GetInt32());
        Assert.Equal("mean radius", card.GetProperty("featureNames")[0].GetString());
        Assert.Equal([64, 32], card.GetProperty("hyperparameters").GetProperty("hiddenLayers").EnumerateArray().Select(units => units.GetInt32()));
        Assert.Equal(0.9, card.GetProperty("hyperparameters").GetProperty("momentum").GetDouble()); // a default, filled in
        Assert.Equal(64, card.GetProperty("datasetSha256").GetString()!.Length);
        var onnx = await File.ReadAllBytesAsync(Path.Combine(run.OutDirectory, "model.onnx"), timeout.Token);
        Assert.Contains("probabilities", Encoding.Latin1.GetString(onnx), StringComparison.Ordinal); // graph names live in the protobuf as text
    }

    [Fact]
    public async Task The_model_card_metrics_and_events_agree_on_the_best_epoch_and_the_validation_metrics()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(3));

        var run = (await samples.TrainedAsync(SampleTraining.BreastCancer, timeout.Token)).AssertCompleted();

        var completed = run.Single("completed");
        var bestEpoch = completed.GetProperty("bestEpoch").GetInt32();
        var metrics = run.ReadJson("metrics.json");
        Assert.Equal(bestEpoch, metrics.GetProperty("best").GetProperty("epoch").GetInt32());
        Assert.Equal(bestEpoch, run.ReadJson("model.json").GetProperty("bestEpoch").GetInt32());
        var epochs = run.Named("epoch");
        Assert.Equal(Enumerable.Range(1, epochs.Count), epochs.Select(e => e.GetProperty("epoch").GetInt32()));
        Assert.Equal(epochs.Count, metrics.GetProperty("epochs").GetArrayLength());
        var best = epochs[bestEpoch - 1].GetProperty("metrics");
        Assert.Equal(epochs.Max(e => e.GetProperty("metrics").GetProperty("val_f1_macro").GetDouble()), best.GetProperty("val_f1_macro").GetDouble());
        foreach (var name in new[] { "accuracy", "balanced_accuracy", "precision_macro", "recall_macro", "f1_macro", "f1_weighted", "roc_auc", "log_loss" })
        {
            Assert.Equal(best.GetProperty("val_" + name).GetDouble(), completed.GetProperty("metrics").GetProperty(name).GetDouble());
            Assert.Equal(best.GetProperty("val_" + name).GetDouble(), metrics.GetProperty("best").GetProperty("validation").GetProperty(name).GetDouble());
        }
    }

    [Fact]
    public async Task Checkpoints_are_written_every_checkpointEvery_epochs_and_at_the_end()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(3));

        var run = (await samples.TrainedAsync(SampleTraining.BreastCancer, timeout.Token)).AssertCompleted();

        var epochsRun = run.ReadJson("model.json").GetProperty("epochsRun").GetInt32();
        var expected = Enumerable.Range(1, epochsRun).Where(epoch => epoch % 5 == 0 && epoch < epochsRun).Append(epochsRun);
        Assert.Equal(expected, run.Named("checkpoint").Select(c => c.GetProperty("epoch").GetInt32()));
        Assert.All(run.Named("checkpoint"), c => Assert.Equal("checkpoint.pt", c.GetProperty("path").GetString()));
        Assert.True(File.Exists(Path.Combine(run.OutDirectory, "checkpoint.pt")));
        Assert.Empty(Directory.GetFiles(run.OutDirectory, "*.tmp"));
    }

    [Fact]
    public async Task Diabetes_regression_reports_rmse_and_r2_within_its_pipelines_gate()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(3));

        var run = (await samples.TrainedAsync(SampleTraining.Diabetes, timeout.Token)).AssertCompleted();

        var test = run.ReadJson("metrics.json").GetProperty("test");
        Assert.Equal(["rmse", "mae", "mse", "r2", "mape"], test.EnumerateObject().Select(metric => metric.Name));
        // The pipeline's own gate: rmse at most 65, r2 at least 0.3 (progression runs 25-346).
        Assert.True(test.GetProperty("rmse").GetDouble() <= 65 && test.GetProperty("r2").GetDouble() >= 0.3, test.GetRawText());
        var card = run.ReadJson("model.json");
        Assert.Equal(["prediction"], card.GetProperty("outputNames").EnumerateArray().Select(name => name.GetString()));
        Assert.Equal(JsonValueKind.Null, card.GetProperty("classLabels").ValueKind);
        Assert.Equal("regression", card.GetProperty("task").GetString());
        Assert.Contains("val_rmse", run.Named("epoch")[0].GetProperty("metrics").EnumerateObject().Select(metric => metric.Name));
    }

    [Fact]
    public async Task The_same_seed_gives_identical_metrics_and_predictions_and_another_seed_does_not()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(3));
        var shared = samples.SharedJob(SampleTraining.BreastCancer);

        var first = (await samples.TrainedAsync(SampleTraining.BreastCancer, timeout.Token)).AssertCompleted();
        var again = (await TrainerProcess.RunAsync(shared, samples.Export(SampleTraining.BreastCancer), samples.NewOutDirectory("again"), timeout.Token)).AssertCompleted();
        var other = (await TrainerProcess.RunAsync(shared with { Seed = 7 }, samples.Export(SampleTraining.BreastCancer), samples.NewOutDirectory("other"), timeout.Token)).AssertCompleted();

        Assert.Equal(await ReadAsync(first, "metrics.json", timeout.Token), await ReadAsync(again, "metrics.json", timeout.Token));
        Assert.Equal(await ReadAsync(first, "test_predictions.npy", timeout.Token), await ReadAsync(again, "test_predictions.npy", timeout.Token));
        Assert.NotEqual(await ReadAsync(first, "test_predictions.npy", timeout.Token), await ReadAsync(other, "test_predictions.npy", timeout.Token));
    }

    private static Task<byte[]> ReadAsync(TrainerRun run, string file, CancellationToken cancellationToken) =>
        File.ReadAllBytesAsync(Path.Combine(run.OutDirectory, file), cancellationToken);
}
