using System.Globalization;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Evaluation;

/// <summary>
/// The gate's automatic checks: the definition's thresholds on the candidate's test metrics, then (when the
/// definition asks) that it beats production on the primary metric by at least the minimum improvement, both
/// measured on the same test split. Deterministic, so it can run inside an orchestrator.
/// </summary>
public static class ModelGate
{
    public static GateDecision Decide(EvaluationDefinition definition, IReadOnlyDictionary<string, double?> candidate, ProductionComparison production)
    {
        var checks = new List<GateCheck>();
        foreach (var threshold in definition.Thresholds)
        {
            checks.Add(CheckThreshold(threshold, candidate.GetValueOrDefault(threshold.Metric)));
        }

        if (definition.MustBeatProduction)
        {
            checks.Add(CheckProduction(definition, candidate.GetValueOrDefault(definition.PrimaryMetric), production));
        }

        return new GateDecision(checks.All(c => c.Passed), checks);
    }

    /// <summary>The check a person's answer (or its absence) makes.</summary>
    public static GateCheck Approval(ApprovalEvent? answer, TimeSpan timeout) => answer switch
    {
        null => new GateCheck(GateCheck.Approval, false, $"no approval within {timeout}: rejected"),
        { Approved: true } => new GateCheck(GateCheck.Approval, true, $"approved by {answer.By ?? "someone"}{Quote(answer.Comment)}"),
        _ => new GateCheck(GateCheck.Approval, false, $"rejected by {answer.By ?? "someone"}{Quote(answer.Comment)}"),
    };

    private static GateCheck CheckThreshold(MetricThreshold threshold, double? value)
    {
        var bounds = string.Join(" and ", new[] { threshold.Min is { } min ? $">= {Format(min)}" : null, threshold.Max is { } max ? $"<= {Format(max)}" : null }.OfType<string>());
        if (value is not { } actual || double.IsNaN(actual))
        {
            return new GateCheck(GateCheck.Threshold, false, $"{threshold.Metric} is undefined on the test split (needs {bounds})");
        }

        var passed = (threshold.Min is not { } low || actual >= low) && (threshold.Max is not { } high || actual <= high);
        return new GateCheck(GateCheck.Threshold, passed, $"{threshold.Metric} {Format(actual)} {(passed ? "meets" : "misses")} {bounds}");
    }

    private static GateCheck CheckProduction(EvaluationDefinition definition, double? candidate, ProductionComparison production)
    {
        var metric = definition.PrimaryMetric;
        if (production.Metrics is null)
        {
            // Nothing to beat: the first model, or a production model that cannot read this data.
            return new GateCheck(GateCheck.Production, true, $"not compared with production: {production.NotComparedBecause}");
        }

        var current = production.Metrics.GetValueOrDefault(metric);
        if (candidate is not { } mine || double.IsNaN(mine))
        {
            return new GateCheck(GateCheck.Production, false, $"{metric} of the candidate is undefined, so it cannot beat production v{production.Version}");
        }

        if (current is not { } theirs || double.IsNaN(theirs))
        {
            return new GateCheck(GateCheck.Production, true, $"{metric} {Format(mine)} against production v{production.Version}, whose {metric} is undefined on this split");
        }

        var gain = KnownMetrics.LowerIsBetter(metric) ? theirs - mine : mine - theirs;
        // Strictly better by more than the minimum improvement: a tie keeps production.
        var passed = gain > definition.MinImprovement;
        return new GateCheck(GateCheck.Production, passed,
            $"{metric} {Format(mine)} vs production v{production.Version} {Format(theirs)} on the same test split: "
            + $"{(gain >= 0 ? "better" : "worse")} by {Format(Math.Abs(gain))}, {(passed ? "beats" : "does not beat")} it by more than {Format(definition.MinImprovement)}");
    }

    private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Quote(string? comment) => string.IsNullOrWhiteSpace(comment) ? "" : $": \"{comment}\"";
}
