using Npgsql;
using NpgsqlTypes;
using Workflows.Durable.History;

namespace Workflows.Durable.Postgres;

/// <summary>Claims orchestration instances with pending messages and commits their episodes.</summary>
internal sealed class OrchestrationStore
{
    private const int MaxMessagesPerEpisode = 5000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TaskHubSchema _schema;
    private readonly string _claimSql;
    private readonly string _messagesSql;
    private readonly string _historySql;
    private readonly string _nextDueSql;
    private readonly string _consumeSql;
    private readonly string _pendingSql;
    private readonly string _appendHistorySql;
    private readonly string _enqueueActivitiesSql;
    private readonly string _sendMessagesSql;
    private readonly string _startChildrenSql;
    private readonly string _updateInstanceSql;
    private readonly string[] _restartExecutionSql;
    private readonly string[] _finishSql;

    public OrchestrationStore(NpgsqlDataSource dataSource, TaskHubSchema schema)
    {
        _dataSource = dataSource;
        _schema = schema;
        // Statement 1 of a claim: lock one instance that has a visible message, and note its id in a transaction-local
        // setting. Its messages are read by statement 2 of the same round trip, whose fresh snapshot sees every commit
        // up to the lock (a single statement could return messages that the previous holder of the lock has just
        // consumed). The plan must stay "walk the inbox index, look up
        // each instance by key": any filter on instances columns beyond the key lets the planner scan all instances,
        // finished ones included. So every worker of a hub runs all its orchestrators, as in Durable Functions.
        _claimSql = schema.Sql("""
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
        _messagesSql = schema.Sql($$"""
            SELECT id, execution_id, event FROM {schema}.inbox
            WHERE instance_id = current_setting('workflows.claimed_instance', true) AND visible_at <= now()
            ORDER BY id LIMIT {{MaxMessagesPerEpisode}}
            """);
        _historySql = schema.Sql("""
            SELECT event FROM {schema}.history
            WHERE instance_id = @instance_id AND sequence_number >= @from
            ORDER BY sequence_number
            """);
        _nextDueSql = schema.Sql("SELECT EXTRACT(EPOCH FROM min(visible_at) - clock_timestamp())::float8 FROM {schema}.inbox WHERE visible_at > now()");
        _consumeSql = schema.Sql("DELETE FROM {schema}.inbox WHERE id = ANY(@ids)");
        _pendingSql = schema.Sql("""
            SELECT EXISTS (SELECT 1 FROM {schema}.inbox WHERE instance_id = @instance_id AND visible_at <= now() AND NOT id = ANY(@consumed)) AS messages_pending
            """);
        _appendHistorySql = schema.Sql("""
            INSERT INTO {schema}.history (instance_id, sequence_number, event_type, event)
            SELECT @instance_id, @first + e.ordinality - 1, e.event_type, e.event
            FROM unnest(@types::text[], @events::text[]) WITH ORDINALITY AS e(event_type, event, ordinality)
            """);
        // The first @leased tasks are leased to the committing worker at once, which runs them without a claim.
        _enqueueActivitiesSql = schema.Sql("""
            INSERT INTO {schema}.activities (instance_id, execution_id, task_id, name, input, locked_by, lock_expires_at, dequeue_count)
            SELECT @instance_id, @execution_id, a.task_id, a.name, a.input,
                   CASE WHEN a.n <= @leased THEN @worker END,
                   CASE WHEN a.n <= @leased THEN now() + @lease END,
                   CASE WHEN a.n <= @leased THEN 1 ELSE 0 END
            FROM unnest(@task_ids::int[], @names::text[], @inputs::text[]) WITH ORDINALITY AS a(task_id, name, input, n)
            RETURNING id AS leased_activity_id, task_id, locked_by IS NOT NULL AS leased
            """);
        _sendMessagesSql = schema.Sql("""
            INSERT INTO {schema}.inbox (instance_id, execution_id, event_type, event, visible_at, is_control)
            SELECT m.instance_id, m.execution_id, m.event_type, m.event, COALESCE(m.visible_at, now()), m.is_control
            FROM unnest(@instance_ids::text[], @execution_ids::uuid[], @types::text[], @events::text[], @visible::timestamptz[], @control::bool[])
                AS m(instance_id, execution_id, event_type, event, visible_at, is_control)
            """);
        // A child id held by a running instance is refused, and the parent hears of it as a failed sub-orchestration.
        _startChildrenSql = schema.Sql("""
            WITH req AS (
                SELECT * FROM unnest(@child_ids::text[], @child_names::text[], @child_inputs::text[], @child_executions::uuid[], @started::text[], @taken::text[])
                    AS r(instance_id, name, input, execution_id, started_event, taken_event)),
            created AS (
                INSERT INTO {schema}.instances AS i (instance_id, execution_id, name, runtime_status, input, parent_instance_id, created_at, last_updated_at)
                SELECT instance_id, execution_id, name, 'Pending', input, @instance_id, now(), now() FROM req
                ON CONFLICT (instance_id) DO UPDATE
                    SET execution_id = EXCLUDED.execution_id, name = EXCLUDED.name, runtime_status = 'Pending', input = EXCLUDED.input,
                        output = NULL, custom_status = NULL, failure = NULL, parent_instance_id = EXCLUDED.parent_instance_id,
                        history_length = 0, created_at = now(), last_updated_at = now(), completed_at = NULL, scheduled_start_at = NULL
                    WHERE i.runtime_status IN ('Completed', 'Failed', 'Terminated')
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
        _updateInstanceSql = schema.Sql("""
            UPDATE {schema}.instances
            SET runtime_status = @status, output = @output, failure = @failure, custom_status = @custom_status,
                history_length = history_length + @appended, last_updated_at = now(),
                completed_at = CASE WHEN @terminal THEN now() END
            WHERE instance_id = @instance_id
            """);
        _restartExecutionSql =
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
        _finishSql =
        [
            schema.Sql("DELETE FROM {schema}.inbox WHERE instance_id = @instance_id"),
            schema.Sql("DELETE FROM {schema}.activities WHERE instance_id = @instance_id"),
            "SELECT pg_notify(@channel, @instance_id)",
        ];
    }

    /// <summary>
    /// Claims the next instance with visible messages and reads them, or returns null when there is none.
    /// The returned session holds the instance until committed or disposed.
    /// </summary>
    public async Task<OrchestrationSession?> TryClaimAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        OrchestrationSession? session = null;
        try
        {
            using (var batch = new NpgsqlBatch(connection))
            {
                // The lease is the connection's idle_in_transaction_session_timeout (see PostgresTaskHub): the server
                // ends this transaction if the worker stops talking to it for that long.
                batch.BatchCommands.Add(Command("BEGIN"));
                batch.BatchCommands.Add(Command(_claimSql));
                batch.BatchCommands.Add(Command(_messagesSql));
                using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    session = new OrchestrationSession(connection)
                    {
                        InstanceId = reader.GetString(0),
                        ExecutionId = reader.GetGuid(1),
                        Name = reader.GetString(2),
                        Status = Enum.Parse<OrchestrationRuntimeStatus>(reader.GetString(3)),
                        CustomStatus = reader.IsDBNull(4) ? null : reader.GetString(4),
                        HistoryLength = reader.GetInt32(5),
                    };
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (session is not null && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    session.Messages.Add(new InboxMessage(
                        reader.GetInt64(0),
                        reader.IsDBNull(1) ? null : reader.GetGuid(1),
                        HistoryJson.Deserialize(reader.GetString(2))));
                }
            }

            if (session is null)
            {
                await OrchestrationSession.CloseAsync(connection, committed: false).ConfigureAwait(false);
                return null;
            }

            return session;
        }
        catch
        {
            await OrchestrationSession.CloseAsync(connection, committed: false).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads the claimed instance's history from <paramref name="fromSequence"/> on.</summary>
    public async Task<List<HistoryEvent>> LoadHistoryAsync(OrchestrationSession session, int fromSequence, CancellationToken cancellationToken)
    {
        var history = new List<HistoryEvent>(Math.Max(0, session.HistoryLength - fromSequence));
        using var command = new NpgsqlCommand(_historySql, session.Connection);
        command.Parameters.AddWithValue("instance_id", session.InstanceId);
        command.Parameters.AddWithValue("from", fromSequence);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            history.Add(HistoryJson.Deserialize(reader.GetString(0)));
        }

        return history;
    }

    /// <summary>Seconds until the next timer or delayed message becomes visible, or null when none is waiting.</summary>
    public async Task<TimeSpan?> GetNextDueAsync(CancellationToken cancellationToken)
    {
        using var command = _dataSource.CreateCommand(_nextDueSql);
        var seconds = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return seconds is double value ? TimeSpan.FromSeconds(Math.Max(0, value)) : null;
    }

    /// <summary>
    /// Writes the episode and commits, releasing the instance. Returns the activity tasks leased to
    /// <paramref name="lease"/>'s worker in the same commit (the first <c>Count</c> of the episode's activities), and
    /// whether messages for the instance arrived while the episode ran.
    /// </summary>
    public async Task<EpisodeCommitted> CommitAsync(
        OrchestrationSession session, EpisodeCommit commit, string? workNotification, (string WorkerId, int Count, TimeSpan Duration) lease, CancellationToken cancellationToken)
    {
        using var batch = new NpgsqlBatch(session.Connection);
        var commands = batch.BatchCommands;
        var id = ("instance_id", (object)session.InstanceId);
        if (commit.ConsumedMessageIds.Count > 0)
        {
            commands.Add(Command(_consumeSql, ("ids", commit.ConsumedMessageIds.ToArray())));
        }

        if (commit.NewExecution is { } next)
        {
            commands.Add(Command(_restartExecutionSql[0], id));
            commands.Add(Command(_restartExecutionSql[1], id));
            commands.Add(Command(_restartExecutionSql[2], id, ("execution_id", session.ExecutionId)));
            commands.Add(Command(_restartExecutionSql[3], id, ("new_execution_id", next.ExecutionId),
                ("input", (object?)next.Input ?? DBNull.Value), ("custom_status", (object?)commit.CustomStatus ?? DBNull.Value)));
        }
        else if (commit.UpdatesInstance)
        {
            if (commit.AppendedHistory.Count > 0)
            {
                commands.Add(Command(_appendHistorySql, id, ("first", session.HistoryLength),
                    ("types", commit.AppendedHistory.Select(HistoryJson.TypeName).ToArray()),
                    ("events", commit.AppendedHistory.Select(HistoryJson.Serialize).ToArray())));
            }

            var terminal = commit.Status.IsTerminal();
            commands.Add(Command(_updateInstanceSql, id, ("status", commit.Status.ToString()),
                ("output", (object?)commit.Output ?? DBNull.Value),
                ("failure", commit.Failure is null ? DBNull.Value : DataConverter.Default.Serialize(commit.Failure)!),
                ("custom_status", (object?)commit.CustomStatus ?? DBNull.Value),
                ("appended", commit.AppendedHistory.Count), ("terminal", terminal)));
            if (terminal)
            {
                commands.Add(Command(_finishSql[0], id));
                commands.Add(Command(_finishSql[1], id));
                commands.Add(Command(_finishSql[2], id, ("channel", _schema.CompletionChannel)));
            }
        }

        if (commit.Activities.Count > 0)
        {
            commands.Add(Command(_enqueueActivitiesSql, id, ("execution_id", session.ExecutionId),
                ("leased", lease.Count), ("worker", lease.WorkerId), ("lease", lease.Duration),
                ("task_ids", commit.Activities.Select(a => a.TaskId).ToArray()),
                ("names", commit.Activities.Select(a => a.Name).ToArray()),
                ("inputs", commit.Activities.Select(a => a.Input).ToArray())));
        }

        if (commit.Children.Count > 0)
        {
            commands.Add(Command(_startChildrenSql, id, ("execution_id", session.ExecutionId),
                ("child_ids", commit.Children.Select(c => c.InstanceId).ToArray()),
                ("child_names", commit.Children.Select(c => c.Name).ToArray()),
                ("child_inputs", commit.Children.Select(c => c.Input).ToArray()),
                ("child_executions", commit.Children.Select(c => c.ExecutionId).ToArray()),
                ("started", commit.Children.Select(c => HistoryJson.Serialize(c.Started)).ToArray()),
                ("taken", commit.Children.Select(c => HistoryJson.Serialize(c.IfTaken)).ToArray())));
        }

        if (commit.Messages.Count > 0)
        {
            commands.Add(MessagesCommand(_sendMessagesSql, commit.Messages));
        }

        if (workNotification is not null)
        {
            commands.Add(Command("SELECT pg_notify(@channel, @payload)", ("channel", _schema.WorkChannel), ("payload", workNotification)));
        }

        commands.Add(Command(_pendingSql, id, ("consumed", commit.ConsumedMessageIds.ToArray())));
        commands.Add(Command("COMMIT"));

        var leased = new List<ActivityWorkItem>();
        var pending = false;
        using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            do
            {
                if (reader.FieldCount == 1 && reader.GetName(0) == "messages_pending" && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    pending = reader.GetBoolean(0);
                }
                else if (reader.FieldCount == 3 && reader.GetName(0) == "leased_activity_id")
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (reader.GetBoolean(2))
                        {
                            var taskId = reader.GetInt32(1);
                            var task = commit.Activities.First(a => a.TaskId == taskId);
                            leased.Add(new ActivityWorkItem(reader.GetInt64(0), session.InstanceId, session.ExecutionId, taskId, task.Name, task.Input, 1));
                        }
                    }
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }

        session.Committed = true;
        return new EpisodeCommitted(leased, pending);
    }

    /// <summary>An insert of inbox messages; shared with the client and activity stores.</summary>
    internal static NpgsqlBatchCommand MessagesCommand(string sql, IReadOnlyCollection<OutgoingMessage> messages) =>
        Command(sql,
            ("instance_ids", messages.Select(m => m.InstanceId).ToArray()),
            ("execution_ids", new NpgsqlParameter { ParameterName = "execution_ids", NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = messages.Select(m => m.ExecutionId).ToArray() }),
            ("types", messages.Select(m => HistoryJson.TypeName(m.Event)).ToArray()),
            ("events", messages.Select(m => HistoryJson.Serialize(m.Event)).ToArray()),
            ("visible", new NpgsqlParameter { ParameterName = "visible", NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = messages.Select(m => m.VisibleAt).ToArray() }),
            ("control", messages.Select(m => m.IsControl).ToArray()));

    /// <summary>A batch command with named parameters; a value that is already a parameter is added as is.</summary>
    internal static NpgsqlBatchCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter(name, value ?? DBNull.Value));
        }

        return command;
    }
}
