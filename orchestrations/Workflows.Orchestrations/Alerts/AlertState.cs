namespace Workflows.Orchestrations.Alerts;

/// <summary>Where an alert's delivery stands.</summary>
public enum AlertState
{
    /// <summary>Not delivered yet; tried again at its next attempt time.</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt failed; the last error is kept.</summary>
    Failed,
}

/// <summary>An alert as stored; <c>LastError</c> is the latest failed attempt's, kept after a later success.</summary>
public sealed record AlertRecord(long Id, string Pipeline, string Kind, Uri Url, AlertEvent Event, AlertState State, int Attempts, DateTimeOffset NextAttemptAt, string? LastError, DateTimeOffset? DeliveredAt);
