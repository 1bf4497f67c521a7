using System.Text.Json;
using Workflows.Durable;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Activities;

/// <summary>A pipeline and the dataset version its run uses.</summary>
public sealed record PipelineDatasetInput(string Pipeline, DatasetRef Dataset);

/// <summary>
/// Checks that a registered version fits the pipeline as it is defined now (the definition may have changed since
/// ingestion): the target and declared features exist with usable types, enough rows, enough classes.
/// </summary>
public sealed class ValidateForPipelineActivity(PipelineDirectory pipelines, DatasetStore datasets) : TaskActivity<PipelineDatasetInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, PipelineDatasetInput input)
    {
        var pipeline = pipelines.Find(input.Pipeline) ?? throw new PipelineInputException($"Pipeline '{input.Pipeline}' is no longer defined.");
        var version = await datasets.GetVersionAsync(input.Dataset.Dataset, input.Dataset.Version, context.CancellationToken).ConfigureAwait(false)
            ?? throw new PipelineInputException($"Dataset '{input.Dataset.Dataset}' v{input.Dataset.Version} is gone.");
        var schema = version.Schema.Deserialize<DatasetSchema>(ArtifactJson.Options)!;
        var profile = version.Profile.Deserialize<DatasetProfile>(ArtifactJson.Options)!;
        var problems = new List<string>();
        var columns = schema.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        if (!columns.ContainsKey(pipeline.Dataset.Target))
        {
            problems.Add($"target column '{pipeline.Dataset.Target}' is missing");
        }

        foreach (var feature in pipeline.Dataset.Features ?? [])
        {
            if (!columns.TryGetValue(feature.Name, out var column))
            {
                problems.Add($"feature '{feature.Name}' is missing");
            }
            else if (column.Type != feature.Type && !(feature.Type == ColumnType.Numeric && column.Type is ColumnType.Integer or ColumnType.Boolean))
            {
                problems.Add($"feature '{feature.Name}' is {column.Type}, the pipeline declares {feature.Type}");
            }
        }

        if (version.RowCount < pipeline.Validation.MinRows)
        {
            problems.Add($"{version.RowCount} rows, the pipeline needs at least {pipeline.Validation.MinRows}");
        }

        var classes = profile.ClassCounts?.Count ?? 0;
        if (pipeline.Dataset.Task == ModelTask.Classification && columns.ContainsKey(pipeline.Dataset.Target) && classes < 2)
        {
            problems.Add($"target '{pipeline.Dataset.Target}' has {classes} class(es); classification needs at least 2");
        }

        if (problems.Count > 0)
        {
            throw new PipelineInputException($"{version.Dataset} v{version.Version} does not fit pipeline '{pipeline.Name}': {string.Join("; ", problems)}.");
        }

        var features = schema.Columns.Count(c => c.Role == ColumnRole.Feature);
        return pipeline.Dataset.Task == ModelTask.Classification
            ? $"{version.RowCount} rows, {features} features, {classes} classes"
            : $"{version.RowCount} rows, {features} features";
    }
}
