using Npgsql;
using NpgsqlTypes;
using Workflows.Durable.History;
using static Workflows.Durable.Postgres.BatchCommands;

namespace Workflows.Durable.Postgres;

/// <summary>Claims orchestration instances with pending messages and commits their episodes.</summary>
internal sealed class OrchestrationStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TaskHubSchema _schema;
    private readonly OrchestrationStatements _sql;

    public OrchestrationStore(NpgsqlDataSource dataSource, TaskHubSchema schema)
    {
        _dataSource = dataSource;
        _schema = schema;
        _sql = new OrchestrationStatements(schema);
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
                batch.BatchCommands.Add(Command(_sql.ClaimSql));
                batch.BatchCommands.Add(Command(_sql.MessagesSql));
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
        using var command = new NpgsqlCommand(_sql.HistorySql, session.Connection);
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
        using var command = _dataSource.CreateCommand(_sql.NextDueSql);
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
            commands.Add(Command(_sql.ConsumeSql, ("ids", commit.ConsumedMessageIds.ToArray())));
        }

        if (commit.NewExecution is { } next)
        {
            commands.Add(Command(_sql.RestartExecutionSql[0], id));
            commands.Add(Command(_sql.RestartExecutionSql[1], id));
            commands.Add(Command(_sql.RestartExecutionSql[2], id, ("execution_id", session.ExecutionId)));
            commands.Add(Command(_sql.RestartExecutionSql[3], id, ("new_execution_id", next.ExecutionId),
                ("input", (object?)next.Input ?? DBNull.Value), ("custom_status", (object?)commit.CustomStatus ?? DBNull.Value)));
        }
        else if (commit.UpdatesInstance)
        {
            if (commit.AppendedHistory.Count > 0)
            {
                commands.Add(Command(_sql.AppendHistorySql, id, ("first", session.HistoryLength),
                    ("types", commit.AppendedHistory.Select(HistoryJson.TypeName).ToArray()),
                    ("events", commit.AppendedHistory.Select(HistoryJson.Serialize).ToArray())));
            }

            var terminal = commit.Status.IsTerminal();
            commands.Add(Command(_sql.UpdateInstanceSql, id, ("status", commit.Status.ToString()),
                ("output", (object?)commit.Output ?? DBNull.Value),
                ("failure", commit.Failure is null ? DBNull.Value : DataConverter.Default.Serialize(commit.Failure)!),
                ("custom_status", (object?)commit.CustomStatus ?? DBNull.Value),
                ("appended", commit.AppendedHistory.Count), ("terminal", terminal)));
            if (terminal)
            {
                commands.Add(Command(_sql.FinishSql[0], id));
                commands.Add(Command(_sql.FinishSql[1], id));
                commands.Add(Command(_sql.FinishSql[2], id, ("channel", _schema.CompletionChannel)));
            }
        }

        if (commit.Activities.Count > 0)
        {
            commands.Add(Command(_sql.EnqueueActivitiesSql, id, ("execution_id", session.ExecutionId),
                ("leased", lease.Count), ("worker", lease.WorkerId), ("lease", lease.Duration),
                ("task_ids", commit.Activities.Select(a => a.TaskId).ToArray()),
                ("names", commit.Activities.Select(a => a.Name).ToArray()),
                ("inputs", commit.Activities.Select(a => a.Input).ToArray())));
        }

        if (commit.Children.Count > 0)
        {
            commands.Add(Command(_sql.StartChildrenSql, id, ("execution_id", session.ExecutionId),
                ("child_ids", commit.Children.Select(c => c.InstanceId).ToArray()),
                ("child_names", commit.Children.Select(c => c.Name).ToArray()),
                ("child_inputs", commit.Children.Select(c => c.Input).ToArray()),
                ("child_executions", commit.Children.Select(c => c.ExecutionId).ToArray()),
                ("started", commit.Children.Select(c => HistoryJson.Serialize(c.Started)).ToArray()),
                ("taken", commit.Children.Select(c => HistoryJson.Serialize(c.IfTaken)).ToArray())));
        }

        if (commit.Messages.Count > 0)
        {
            commands.Add(MessagesCommand(_sql.SendMessagesSql, commit.Messages));
        }

        if (workNotification is not null)
        {
            commands.Add(Command("SELECT pg_notify(@channel, @payload)", ("channel", _schema.WorkChannel), ("payload", workNotification)));
        }

        commands.Add(Command(_sql.PendingSql, id, ("consumed", commit.ConsumedMessageIds.ToArray())));
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

    /// <summary>An insert of inbox messages (timers, messages to other instances).</summary>
    private static NpgsqlBatchCommand MessagesCommand(string sql, IReadOnlyCollection<OutgoingMessage> messages) =>
        Command(sql,
            ("instance_ids", messages.Select(m => m.InstanceId).ToArray()),
            ("execution_ids", new NpgsqlParameter { ParameterName = "execution_ids", NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = messages.Select(m => m.ExecutionId).ToArray() }),
            ("types", messages.Select(m => HistoryJson.TypeName(m.Event)).ToArray()),
            ("events", messages.Select(m => HistoryJson.Serialize(m.Event)).ToArray()),
            ("visible", new NpgsqlParameter { ParameterName = "visible", NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = messages.Select(m => m.VisibleAt).ToArray() }),
            ("control", messages.Select(m => m.IsControl).ToArray()));
}
