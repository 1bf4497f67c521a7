using Workflows.Testing;

namespace Workflows.GpuWorker.Tests.Trainers;

public sealed class InterruptionTests(SampleTraining samples)
{
    [Fact]
    public async Task Sigterm_checkpoints_and_exits_75_and_the_resumed_run_ends_exactly_like_an_uninterrupted_one()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(3));
        // Long enough that SIGTERM, sent after epoch 3, lands well before the end; early stopping off so all epochs run.
        var job = new TrainerJob("mlp", new Dictionary<string, object?> { ["epochs"] = 300, ["dropout"] = 0.2, ["earlyStoppingPatience"] = 0 }, CheckpointEvery: 50);
        var data = samples.Export(SampleTraining.BreastCancer);
        var uninterrupted = TrainerProcess.RunAsync(job, data, samples.NewOutDirectory("whole"), timeout.Token);

        var outDirectory = samples.NewOutDirectory("interrupted");
        TrainerRun interrupted;
        using (var trainer = TrainerProcess.Start(job, data, outDirectory))
        {
            await trainer.WaitForEventAsync(e => e.GetProperty("event").GetString() == "epoch" && e.GetProperty("epoch").GetInt32() >= 3, timeout.Token);
            await trainer.TerminateAsync(timeout.Token);
            interrupted = await trainer.CompleteAsync(timeout.Token);
        }

        Assert.True(interrupted.ExitCode == 75, interrupted.Describe());
        var saved = interrupted.Events[^1];
        Assert.Equal("checkpoint", saved.GetProperty("event").GetString());
        var savedEpoch = saved.GetProperty("epoch").GetInt32();
        Assert.InRange(savedEpoch, 3, 299);
        Assert.False(File.Exists(Path.Combine(outDirectory, "model.onnx")));
        var checkpoint = Path.Combine(outDirectory, "checkpoint.pt");

        var resumed = (await TrainerProcess.RunAsync(job, data, outDirectory, checkpoint, timeout.Token)).AssertCompleted();

        var started = resumed.Single("started");
        Assert.Equal(savedEpoch, started.GetProperty("startEpoch").GetInt32());
        Assert.Equal(saved.GetProperty("step").GetInt32(), started.GetProperty("startStep").GetInt32());
        Assert.Equal(checkpoint, started.GetProperty("resumedFrom").GetString());
        Assert.Equal(savedEpoch + 1, resumed.Named("epoch")[0].GetProperty("epoch").GetInt32());
        var whole = (await uninterrupted).AssertCompleted();
        Assert.Equal(300, whole.Named("epoch").Count);
        foreach (var file in new[] { "metrics.json", "test_predictions.npy" })
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(whole.OutDirectory, file), timeout.Token), await File.ReadAllBytesAsync(Path.Combine(outDirectory, file), timeout.Token));
        }
    }

    [Fact]
    public async Task A_checkpoint_of_another_job_is_refused()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(3));
        var shared = await samples.TrainedAsync(SampleTraining.BreastCancer, timeout.Token);
        var job = samples.SharedJob(SampleTraining.BreastCancer) with { Seed = 1 };

        var run = await TrainerProcess.RunAsync(job, samples.Export(SampleTraining.BreastCancer), samples.NewOutDirectory("other-job"), Path.Combine(shared.OutDirectory, "checkpoint.pt"), timeout.Token);

        run.AssertBadSpec("another job", "seed");
    }
}
