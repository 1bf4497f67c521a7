namespace Workflows.Durable;

/// <summary>A filter over instances, returned a page at a time in creation order.</summary>
public sealed record OrchestrationQuery
{
    /// <summary>Only instances in these states; all when empty.</summary>
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }

    /// <summary>Only instances of this orchestrator (case-insensitive).</summary>
    public string? Name { get; init; }

    /// <summary>Only instance ids starting with this text.</summary>
    public string? InstanceIdPrefix { get; init; }

    /// <summary>Only instances created at or after this time.</summary>
    public DateTime? CreatedFrom { get; init; }

    /// <summary>Only instances created before this time.</summary>
    public DateTime? CreatedTo { get; init; }

    /// <summary>Instances per page, 1 to 1000.</summary>
    public int PageSize
    {
        get;
        init => field = value is >= 1 and <= 1000 ? value : throw new ArgumentOutOfRangeException(nameof(PageSize), value, "The page size must be between 1 and 1000.");
    } = 100;

    /// <summary>Newest first instead of oldest first (by creation time, then id).</summary>
    public bool NewestFirst { get; init; }

    /// <summary>The token of the previous page, to read the next one.</summary>
    public string? ContinuationToken { get; init; }

    /// <summary>Whether to return inputs and outputs.</summary>
    public bool FetchInputsAndOutputs { get; init; }
}

/// <summary>One page of results and the token for the next page (null on the last page).</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items on this page.</param>
/// <param name="ContinuationToken">Pass in the next query to continue; null when there are no more.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);
