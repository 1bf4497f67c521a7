using System.Collections.Concurrent;
using System.Globalization;

namespace Workflows.Durable.Postgres;

/// <summary>The SQL of <see cref="OrchestrationStore"/>, written once per task hub schema.</summary>
internal sealed class OrchestrationStatements
{
    /// <summary>The most messages one episode consumes; the rest wait for the next episode.</summary>
    private const int MaxMessagesPerEpisode = 5000;

    private readonly string _claimTemplate;
    private readonly ConcurrentDictionary<int, string> _claimSql = new();

    public OrchestrationStatements(TaskHubSchema schema)
    {
        // Statement 1 of a claim: lock up to @limit instances that have visible messages, and note their ids in a
        // transaction-local setting. Their messages are read by statement 2 of the same round trip, whose fresh snapshot
        // sees every commit up to the locks (a single statement could return messages that the previous holder of a lock
        // has just consumed). The ids are noted from the CTE's rows, which are the locked ones only: a row skipped as
        // locked never reaches them. The plan must stay "walk the inbox index, look up each instance by key": any filter
        // on instances columns beyond the key lets the planner scan all instances, finished ones included. So every
        // worker of a hub runs all its orchestrators, as in Durable Functions.
        // The limit is written into the text, not bound: the planner must know it is small to keep that plan.
        _claimTemplate = schema.Sql("""
            WITH claimed AS (
                SELECT i.instance_id, i.execution_id, i.name, i.runtime_status, i.custom_status, i.history_length
                FROM {schema}.inbox m
                JOIN {schema}.instances i ON i.instance_id = m.instance_id
                WHERE m.visible_at <= now()
                  AND (i.runtime_status <> 'Suspended' OR m.is_control)
                ORDER BY m.visible_at, m.id
                LIMIT {limit}
                FOR UPDATE OF i SKIP LOCKED)
            SELECT DISTINCT ON (instance_id) instance_id, execution_id, name, runtime_status, custom_status, history_length,
                   set_config('workflows.claimed_instances', (SELECT array_agg(DISTINCT instance_id) FROM claimed)::text, true)
            FROM claimed
            """);
        MessagesSql = schema.Sql($$"""
            SELECT c.instance_id, m.id, m.execution_id, m.event
            FROM unnest(NULLIF(current_setting('workflows.claimed_instances', true), '')::text[]) AS c(instance_id)
            CROSS JOIN LATERAL (
                SELECT id, execution_id, event FROM {schema}.inbox
                WHERE instance_id = c.instance_id AND visible_at <= now()
                ORDER BY id LIMIT {{MaxMessagesPerEpisode}}) m
            ORDER BY m.id
            """);
        // Statements driven by arrays of instance ids must walk the key index per id: the planner cannot size an
        // unnest and would otherwise hash-join against a scan of the whole table. Hence LATERAL, or a key condition.
        HistorySql = schema.Sql("""
            SELECT r.instance_id, h.event
            FROM unnest(@instance_ids::text[], @from::int[]) AS r(instance_id, first_sequence)
            CROSS JOIN LATERAL (
                SELECT event FROM {schema}.history
                WHERE instance_id = r.instance_id AND sequence_number >= r.first_sequence
                ORDER BY sequence_number) h
            """);
        NextDueSql = schema.Sql("SELECT EXTRACT(EPOCH FROM min(visible_at) - clock_timestamp())::float8 FROM {schema}.inbox WHERE visible_at > now()");
        DeferSql = schema.Sql("UPDATE {schema}.inbox SET visible_at = now() + @delay WHERE instance_id = ANY(@instance_ids) AND visible_at <= now()");
        ConsumeSql = schema.Sql("DELETE FROM {schema}.inbox WHERE id = ANY(@ids)");
        // Instances of the session that received messages while their episodes ran: their wake-ups found them locked.
        PendingSql = schema.Sql("""
            SELECT DISTINCT instance_id AS instance_with_messages FROM {schema}.inbox
            WHERE instance_id = ANY(@instance_ids) AND visible_at <= now()
            """);
        AppendHistorySql = schema.Sql("""
            INSERT INTO {schema}.history (instance_id, sequence_number, event_type, event)
            SELECT * FROM unnest(@instance_ids::text[], @sequence_numbers::int[], @types::text[], @events::text[])
            """);
        // Tasks flagged @leased are leased to the committing worker at once, which runs them without a claim.
        EnqueueActivitiesSql = schema.Sql("""
            INSERT INTO {schema}.activities (instance_id, execution_id, task_id, name, input, locked_by, lock_expires_at, dequeue_count)
            SELECT a.instance_id, a.execution_id, a.task_id, a.name, a.input,
                   CASE WHEN a.leased THEN @worker END,
                   CASE WHEN a.leased THEN now() + @lease END,
                   CASE WHEN a.leased THEN 1 ELSE 0 END
            FROM unnest(@instance_ids::text[], @execution_ids::uuid[], @task_ids::int[], @names::text[], @inputs::text[], @leased::bool[])
                AS a(instance_id, execution_id, task_id, name, input, leased)
            RETURNING id AS leased_activity_id, instance_id, task_id, locked_by IS NOT NULL AS leased
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
        UpdateInstancesSql = schema.Sql("""
            UPDATE {schema}.instances i
            SET runtime_status = u.status, output = u.output, failure = u.failure, custom_status = u.custom_status,
                history_length = i.history_length + u.appended, last_updated_at = now(),
                completed_at = CASE WHEN u.terminal THEN now() END
            FROM unnest(@instance_ids::text[], @statuses::text[], @outputs::text[], @failures::text[], @custom_statuses::text[], @appended::int[], @terminal::bool[])
                AS u(instance_id, status, output, failure, custom_status, appended, terminal)
            WHERE i.instance_id = u.instance_id AND i.instance_id = ANY(@instance_ids)
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
            schema.Sql("DELETE FROM {schema}.inbox WHERE instance_id = ANY(@instance_ids)"),
            schema.Sql("DELETE FROM {schema}.activities WHERE instance_id = ANY(@instance_ids)"),
            "SELECT pg_notify(@channel, finished) FROM unnest(@instance_ids::text[]) AS f(finished)",
        ];
    }

    /// <summary>Statement 1 of a claim of up to <paramref name="limit"/> instances.</summary>
    public string ClaimSql(int limit) => _claimSql.GetOrAdd(limit, n => _claimTemplate.Replace("{limit}", n.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

    public string MessagesSql { get; }

    public string HistorySql { get; }

    public string NextDueSql { get; }

    public string DeferSql { get; }

    public string ConsumeSql { get; }

    public string PendingSql { get; }

    public string AppendHistorySql { get; }

    public string EnqueueActivitiesSql { get; }

    public string SendMessagesSql { get; }

    public string StartChildrenSql { get; }

    public string UpdateInstancesSql { get; }

    public string[] RestartExecutionSql { get; }

    public string[] FinishSql { get; }
}
