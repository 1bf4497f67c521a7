namespace Workflows.Functions.Triggers;

/// <summary>How the drop folder and drop container are watched; bound from host.json's <c>workflows:drop</c>.</summary>
public sealed class DropOptions
{
    public const string SectionName = "workflows:drop";

    /// <summary>How often the drop is scanned (a file-system notification also wakes the folder scan).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a file's size and time must stay unchanged before it counts as completely written.</summary>
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromSeconds(2);
}
