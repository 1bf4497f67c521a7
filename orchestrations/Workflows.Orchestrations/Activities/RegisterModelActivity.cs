using System.Security.Cryptography;
using Workflows.Durable;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Registry;
using Workflows.Orchestrations.Training;

namespace Workflows.Orchestrations.Activities;

/// <summary>
/// Registers the run's evaluated model: copies the ONNX file, the export manifest (the model's input layout) and the
/// trainer's files under the run's model folder, hashes the model, and registers the version with its lineage. A run
/// registers once: run again, it returns the version it registered.
/// </summary>
public sealed class RegisterModelActivity(ModelRegistry registry, TrainingJobStore jobs, IArtifactStore artifacts) : TaskActivity<RegisterModelInput, ModelVersionRef>
{
    public override async Task<ModelVersionRef> RunAsync(TaskActivityContext context, RegisterModelInput input)
    {
        var cancellationToken = context.CancellationToken;
        var result = input.Best.Result ?? throw new InvalidOperationException($"Trial {input.Best.Trial} has no result to register.");
        var job = await jobs.GetAsync(input.Best.JobId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Training job {input.Best.JobId} is not stored.");
        string Path(string file) => ModelPaths.Of(input.Pipeline, input.RunId, file);

        await artifacts.CopyAsync(TrainedFile(result, ModelPaths.Model), Path(ModelPaths.Model), cancellationToken).ConfigureAwait(false);
        await artifacts.CopyAsync(input.Export.Path + ExportManifest.FileName, Path(ModelPaths.Manifest), cancellationToken).ConfigureAwait(false);
        foreach (var file in ModelPaths.TrainerFiles.Where(result.Artifacts.ContainsKey))
        {
            await artifacts.CopyAsync(result.Artifacts[file], Path(file), cancellationToken).ConfigureAwait(false);
        }

        var version = await registry.RegisterAsync(new NewModelVersion(
            input.Pipeline,
            await HashAsync(Path(ModelPaths.Model), cancellationToken).ConfigureAwait(false),
            Path(ModelPaths.Model),
            Path(ModelPaths.Manifest),
            input.Evaluation.ReportPath,
            input.Evaluation.Metrics,
            new ModelLineage(input.RunId, input.Dataset.Dataset, input.Dataset.Version, input.Dataset.ContentSha256, input.Export.Path, job.Spec.Trainer,
                input.Best.Hyperparameters, job.JobId, job.Trial, job.WorkerId, result.Device, result.EpochsRun, result.TrainSeconds)), cancellationToken).ConfigureAwait(false);
        return new ModelVersionRef(version.Pipeline, version.Version, version.ModelSha256);
    }

    /// <summary>The artifact-store path of one of the trainer's files.</summary>
    public static string TrainedFile(TrainingResult result, string file) =>
        result.Artifacts.GetValueOrDefault(file) ?? throw new InvalidOperationException($"The trainer reported no '{file}' (it reported: {string.Join(", ", result.Artifacts.Keys)}).");

    private async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        var stream = await artifacts.OpenReadAsync(path, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{artifacts.Describe(path)} vanished after it was copied.");
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }
}
