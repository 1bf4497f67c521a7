using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Monitoring;

/// <summary>The drift tests to run and their thresholds: the statistical part of a pipeline's <see cref="MonitoringDefinition"/>.</summary>
/// <param name="Methods">The tests to run. A feature has drifted when any of them says so.</param>
/// <param name="PsiThreshold">PSI at or above which a numeric feature has drifted.</param>
/// <param name="KsPValue">KS p-value below which a numeric feature has drifted.</param>
/// <param name="WassersteinThreshold">Wasserstein distance over the baseline's standard deviation at or above which a numeric feature has drifted.</param>
/// <param name="ChiSquarePValue">Chi-square p-value below which a categorical feature (or the predicted class mix) has drifted.</param>
/// <param name="DriftedFeatureShare">The share of tested features that must have drifted for the dataset to have drifted.</param>
/// <param name="MinWindowRows">The fewest live rows (and non-missing values per feature) a verdict needs.</param>
/// <param name="PsiBins">Quantile bins of PSI.</param>
public sealed record DriftSettings(
    IReadOnlyList<DriftMethod> Methods,
    double PsiThreshold = PipelineDefaults.PsiThreshold,
    double KsPValue = PipelineDefaults.KsPValue,
    double WassersteinThreshold = PipelineDefaults.WassersteinThreshold,
    double ChiSquarePValue = PipelineDefaults.ChiSquarePValue,
    double DriftedFeatureShare = PipelineDefaults.DriftedFeatureShare,
    int MinWindowRows = PipelineDefaults.MinWindowRows,
    int PsiBins = PopulationStabilityIndex.DefaultBins)
{
    /// <summary>The pipeline defaults: PSI and KS.</summary>
    public static DriftSettings Default { get; } = new(PipelineDefaults.DriftMethods);

    /// <summary>The settings of a pipeline's monitoring section.</summary>
    public static DriftSettings From(MonitoringDefinition monitoring)
    {
        ArgumentNullException.ThrowIfNull(monitoring);
        return new DriftSettings(monitoring.Methods, monitoring.PsiThreshold, monitoring.KsPValue, monitoring.WassersteinThreshold,
            monitoring.ChiSquarePValue, monitoring.DriftedFeatureShare, monitoring.MinWindowRows);
    }

    /// <summary>Whether <paramref name="method"/> is enabled.</summary>
    public bool Runs(DriftMethod method)
    {
        foreach (var m in Methods)
        {
            if (m == method)
            {
                return true;
            }
        }

        return false;
    }
}
