using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// Compares a live window with a model's training baseline: per feature PSI, KS and Wasserstein (numeric) or
/// chi-square (categorical), data-quality signals, drift of the model's outputs, and a dataset verdict. Pure
/// computation: no I/O, deterministic, safe to call from an activity.
/// </summary>
/// <remarks>
/// Verdicts. A feature has drifted when ANY enabled method says so (PSI &gt;= threshold, KS p &lt; threshold,
/// normalized Wasserstein &gt;= threshold, chi-square p &lt; threshold): the methods see different things (KS any
/// change of shape, PSI and Wasserstein the size of it), and a retraining trigger should not miss what one of them
/// sees. The dataset has drifted when the drifted share of tested features reaches
/// <see cref="DriftSettings.DriftedFeatureShare"/>. A window with fewer rows than <see cref="DriftSettings.MinWindowRows"/>
/// is "insufficient data": every statistic is still computed and reported, but nothing is called drifted; so is a
/// feature with fewer non-missing values than that. Drift of the model's outputs is reported beside the verdict, not
/// in it: the features' share is the retraining signal, output drift the symptom to look at.
///
/// Cost. One parallel pass bins every live column on its baseline (no live column is ever sorted), a second pass keeps
/// the values of only the few buckets where the CDFs cross to finish Wasserstein exactly; the rest is per bucket (at
/// most 5,001 per feature). See <see cref="HistogramScan"/>.
/// </remarks>
public static class DriftDetector
{
    /// <summary>Checks <paramref name="window"/> against <paramref name="baseline"/> with a pipeline's monitoring settings.</summary>
    public static DriftReport Check(TrainingBaseline baseline, LiveWindow window, MonitoringDefinition settings) =>
        Check(baseline, window, DriftSettings.From(settings));

    /// <summary>Checks <paramref name="window"/> against <paramref name="baseline"/>.</summary>
    public static DriftReport Check(TrainingBaseline baseline, LiveWindow window, DriftSettings settings)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(settings);
        var featureCount = baseline.Features.Count;
        if (window.Columns.Count != featureCount || window.Rows < 0)
        {
            throw new ArgumentException($"The window has {window.Columns.Count} feature columns; the baseline has {featureCount} features.", nameof(window));
        }

        for (var f = 0; f < featureCount; f++)
        {
            if (window.Columns[f].Length != window.Rows)
            {
                throw new ArgumentException($"The window's column {f} ({baseline.Features[f].Name}) has {window.Columns[f].Length} values; the window has {window.Rows} rows.", nameof(window));
            }
        }

        var insufficient = window.Rows < settings.MinWindowRows;
        var features = new List<FeatureDrift>(featureCount + (window.Categoricals?.Count ?? 0));
        var columns = new ColumnSpec[featureCount];
        var scales = new double[featureCount];
        for (var f = 0; f < featureCount; f++)
        {
            var feature = baseline.Features[f];
            columns[f] = new ColumnSpec(window.Columns[f], Distribution(feature.Sample, feature.Mean), feature.Min, feature.Max);
            scales[f] = WassersteinDistance.Scale(feature.StdDev, feature.Min, feature.Max, feature.Mean);
        }

        var histograms = HistogramScan.Run(window.Rows, columns);
        var crossingValues = CrossingValues(columns, histograms, settings);
        // Features are independent after the scans (the Wasserstein selections are most of this): each core takes a share.
        var numeric = new FeatureDrift[featureCount];
        Parallel.For(0, featureCount, f =>
        {
            var drift = NumericDrift.Evaluate(baseline.Features[f].Name, histograms[f], crossingValues[f], scales[f], settings, insufficient);
            numeric[f] = baseline.Features[f].Sample.Length == 0 ? drift with { Tested = false, Drifted = false, Note = "the baseline has no sample" } : drift;
        });
        features.AddRange(numeric);

        foreach (var column in window.Categoricals ?? [])
        {
            var categorical = baseline.Categoricals?.FirstOrDefault(c => c.Name == column.Name);
            features.Add(CategoricalDrift.Evaluate(column, categorical, settings, insufficient));
        }

        var (tested, drifted) = (0, 0);
        foreach (var feature in features)
        {
            tested += feature.Tested ? 1 : 0;
            drifted += feature.Drifted ? 1 : 0;
        }

        var share = tested == 0 ? 0 : (double)drifted / tested;
        var datasetDrifted = !insufficient && tested > 0 && share >= settings.DriftedFeatureShare;
        var verdict = insufficient ? DriftVerdict.InsufficientData : datasetDrifted ? DriftVerdict.Drifted : DriftVerdict.Stable;
        var predictions = window.Predictions is { } live ? PredictionDriftCheck.Evaluate(baseline.Predictions, live, settings, insufficient) : null;
        return new DriftReport(verdict, datasetDrifted, new DriftWindow(window.Rows, settings.MinWindowRows, window.From, window.To), features, tested, drifted,
            share, settings.DriftedFeatureShare, predictions, settings.Methods);
    }

    /// <summary>The baseline's step function; an empty sample (never recorded) stands in as its mean so the scan still counts quality.</summary>
    internal static EmpiricalDistribution Distribution(float[] sample, double mean) =>
        EmpiricalDistribution.FromSorted(sample.Length > 0 ? sample : [(float)mean]);

    /// <summary>Per column, the live values of its crossing buckets (empty unless Wasserstein runs).</summary>
    internal static Dictionary<int, float[]>[] CrossingValues(IReadOnlyList<ColumnSpec> columns, LiveHistogram[] histograms, DriftSettings settings)
    {
        var crossings = new bool[]?[columns.Count];
        if (settings.Runs(DriftMethod.Wasserstein))
        {
            for (var c = 0; c < columns.Count; c++)
            {
                var crossing = WassersteinDistance.CrossingBuckets(histograms[c], out var count);
                crossings[c] = count > 0 ? crossing : null;
            }
        }

        return CrossingScan.Run(columns, histograms, crossings);
    }
}
