using Npgsql;
using Workflows.Durable.History;
using static Workflows.Durable.Postgres.BatchCommands;

namespace Workflows.Durable.Postgres;

/// <summary>The client's reads and writes of orchestration instances.</summary>
internal sealed class InstanceStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TaskHubSchema _schema;
    private readonly string _createSql;
    private readonly string _messageToLiveInstanceSql;

    public InstanceStore(NpgsqlDataSource dataSource, TaskHubSchema schema)
    {
        _dataSource = dataSource;
        _schema = schema;
        // A new id is inserted; an id whose instance has finished is reset for a new execution; a live id is refused
        // (no row returned), and nothing is written.
        _createSql = schema.Sql($"""
            WITH created AS (
                INSERT INTO {"{schema}"}.instances AS i (instance_id, execution_id, name, runtime_status, input, created_at, last_updated_at, scheduled_start_at)
                VALUES (@instance_id, @execution_id, @name, 'Pending', @input, now(), now(), @start_at)
                {InstanceRestart.OnConflict}
                RETURNING i.instance_id),
            cleared AS (
                DELETE FROM {"{schema}"}.history h USING created c WHERE h.instance_id = c.instance_id),
            started AS (
                INSERT INTO {"{schema}"}.inbox (instance_id, execution_id, event_type, event, visible_at)
                SELECT instance_id, @execution_id, 'ExecutionStarted', @event, COALESCE(@start_at, now()) FROM created)
            SELECT count(*) FROM created
            """);
        // Messages to an instance that has not started wait for its start time, so they arrive after ExecutionStarted.
        _messageToLiveInstanceSql = schema.Sql($"""
            INSERT INTO {"{schema}"}.inbox (instance_id, event_type, event, is_control, visible_at)
            SELECT instance_id, @type, @event, @control,
                   CASE WHEN @control THEN now() ELSE GREATEST(now(), COALESCE(scheduled_start_at, now())) END
            FROM {"{schema}"}.instances WHERE instance_id = @instance_id AND runtime_status NOT IN {InstanceRestart.FinishedStatuses}
            RETURNING id
            """);
    }

    public TaskHubSchema Schema => _schema;

    /// <summary>Creates an instance and its start message; false when the id is held by a live instance.</summary>
    public async Task<bool> CreateAsync(string instanceId, string name, string? input, DateTime? startAt, string senderId, CancellationToken cancellationToken)
    {
        var executionId = Guid.NewGuid();
        var started = new ExecutionStarted(name, input) { Timestamp = DateTime.UtcNow };
        using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(Command(_createSql, ("instance_id", instanceId), ("execution_id", executionId), ("name", name),
            ("input", (object?)input ?? DBNull.Value), ("start_at", (object?)startAt ?? DBNull.Value), ("event", HistoryJson.Serialize(started))));
        batch.BatchCommands.Add(Command("SELECT pg_notify(@channel, @payload)", ("channel", _schema.WorkChannel),
            ("payload", WorkNotification.Payload(WorkKind.Orchestrations, 1, senderId))));
        var created = (long)(await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return created == 1;
    }

    /// <summary>Queues an event or control message for a live instance; false when there is no live instance.</summary>
    public async Task<bool> SendAsync(string instanceId, HistoryEvent message, bool isControl, string senderId, CancellationToken cancellationToken)
    {
        using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(Command(_messageToLiveInstanceSql, ("instance_id", instanceId), ("type", HistoryJson.TypeName(message)),
            ("event", HistoryJson.Serialize(message)), ("control", isControl)));
        batch.BatchCommands.Add(Command("SELECT pg_notify(@channel, @payload)", ("channel", _schema.WorkChannel),
            ("payload", WorkNotification.Payload(WorkKind.Orchestrations, 1, senderId))));
        return await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    public async Task<OrchestrationMetadata?> GetAsync(string instanceId, bool getInputsAndOutputs, CancellationToken cancellationToken)
    {
        using var command = _dataSource.CreateCommand(_schema.Sql($"{SelectColumns(getInputsAndOutputs)} FROM {{schema}}.instances WHERE instance_id = @instance_id"));
        command.Parameters.AddWithValue("instance_id", instanceId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadMetadata(reader, getInputsAndOutputs) : null;
    }

    public async Task<Page<OrchestrationMetadata>> QueryAsync(OrchestrationQuery query, CancellationToken cancellationToken)
    {
        var conditions = new List<string>();
        using var command = _dataSource.CreateCommand();
        if (query.Statuses is { Count: > 0 } statuses)
        {
            conditions.Add("runtime_status = ANY(@statuses)");
            command.Parameters.AddWithValue("statuses", statuses.Select(s => s.ToString()).ToArray());
        }

        if (query.Name is { } name)
        {
            conditions.Add("lower(name) = lower(@name)");
            command.Parameters.AddWithValue("name", name);
        }

        if (query.InstanceIdPrefix is { } prefix)
        {
            conditions.Add("starts_with(instance_id, @prefix)");
            command.Parameters.AddWithValue("prefix", prefix);
        }

        if (query.CreatedFrom is { } from)
        {
            conditions.Add("created_at >= @from");
            command.Parameters.AddWithValue("from", from.ToUniversalTime());
        }

        if (query.CreatedTo is { } to)
        {
            conditions.Add("created_at < @to");
            command.Parameters.AddWithValue("to", to.ToUniversalTime());
        }

        if (query.ContinuationToken is { } token)
        {
            var (createdAt, afterId) = PageToken.Parse(token);
            conditions.Add($"(created_at, instance_id) {(query.NewestFirst ? "<" : ">")} (@after_created, @after_id)");
            command.Parameters.AddWithValue("after_created", createdAt);
            command.Parameters.AddWithValue("after_id", afterId);
        }

        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
        command.CommandText = _schema.Sql($"{SelectColumns(query.FetchInputsAndOutputs)} FROM {{schema}}.instances {where} ORDER BY {(query.NewestFirst ? "created_at DESC, instance_id DESC" : "created_at, instance_id")} LIMIT @limit");
        command.Parameters.AddWithValue("limit", query.PageSize + 1);
        var items = new List<OrchestrationMetadata>(query.PageSize);
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(ReadMetadata(reader, query.FetchInputsAndOutputs));
            }
        }

        if (items.Count <= query.PageSize)
        {
            return new Page<OrchestrationMetadata>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        var last = items[^1];
        return new Page<OrchestrationMetadata>(items, PageToken.Create(last.CreatedAt, last.InstanceId));
    }

    public async Task<List<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var command = _dataSource.CreateCommand(_schema.Sql("SELECT event FROM {schema}.history WHERE instance_id = @instance_id ORDER BY sequence_number"));
        command.Parameters.AddWithValue("instance_id", instanceId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var history = new List<HistoryEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            history.Add(HistoryJson.Deserialize(reader.GetString(0)));
        }

        return history;
    }

    /// <summary>Deletes finished instances matching the filter, with their history; returns how many.</summary>
    public async Task<int> PurgeAsync(string? instanceId, DateTime? createdBefore, IReadOnlyCollection<OrchestrationRuntimeStatus>? statuses, CancellationToken cancellationToken)
    {
        var finished = statuses is { Count: > 0 }
            ? statuses.Where(s => s.IsTerminal()).Select(s => s.ToString()).ToArray()
            : [nameof(OrchestrationRuntimeStatus.Completed), nameof(OrchestrationRuntimeStatus.Failed), nameof(OrchestrationRuntimeStatus.Terminated)];
        using var command = _dataSource.CreateCommand(_schema.Sql("""
            WITH purged AS (
                DELETE FROM {schema}.instances
                WHERE runtime_status = ANY(@statuses)
                  AND (@instance_id::text IS NULL OR instance_id = @instance_id)
                  AND (@before::timestamptz IS NULL OR created_at < @before)
                RETURNING instance_id),
            history AS (DELETE FROM {schema}.history h USING purged p WHERE h.instance_id = p.instance_id),
            inbox AS (DELETE FROM {schema}.inbox m USING purged p WHERE m.instance_id = p.instance_id)
            SELECT count(*)::int FROM purged
            """));
        command.Parameters.AddWithValue("statuses", finished);
        command.Parameters.AddWithValue("instance_id", (object?)instanceId ?? DBNull.Value);
        command.Parameters.AddWithValue("before", (object?)createdBefore?.ToUniversalTime() ?? DBNull.Value);
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Records names a worker can run, so clients elsewhere can check names at the call.</summary>
    public async Task RegisterNamesAsync(string kind, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var list = names.ToArray();
        using var command = _dataSource.CreateCommand(_schema.Sql("""
            INSERT INTO {schema}.registrations (kind, name_key, name)
            SELECT @kind, lower(n), n FROM unnest(@names::text[]) AS n
            ON CONFLICT (kind, name_key) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
            """));
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("names", list);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> IsRegisteredAsync(string kind, string name, CancellationToken cancellationToken)
    {
        using var command = _dataSource.CreateCommand(_schema.Sql("SELECT 1 FROM {schema}.registrations WHERE kind = @kind AND name_key = lower(@name)"));
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    private static string SelectColumns(bool withPayloads) =>
        "SELECT instance_id, name, runtime_status, created_at, last_updated_at, completed_at, scheduled_start_at, custom_status, failure, parent_instance_id" +
        (withPayloads ? ", input, output" : "");

    private static OrchestrationMetadata ReadMetadata(NpgsqlDataReader reader, bool withPayloads) => new(
        reader.GetString(0),
        reader.GetString(1),
        Enum.Parse<OrchestrationRuntimeStatus>(reader.GetString(2)),
        reader.GetFieldValue<DateTime>(3),
        reader.GetFieldValue<DateTime>(4))
    {
        CompletedAt = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTime>(5),
        ScheduledStartAt = reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTime>(6),
        SerializedCustomStatus = reader.IsDBNull(7) ? null : reader.GetString(7),
        FailureDetails = reader.IsDBNull(8) ? null : DataConverter.Default.Deserialize<TaskFailureDetails>(reader.GetString(8)),
        ParentInstanceId = reader.IsDBNull(9) ? null : reader.GetString(9),
        SerializedInput = withPayloads && !reader.IsDBNull(10) ? reader.GetString(10) : null,
        SerializedOutput = withPayloads && !reader.IsDBNull(11) ? reader.GetString(11) : null,
    };
}
