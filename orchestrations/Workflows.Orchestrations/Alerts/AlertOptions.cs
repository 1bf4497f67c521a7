namespace Workflows.Orchestrations.Alerts;

/// <summary>How webhooks are delivered; section <c>workflows:alerts</c> of host.json.</summary>
public sealed class AlertOptions
{
    public const string SectionName = "workflows:alerts";

    /// <summary>Attempts before an alert is given up (and its failure logged).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failure; doubled after each further one.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one POST may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the dispatcher looks for due alerts when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
