using System.Text.Json;

namespace Workflows.Orchestrations.Registry;

/// <summary>Everything a model version came from: the run, the data, the trainer and how it trained.</summary>
/// <param name="RunId">The PipelineRun that trained and registered it.</param>
/// <param name="Dataset">The dataset's name.</param>
/// <param name="DatasetVersion">The dataset version it trained on.</param>
/// <param name="DatasetSha256">That version's content hash.</param>
/// <param name="ExportPath">The training-ready export (split) it trained and was evaluated on.</param>
/// <param name="Trainer">The trainer's name.</param>
/// <param name="Hyperparameters">The trial's hyperparameters as the trainer got them.</param>
/// <param name="JobId">The training job.</param>
/// <param name="Trial">The trial's number in the run's sweep.</param>
/// <param name="Worker">The worker that finished the job.</param>
/// <param name="Device">The device it trained on.</param>
/// <param name="EpochsRun">Epochs trained.</param>
/// <param name="TrainSeconds">Training time of the last attempt.</param>
public sealed record ModelLineage(
    string RunId,
    string Dataset,
    int DatasetVersion,
    string DatasetSha256,
    string ExportPath,
    string Trainer,
    IReadOnlyDictionary<string, JsonElement> Hyperparameters,
    string JobId,
    int Trial,
    string? Worker,
    string? Device,
    int EpochsRun,
    double? TrainSeconds);
