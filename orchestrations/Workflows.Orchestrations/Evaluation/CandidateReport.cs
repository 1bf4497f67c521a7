namespace Workflows.Orchestrations.Evaluation;

/// <summary>
/// What the evaluate stage writes beside a model (<c>evaluation.json</c>): the candidate's full evaluation on the
/// test split, the production model's on the same rows when it could be scored, and the gate's automatic checks.
/// </summary>
/// <param name="Candidate">The candidate's metrics, per-class table, confusion matrix and calibration.</param>
/// <param name="Production">The production model's evaluation on the same rows; null when not compared.</param>
/// <param name="Comparison">The production version and why it was not compared, when it was not.</param>
/// <param name="Gate">The gate's automatic checks (an approval, when asked, is added to the version's record).</param>
public sealed record CandidateReport(EvaluationReport Candidate, EvaluationReport? Production, ProductionComparison Comparison, GateDecision Gate);
