using System.Text.Json;

namespace Workflows.Orchestrations.Pipelines;

/// <summary>
/// One pipeline, as declared in a YAML file under <c>pipelines/</c>: the dataset it trains on, how that data is
/// validated and split, how a model is trained, evaluated, gated and deployed, and how it is monitored.
/// Records only: the loader fills them, with defaults, and reports every error with its position.
/// </summary>
/// <param name="Name">Unique pipeline name: lower-case letters, digits and '-'.</param>
/// <param name="Description">Free text.</param>
/// <param name="Dataset">The data the pipeline trains on.</param>
/// <param name="Validation">Rules every dataset version must pass before it reaches training.</param>
/// <param name="Split">The train/validation/test split.</param>
/// <param name="Training">The trainer and its hyperparameters.</param>
/// <param name="Evaluation">How a candidate model is judged.</param>
/// <param name="Deploy">How a model that passed the gate goes live.</param>
/// <param name="Monitoring">Drift checks on the deployed model; null when not monitored.</param>
/// <param name="Schedule">An NCRONTAB expression (6 fields, seconds first) for scheduled retraining; null for none.</param>
/// <param name="SourceFile">The file the definition was loaded from.</param>
public sealed record PipelineDefinition(
    string Name,
    string? Description,
    DatasetDefinition Dataset,
    ValidationRules Validation,
    SplitDefinition Split,
    TrainingDefinition Training,
    EvaluationDefinition Evaluation,
    DeployDefinition Deploy,
    MonitoringDefinition? Monitoring,
    string? Schedule,
    string SourceFile);

/// <summary>What kind of model the pipeline learns.</summary>
public enum ModelTask
{
    Classification,
    Regression,
}

/// <summary>How the dataset's files are laid out.</summary>
public enum DatasetFormat
{
    /// <summary>CSV with a header row, UTF-8.</summary>
    Csv,

    /// <summary>Images as CSV rows: one column per pixel (row-major) and a label column, as the 8x8 digits set.</summary>
    ImageCsv,
}

/// <summary>The type of a column's values.</summary>
public enum ColumnType
{
    /// <summary>A real number (integers included).</summary>
    Numeric,

    /// <summary>A whole number.</summary>
    Integer,

    /// <summary>true/false (also 0/1, yes/no).</summary>
    Boolean,

    /// <summary>A category from a finite set, kept as text.</summary>
    Categorical,
}

/// <summary>The dataset a pipeline trains on.</summary>
/// <param name="Name">Dataset name; files dropped in <c>&lt;data dir&gt;/drop/&lt;Name&gt;/</c> become its versions.</param>
/// <param name="Format">File layout.</param>
/// <param name="Task">Classification or regression.</param>
/// <param name="Target">The label column.</param>
/// <param name="Features">Feature columns with their types; null to infer every column that is not the target or ignored.</param>
/// <param name="Ignore">Id or timestamp columns that are kept in the data but never used as features.</param>
/// <param name="Image">Image shape for <see cref="DatasetFormat.ImageCsv"/>; null otherwise.</param>
/// <param name="RunOnNewVersion">Whether ingesting a new version of this dataset starts a run of the pipeline.</param>
public sealed record DatasetDefinition(
    string Name,
    DatasetFormat Format,
    ModelTask Task,
    string Target,
    IReadOnlyList<FeatureDefinition>? Features,
    IReadOnlyList<string> Ignore,
    ImageShape? Image,
    bool RunOnNewVersion);

/// <summary>A declared feature column.</summary>
public sealed record FeatureDefinition(string Name, ColumnType Type);

/// <summary>The shape of an image stored as one CSV row.</summary>
public sealed record ImageShape(int Height, int Width, int Channels);

/// <summary>Rules a dataset version must pass; a failing rule quarantines the file with a report.</summary>
/// <param name="RequiredColumns">Columns that must be present (the target and declared features always are).</param>
/// <param name="MinRows">The fewest data rows accepted.</param>
/// <param name="MaxNullFraction">The largest share of empty values in any column, unless overridden per column.</param>
/// <param name="NullFractions">Per-column overrides of <paramref name="MaxNullFraction"/>.</param>
/// <param name="Ranges">Allowed value ranges of numeric columns.</param>
/// <param name="MaxDuplicateRowFraction">The largest share of rows that repeat an earlier row exactly.</param>
/// <param name="LabelClasses">For classification: the only labels allowed; null accepts any.</param>
/// <param name="MinRowsPerClass">For classification: the fewest rows any class may have.</param>
/// <param name="DriftWarningPsi">PSI against the previous version above which a column's shift is reported as a warning (never a failure).</param>
public sealed record ValidationRules(
    IReadOnlyList<string> RequiredColumns,
    int MinRows,
    double MaxNullFraction,
    IReadOnlyDictionary<string, double> NullFractions,
    IReadOnlyDictionary<string, ValueRange> Ranges,
    double MaxDuplicateRowFraction,
    IReadOnlyList<string>? LabelClasses,
    int MinRowsPerClass,
    double DriftWarningPsi);

/// <summary>An inclusive range; a null bound is open.</summary>
public sealed record ValueRange(double? Min, double? Max);

