using Npgsql;
using Workflows.Durable.History;
using static Workflows.Durable.Postgres.BatchCommands;

namespace Workflows.Durable.Postgres;

/// <summary>A leased activity task.</summary>
internal sealed record ActivityWorkItem(long Id, string InstanceId, Guid ExecutionId, int TaskId, string Name, string? Input, int DequeueCount);

/// <summary>Leases activity tasks, renews and abandons leases, and commits results into orchestration inboxes.</summary>
internal sealed class ActivityStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TaskHubSchema _schema;
    private readonly string _claimSql;
    private readonly string _renewSql;
    private readonly string _abandonSql;
    private readonly string _completeSql;

    public ActivityStore(NpgsqlDataSource dataSource, TaskHubSchema schema)
    {
        _dataSource = dataSource;
        _schema = schema;
        _claimSql = schema.Sql("""
            UPDATE {schema}.activities a
            SET locked_by = @worker, lock_expires_at = now() + @lease, dequeue_count = a.dequeue_count + 1
            FROM (SELECT id FROM {schema}.activities
                  WHERE (lock_expires_at IS NULL OR lock_expires_at < now()) AND lower(name) = ANY(@names)
                  ORDER BY id LIMIT @count
                  FOR UPDATE SKIP LOCKED) claimed
            WHERE a.id = claimed.id
            RETURNING a.id, a.instance_id, a.execution_id, a.task_id, a.name, a.input, a.dequeue_count
            """);
        _renewSql = schema.Sql("""
            UPDATE {schema}.activities SET lock_expires_at = now() + @lease
            WHERE id = ANY(@ids) AND locked_by = @worker
            RETURNING id
            """);
        _abandonSql = schema.Sql("UPDATE {schema}.activities SET locked_by = NULL, lock_expires_at = NULL WHERE id = @id AND locked_by = @worker AND dequeue_count = @dequeue_count");
        // The result lands in the inbox in the same statement that removes the task, and only if this worker still
        // holds the lease it was given (the dequeue count identifies the lease).
        _completeSql = schema.Sql("""
            WITH done AS (
                SELECT * FROM unnest(@ids::bigint[], @dequeue_counts::int[], @types::text[], @events::text[]) AS d(id, dequeue_count, event_type, event)),
            removed AS (
                DELETE FROM {schema}.activities a USING done d
                WHERE a.id = d.id AND a.locked_by = @worker AND a.dequeue_count = d.dequeue_count
                RETURNING a.id, a.instance_id, a.execution_id, d.event_type, d.event),
            sent AS (
                INSERT INTO {schema}.inbox (instance_id, execution_id, event_type, event)
                SELECT instance_id, execution_id, event_type, event FROM removed)
            SELECT id FROM removed
            """);
    }

    public async Task<List<ActivityWorkItem>> ClaimAsync(string workerId, string[] names, int count, TimeSpan lease, CancellationToken cancellationToken)
    {
        using var command = _dataSource.CreateCommand(_claimSql);
        command.Parameters.AddWithValue("worker", workerId);
        command.Parameters.AddWithValue("lease", lease);
        command.Parameters.AddWithValue("names", names);
        command.Parameters.AddWithValue("count", count);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var items = new List<ActivityWorkItem>(count);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(new ActivityWorkItem(reader.GetInt64(0), reader.GetString(1), reader.GetGuid(2), reader.GetInt32(3),
                reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt32(6)));
        }

        // Claimed rows come back in no particular order; run the oldest first.
        items.Sort((a, b) => a.Id.CompareTo(b.Id));
        return items;
    }

    /// <summary>Extends the leases of running tasks; returns the ids this worker still holds.</summary>
    public async Task<HashSet<long>> RenewAsync(string workerId, long[] ids, TimeSpan lease, CancellationToken cancellationToken)
    {
        using var command = _dataSource.CreateCommand(_renewSql);
        command.Parameters.AddWithValue("worker", workerId);
        command.Parameters.AddWithValue("lease", lease);
        command.Parameters.AddWithValue("ids", ids);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var held = new HashSet<long>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            held.Add(reader.GetInt64(0));
        }

        return held;
    }

    /// <summary>Gives a task back without a result, so another worker can run it at once.</summary>
    public async Task AbandonAsync(string workerId, ActivityWorkItem item, CancellationToken cancellationToken)
    {
        using var command = _dataSource.CreateCommand(_abandonSql);
        command.Parameters.AddWithValue("id", item.Id);
        command.Parameters.AddWithValue("worker", workerId);
        command.Parameters.AddWithValue("dequeue_count", item.DequeueCount);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Commits a batch of results; returns the ids whose results were accepted (lease still held).</summary>
    public async Task<HashSet<long>> CompleteAsync(string workerId, IReadOnlyList<(ActivityWorkItem Item, HistoryEvent Result)> results, CancellationToken cancellationToken)
    {
        using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(Command(_completeSql,
            ("worker", workerId),
            ("ids", results.Select(r => r.Item.Id).ToArray()),
            ("dequeue_counts", results.Select(r => r.Item.DequeueCount).ToArray()),
            ("types", results.Select(r => HistoryJson.TypeName(r.Result)).ToArray()),
            ("events", results.Select(r => HistoryJson.Serialize(r.Result)).ToArray())));
        batch.BatchCommands.Add(Command("SELECT pg_notify(@channel, @payload)", ("channel", _schema.WorkChannel), ("payload", WorkNotification.Payload(WorkKind.Orchestrations, results.Select(r => r.Item.InstanceId).Distinct().Count(), workerId))));
        // A batch without a transaction runs as one implicit transaction: results and notification commit together.
        using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var accepted = new HashSet<long>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            accepted.Add(reader.GetInt64(0));
        }

        return accepted;
    }
}
