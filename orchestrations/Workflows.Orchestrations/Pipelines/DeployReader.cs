namespace Workflows.Orchestrations.Pipelines;

/// <summary>Reads the <c>deploy</c> section.</summary>
internal static class DeployReader
{
    public static readonly IReadOnlyList<string> Keys = ["approval", "approvalTimeout", "canaryPercent", "shadow", "canaryDuration"];

    private static readonly Dictionary<string, ApprovalMode> Approvals = new() { ["auto"] = ApprovalMode.Auto, ["manual"] = ApprovalMode.Manual };

    public static DeployDefinition Read(YamlSection section)
    {
        var approval = section.Choice("approval", Approvals, ApprovalMode.Auto);
        if (approval == ApprovalMode.Auto && section.Find("approvalTimeout") is not null)
        {
            section.ReportAt("approvalTimeout", "'deploy.approvalTimeout' applies to approval: manual only");
        }

        var canaryPercent = section.Integer("canaryPercent", PipelineDefaults.CanaryPercent, new NumberBounds(0, 100));
        var shadow = section.Flag("shadow", false);
        if (shadow && canaryPercent > 0)
        {
            section.ReportAt("shadow", "'deploy.shadow' and 'deploy.canaryPercent' exclude each other: a shadow model answers no traffic");
        }

        if (canaryPercent == 0 && !shadow && section.Find("canaryDuration") is not null)
        {
            section.ReportAt("canaryDuration", "'deploy.canaryDuration' applies to a canary (canaryPercent above 0) or shadow deploy only");
        }

        return new DeployDefinition(
            approval,
            section.Duration("approvalTimeout", PipelineDefaults.ApprovalTimeout),
            canaryPercent,
            shadow,
            section.Duration("canaryDuration", PipelineDefaults.CanaryDuration));
    }
}
