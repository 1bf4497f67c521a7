using Workflows.GpuWorker.Protocol;

namespace Workflows.GpuWorker.Tests.Worker;

/// <summary>How the worker reads a trainer's stdout: JSON event lines, everything else ignored.</summary>
public sealed class TrainerEventTests
{
    [Theory]
    [InlineData("")]
    [InlineData("Epoch 3/10 loss=0.25")]
    [InlineData("[1, 2, 3]")]
    [InlineData("\"started\"")]
    [InlineData("{\"event\": \"epoch\", \"epoch\": 3")]
    [InlineData("{not json at all}")]
    [InlineData("{\"loss\": 0.25}")]
    [InlineData("{\"event\": 3}")]
    [InlineData("{\"event\": null}")]
    [InlineData("{\"event\": [\"epoch\"]}")]
    public void A_line_that_is_not_a_json_object_with_an_event_name_is_no_event(string line)
    {
        Assert.Null(TrainerEvent.TryParse(line));
    }

    [Fact]
    public void An_event_line_gives_its_kind_and_fields()
    {
        var parsed = TrainerEvent.TryParse("""{"event": "checkpoint", "epoch": 5, "step": 6000000000, "path": "checkpoint.pt", "final": true}""");

        Assert.NotNull(parsed);
        Assert.Equal(TrainerEvent.Checkpoint, parsed.Kind);
        Assert.Equal((5, 6000000000L, "checkpoint.pt", true), (parsed.Int("epoch"), parsed.Long("step"), parsed.Text("path"), parsed.Flag("final")));
        Assert.Equal((int?)null, parsed.Int("step"));
        Assert.Equal(5.0, parsed.Double("epoch"));
    }

    [Fact]
    public void Fields_that_are_missing_or_of_another_kind_read_as_absent()
    {
        var parsed = TrainerEvent.TryParse("""{"event": "progress", "epoch": "3", "step": null, "loss": "0.5", "epochs": 2.5, "device": 1, "final": "yes"}""")!;

        Assert.Equal((int?)null, parsed.Int("epoch"));
        Assert.Equal((long?)null, parsed.Long("step"));
        Assert.Equal((double?)null, parsed.Double("loss"));
        Assert.Equal((int?)null, parsed.Int("epochs"));
        Assert.Equal((string?)null, parsed.Text("device"));
        Assert.Equal((bool?)null, parsed.Flag("final"));
        Assert.Equal((int?)null, parsed.Int("missing"));
    }

    [Fact]
    public void Metrics_keep_the_numeric_entries_only()
    {
        var parsed = TrainerEvent.TryParse("""{"event": "epoch", "metrics": {"accuracy": 0.9, "f1_macro": 1, "roc_auc": null, "per_class": {"a": 0.8}, "labels": ["a", "b"]}}""")!;

        Assert.Equal(new Dictionary<string, double> { ["accuracy"] = 0.9, ["f1_macro"] = 1.0 }, parsed.Metrics());
        Assert.Empty(TrainerEvent.TryParse("""{"event": "epoch", "metrics": [0.9]}""")!.Metrics());
        Assert.Empty(TrainerEvent.TryParse("""{"event": "epoch"}""")!.Metrics());
    }

    [Fact]
    public void A_started_event_starts_progress_at_its_start_epoch()
    {
        var progress = TrainerEvent.TryParse("""{"event": "started", "epochs": 20, "startEpoch": 5, "startStep": 400, "device": "cpu"}""")!.ToProgress(null);

        Assert.Equal(new TrainerProgress("started", 5, 20, null, null, null, null), progress);
    }

    [Fact]
    public void Progress_events_update_what_they_carry_and_keep_the_rest()
    {
        var started = TrainerEvent.TryParse("""{"event": "started", "epochs": 20, "startEpoch": 0}""")!.ToProgress(null);
        var epoch = TrainerEvent.TryParse("""{"event": "epoch", "epoch": 1, "epochs": 20, "step": 100, "loss": 0.7, "metrics": {"f1_macro": 0.6}, "samplesPerSecond": 900.5}""")!.ToProgress(started);
        var batch = TrainerEvent.TryParse("""{"event": "progress", "epoch": 2, "step": 150, "loss": 0.5}""")!.ToProgress(epoch);

        Assert.Equal(("epoch", 1, 20, 100L, 0.7, 900.5), (epoch.Phase, epoch.Epoch, epoch.Epochs, epoch.Step, epoch.Loss, epoch.SamplesPerSecond));
        Assert.Equal(("progress", 2, 20, 150L, 0.5, 900.5), (batch.Phase, batch.Epoch, batch.Epochs, batch.Step, batch.Loss, batch.SamplesPerSecond));
        Assert.Same(epoch.Metrics, batch.Metrics);
        Assert.Equal(0.6, batch.Metrics?["f1_macro"]);
    }

    [Fact]
    public void A_completed_event_gives_the_summary_and_falls_back_to_the_last_progress()
    {
        var last = new TrainerProgress("epoch", 12, 20, 1200, 0.3, new Dictionary<string, double>(), 800);
        var full = TrainerEvent.TryParse("""{"event": "completed", "bestEpoch": 9, "epochsRun": 12, "metrics": {"f1_macro": 0.95}, "samplesPerSecond": 1000, "trainSeconds": 4.5, "device": "cuda"}""")!;
        var sparse = TrainerEvent.TryParse("""{"event": "completed", "metrics": {"rmse": 41.2}}""")!;

        var summary = full.ToSummary(last, startEpoch: 5);
        var fallback = sparse.ToSummary(last, startEpoch: 0);
        var nothing = sparse.ToSummary(null, startEpoch: 0);

        Assert.Equal((9, 12, 5, 1000.0, 4.5, "cuda"), (summary.BestEpoch, summary.EpochsRun, summary.StartEpoch, summary.SamplesPerSecond, summary.TrainSeconds, summary.Device));
        Assert.Equal(0.95, summary.Metrics["f1_macro"]);
        Assert.Equal((0, 12, 0, 800.0, (double?)null, (string?)null), (fallback.BestEpoch, fallback.EpochsRun, fallback.StartEpoch, fallback.SamplesPerSecond, fallback.TrainSeconds, fallback.Device));
        Assert.Equal(41.2, fallback.Metrics["rmse"]);
        Assert.Equal((0, (double?)null), (nothing.EpochsRun, nothing.SamplesPerSecond));
    }
}
