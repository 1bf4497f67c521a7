namespace Workflows.Orchestrations.Evaluation;

/// <summary>One class's row of the per-class table; a ratio whose denominator is 0 is 0, as scikit-learn reports it.</summary>
/// <param name="Label">The class label (the export's class label for this index).</param>
/// <param name="Precision">Correct predictions of the class over all predictions of it.</param>
/// <param name="Recall">Correct predictions of the class over its true rows.</param>
/// <param name="F1">The harmonic mean of precision and recall.</param>
/// <param name="Support">True rows of the class.</param>
public sealed record ClassMetrics(string Label, double Precision, double Recall, double F1, long Support);
