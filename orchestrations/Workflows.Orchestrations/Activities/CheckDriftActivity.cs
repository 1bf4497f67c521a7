using System.Globalization;
using System.Text.Json;
using Workflows.Durable;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Monitoring;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Registry;

namespace Workflows.Orchestrations.Activities;

/// <summary>
/// One drift check of the pipeline's production model: the predictions logged for it since the last check that had
/// enough data, against the baseline recorded at its deploy, with the pipeline's methods and thresholds; live
/// accuracy or error from fed-back labels; the report stored with the version. The occurrence is the check's key, so
/// a retried activity stores one report.
/// </summary>
public sealed class CheckDriftActivity(PipelineDirectory pipelines, ModelRegistry registry, DriftReportStore reports, PredictionWindowReader windows, IArtifactStore artifacts)
    : TaskActivity<CheckDriftInput, DriftCheckOutcome>
{
    public override async Task<DriftCheckOutcome> RunAsync(TaskActivityContext context, CheckDriftInput input)
    {
        var cancellationToken = context.CancellationToken;
        var monitoring = pipelines.Find(input.Pipeline)?.Monitoring ?? throw new PipelineInputException($"Pipeline '{input.Pipeline}' is no longer monitored.");
        var production = await registry.FindAsync(input.Pipeline, ModelAliases.Production, cancellationToken).ConfigureAwait(false);
        if (production?.BaselinePath is null)
        {
            return new DriftCheckOutcome(null, production?.Version, null, production is null ? "nothing in production to check" : $"v{production.Version} has no baseline", monitoring.RetrainOnDrift);
        }

        var key = $"{input.Pipeline}:{input.Occurrence.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}";
        if (await reports.FindAsync(key, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            // A retry: the first attempt's report moved the window, so the stored verdict is the one to act on.
            return new DriftCheckOutcome(stored.Id, stored.Version, stored.Verdict, Summarize(stored.Version, stored.Report, stored.Live), monitoring.RetrainOnDrift);
        }

        var baseline = JsonSerializer.Deserialize<TrainingBaseline>(await artifacts.ReadTextAsync(production.BaselinePath, cancellationToken).ConfigureAwait(false), ArtifactJson.Options)!;
        var manifest = JsonSerializer.Deserialize<ExportManifest>(await artifacts.ReadTextAsync(production.ManifestPath, cancellationToken).ConfigureAwait(false), ArtifactJson.Options)!;
        var after = await reports.WindowStartAsync(input.Pipeline, production.Version, cancellationToken).ConfigureAwait(false);
        var window = await windows.ReadAsync(input.Pipeline, production.Version, after, manifest, cancellationToken).ConfigureAwait(false);
        var report = DriftDetector.Check(baseline, window.Window, monitoring);
        var live = LivePerformanceOf(window, manifest, production.Metrics);
        var id = await reports.SaveAsync(key, input.Pipeline, production.Version,
            after, window.Last, report, live, cancellationToken).ConfigureAwait(false);
        return new DriftCheckOutcome(id, production.Version, report.Verdict, Summarize(production.Version, report, live), monitoring.RetrainOnDrift);
    }

    private static string Summarize(int version, DriftReport report, LivePerformance? live)
    {
        var verdict = report.Verdict switch
        {
            DriftVerdict.InsufficientData => $"insufficient data ({report.Window.Rows} rows, {report.Window.MinRows} needed)",
            DriftVerdict.Drifted => $"drift: {report.DriftedFeatures} of {report.TestedFeatures} features drifted ({string.Join(", ", report.Features.Where(f => f.Drifted).Take(5).Select(f => f.Name))})",
            _ => $"stable: {report.DriftedFeatures} of {report.TestedFeatures} features drifted",
        };
        var performance = live is { Live: { } value } ? $"; live {live.Metric} {value:0.###} on {live.LabelledRows} labelled rows (evaluation {live.Evaluation:0.###})" : "";
        return $"v{version}, {report.Window.Rows} rows: {verdict}{performance}";
    }

    /// <summary>Accuracy (classification) or RMSE (regression) on the window's rows that have a fed-back label.</summary>
    private static LivePerformance? LivePerformanceOf(PredictionWindow window, ExportManifest manifest, IReadOnlyDictionary<string, double?> evaluation)
    {
        var classification = manifest.Task == ModelTask.Classification;
        var metric = classification ? "accuracy" : "rmse";
        var (labelled, sum) = (0, 0.0);
        for (var r = 0; r < window.Feedback.Length; r++)
        {
            if (window.Feedback[r] is not { } json)
            {
                continue;
            }

            using var truth = JsonDocument.Parse(json);
            if (classification)
            {
                var label = truth.RootElement.ValueKind == JsonValueKind.String ? truth.RootElement.GetString() : truth.RootElement.GetRawText();
                sum += label == window.PredictedLabels![r] ? 1 : 0;
            }
            else if (truth.RootElement.TryGetDouble(out var value))
            {
                var error = window.PredictedValues![r] - value;
                sum += error * error;
            }
            else
            {
                continue;
            }

            labelled++;
        }

        if (labelled == 0 && window.Feedback.All(f => f is null))
        {
            return null;
        }

        double? live = labelled == 0 ? null : classification ? sum / labelled : Math.Sqrt(sum / labelled);
        return new LivePerformance(metric, labelled, live, evaluation.GetValueOrDefault(metric));
    }
}
