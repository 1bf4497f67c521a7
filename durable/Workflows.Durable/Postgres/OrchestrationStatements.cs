namespace Workflows.Durable.Postgres;

/// <summary>The SQL of <see cref="OrchestrationStore"/>, written once per task hub schema.</summary>
internal sealed class OrchestrationStatements
{
    /// <summary>The most messages one episode consumes; the rest wait for the next episode.</summary>
    private const int MaxMessagesPerEpisode = 5000;

    public OrchestrationStatements(TaskHubSchema schema)
    {
        // Statement 1 of a claim: lock one instance that has a visible message, and note its id in a transaction-local
        // setting. Its messages are read by statement 2 of the same round trip, whose fresh snapshot sees every commit
        // up to the lock (a single statement could return messages that the previous holder of the lock has just
        // consumed). The plan must stay "walk the inbox index, look up each instance by key": any filter on instances
        // columns beyond the key lets the planner scan all instances, finished ones included. So every worker of a
        // hub runs all its orchestrators, as in Durable Functions.
        ClaimSql = schema.Sql("""
            SELECT i.instance_id, i.execution_id, i.name, i.runtime_status, i.custom_status, i.history_length,
                   set_config('workflows.claimed_instance', i.instance_id, true)
            FROM {schema}.inbox m
            JOIN {schema}.instances i ON i.instance_id = m.instance_id
            WHERE m.visible_at <= now()
              AND (i.runtime_status <> 'Suspended' OR m.is_control)
            ORDER BY m.visible_at, m.id
            LIMIT 1
            FOR UPDATE OF i SKIP LOCKED
            """);
        MessagesSql = schema.Sql($$"""
            SELECT id, execution_id, event FROM {schema}.inbox
            WHERE instance_id = current_setting('workflows.claimed_instance', true) AND visible_at <= now()
            ORDER BY id LIMIT {{MaxMessagesPerEpisode}}
            """);
        HistorySql = schema.Sql("""
            SELECT event FROM {schema}.history
            WHERE instance_id = @instance_id AND sequence_number >= @from
            ORDER BY sequence_number
            """);
        NextDueSql = schema.Sql("SELECT EXTRACT(EPOCH FROM min(visible_at) - clock_timestamp())::float8 FROM {schema}.inbox WHERE visible_at > now()");
        ConsumeSql = schema.Sql("DELETE FROM {schema}.inbox WHERE id = ANY(@ids)");
        PendingSql = schema.Sql("""
            SELECT EXISTS (SELECT 1 FROM {schema}.inbox WHERE instance_id = @instance_id AND visible_at <= now() AND NOT id = ANY(@consumed)) AS messages_pending
            """);
        AppendHistorySql = schema.Sql("""
            INSERT INTO {schema}.history (instance_id, sequence_number, event_type, event)
            SELECT @instance_id, @first + e.ordinality - 1, e.event_type, e.event
            FROM unnest(@types::text[], @events::text[]) WITH ORDINALITY AS e(event_type, event, ordinality)
            """);
        // The first @leased tasks are leased to the committing worker at once, which runs them without a claim.
        EnqueueActivitiesSql = schema.Sql("""
            INSERT INTO {schema}.activities (instance_id, execution_id, task_id, name, input, locked_by, lock_expires_at, dequeue_count)
            SELECT @instance_id, @execution_id, a.task_id, a.name, a.input,
                   CASE WHEN a.n <= @leased THEN @worker END,
                   CASE WHEN a.n <= @leased THEN now() + @lease END,
                   CASE WHEN a.n <= @leased THEN 1 ELSE 0 END
            FROM unnest(@task_ids::int[], @names::text[], @inputs::text[]) WITH ORDINALITY AS a(task_id, name, input, n)
            RETURNING id AS leased_activity_id, task_id, locked_by IS NOT NULL AS leased
            """);
        SendMessagesSql = schema.Sql("""
            INSERT INTO {schema}.inbox (instance_id, execution_id, event_type, event, visible_at, is_control)
            SELECT m.instance_id, m.execution_id, m.event_type, m.event, COALESCE(m.visible_at, now()), m.is_control
            FROM unnest(@instance_ids::text[], @execution_ids::uuid[], @types::text[], @events::text[], @visible::timestamptz[], @control::bool[])
                AS m(instance_id, execution_id, event_type, event, visible_at, is_control)
            """);
        // A child id held by a running instance is refused, and the parent hears of it as a failed sub-orchestration.
        StartChildrenSql = schema.Sql($$"""
            WITH req AS (
                SELECT * FROM unnest(@child_ids::text[], @child_names::text[], @child_inputs::text[], @child_executions::uuid[], @started::text[], @taken::text[])
                    AS r(instance_id, name, input, execution_id, started_event, taken_event)),
            created AS (
                INSERT INTO {schema}.instances AS i (instance_id, execution_id, name, runtime_status, input, parent_instance_id, created_at, last_updated_at)
                SELECT instance_id, execution_id, name, 'Pending', input, @instance_id, now(), now() FROM req
                {{InstanceRestart.OnConflict}}
                RETURNING i.instance_id),
            cleared AS (
                DELETE FROM {schema}.history h USING created c WHERE h.instance_id = c.instance_id),
            started AS (
                INSERT INTO {schema}.inbox (instance_id, execution_id, event_type, event)
                SELECT r.instance_id, r.execution_id, 'ExecutionStarted', r.started_event FROM req r JOIN created c USING (instance_id))
            INSERT INTO {schema}.inbox (instance_id, execution_id, event_type, event)
            SELECT @instance_id, @execution_id, 'SubOrchestrationInstanceFailed', r.taken_event
            FROM req r WHERE NOT EXISTS (SELECT 1 FROM created c WHERE c.instance_id = r.instance_id)
            """);
        UpdateInstanceSql = schema.Sql("""
            UPDATE {schema}.instances
            SET runtime_status = @status, output = @output, failure = @failure, custom_status = @custom_status,
                history_length = history_length + @appended, last_updated_at = now(),
                completed_at = CASE WHEN @terminal THEN now() END
            WHERE instance_id = @instance_id
            """);
        RestartExecutionSql =
        [
            schema.Sql("DELETE FROM {schema}.history WHERE instance_id = @instance_id"),
            schema.Sql("DELETE FROM {schema}.activities WHERE instance_id = @instance_id"),
            schema.Sql("DELETE FROM {schema}.inbox WHERE instance_id = @instance_id AND execution_id = @execution_id"),
            schema.Sql("""
                UPDATE {schema}.instances
                SET execution_id = @new_execution_id, input = @input, runtime_status = 'Running', output = NULL, failure = NULL,
                    custom_status = @custom_status, history_length = 0, last_updated_at = now(), completed_at = NULL
                WHERE instance_id = @instance_id
                """),
        ];
        // A finished instance needs no pending timers, events or activities: their results would be dropped anyway.
        FinishSql =
        [
            schema.Sql("DELETE FROM {schema}.inbox WHERE instance_id = @instance_id"),
            schema.Sql("DELETE FROM {schema}.activities WHERE instance_id = @instance_id"),
            "SELECT pg_notify(@channel, @instance_id)",
        ];
    }

    public string ClaimSql { get; }

    public string MessagesSql { get; }

    public string HistorySql { get; }

    public string NextDueSql { get; }

    public string ConsumeSql { get; }

    public string PendingSql { get; }

    public string AppendHistorySql { get; }

    public string EnqueueActivitiesSql { get; }

    public string SendMessagesSql { get; }

    public string StartChildrenSql { get; }

    public string UpdateInstanceSql { get; }

    public string[] RestartExecutionSql { get; }

    public string[] FinishSql { get; }
}
