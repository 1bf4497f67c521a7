namespace Workflows.Orchestrations.Pipelines;

/// <summary>
/// The metrics evaluation computes, per task. Checking names when a file loads turns a typo in a gate
/// (<c>acuracy</c>) into an error with a position instead of a run that fails after hours of training.
/// </summary>
public static class KnownMetrics
{
    private static readonly IReadOnlyList<string> Classification =
        ["accuracy", "balanced_accuracy", "f1_macro", "f1_weighted", "precision_macro", "recall_macro", "roc_auc", "log_loss"];

    private static readonly IReadOnlyList<string> Regression = ["rmse", "mae", "mse", "r2", "mape"];

    private static readonly IReadOnlySet<string> Losses = new HashSet<string>(["log_loss", "rmse", "mae", "mse", "mape"]);

    public static IReadOnlyList<string> For(ModelTask task) => task == ModelTask.Classification ? Classification : Regression;

    /// <summary>Whether a smaller value of <paramref name="metric"/> is better (errors and losses) rather than larger (scores).</summary>
    public static bool LowerIsBetter(string metric) => Losses.Contains(metric);
}
