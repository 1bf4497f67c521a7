using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Monitoring;

/// <summary>The outcome of one drift check.</summary>
public enum DriftVerdict
{
    /// <summary>Enough data, and fewer drifted features than the threshold share.</summary>
    Stable,

    /// <summary>Enough data, and at least the threshold share of tested features drifted.</summary>
    Drifted,

    /// <summary>Fewer rows than <see cref="DriftSettings.MinWindowRows"/>: statistics are reported, nothing is called drifted.</summary>
    InsufficientData,
}

/// <summary>A drift check of a live window against a model's training baseline.</summary>
/// <param name="Verdict">Stable, drifted or insufficient data.</param>
/// <param name="Drifted">Whether the dataset drifted: <see cref="DriftedShare"/> &gt;= the threshold share, with enough data.</param>
/// <param name="Window">The window checked.</param>
/// <param name="Features">Per numeric model input, in input order, then per categorical source column.</param>
/// <param name="TestedFeatures">Features with a verdict (enough non-missing values and at least one applicable method).</param>
/// <param name="DriftedFeatures">Tested features that drifted.</param>
/// <param name="DriftedShare">DriftedFeatures / TestedFeatures (0 when none were tested).</param>
/// <param name="DriftedFeatureShare">The threshold share from the settings.</param>
/// <param name="Predictions">Drift of the model's outputs; null when the window has none. Not part of the dataset verdict.</param>
/// <param name="Methods">The methods that ran.</param>
public sealed record DriftReport(
    DriftVerdict Verdict,
    bool Drifted,
    DriftWindow Window,
    IReadOnlyList<FeatureDrift> Features,
    int TestedFeatures,
    int DriftedFeatures,
    double DriftedShare,
    double DriftedFeatureShare,
    PredictionDrift? Predictions,
    IReadOnlyList<DriftMethod> Methods);

/// <summary>The live window a check used.</summary>
/// <param name="Rows">Rows in the window.</param>
/// <param name="MinRows">The fewest rows a verdict needs.</param>
/// <param name="From">Start of the window, as given.</param>
/// <param name="To">End of the window, as given.</param>
public sealed record DriftWindow(int Rows, int MinRows, DateTimeOffset From, DateTimeOffset To);

/// <summary>Whether a feature is a numeric model input or a categorical source column.</summary>
public enum FeatureKind
{
    /// <summary>A numeric model input (PSI, KS, Wasserstein).</summary>
    Numeric,

    /// <summary>A categorical source column (chi-square).</summary>
    Categorical,
}

/// <summary>One feature's tests and data quality.</summary>
/// <param name="Name">The feature's name.</param>
/// <param name="Kind">Numeric or categorical.</param>
/// <param name="Tested">Whether it has a verdict and counts in the drifted share.</param>
/// <param name="Drifted">Whether any enabled test says it drifted (false unless tested).</param>
/// <param name="Tests">One result per enabled method that applies.</param>
/// <param name="Quality">Missing, out-of-range and unseen values.</param>
/// <param name="Note">Why it was not tested, when it was not.</param>
public sealed record FeatureDrift(string Name, FeatureKind Kind, bool Tested, bool Drifted, IReadOnlyList<DriftTestResult> Tests, DataQuality Quality, string? Note = null);

/// <summary>One test of one feature.</summary>
/// <param name="Method">The test.</param>
/// <param name="Statistic">PSI, KS D, normalized Wasserstein distance, or the chi-square statistic.</param>
/// <param name="PValue">KS and chi-square; null for PSI and Wasserstein, which have none.</param>
/// <param name="Threshold">The threshold the statistic (PSI, Wasserstein) or p-value (KS, chi-square) was compared with.</param>
/// <param name="Drifted">Statistic &gt;= threshold (PSI, Wasserstein) or p-value &lt; threshold (KS, chi-square), with enough data.</param>
/// <param name="DegreesOfFreedom">Chi-square only.</param>
public sealed record DriftTestResult(DriftMethod Method, double Statistic, double? PValue, double Threshold, bool Drifted, int? DegreesOfFreedom = null);

/// <summary>Data-quality signals of one live column.</summary>
/// <param name="Rows">Rows looked at.</param>
/// <param name="Missing">NaN (numeric) or missing (categorical) values.</param>
/// <param name="MissingRate">Missing / Rows.</param>
/// <param name="OutOfRange">Numeric values outside the training [Min, Max].</param>
/// <param name="OutOfRangeRate">OutOfRange / non-missing values.</param>
/// <param name="UnseenRows">Categorical values the baseline never saw.</param>
/// <param name="UnseenRate">UnseenRows / non-missing values.</param>
/// <param name="UnseenCategories">Up to 20 of those categories, most frequent first.</param>
public sealed record DataQuality(
    long Rows, long Missing, double MissingRate, long OutOfRange, double OutOfRangeRate, long UnseenRows, double UnseenRate, IReadOnlyList<string> UnseenCategories);

/// <summary>Drift of the model's outputs.</summary>
/// <param name="Drifted">Whether any of its tests drifted.</param>
/// <param name="ClassShares">Classification: chi-square of predicted class counts against the baseline's shares.</param>
/// <param name="Output">The top-class probability (classification) or the predicted value (regression), tested as a numeric feature.</param>
public sealed record PredictionDrift(bool Drifted, DriftTestResult? ClassShares, FeatureDrift Output);
