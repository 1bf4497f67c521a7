using System.Diagnostics;
using Workflows.Testing;

namespace Workflows.GpuWorker.Tests.Trainers;

/// <summary>The trainers compute metrics in NumPy (the GPU image has no scikit-learn); here scikit-learn checks them.</summary>
public sealed class MetricsTests(SampleTraining samples)
{
    private static string Script => Path.Combine(RepositoryPaths.Root, "tests", "Workflows.GpuWorker.Tests", "Trainers", "sklearn_metrics.py");

    [Theory]
    [InlineData(SampleTraining.BreastCancer)]
    [InlineData(SampleTraining.Digits)]
    [InlineData(SampleTraining.Diabetes)]
    public async Task Test_metrics_match_scikit_learn_on_the_runs_test_predictions(string pipeline)
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(3));
        var run = (await samples.TrainedAsync(pipeline, timeout.Token)).AssertCompleted();

        var output = await CheckAsync(["run", samples.Export(pipeline), run.OutDirectory], timeout.Token);

        Assert.StartsWith("ok ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edge_cases_match_scikit_learn_ties_missing_classes_confident_mistakes_and_constant_targets()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(2));

        var output = await CheckAsync(["cases", TrainerProcess.TrainersDirectory], timeout.Token);

        Assert.StartsWith("ok ", output, StringComparison.Ordinal);
    }

    private static async Task<string> CheckAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(TestPython.With("numpy", "torch", "sklearn"), [Script, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, $"{await output}\n{await error}");
        return (await output).Trim();
    }
}