/// <summary>A deterministic split: the same data and seed always give the same rows to each part.</summary>
/// <param name="Validation">Share of rows for validation.</param>
/// <param name="Test">Share of rows for the final test.</param>
/// <param name="Seed">Seed of the shuffle.</param>
/// <param name="Stratify">Keep class proportions in each part (classification only).</param>
public sealed record SplitDefinition(double Validation, double Test, int Seed, bool Stratify);

/// <summary>The trainer and its settings.</summary>
/// <param name="Trainer">Trainer name (<c>mlp</c>, <c>cnn</c>).</param>
/// <param name="Device"><c>auto</c>, <c>cpu</c> or <c>cuda</c>.</param>
/// <param name="Hyperparameters">Values passed to the trainer as they are.</param>
/// <param name="Sweep">A grid: each combination of these values (overriding <paramref name="Hyperparameters"/>) is one trial; null for a single run.</param>
/// <param name="MaxParallelTrials">How many trials of a sweep train at once.</param>
/// <param name="Timeout">The longest one training job may run.</param>
/// <param name="MaxAttempts">How many times a job is tried when its worker is lost or it fails retryably.</param>
public sealed record TrainingDefinition(
    string Trainer,
    string Device,
    IReadOnlyDictionary<string, JsonElement> Hyperparameters,
    IReadOnlyDictionary<string, IReadOnlyList<JsonElement>>? Sweep,
    int MaxParallelTrials,
    TimeSpan Timeout,
    int MaxAttempts);

/// <summary>How a candidate model is judged.</summary>
/// <param name="PrimaryMetric">The metric that ranks trials and models (for example <c>f1_macro</c>, <c>accuracy</c>, <c>rmse</c>).</param>
/// <param name="Thresholds">Bounds a candidate must meet on the test split.</param>
/// <param name="MustBeatProduction">Whether the candidate must do better than the model in production on the same test split.</param>
/// <param name="MinImprovement">How much better, in the primary metric's units, when it must beat production.</param>
public sealed record EvaluationDefinition(
    string PrimaryMetric,
    IReadOnlyList<MetricThreshold> Thresholds,
    bool MustBeatProduction,
    double MinImprovement);

/// <summary>A bound on one metric; a null side is open.</summary>
public sealed record MetricThreshold(string Metric, double? Min, double? Max);

/// <summary>How approval is given.</summary>
public enum ApprovalMode
{
    /// <summary>A model that passes the gate is deployed at once.</summary>
    Auto,

    /// <summary>A person approves or rejects (an <c>Approval</c> event on the run); no answer in time rejects.</summary>
    Manual,
}

/// <summary>How a model goes live.</summary>
/// <param name="Approval">Automatic or manual.</param>
/// <param name="ApprovalTimeout">How long a manual approval may take before the model is rejected.</param>
/// <param name="CanaryPercent">Share of traffic (0–100) the new model gets first while production answers the rest; 0 switches all at once.</param>
/// <param name="Shadow">Whether the new model first scores copies of production's requests without answering them.</param>
/// <param name="CanaryDuration">How long a canary or shadow model bakes before it is promoted to production.</param>
public sealed record DeployDefinition(ApprovalMode Approval, TimeSpan ApprovalTimeout, int CanaryPercent, bool Shadow, TimeSpan CanaryDuration)
{
    /// <summary>Whether a new model goes live in stages (canary or shadow) rather than all at once.</summary>
    public bool Staged => CanaryPercent > 0 || Shadow;
}

/// <summary>A drift test on features or predictions.</summary>
public enum DriftMethod
{
    Psi,
    KolmogorovSmirnov,
    Wasserstein,
    ChiSquare,
}

/// <summary>Drift checks on the deployed model.</summary>
/// <param name="Schedule">NCRONTAB expression (6 fields, seconds first) of the checks.</param>
/// <param name="Methods">Tests to run.</param>
/// <param name="PsiThreshold">PSI at or above which a feature has drifted.</param>
/// <param name="KsPValue">KS p-value below which a feature has drifted.</param>
/// <param name="WassersteinThreshold">Normalized Wasserstein distance at or above which a feature has drifted.</param>
/// <param name="ChiSquarePValue">Chi-square p-value below which a categorical feature has drifted.</param>
/// <param name="DriftedFeatureShare">The share of drifted features at which the dataset has drifted.</param>
/// <param name="MinWindowRows">The fewest logged rows a check needs; fewer is "insufficient data".</param>
/// <param name="RetrainOnDrift">Whether drift starts a retraining run.</param>
/// <param name="Cooldown">The least time between two retraining runs started by drift.</param>
/// <param name="MaxConcurrentRetrains">How many drift-started runs of this pipeline may run at once.</param>
/// <param name="WebhookUrl">Where drift, failed-run and deploy events are posted; null for none.</param>
public sealed record MonitoringDefinition(
    string Schedule,
    IReadOnlyList<DriftMethod> Methods,
    double PsiThreshold,
    double KsPValue,
    double WassersteinThreshold,
    double ChiSquarePValue,
    double DriftedFeatureShare,
    int MinWindowRows,
    bool RetrainOnDrift,
    TimeSpan Cooldown,
    int MaxConcurrentRetrains,
    Uri? WebhookUrl);
