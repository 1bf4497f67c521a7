using System.Text.Json;
using Workflows.Durable;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Platform;
using Workflows.Orchestrations.Registry;

namespace Workflows.Orchestrations.Activities;

/// <summary>
/// Scores the best trial's model on the test split through ONNX Runtime and computes every metric of the task; when
/// the definition says the candidate must beat production, scores the production model on the same rows too. Then
/// runs the gate's automatic checks and writes the report beside the run's model files.
/// </summary>
public sealed class EvaluateCandidateActivity(PipelineDirectory pipelines, ModelRegistry registry, ModelScorer scorer, IArtifactStore artifacts, PlatformOptions options)
    : TaskActivity<EvaluateCandidateInput, CandidateEvaluation>
{
    public override async Task<CandidateEvaluation> RunAsync(TaskActivityContext context, EvaluateCandidateInput input)
    {
        var cancellationToken = context.CancellationToken;
        var pipeline = pipelines.Find(input.Pipeline) ?? throw new PipelineInputException($"Pipeline '{input.Pipeline}' is no longer defined.");
        var work = WorkDirectories.ForAttempt(options, context.InstanceId + "-evaluate");
        try
        {
            var manifest = await ReadManifestAsync(input.Export.Path + ExportManifest.FileName, cancellationToken).ConfigureAwait(false);
            if (manifest.Rows.Test == 0)
            {
                throw new PipelineInputException($"The split of {input.Export.Path} has no test rows: set 'split.test' above 0 so a model can be evaluated.");
            }

            var x = await NpyReader.ReadAsync<float>(await DownloadAsync(input.Export.Path + manifest.Files.XTest, work, "X_test.npy", cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            var y = await NpyReader.ReadAsDoublesAsync(await DownloadAsync(input.Export.Path + manifest.Files.YTest, work, "y_test.npy", cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            var trained = RegisterModelActivity.TrainedFile(input.Best.Result ?? throw new InvalidOperationException($"Trial {input.Best.Trial} has no result."), ModelPaths.Model);
            var candidate = ModelScorer.Evaluate(manifest, scorer.Score(await DownloadAsync(trained, work, "candidate.onnx", cancellationToken).ConfigureAwait(false), manifest, x), y);

            var (comparison, production) = pipeline.Evaluation.MustBeatProduction
                ? await ScoreProductionAsync(input, manifest, x, y, work, cancellationToken).ConfigureAwait(false)
                : (new ProductionComparison(null, null, "the pipeline does not ask to beat production"), null);
            var gate = ModelGate.Decide(pipeline.Evaluation, candidate.Metrics, comparison);

            var reportPath = ModelPaths.Of(input.Pipeline, input.RunId, ModelPaths.Evaluation);
            await artifacts.PutAsync(reportPath, new CandidateReport(candidate, production, comparison, gate), cancellationToken).ConfigureAwait(false);
            return new CandidateEvaluation(reportPath, candidate.Rows, candidate.Metrics, pipeline.Evaluation.PrimaryMetric, comparison, gate, pipeline.Deploy,
                pipeline.Evaluation.MustBeatProduction);
        }
        finally
        {
            WorkDirectories.Delete(work);
        }
    }

    /// <summary>The production model on the candidate's test rows, when there is one and it reads the same features and classes.</summary>
    private async Task<(ProductionComparison, EvaluationReport?)> ScoreProductionAsync(
        EvaluateCandidateInput input, ExportManifest manifest, NpyArray<float> x, NpyArray<double> y, string work, CancellationToken cancellationToken)
    {
        var production = await registry.FindAsync(input.Pipeline, ModelAliases.Production, cancellationToken).ConfigureAwait(false);
        if (production is null)
        {
            return (ProductionComparison.None, null);
        }

        var layout = await ReadManifestAsync(production.ManifestPath, cancellationToken).ConfigureAwait(false);
        var difference = LayoutDifference(layout, manifest);
        if (difference is not null)
        {
            return (new ProductionComparison(production.Version, null, $"production v{production.Version} {difference}, so it cannot score this split"), null);
        }

        var report = ModelScorer.Evaluate(manifest, scorer.Score(await DownloadAsync(production.ModelPath, work, "production.onnx", cancellationToken).ConfigureAwait(false), manifest, x), y);
        return (new ProductionComparison(production.Version, report.Metrics, null), report);
    }

    /// <summary>How the production model's input or output differs from the candidate's; null when they match.</summary>
    private static string? LayoutDifference(ExportManifest production, ExportManifest candidate)
    {
        if (production.Task != candidate.Task)
        {
            return $"is a {production.Task.ToString().ToLowerInvariant()} model";
        }

        if (!production.FeatureNames.SequenceEqual(candidate.FeatureNames))
        {
            return $"reads {production.FeatureCount} features ({Differing(production.FeatureNames, candidate.FeatureNames)}) where the candidate reads {candidate.FeatureCount}";
        }

        if (production.ClassLabels is { } labels && !labels.SequenceEqual(candidate.ClassLabels ?? []))
        {
            return $"predicts classes [{string.Join(", ", labels)}] where the candidate predicts [{string.Join(", ", candidate.ClassLabels ?? [])}]";
        }

        // Same names can still mean other inputs: an ordinal column's codes shift when a category is added.
        return JsonSerializer.Serialize(production.Features, ArtifactJson.Options) != JsonSerializer.Serialize(candidate.Features, ArtifactJson.Options)
            ? "encodes its features differently (categories or encodings changed)"
            : null;
    }

    private static string Differing(IReadOnlyList<string> production, IReadOnlyList<string> candidate)
    {
        var missing = candidate.Except(production).Take(3).ToList();
        var extra = production.Except(candidate).Take(3).ToList();
        return missing.Count + extra.Count == 0 ? "in another order" : string.Join("; ", new[]
        {
            missing.Count > 0 ? $"not {string.Join(", ", missing)}" : null,
            extra.Count > 0 ? $"also {string.Join(", ", extra)}" : null,
        }.OfType<string>());
    }

    private async Task<ExportManifest> ReadManifestAsync(string path, CancellationToken cancellationToken) =>
        JsonSerializer.Deserialize<ExportManifest>(await artifacts.ReadTextAsync(path, cancellationToken).ConfigureAwait(false), ArtifactJson.Options)
        ?? throw new InvalidDataException($"{artifacts.Describe(path)} is not an export manifest.");

    private Task<string> DownloadAsync(string path, string directory, string name, CancellationToken cancellationToken) =>
        artifacts.GetFileAsync(path, Path.Combine(directory, name), cancellationToken);
}
