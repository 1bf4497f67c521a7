namespace Workflows.Orchestrations.Pipelines;

/// <summary>Reads the <c>deploy</c> section.</summary>
internal static class DeployReader
{
    public static readonly IReadOnlyList<string> Keys = ["approval", "approvalTimeout", "canaryPercent"];

    private static readonly Dictionary<string, ApprovalMode> Approvals = new() { ["auto"] = ApprovalMode.Auto, ["manual"] = ApprovalMode.Manual };

    public static DeployDefinition Read(YamlSection section)
    {
        var approval = section.Choice("approval", Approvals, ApprovalMode.Auto);
        if (approval == ApprovalMode.Auto && section.Find("approvalTimeout") is not null)
        {
            section.ReportAt("approvalTimeout", "'deploy.approvalTimeout' applies to approval: manual only");
        }

        return new DeployDefinition(
            approval,
            section.Duration("approvalTimeout", PipelineDefaults.ApprovalTimeout),
            section.Integer("canaryPercent", PipelineDefaults.CanaryPercent, new NumberBounds(0, 100)));
    }
}
