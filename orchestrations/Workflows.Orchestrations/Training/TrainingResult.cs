namespace Workflows.Orchestrations.Training;

/// <summary>What a finished trainer reported, and where its artifacts are.</summary>
/// <param name="Metrics">Validation metrics of the best epoch, by name (<c>accuracy</c>, <c>f1_macro</c>, <c>rmse</c>, ...).</param>
/// <param name="BestEpoch">The epoch whose weights were exported.</param>
/// <param name="EpochsRun">Epochs trained, counting those before a resume.</param>
/// <param name="StartEpoch">The epoch the last attempt started from: 0, or its checkpoint's epoch when it resumed.</param>
/// <param name="SamplesPerSecond">Training throughput.</param>
/// <param name="TrainSeconds">Time spent training in the last attempt.</param>
/// <param name="Device">The device it trained on, as the trainer named it.</param>
/// <param name="Artifacts">Artifact-store paths by file name (<c>model.onnx</c>, <c>model.json</c>, <c>metrics.json</c>).</param>
public sealed record TrainingResult(
    IReadOnlyDictionary<string, double> Metrics,
    int BestEpoch,
    int EpochsRun,
    int StartEpoch,
    double? SamplesPerSecond,
    double? TrainSeconds,
    string? Device,
    IReadOnlyDictionary<string, string> Artifacts);
