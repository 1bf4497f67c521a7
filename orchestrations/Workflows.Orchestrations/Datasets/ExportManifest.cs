using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// What a trainer needs to read an export: X files are float32 (rows, FeatureCount) in C order, not normalized;
/// normalize with (x - Mean[i]) / StdDev[i], both computed on the train part only (a constant feature has StdDev 1, as
/// scikit-learn's StandardScaler does, so it normalizes to 0). y files are int64 class indices into
/// <see cref="ClassLabels"/> for classification, float32 for regression.
/// </summary>
/// <param name="FormatVersion">This manifest's layout version.</param>
/// <param name="Task">Classification or regression.</param>
/// <param name="Target">The label column.</param>
/// <param name="FeatureNames">One name per column of X: the source column, or "column=category" for one-hot columns.</param>
/// <param name="FeatureCount">Columns of X.</param>
/// <param name="Features">How each source column is encoded.</param>
/// <param name="Mean">Per column of X, the train part's mean.</param>
/// <param name="StdDev">Per column of X, the train part's population standard deviation (1 where it is 0).</param>
/// <param name="ClassLabels">Classification: the labels, sorted (numerically when the target is numeric); y holds indices into it.</param>
/// <param name="Image">For image datasets: X's columns are the pixels in file order, row-major (height, width, channels).</param>
/// <param name="Rows">Rows in each part.</param>
/// <param name="DroppedRows">Rows left out because their label is empty.</param>
/// <param name="Files">The file of each array.</param>
/// <param name="Seed">The split's shuffle seed.</param>
/// <param name="Stratified">Whether each part keeps the class proportions.</param>
/// <param name="DatasetSha256">SHA-256 of the canonical CSV that was exported (the dataset version's content hash).</param>
/// <param name="CategoricalEncoding">The rule that chose one-hot or ordinal encoding, in words.</param>
/// <param name="MissingValues">How missing values were filled, in words.</param>
public sealed record ExportManifest(
    int FormatVersion,
    ModelTask Task,
    string Target,
    IReadOnlyList<string> FeatureNames,
    int FeatureCount,
    IReadOnlyList<ExportedFeature> Features,
    IReadOnlyList<double> Mean,
    IReadOnlyList<double> StdDev,
    IReadOnlyList<string>? ClassLabels,
    ImageShape? Image,
    ExportRowCounts Rows,
    long DroppedRows,
    ExportFiles Files,
    int Seed,
    bool Stratified,
    string DatasetSha256,
    string CategoricalEncoding,
    string MissingValues)
{
    public const string FileName = "manifest.json";
}
