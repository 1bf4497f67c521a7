using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Workflows.Orchestrations.Platform;

namespace Workflows.Orchestrations.Runs;

/// <summary>Runs and their stages in PostgreSQL.</summary>
public sealed class RunStore(NpgsqlDataSource dataSource, PlatformSchema schema)
{
    /// <summary>
    /// Records a new run, or returns the run already recorded for the same pipeline and idempotency key (then
    /// <c>Created</c> is false, <paramref name="runId"/> is not used, and <c>Request</c> is the request recorded then).
    /// </summary>
    public async Task<(string RunId, bool Created, string Request)> CreateAsync(string runId, string pipeline, string trigger, string? idempotencyKey, string requestJson, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            WITH inserted AS (
                INSERT INTO {schema}.runs (run_id, pipeline, trigger, idempotency_key, request_json)
                VALUES (@run_id, @pipeline, @trigger, @key, @request::jsonb)
                ON CONFLICT (pipeline, idempotency_key) DO NOTHING
                RETURNING run_id)
            SELECT run_id, true, @request FROM inserted
            UNION ALL
            SELECT run_id, false, request_json::text FROM {schema}.runs WHERE pipeline = @pipeline AND idempotency_key = @key AND NOT EXISTS (SELECT 1 FROM inserted)
            """));
        command.Parameters.AddWithValue("run_id", runId);
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.AddWithValue("trigger", trigger);
        command.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = (object?)idempotencyKey ?? DBNull.Value });
        command.Parameters.AddWithValue("request", requestJson);
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return (reader.GetString(0), reader.GetBoolean(1), reader.GetString(2));
            }
        }

        // A concurrent request with the same key committed while this statement waited on its row; the statement's
        // snapshot could not see it, a new statement does.
        using var existing = dataSource.CreateCommand(schema.Sql("SELECT run_id, request_json::text FROM {schema}.runs WHERE pipeline = @pipeline AND idempotency_key = @key"));
        existing.Parameters.AddWithValue("pipeline", pipeline);
        existing.Parameters.AddWithValue("key", idempotencyKey!);
        using var found = await existing.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await found.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (found.GetString(0), false, found.GetString(1));
    }

    /// <summary>Records that a stage started; a late duplicate of the record (activities run at least once) changes nothing.</summary>
    public async Task StageStartedAsync(string runId, string stage, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            INSERT INTO {schema}.run_stages (run_id, stage, ordinal, started_at, outcome)
            VALUES (@run_id, @stage, @ordinal, @at, 'Running')
            ON CONFLICT (run_id, stage) DO NOTHING
            """));
        command.Parameters.AddWithValue("run_id", runId);
        command.Parameters.AddWithValue("stage", stage);
        command.Parameters.AddWithValue("ordinal", RunStages.Ordinal(stage));
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records how a stage ended.</summary>
    public async Task StageEndedAsync(string runId, string stage, StageOutcome outcome, string? detail, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            INSERT INTO {schema}.run_stages (run_id, stage, ordinal, started_at, ended_at, outcome, detail)
            VALUES (@run_id, @stage, @ordinal, @at, @at, @outcome, @detail)
            ON CONFLICT (run_id, stage) DO UPDATE SET ended_at = @at, outcome = @outcome, detail = @detail
            """));
        command.Parameters.AddWithValue("run_id", runId);
        command.Parameters.AddWithValue("stage", stage);
        command.Parameters.AddWithValue("ordinal", RunStages.Ordinal(stage));
        command.Parameters.AddWithValue("at", at);
        command.Parameters.AddWithValue("outcome", outcome.ToString());
        command.Parameters.Add(new NpgsqlParameter("detail", NpgsqlDbType.Text) { Value = (object?)detail ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The records of the given runs, with their stages in order; runs not recorded are absent.</summary>
    public async Task<IReadOnlyDictionary<string, RunRecord>> GetAsync(IReadOnlyCollection<string> runIds, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            SELECT r.run_id, r.pipeline, r.trigger, r.idempotency_key, r.request_json::text, r.created_at,
                   s.stage, s.started_at, s.ended_at, s.outcome, s.detail
            FROM {schema}.runs r LEFT JOIN {schema}.run_stages s ON s.run_id = r.run_id
            WHERE r.run_id = ANY(@ids)
            ORDER BY r.run_id, s.ordinal
            """));
        command.Parameters.AddWithValue("ids", runIds.ToArray());
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var runs = new Dictionary<string, (RunRecord Run, List<RunStage> Stages)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            if (!runs.TryGetValue(id, out var entry))
            {
                var stages = new List<RunStage>();
                using var request = JsonDocument.Parse(reader.GetString(4));
                entry = (new RunRecord(id, reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    request.RootElement.Clone(), reader.GetFieldValue<DateTimeOffset>(5), stages), stages);
                runs.Add(id, entry);
            }

            if (!reader.IsDBNull(6))
            {
                entry.Stages.Add(new RunStage(reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7),
                    reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8), Enum.Parse<StageOutcome>(reader.GetString(9)),
                    reader.IsDBNull(10) ? null : reader.GetString(10)));
            }
        }

        return runs.ToDictionary(r => r.Key, r => r.Value.Run, StringComparer.Ordinal);
    }
}
