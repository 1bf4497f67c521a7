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
    /// Claims up to <paramref name="limit"/> instances with visible messages and reads the messages, or returns null
    /// when there is none. The returned session holds the instances until committed or disposed.
    /// </summary>
    public async Task<OrchestrationSession?> TryClaimAsync(int limit, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var session = new OrchestrationSession(connection);
        try
        {
            using (var batch = new NpgsqlBatch(connection))
            {
                // The lease is the connection's idle_in_transaction_session_timeout (see PostgresTaskHub): the server
                // ends this transaction if the worker stops talking to it for that long.
                batch.BatchCommands.Add(Command("BEGIN"));
                batch.BatchCommands.Add(Command(_sql.ClaimSql(limit)));
                batch.BatchCommands.Add(Command(_sql.MessagesSql));
                using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var byId = new Dictionary<string, ClaimedInstance>(StringComparer.Ordinal);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var instance = new ClaimedInstance
                    {
                        InstanceId = reader.GetString(0),
                        ExecutionId = reader.GetGuid(1),
                        Name = reader.GetString(2),
                        Status = Enum.Parse<OrchestrationRuntimeStatus>(reader.GetString(3)),
                        CustomStatus = reader.IsDBNull(4) ? null : reader.GetString(4),
                        HistoryLength = reader.GetInt32(5),
                    };
                    byId.Add(instance.InstanceId, instance);
                    session.Instances.Add(instance);
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    byId[reader.GetString(0)].Messages.Add(new InboxMessage(
                        reader.GetInt64(1),
                        reader.IsDBNull(2) ? null : reader.GetGuid(2),
                        HistoryJson.Deserialize(reader.GetString(3))));
                }
            }

            if (session.Instances.Count == 0)
            {
                await session.DisposeAsync().ConfigureAwait(false);
                return null;
            }

            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads the histories of claimed instances, each from the given sequence number on, in one round trip.</summary>
    public async Task<Dictionary<string, List<HistoryEvent>>> LoadHistoriesAsync(
        OrchestrationSession session, IReadOnlyCollection<(ClaimedInstance Instance, int FromSequence)> wanted, CancellationToken cancellationToken)
    {
        var histories = wanted.ToDictionary(w => w.Instance.InstanceId, w => new List<HistoryEvent>(Math.Max(0, w.Instance.HistoryLength - w.FromSequence)), StringComparer.Ordinal);
        using var command = new NpgsqlCommand(_sql.HistorySql, session.Connection);
        command.Parameters.AddWithValue("instance_ids", wanted.Select(w => w.Instance.InstanceId).ToArray());
        command.Parameters.AddWithValue("from", wanted.Select(w => w.FromSequence).ToArray());
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            histories[reader.GetString(0)].Add(HistoryJson.Deserialize(reader.GetString(1)));
        }

        return histories;
    }

    /// <summary>Seconds until the next timer or delayed message becomes visible, or null when none is waiting.</summary>
    public async Task<TimeSpan?> GetNextDueAsync(CancellationToken cancellationToken)
    {
        using var command = _dataSource.CreateCommand(_sql.NextDueSql);
        var seconds = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return seconds is double value ? TimeSpan.FromSeconds(Math.Max(0, value)) : null;
    }

    /// <summary>Hides the instances' visible messages for <paramref name="delay"/>, so instances whose episodes keep failing do not hold up the rest.</summary>
    public async Task DeferAsync(IReadOnlyCollection<string> instanceIds, TimeSpan delay, CancellationToken cancellationToken)
    {
        using var command = _dataSource.CreateCommand(_sql.DeferSql);
        command.Parameters.AddWithValue("instance_ids", instanceIds.ToArray());
        command.Parameters.AddWithValue("delay", delay);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the session's episodes and commits, releasing its instances. Returns the activity tasks leased to
    /// <paramref name="lease"/>'s worker in the same commit (the first <see cref="EpisodeToCommit.Leased"/> of each
    /// episode's activities), and whether messages for the instances arrived while the episodes ran.
    /// </summary>
    public async Task<SessionCommitted> CommitAsync(
        OrchestrationSession session, IReadOnlyList<EpisodeToCommit> episodes, string? workNotification, (string WorkerId, TimeSpan Duration) lease, CancellationToken cancellationToken)
    {
        using var batch = new NpgsqlBatch(session.Connection);
        var commands = batch.BatchCommands;
        var consumed = episodes.SelectMany(e => e.Commit.ConsumedMessageIds).ToArray();
        if (consumed.Length > 0)
        {
            commands.Add(Command(_sql.ConsumeSql, ("ids", consumed)));
        }

        foreach (var (instance, commit, _) in episodes)
        {
            if (commit.NewExecution is { } next)
            {
                var id = ("instance_id", (object)instance.InstanceId);
                commands.Add(Command(_sql.RestartExecutionSql[0], id));
                commands.Add(Command(_sql.RestartExecutionSql[1], id));
                commands.Add(Command(_sql.RestartExecutionSql[2], id, ("execution_id", instance.ExecutionId)));
                commands.Add(Command(_sql.RestartExecutionSql[3], id, ("new_execution_id", next.ExecutionId),
                    ("input", (object?)next.Input ?? DBNull.Value), ("custom_status", (object?)commit.CustomStatus ?? DBNull.Value)));
            }
        }

        AddInstanceUpdates(commands, episodes.Where(e => e.Commit.UpdatesInstance && e.Commit.NewExecution is null).ToList());
        AddActivities(commands, episodes, lease);
        foreach (var (instance, commit, _) in episodes.Where(e => e.Commit.Children.Count > 0))
        {
            commands.Add(Command(_sql.StartChildrenSql, ("instance_id", instance.InstanceId), ("execution_id", instance.ExecutionId),
                ("child_ids", commit.Children.Select(c => c.InstanceId).ToArray()),
                ("child_names", commit.Children.Select(c => c.Name).ToArray()),
                ("child_inputs", commit.Children.Select(c => c.Input).ToArray()),
                ("child_executions", commit.Children.Select(c => c.ExecutionId).ToArray()),
                ("started", commit.Children.Select(c => HistoryJson.Serialize(c.Started)).ToArray()),
                ("taken", commit.Children.Select(c => HistoryJson.Serialize(c.IfTaken)).ToArray())));
        }

        var messages = episodes.SelectMany(e => e.Commit.Messages).ToList();
        if (messages.Count > 0)
        {
            commands.Add(MessagesCommand(_sql.SendMessagesSql, messages));
        }

        if (workNotification is not null)
        {
            commands.Add(Command("SELECT pg_notify(@channel, @payload)", ("channel", _schema.WorkChannel), ("payload", workNotification)));
        }

        commands.Add(Command(_sql.PendingSql, ("instance_ids", episodes.Select(e => e.Instance.InstanceId).ToArray())));
        commands.Add(Command("COMMIT"));

        var leased = new List<ActivityWorkItem>();
        var pending = false;
        using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            do
            {
                var columns = reader.FieldCount == 0 ? null : reader.GetName(0);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (columns == "instance_with_messages")
                    {
                        pending = true;
                    }
                    else if (columns == "leased_activity_id" && reader.GetBoolean(3))
                    {
                        var instanceId = reader.GetString(1);
                        var taskId = reader.GetInt32(2);
                        var episode = episodes.First(e => e.Instance.InstanceId == instanceId);
                        var task = episode.Commit.Activities.First(a => a.TaskId == taskId);
                        leased.Add(new ActivityWorkItem(reader.GetInt64(0), instanceId, episode.Instance.ExecutionId, taskId, task.Name, task.Input, 1));
                    }
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }

        session.Committed = true;
        return new SessionCommitted(leased, pending);
    }

    /// <summary>History, status and outputs of every episode that updates its instance in place; finished ones are cleared.</summary>
    private void AddInstanceUpdates(NpgsqlBatchCommandCollection commands, List<EpisodeToCommit> updates)
    {
        if (updates.Count == 0)
        {
            return;
        }

        var appended = updates.SelectMany(e => e.Commit.AppendedHistory.Select((h, i) => (e.Instance, Sequence: e.Instance.HistoryLength + i, Event: h))).ToList();
        if (appended.Count > 0)
        {
            commands.Add(Command(_sql.AppendHistorySql,
                ("instance_ids", appended.Select(a => a.Instance.InstanceId).ToArray()),
                ("sequence_numbers", appended.Select(a => a.Sequence).ToArray()),
                ("types", appended.Select(a => HistoryJson.TypeName(a.Event)).ToArray()),
                ("events", appended.Select(a => HistoryJson.Serialize(a.Event)).ToArray())));
        }

        commands.Add(Command(_sql.UpdateInstancesSql,
            ("instance_ids", updates.Select(e => e.Instance.InstanceId).ToArray()),
            ("statuses", updates.Select(e => e.Commit.Status.ToString()).ToArray()),
            ("outputs", updates.Select(e => e.Commit.Output).ToArray()),
            ("failures", updates.Select(e => e.Commit.Failure is null ? null : DataConverter.Default.Serialize(e.Commit.Failure)).ToArray()),
            ("custom_statuses", updates.Select(e => e.Commit.CustomStatus).ToArray()),
            ("appended", updates.Select(e => e.Commit.AppendedHistory.Count).ToArray()),
            ("terminal", updates.Select(e => e.Commit.Status.IsTerminal()).ToArray())));

        var finished = updates.Where(e => e.Commit.Status.IsTerminal()).Select(e => e.Instance.InstanceId).ToArray();
        if (finished.Length > 0)
        {
            var ids = ("instance_ids", (object)finished);
            commands.Add(Command(_sql.FinishSql[0], ids));
            commands.Add(Command(_sql.FinishSql[1], ids));
            commands.Add(Command(_sql.FinishSql[2], ids, ("channel", _schema.CompletionChannel)));
        }
    }

    private void AddActivities(NpgsqlBatchCommandCollection commands, IReadOnlyList<EpisodeToCommit> episodes, (string WorkerId, TimeSpan Duration) lease)
    {
        var tasks = episodes.SelectMany(e => e.Commit.Activities.Select((a, i) => (e.Instance, Task: a, Leased: i < e.Leased))).ToList();
        if (tasks.Count == 0)
        {
            return;
        }

        commands.Add(Command(_sql.EnqueueActivitiesSql, ("worker", lease.WorkerId), ("lease", lease.Duration),
            ("instance_ids", tasks.Select(t => t.Instance.InstanceId).ToArray()),
            ("execution_ids", tasks.Select(t => t.Instance.ExecutionId).ToArray()),
            ("task_ids", tasks.Select(t => t.Task.TaskId).ToArray()),
            ("names", tasks.Select(t => t.Task.Name).ToArray()),
            ("inputs", tasks.Select(t => t.Task.Input).ToArray()),
            ("leased", tasks.Select(t => t.Leased).ToArray())));
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
