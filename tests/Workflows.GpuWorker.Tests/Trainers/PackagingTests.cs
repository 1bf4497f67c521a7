using System.Text.Json;
using Workflows.Testing;

namespace Workflows.GpuWorker.Tests.Trainers;

/// <summary>The trainers travel with the worker: its build output holds trainers.json and every script it names.</summary>
public sealed class PackagingTests(SampleTraining samples)
{
    private static string Shipped => Path.Combine(AppContext.BaseDirectory, "trainers");

    [Fact]
    public async Task Every_trainer_in_the_registry_runs_from_the_build_output()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(2));
        using var registry = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Shipped, "trainers.json"), timeout.Token));

        Assert.Equal(["mlp", "cnn"], registry.RootElement.EnumerateObject().Select(trainer => trainer.Name));
        foreach (var trainer in registry.RootElement.EnumerateObject())
        {
            Assert.False(string.IsNullOrWhiteSpace(trainer.Value.GetProperty("description").GetString()));
            var script = Path.Combine(Shipped, trainer.Value.GetProperty("script").GetString()!);
            var missingJob = samples.NewOutDirectory("missing") + ".json";
            var outDirectory = samples.NewOutDirectory(trainer.Name);
            using var process = TrainerProcess.StartRaw(script, ["--job", missingJob, "--data", samples.Export(SampleTraining.BreastCancer), "--out", outDirectory], outDirectory);

            var run = await process.CompleteAsync(timeout.Token);

            run.AssertBadSpec(missingJob, "does not exist"); // it got as far as reading the job: every module imported
        }
    }
}
