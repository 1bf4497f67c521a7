using System.Text.Json;
using Workflows.Durable;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Monitoring;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Platform;
using Workflows.Orchestrations.Registry;

namespace Workflows.Orchestrations.Activities;

/// <summary>
/// Records the monitoring baseline of a deployed model: an evenly spaced sample of its training rows, per input
/// column, and the model's predictions on them, written beside the model and noted on its version.
/// </summary>
public sealed class RecordBaselineActivity(ModelRegistry registry, ModelScorer scorer, IArtifactStore artifacts, PlatformOptions options)
    : TaskActivity<RecordBaselineInput, BaselineRef>
{
    public override async Task<BaselineRef> RunAsync(TaskActivityContext context, RecordBaselineInput input)
    {
        var cancellationToken = context.CancellationToken;
        var version = await registry.GetAsync(input.Pipeline, input.Version, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Model '{input.Pipeline}' has no version {input.Version}.");
        var work = WorkDirectories.ForAttempt(options, context.InstanceId + "-baseline");
        try
        {
            var manifest = JsonSerializer.Deserialize<ExportManifest>(await artifacts.ReadTextAsync(version.ManifestPath, cancellationToken).ConfigureAwait(false), ArtifactJson.Options)!;
            var train = await NpyReader.ReadAsync<float>(
                await artifacts.GetFileAsync(input.Export.Path + manifest.Files.XTrain, Path.Combine(work, "X_train.npy"), cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            var sample = BaselineSampler.EvenlySpaced(train, manifest.FeatureCount, TrainingBaseline.MaxRows);
            var scores = scorer.Score(await artifacts.GetFileAsync(version.ModelPath, Path.Combine(work, "model.onnx"), cancellationToken).ConfigureAwait(false), manifest, sample);
            var baseline = BaselineSampler.Describe(manifest, train, sample, scores);

            var path = ModelPaths.Of(input.Pipeline, input.RunId, ModelPaths.Baseline);
            await artifacts.PutAsync(path, baseline, cancellationToken).ConfigureAwait(false);
            await registry.RecordBaselineAsync(input.Pipeline, input.Version, path, cancellationToken).ConfigureAwait(false);
            return new BaselineRef(path, baseline.Features.Count, baseline.Rows);
        }
        finally
        {
            WorkDirectories.Delete(work);
        }
    }
}
