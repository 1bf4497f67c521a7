namespace Workflows.Durable.Postgres;

/// <summary>
/// How an instance id is (re)used, the same for a client's start and a parent's sub-orchestration: a new id is
/// inserted; the id of a finished instance starts a fresh execution; the id of a live instance is left alone (the
/// insert returns no row).
/// </summary>
internal static class InstanceRestart
{
    /// <summary>The final states; an instance in one of them can be started again.</summary>
    public const string FinishedStatuses = "('Completed', 'Failed', 'Terminated')";

    /// <summary>The ON CONFLICT clause of an insert into instances aliased <c>i</c>.</summary>
    public const string OnConflict = $"""
        ON CONFLICT (instance_id) DO UPDATE
            SET execution_id = EXCLUDED.execution_id, name = EXCLUDED.name, runtime_status = 'Pending', input = EXCLUDED.input,
                output = NULL, custom_status = NULL, failure = NULL, parent_instance_id = EXCLUDED.parent_instance_id,
                history_length = 0, created_at = now(), last_updated_at = now(), completed_at = NULL,
                scheduled_start_at = EXCLUDED.scheduled_start_at
            WHERE i.runtime_status IN {FinishedStatuses}
        """;
}
