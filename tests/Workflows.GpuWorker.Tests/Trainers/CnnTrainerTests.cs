using Workflows.Testing;

namespace Workflows.GpuWorker.Tests.Trainers;

public sealed class CnnTrainerTests(SampleTraining samples)
{
    [Fact]
    public async Task Digits_cnn_passes_accuracy_0_95_on_the_test_split_in_a_few_epochs()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(3));

        var run = (await samples.TrainedAsync(SampleTraining.Digits, timeout.Token)).AssertCompleted();

        var test = run.ReadJson("metrics.json").GetProperty("test");
        Assert.True(test.GetProperty("accuracy").GetDouble() >= 0.95, test.GetRawText());
        Assert.Equal(10, test.GetProperty("confusion_matrix").GetArrayLength());
        Assert.Equal(10, test.GetProperty("per_class").EnumerateObject().Count());
        var card = run.ReadJson("model.json");
        Assert.Equal(("cnn", 64, "input"), (card.GetProperty("trainer").GetString(), card.GetProperty("featureCount").GetInt32(), card.GetProperty("inputName").GetString()));
        Assert.Equal(Enumerable.Range(0, 10).Select(digit => digit.ToString(System.Globalization.CultureInfo.InvariantCulture)), card.GetProperty("classLabels").EnumerateArray().Select(label => label.GetString()));
        Assert.Equal(16, card.GetProperty("hyperparameters").GetProperty("pixelScale").GetDouble());
        Assert.True(new FileInfo(Path.Combine(run.OutDirectory, "model.onnx")).Length > 1000);
    }

    [Fact]
    public async Task The_cnn_refuses_an_export_without_an_image_shape()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(2));
        var job = new TrainerJob("cnn", new Dictionary<string, object?> { ["epochs"] = 1 });

        var run = await TrainerProcess.RunAsync(job, samples.Export(SampleTraining.BreastCancer), samples.NewOutDirectory("cnn-table"), timeout.Token);

        run.AssertBadSpec("image", "mlp");
    }
}
