namespace Workflows.Orchestrations.Pipelines;

/// <summary>
/// The values <see cref="PipelineLoader"/> fills in for keys a pipeline file leaves out. They favour safety over
/// speed: nothing reaches production unbeaten, data with empty values is refused unless allowed per column, and
/// drift needs a real share of features to move before a (rate-limited) retrain starts.
/// </summary>
public static class PipelineDefaults
{
    /// <summary><c>split.validation</c>: 15% of rows.</summary>
    public const double ValidationFraction = 0.15;

    /// <summary><c>split.test</c>: 15% of rows.</summary>
    public const double TestFraction = 0.15;

    /// <summary><c>split.seed</c>.</summary>
    public const int Seed = 42;

    /// <summary><c>validation.minRows</c>.</summary>
    public const int MinRows = 10;

    /// <summary><c>validation.maxNullFraction</c>: no empty values unless <c>nullFractions</c> allows them per column.</summary>
    public const double MaxNullFraction = 0.0;

    /// <summary><c>validation.maxDuplicateRowFraction</c>: a few exact repeats are normal, many mean a broken export.</summary>
    public const double MaxDuplicateRowFraction = 0.05;

    /// <summary><c>validation.minRowsPerClass</c>: enough for a stratified split to put every class in every part.</summary>
    public const int MinRowsPerClass = 5;

    /// <summary><c>validation.driftWarningPsi</c>: 0.1 is the usual "moderate shift" level of PSI.</summary>
    public const double DriftWarningPsi = 0.1;

    /// <summary><c>training.trainer</c> for <c>csv</c> data.</summary>
    public const string TabularTrainer = "mlp";

    /// <summary><c>training.trainer</c> for <c>imageCsv</c> data.</summary>
    public const string ImageTrainer = "cnn";

    /// <summary><c>training.device</c>: CUDA when the worker has it, else CPU.</summary>
    public const string Device = "auto";

    /// <summary><c>training.maxParallelTrials</c>.</summary>
    public const int MaxParallelTrials = 4;

    /// <summary><c>training.timeout</c>: 2 hours.</summary>
    public static readonly TimeSpan TrainingTimeout = TimeSpan.FromHours(2);

    /// <summary><c>training.maxAttempts</c>.</summary>
    public const int MaxAttempts = 3;

    /// <summary><c>evaluation.primaryMetric</c> for classification: macro F1 does not hide a neglected minority class as accuracy can.</summary>
    public const string ClassificationMetric = "f1_macro";

    /// <summary><c>evaluation.primaryMetric</c> for regression.</summary>
    public const string RegressionMetric = "rmse";

    /// <summary><c>evaluation.mustBeatProduction</c>.</summary>
    public const bool MustBeatProduction = true;

    /// <summary><c>evaluation.minImprovement</c>: any improvement (ties keep production).</summary>
    public const double MinImprovement = 0.0;

    /// <summary><c>deploy.approvalTimeout</c>: one day.</summary>
    public static readonly TimeSpan ApprovalTimeout = TimeSpan.FromDays(1);

    /// <summary><c>deploy.canaryPercent</c>: switch all traffic at once.</summary>
    public const int CanaryPercent = 0;

    /// <summary><c>deploy.canaryDuration</c>: ten minutes of baking before promotion.</summary>
    public static readonly TimeSpan CanaryDuration = TimeSpan.FromMinutes(10);

    /// <summary><c>monitoring.schedule</c>: at the start of every hour.</summary>
    public const string MonitoringSchedule = "0 0 * * * *";

    /// <summary><c>monitoring.methods</c>: PSI and Kolmogorov-Smirnov.</summary>
    public static readonly IReadOnlyList<DriftMethod> DriftMethods = [DriftMethod.Psi, DriftMethod.KolmogorovSmirnov];

    /// <summary><c>monitoring.psiThreshold</c>: 0.2, the usual "significant shift" level.</summary>
    public const double PsiThreshold = 0.2;

    /// <summary><c>monitoring.ksPValue</c>.</summary>
    public const double KsPValue = 0.05;

    /// <summary><c>monitoring.wassersteinThreshold</c> (normalized distance).</summary>
    public const double WassersteinThreshold = 0.1;

    /// <summary><c>monitoring.chiSquarePValue</c>.</summary>
    public const double ChiSquarePValue = 0.05;

    /// <summary><c>monitoring.driftedFeatureShare</c>.</summary>
    public const double DriftedFeatureShare = 0.3;

    /// <summary><c>monitoring.minWindowRows</c>.</summary>
    public const int MinWindowRows = 100;

    /// <summary><c>monitoring.retrainOnDrift</c>.</summary>
    public const bool RetrainOnDrift = true;

    /// <summary><c>monitoring.cooldown</c>: one hour.</summary>
    public static readonly TimeSpan Cooldown = TimeSpan.FromHours(1);

    /// <summary><c>monitoring.maxConcurrentRetrains</c>.</summary>
    public const int MaxConcurrentRetrains = 1;
}
