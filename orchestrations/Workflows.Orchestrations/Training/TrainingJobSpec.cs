using System.Text.Json;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Training;

/// <summary>What a worker needs to run a trainer: the job file's content, and where the training data is.</summary>
/// <param name="Trainer">The trainer's name in the worker's registry (<c>mlp</c>, <c>cnn</c>).</param>
/// <param name="Task">Classification or regression.</param>
/// <param name="Device"><c>auto</c>, <c>cpu</c> or <c>cuda</c>; <c>cuda</c> jobs go to workers with a GPU only.</param>
/// <param name="Hyperparameters">The trial's values: the definition's, then the run's overrides, then the sweep point.</param>
/// <param name="Seed">The seed that makes a CPU run reproducible.</param>
/// <param name="PrimaryMetric">The validation metric for early stopping and for picking the best trial.</param>
/// <param name="CheckpointEvery">Epochs between checkpoints.</param>
/// <param name="ExportPath">The artifact-store prefix of the training-ready export.</param>
/// <param name="DataFiles">The export's files, served to the worker.</param>
public sealed record TrainingJobSpec(
    string Trainer,
    ModelTask Task,
    string Device,
    IReadOnlyDictionary<string, JsonElement> Hyperparameters,
    int Seed,
    string PrimaryMetric,
    int CheckpointEvery,
    string ExportPath,
    IReadOnlyList<string> DataFiles)
{
    /// <summary>Whether only a worker with a GPU may take it.</summary>
    public bool RequiresGpu => string.Equals(Device, "cuda", StringComparison.OrdinalIgnoreCase);
}
