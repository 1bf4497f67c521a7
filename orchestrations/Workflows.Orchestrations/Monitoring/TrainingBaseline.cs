namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// What a deployed model's live traffic is compared with: a sample of the training rows as the model reads them
/// (one entry per model input column) and the model's own predictions on that sample. Recorded when the model
/// deploys, kept beside it (<c>baseline.json</c>).
/// </summary>
/// <param name="Rows">Training rows sampled.</param>
/// <param name="TrainRows">Training rows there were.</param>
/// <param name="Features">Per model input column, in input order.</param>
/// <param name="Predictions">The model's outputs on the sampled rows.</param>
/// <param name="Categoricals">
/// Category shares of the source's categorical columns (for chi-square and unseen categories); null when none were
/// recorded. The model itself reads them one-hot, as numeric features.
/// </param>
public sealed record TrainingBaseline(
    int Rows, long TrainRows, IReadOnlyList<FeatureBaseline> Features, PredictionBaseline Predictions, IReadOnlyList<CategoricalBaseline>? Categoricals = null)
{
    /// <summary>The most training rows a baseline keeps: enough for stable PSI bins and KS tests, small enough to load per check.</summary>
    public const int MaxRows = 5000;
}

/// <summary>One input column's training distribution.</summary>
/// <param name="Name">The column's name in the export (a source column, or "column=category" for one-hot).</param>
/// <param name="Mean">Mean of the sample.</param>
/// <param name="StdDev">Population standard deviation of the sample.</param>
/// <param name="Min">Smallest value seen in training (the whole train part).</param>
/// <param name="Max">Largest value seen in training (the whole train part).</param>
/// <param name="Sample">The sampled values, sorted.</param>
public sealed record FeatureBaseline(string Name, double Mean, double StdDev, double Min, double Max, float[] Sample);

/// <summary>The model's outputs on the baseline sample.</summary>
/// <param name="ClassShares">Classification: the share of rows predicted as each class, in class order; null for regression.</param>
/// <param name="Sample">Classification: the top-class probability of each row; regression: the predicted values; sorted.</param>
public sealed record PredictionBaseline(IReadOnlyList<double>? ClassShares, float[] Sample);

/// <summary>One categorical source column's training distribution.</summary>
/// <param name="Name">The column's name in the source.</param>
/// <param name="Categories">The categories seen in training.</param>
/// <param name="Shares">The share of training rows in each category, in the order of <paramref name="Categories"/>.</param>
public sealed record CategoricalBaseline(string Name, IReadOnlyList<string> Categories, IReadOnlyList<double> Shares);
