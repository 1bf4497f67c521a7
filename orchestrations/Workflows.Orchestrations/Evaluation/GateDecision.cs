namespace Workflows.Orchestrations.Evaluation;

/// <summary>Why a candidate model passed or failed the gate: every check, in order, and the approval when one was asked.</summary>
/// <param name="Passed">Whether every check passed.</param>
/// <param name="Checks">Each threshold, the comparison with production and the approval.</param>
public sealed record GateDecision(bool Passed, IReadOnlyList<GateCheck> Checks)
{
    /// <summary>Every check's detail when all passed, else the failed checks' details.</summary>
    public string Summary => Passed
        ? "passed: " + (Checks.Count == 0 ? "no checks are defined" : string.Join("; ", Checks.Select(c => c.Detail)))
        : "failed: " + string.Join("; ", Checks.Where(c => !c.Passed).Select(c => c.Detail));

    /// <summary>This decision with one more check at the end.</summary>
    public GateDecision With(GateCheck check) => new(Passed && check.Passed, [.. Checks, check]);
}

/// <summary>One check of the gate.</summary>
/// <param name="Kind">threshold, production or approval.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Detail">What was compared with what, in words.</param>
public sealed record GateCheck(string Kind, bool Passed, string Detail)
{
    public const string Threshold = "threshold";
    public const string Production = "production";
    public const string Approval = "approval";
}
