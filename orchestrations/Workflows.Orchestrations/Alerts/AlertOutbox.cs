using System.Text.Json;
using Npgsql;
using Workflows.Orchestrations.Activities;
using Workflows.Orchestrations.Platform;

namespace Workflows.Orchestrations.Alerts;

/// <summary>
/// Alerts in PostgreSQL until delivered. Publishing is an insert keyed by a dedupe key (an activity retried publishes
/// once); delivery takes due rows with <c>FOR UPDATE SKIP LOCKED</c>, so several hosts deliver without doubling.
/// </summary>
public sealed class AlertOutbox(NpgsqlDataSource dataSource, PlatformSchema schema)
{
    private const string Columns = "id, pipeline, kind, url, payload_json::text, state, attempts, next_attempt_at, last_error, delivered_at";

    /// <summary>Pulses when an alert was published in this process.</summary>
    public ChangeSignal Published { get; } = new();

    /// <summary>Queues an alert for <paramref name="url"/>; the same <paramref name="dedupeKey"/> again changes nothing.</summary>
    public async Task PublishAsync(Uri url, string dedupeKey, AlertEvent alert, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            INSERT INTO {schema}.alerts (pipeline, kind, url, dedupe_key, payload_json) VALUES (@pipeline, @kind, @url, @key, @payload::jsonb)
            ON CONFLICT (dedupe_key) DO NOTHING
            """));
        command.Parameters.AddWithValue("pipeline", alert.Pipeline);
        command.Parameters.AddWithValue("kind", alert.Kind);
        command.Parameters.AddWithValue("url", url.ToString());
        command.Parameters.AddWithValue("key", dedupeKey);
        command.Parameters.AddWithValue("payload", JsonSerializer.Serialize(alert, ArtifactJson.Options));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        Published.Pulse();
    }

    /// <summary>
    /// Delivers every due alert with <paramref name="deliver"/> (which returns null on success or the error). Each is
    /// first leased (its next attempt pushed <paramref name="lease"/> ahead, committed) so no transaction stays open
    /// while a receiver answers and no other host takes it meanwhile; then the outcome is recorded: delivered, a retry
    /// after <paramref name="retryDelay"/> of the attempt number, or failed after <paramref name="maxAttempts"/>.
    /// Returns the alerts that ended as failed.
    /// </summary>
    public async Task<IReadOnlyList<AlertRecord>> DeliverDueAsync(
        Func<AlertRecord, CancellationToken, Task<string?>> deliver, int maxAttempts, Func<int, TimeSpan> retryDelay, TimeSpan lease, CancellationToken cancellationToken)
    {
        var failed = new List<AlertRecord>();
        while (await LeaseDueAsync(lease, cancellationToken).ConfigureAwait(false) is { } due)
        {
            var error = await deliver(due, cancellationToken).ConfigureAwait(false);
            var attempts = due.Attempts + 1;
            var state = error is null ? AlertState.Delivered : attempts >= maxAttempts ? AlertState.Failed : AlertState.Pending;
            using var record = dataSource.CreateCommand(schema.Sql("""
                UPDATE {schema}.alerts SET state = @state, attempts = @attempts, last_error = coalesce(@error, last_error), next_attempt_at = now() + @delay,
                    delivered_at = CASE WHEN @state = 'Delivered' THEN now() END
                WHERE id = @id
                """));
            record.Parameters.AddWithValue("id", due.Id);
            record.Parameters.AddWithValue("state", state.ToString());
            record.Parameters.AddWithValue("attempts", attempts);
            record.Parameters.Add(new NpgsqlParameter("error", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
            record.Parameters.AddWithValue("delay", retryDelay(attempts));
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (state == AlertState.Failed)
            {
                failed.Add(due with { State = state, Attempts = attempts, LastError = error });
            }
        }

        return failed;
    }

    /// <summary>Takes the oldest due alert and pushes its next attempt a lease ahead, in one statement; null when none is due.</summary>
    private async Task<AlertRecord?> LeaseDueAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql($$"""
            UPDATE {schema}.alerts SET next_attempt_at = now() + @lease
            WHERE id = (SELECT id FROM {schema}.alerts WHERE state = 'Pending' AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING {{Columns}}
            """));
        command.Parameters.AddWithValue("lease", lease);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <summary>A pipeline's alerts, newest first.</summary>
    public async Task<IReadOnlyList<AlertRecord>> ListAsync(string pipeline, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql($"SELECT {Columns} FROM {{schema}}.alerts WHERE pipeline = @pipeline ORDER BY id DESC LIMIT 200"));
        command.Parameters.AddWithValue("pipeline", pipeline);
        var alerts = new List<AlertRecord>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            alerts.Add(Read(reader));
        }

        return alerts;
    }

    private static AlertRecord Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        new Uri(reader.GetString(3)),
        JsonSerializer.Deserialize<AlertEvent>(reader.GetString(4), ArtifactJson.Options)!,
        Enum.Parse<AlertState>(reader.GetString(5)),
        reader.GetInt32(6),
        reader.GetFieldValue<DateTimeOffset>(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9));
}
