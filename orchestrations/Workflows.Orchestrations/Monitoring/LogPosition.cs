namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// A place in prediction_log in commit-safe order: the transaction that wrote a row, then its id. Windows are read in
/// this order and only up to the oldest transaction still running, so every committed row falls in exactly one window
/// that reaches a verdict (one with too few rows is read again with the next), whatever order the hosts' log writers
/// commit in.
/// </summary>
/// <param name="Xid">The writing transaction (PostgreSQL's xid8).</param>
/// <param name="Id">The row's id.</param>
public readonly record struct LogPosition(ulong Xid, long Id)
{
    /// <summary>Before every row.</summary>
    public static LogPosition Start => default;
}
