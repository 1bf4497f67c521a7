namespace Workflows.Orchestrations.Evaluation;

/// <summary>
/// A person's answer to a manual approval, raised on the run as the <c>Approval</c> event
/// (<c>POST /api/runs/{id}/events/Approval</c>).
/// </summary>
/// <param name="Approved">Deploy (true) or reject (false).</param>
/// <param name="By">Who answered.</param>
/// <param name="Comment">Why.</param>
public sealed record ApprovalEvent(bool Approved, string? By, string? Comment)
{
    public const string Name = "Approval";
}
