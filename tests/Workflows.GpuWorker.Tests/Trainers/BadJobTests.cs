using Workflows.Testing;

namespace Workflows.GpuWorker.Tests.Trainers;

/// <summary>Jobs that cannot succeed end at once with exit 2 and a message that says what to fix, before any training.</summary>
public sealed class BadJobTests(SampleTraining samples)
{
    [Fact]
    public async Task An_unknown_hyperparameter_is_named_with_the_accepted_ones()
    {
        var run = await RunAsync(new TrainerJob("mlp", new Dictionary<string, object?> { ["epochs"] = 1, ["hidenLayers"] = new[] { 8 } }), samples.Export(SampleTraining.BreastCancer));

        run.AssertBadSpec("'hidenLayers'", "hiddenLayers", "learningRate");
        Assert.Empty(run.Named("started"));
    }

    [Theory]
    [InlineData("hiddenLayers", "64", "list of integers")]
    [InlineData("learningRate", "-0.1", "number > 0")]
    [InlineData("dropout", "1.5", "[0, 1)")]
    [InlineData("optimizer", "\"rmsprop\"", "adamw")]
    [InlineData("standardize", "\"yes\"", "true or false")]
    [InlineData("classWeights", "[1, 2, 3]", "2 classes")]
    public async Task A_hyperparameter_of_the_wrong_type_or_range_is_named_with_what_it_must_be(string key, string json, string expected)
    {
        var value = System.Text.Json.JsonDocument.Parse(json).RootElement.Clone();

        var run = await RunAsync(new TrainerJob("mlp", new Dictionary<string, object?> { ["epochs"] = 1, [key] = value }), samples.Export(SampleTraining.BreastCancer));

        run.AssertBadSpec(key, expected);
    }

    [Fact]
    public async Task A_missing_data_directory_is_a_bad_spec()
    {
        var run = await RunAsync(new TrainerJob("mlp", new Dictionary<string, object?>()), samples.NewOutDirectory("nowhere"));

        run.AssertBadSpec("does not exist");
    }

    [Fact]
    public async Task A_data_directory_with_a_damaged_array_is_a_bad_spec_naming_the_file()
    {
        var data = samples.NewOutDirectory("damaged");
        Directory.CreateDirectory(data);
        foreach (var file in Directory.GetFiles(samples.Export(SampleTraining.BreastCancer)))
        {
            File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        }

        await File.WriteAllTextAsync(Path.Combine(data, "X_val.npy"), "not an array", TestContext.Current.CancellationToken);

        var run = await RunAsync(new TrainerJob("mlp", new Dictionary<string, object?>()), data);

        run.AssertBadSpec("X_val.npy");
    }

    [Fact]
    public async Task A_job_whose_task_disagrees_with_the_export_is_a_bad_spec()
    {
        var run = await RunAsync(new TrainerJob("mlp", new Dictionary<string, object?>(), Task: "regression"), samples.Export(SampleTraining.BreastCancer));

        run.AssertBadSpec("regression", "classification");
    }

    [Fact]
    public async Task A_primary_metric_of_the_other_task_is_a_bad_spec()
    {
        var run = await RunAsync(new TrainerJob("mlp", new Dictionary<string, object?>(), PrimaryMetric: "accuracy"), samples.Export(SampleTraining.Diabetes));

        run.AssertBadSpec("accuracy", "rmse");
    }

    [Fact]
    public async Task Missing_arguments_are_a_bad_spec_event_not_a_usage_text()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(2));
        using var trainer = TrainerProcess.StartRaw(TrainerProcess.Script("mlp"), ["--data", samples.Export(SampleTraining.BreastCancer)], samples.NewOutDirectory("arguments"));

        var run = await trainer.CompleteAsync(timeout.Token);

        run.AssertBadSpec("--job", "--out");
    }

    private async Task<TrainerRun> RunAsync(TrainerJob job, string data)
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(2));
        var run = await TrainerProcess.RunAsync(job, data, samples.NewOutDirectory(job.Trainer), timeout.Token);
        Assert.False(File.Exists(Path.Combine(run.OutDirectory, "model.onnx")));
        return run;
    }
}
