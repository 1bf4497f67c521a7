using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Workflows.Orchestrations.Activities;
using Workflows.Orchestrations.Platform;

namespace Workflows.Orchestrations.Monitoring;

/// <summary>Drift checks and their reports in PostgreSQL, kept with the model version they checked.</summary>
public sealed class DriftReportStore(NpgsqlDataSource dataSource, PlatformSchema schema)
{
    private const string Columns = "id, pipeline, version, checked_at, verdict, window_after_id, window_last_id, report_json::text, live_json::text, retrain_run_id, retrain_note";

    /// <summary>Stores a check; the same <paramref name="checkKey"/> again (an activity retried) returns the first one's id.</summary>
    public async Task<long> SaveAsync(string checkKey, string pipeline, int version, LogPosition windowAfter, LogPosition windowLast, DriftReport report, LivePerformance? live, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            WITH inserted AS (
                INSERT INTO {schema}.drift_reports (pipeline, version, check_key, verdict, drifted, window_after_id, window_last_id, window_last_xid, window_rows, report_json, live_json)
                VALUES (@pipeline, @version, @key, @verdict, @drifted, @after, @last, @lastXid, @rows, @report::jsonb, @live::jsonb)
                ON CONFLICT (check_key) DO NOTHING
                RETURNING id)
            SELECT id FROM inserted UNION ALL SELECT id FROM {schema}.drift_reports WHERE check_key = @key
            """));
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.AddWithValue("version", version);
        command.Parameters.AddWithValue("key", checkKey);
        command.Parameters.AddWithValue("verdict", report.Verdict.ToString());
        command.Parameters.AddWithValue("drifted", report.Drifted);
        command.Parameters.AddWithValue("after", windowAfter.Id);
        command.Parameters.AddWithValue("last", windowLast.Id);
        command.Parameters.Add(new NpgsqlParameter("lastXid", NpgsqlDbType.Xid8) { Value = windowLast.Xid });
        command.Parameters.AddWithValue("rows", report.Window.Rows);
        command.Parameters.AddWithValue("report", JsonSerializer.Serialize(report, ArtifactJson.Options));
        command.Parameters.Add(new NpgsqlParameter("live", NpgsqlDbType.Text) { Value = live is null ? DBNull.Value : JsonSerializer.Serialize(live, ArtifactJson.Options) });
        // Two attempts saving in the same instant: the loser's statement saw neither its insert nor the winner's row.
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?
            ?? (await FindAsync(checkKey, cancellationToken).ConfigureAwait(false))!.Id;
    }

    /// <summary>The check stored under <paramref name="checkKey"/>, or null.</summary>
    public async Task<DriftCheckRecord?> FindAsync(string checkKey, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql($"SELECT {Columns} FROM {{schema}}.drift_reports WHERE check_key = @key"));
        command.Parameters.AddWithValue("key", checkKey);
        return (await ReadAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>Notes the retraining decision of a check (the run it started, or why none).</summary>
    public async Task RecordRetrainAsync(long id, string? runId, string note, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("UPDATE {schema}.drift_reports SET retrain_run_id = @run, retrain_note = @note WHERE id = @id"));
        command.Parameters.AddWithValue("id", id);
        command.Parameters.Add(new NpgsqlParameter("run", NpgsqlDbType.Text) { Value = (object?)runId ?? DBNull.Value });
        command.Parameters.AddWithValue("note", note);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Where the next window of <paramref name="version"/> starts: after the last row the latest check with enough data
    /// read. A check with too little data does not move it, so rows accumulate until a verdict is possible.
    /// </summary>
    public async Task<LogPosition> WindowStartAsync(string pipeline, int version, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            SELECT window_last_xid, window_last_id FROM {schema}.drift_reports
            WHERE pipeline = @pipeline AND version = @version AND verdict <> 'InsufficientData'
            ORDER BY window_last_xid DESC, window_last_id DESC LIMIT 1
            """));
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.AddWithValue("version", version);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? new LogPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1)) : LogPosition.Start;
    }

    /// <summary>The drift-started runs of a pipeline with when their checks started them, newest first.</summary>
    public async Task<IReadOnlyList<(string RunId, DateTimeOffset StartedAt)>> RetrainsAsync(string pipeline, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            SELECT retrain_run_id, checked_at FROM {schema}.drift_reports WHERE pipeline = @pipeline AND retrain_run_id IS NOT NULL ORDER BY id DESC LIMIT 100
            """));
        command.Parameters.AddWithValue("pipeline", pipeline);
        var runs = new List<(string, DateTimeOffset)>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }

        return runs;
    }

    /// <summary>A pipeline's checks (of one version when given), newest first.</summary>
    public async Task<IReadOnlyList<DriftCheckRecord>> ListAsync(string pipeline, int? version, int limit, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql($$"""
            SELECT {{Columns}} FROM {schema}.drift_reports WHERE pipeline = @pipeline AND (@version::int IS NULL OR version = @version::int) ORDER BY id DESC LIMIT @limit
            """));
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.Add(new NpgsqlParameter("version", NpgsqlDbType.Integer) { Value = (object?)version ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One check, or null.</summary>
    public async Task<DriftCheckRecord?> GetAsync(long id, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql($"SELECT {Columns} FROM {{schema}}.drift_reports WHERE id = @id"));
        command.Parameters.AddWithValue("id", id);
        return (await ReadAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    private static async Task<IReadOnlyList<DriftCheckRecord>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var records = new List<DriftCheckRecord>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new DriftCheckRecord(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetInt32(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                Enum.Parse<DriftVerdict>(reader.GetString(4)),
                reader.GetInt64(5),
                reader.GetInt64(6),
                JsonSerializer.Deserialize<DriftReport>(reader.GetString(7), ArtifactJson.Options)!,
                reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<LivePerformance>(reader.GetString(8), ArtifactJson.Options),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10)));
        }

        return records;
    }
}
