using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Workflows.Orchestrations.Activities;
using Workflows.Orchestrations.Platform;

namespace Workflows.Orchestrations.Training;

/// <summary>
/// The training job queue in PostgreSQL. Every change a worker makes names its lease id and applies only while that
/// lease holds, so a worker that lost its lease (and the worker that took the job over) cannot overwrite each other.
/// </summary>
public sealed class TrainingJobStore(NpgsqlDataSource dataSource, PlatformSchema schema, ChangeSignal signal)
{
    private const string Columns = """
        job_id, run_id, pipeline, trial, orchestration_id, spec_json::text, state, attempt, max_attempts, worker_id, worker_json::text,
        lease_expires_at, heartbeat_at, progress_json::text, checkpoint_path, checkpoint_epoch, deadline, result_json::text, error,
        created_at, started_at, ended_at
        """;

    /// <summary>Queues a job; queuing the same job id again (an activity retried) changes nothing.</summary>
    public async Task EnqueueAsync(string jobId, string runId, string pipeline, int trial, string orchestrationId, TrainingJobSpec spec, int maxAttempts, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            INSERT INTO {schema}.training_jobs (job_id, run_id, pipeline, trial, orchestration_id, spec_json, requires_gpu, state, max_attempts, deadline)
            VALUES (@job, @run, @pipeline, @trial, @orchestration, @spec::jsonb, @gpu, 'Queued', @max_attempts, @deadline)
            ON CONFLICT (job_id) DO NOTHING
            """));
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("run", runId);
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.AddWithValue("trial", trial);
        command.Parameters.AddWithValue("orchestration", orchestrationId);
        command.Parameters.AddWithValue("spec", JsonSerializer.Serialize(spec, ArtifactJson.Options));
        command.Parameters.AddWithValue("gpu", spec.RequiresGpu);
        command.Parameters.AddWithValue("max_attempts", maxAttempts);
        command.Parameters.AddWithValue("deadline", deadline);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        signal.Pulse();
    }

    /// <summary>
    /// Leases the oldest job this worker can run: a queued job, or one whose lease expired (its checkpoint kept, its
    /// attempt count raised). Waits up to <paramref name="wait"/> for one; null when none came.
    /// </summary>
    public async Task<JobLease?> LeaseAsync(string workerId, string workerJson, bool hasGpu, TimeSpan leaseDuration, TimeSpan wait, CancellationToken cancellationToken)
    {
        var until = DateTimeOffset.UtcNow + wait;
        while (true)
        {
            // Pulses that come while this attempt runs must not be missed: take the wait's task before looking.
            var woken = signal.WaitAsync(Max(until - DateTimeOffset.UtcNow, TimeSpan.Zero), cancellationToken);
            var lease = await TryLeaseAsync(workerId, workerJson, hasGpu, leaseDuration, cancellationToken).ConfigureAwait(false);
            if (lease is not null || DateTimeOffset.UtcNow >= until)
            {
                return lease;
            }

            // Jobs queued by other hosts and leases that expire make no pulse here: look again at least every second.
            await Task.WhenAny(woken, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async Task<JobLease?> TryLeaseAsync(string workerId, string workerJson, bool hasGpu, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            WITH candidate AS (
                SELECT job_id FROM {schema}.training_jobs
                WHERE (state = 'Queued' OR (state = 'Leased' AND lease_expires_at < now()))
                  AND attempt < max_attempts AND deadline > now() AND (NOT requires_gpu OR @gpu)
                ORDER BY created_at, job_id
                LIMIT 1
                FOR UPDATE SKIP LOCKED),
            leased AS (
                UPDATE {schema}.training_jobs j
                SET state = 'Leased', attempt = j.attempt + 1, lease_id = @lease, worker_id = @worker, worker_json = @worker_json::jsonb,
                    lease_expires_at = now() + @duration, heartbeat_at = now(), started_at = coalesce(j.started_at, now())
                FROM candidate WHERE j.job_id = candidate.job_id
                RETURNING j.job_id, j.attempt, j.max_attempts, j.spec_json::text, j.checkpoint_path, j.checkpoint_epoch, j.lease_expires_at, j.run_id, j.trial),
            seen AS (
                INSERT INTO {schema}.training_workers (worker_id, worker_json, last_seen_at, current_job)
                VALUES (@worker, @worker_json::jsonb, now(), (SELECT job_id FROM leased))
                ON CONFLICT (worker_id) DO UPDATE SET worker_json = excluded.worker_json, last_seen_at = now(), current_job = excluded.current_job)
            SELECT * FROM leased
            """));
        var leaseId = Guid.NewGuid();
        command.Parameters.AddWithValue("gpu", hasGpu);
        command.Parameters.AddWithValue("lease", leaseId);
        command.Parameters.AddWithValue("worker", workerId);
        command.Parameters.AddWithValue("worker_json", workerJson);
        command.Parameters.AddWithValue("duration", leaseDuration);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new JobLease(
            reader.GetString(0), reader.GetString(7), reader.GetInt32(8), leaseId, reader.GetInt32(1), reader.GetInt32(2), DeserializeSpec(reader.GetString(3)),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6));
    }

    /// <summary>Extends the lease and records progress; says whether the worker should go on.</summary>
    public async Task<HeartbeatOutcome> HeartbeatAsync(string jobId, Guid leaseId, string? progressJson, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            WITH beat AS (
                UPDATE {schema}.training_jobs
                SET heartbeat_at = now(), lease_expires_at = now() + @duration, progress_json = coalesce(@progress::jsonb, progress_json)
                WHERE job_id = @job AND lease_id = @lease AND state = 'Leased' AND deadline > now()
                RETURNING worker_id),
            seen AS (
                UPDATE {schema}.training_workers SET last_seen_at = now() WHERE worker_id = (SELECT worker_id FROM beat))
            SELECT 'beat', true FROM beat
            UNION ALL
            -- A job never leased has no lease id: not this lease either (a NULL here would not read as a boolean).
            SELECT state, coalesce(lease_id = @lease, false) FROM {schema}.training_jobs WHERE job_id = @job AND NOT EXISTS (SELECT 1 FROM beat)
            """));
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("lease", leaseId);
        command.Parameters.AddWithValue("duration", leaseDuration);
        command.Parameters.Add(new NpgsqlParameter("progress", NpgsqlDbType.Text) { Value = (object?)progressJson ?? DBNull.Value });
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return new HeartbeatOutcome(false, "ended");
        }

        var (state, ownLease) = (reader.GetString(0), reader.GetBoolean(1));
        return state switch
        {
            "beat" => new HeartbeatOutcome(true, null),
            nameof(TrainingJobState.Cancelled) when ownLease => new HeartbeatOutcome(false, "cancelled"),
            nameof(TrainingJobState.Leased) when ownLease => new HeartbeatOutcome(false, "deadline"),
            _ when !ownLease || state == nameof(TrainingJobState.Queued) => new HeartbeatOutcome(false, "lease-lost"),
            _ => new HeartbeatOutcome(false, "ended"),
        };
    }

    /// <summary>Records the job's latest checkpoint, while the lease holds.</summary>
    public async Task<bool> SetCheckpointAsync(string jobId, Guid leaseId, string path, int? epoch, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            UPDATE {schema}.training_jobs SET checkpoint_path = @path, checkpoint_epoch = @epoch
            WHERE job_id = @job AND lease_id = @lease AND state = 'Leased'
            """));
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("lease", leaseId);
        command.Parameters.AddWithValue("path", path);
        command.Parameters.Add(new NpgsqlParameter("epoch", NpgsqlDbType.Integer) { Value = (object?)epoch ?? DBNull.Value });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Whether <paramref name="leaseId"/> holds the job now (artifact uploads and data downloads check it).</summary>
    public async Task<bool> HoldsLeaseAsync(string jobId, Guid leaseId, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("SELECT 1 FROM {schema}.training_jobs WHERE job_id = @job AND lease_id = @lease AND state = 'Leased'"));
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("lease", leaseId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>
    /// Ends the job as its worker reports: success, a failure (queued again when retryable and attempts remain), or an
    /// interruption (queued again without using an attempt: the worker was asked to stop). A repeated report of the
    /// same ending (a retried request) succeeds again; any other report without the lease is refused.
    /// </summary>
    public async Task<TrainingJob?> ReportAsync(string jobId, Guid leaseId, WorkerReport report, CancellationToken cancellationToken)
    {
        var (state, attemptChange) = report.Kind switch
        {
            WorkerReportKind.Completed => ("'Succeeded'", 0),
            WorkerReportKind.Interrupted => ("'Queued'", -1),
            _ when report.Retryable => ("CASE WHEN attempt < max_attempts AND deadline > now() THEN 'Queued' ELSE 'Failed' END", 0),
            _ => ("'Failed'", 0),
        };
        using var command = dataSource.CreateCommand(schema.Sql($$"""
            UPDATE {schema}.training_jobs
            SET state = {{state}}, attempt = attempt + @attempt_change, result_json = coalesce(@result::jsonb, result_json), error = @error,
                lease_expires_at = NULL, ended_at = CASE WHEN {{state}} = 'Queued' THEN NULL ELSE now() END
            WHERE job_id = @job AND lease_id = @lease AND state = 'Leased'
            RETURNING {{Columns}}
            """));
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("lease", leaseId);
        command.Parameters.AddWithValue("attempt_change", attemptChange);
        command.Parameters.Add(new NpgsqlParameter("result", NpgsqlDbType.Text) { Value = report.Result is null ? DBNull.Value : JsonSerializer.Serialize(report.Result, ArtifactJson.Options) });
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)report.Error ?? DBNull.Value });
        var changed = await ReadOneAsync(command, cancellationToken).ConfigureAwait(false);
        if (changed is not null)
        {
            if (changed.State == TrainingJobState.Queued)
            {
                signal.Pulse();
            }

            return changed;
        }

        // The same report sent twice finds the job already ended by it, still under this lease id.
        var current = await GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        return current is not null && report.Explains(current.State) && await LeaseIdAsync(jobId, cancellationToken).ConfigureAwait(false) == leaseId
            ? current
            : null;
    }

    /// <summary>
    /// Looks after a job nobody may be watching: a lease that expired goes back to the queue (or fails when its attempts
    /// are used up), and a job past its deadline fails. Returns the job as it is afterwards.
    /// </summary>
    public async Task<TrainingJob?> CheckAsync(string jobId, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql($$"""
            UPDATE {schema}.training_jobs
            SET state = CASE WHEN deadline <= now() OR attempt >= max_attempts THEN 'Failed' ELSE 'Queued' END,
                error = CASE
                    WHEN deadline <= now() THEN 'The job passed its deadline (' || to_char(deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ') before it finished.'
                    WHEN state = 'Leased' THEN 'Worker ' || coalesce(worker_id, '?') || ' stopped heartbeating; its lease expired at '
                        || to_char(lease_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ' (attempt ' || attempt || ' of ' || max_attempts || ').'
                    ELSE error END,
                ended_at = CASE WHEN deadline <= now() OR attempt >= max_attempts THEN now() END,
                -- The expired lease is over: a late report from it must not pass for a repeat of one that counted.
                lease_id = NULL, lease_expires_at = NULL
            WHERE job_id = @job AND ((state = 'Leased' AND (lease_expires_at < now() OR deadline <= now())) OR (state = 'Queued' AND deadline <= now()))
            RETURNING {{Columns}}
            """));
        command.Parameters.AddWithValue("job", jobId);
        var changed = await ReadOneAsync(command, cancellationToken).ConfigureAwait(false);
        if (changed?.State == TrainingJobState.Queued)
        {
            signal.Pulse();
        }

        return changed ?? await GetAsync(jobId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels a run's unfinished jobs; a worker learns of it at its next heartbeat. Returns the jobs cancelled.</summary>
    public async Task<IReadOnlyList<TrainingJob>> CancelRunAsync(string runId, string reason, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql($$"""
            UPDATE {schema}.training_jobs SET state = 'Cancelled', error = @reason, ended_at = now()
            WHERE run_id = @run AND state IN ('Queued', 'Leased')
            RETURNING {{Columns}}
            """));
        command.Parameters.AddWithValue("run", runId);
        command.Parameters.AddWithValue("reason", reason);
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TrainingJob?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql($"SELECT {Columns} FROM {{schema}}.training_jobs WHERE job_id = @job"));
        command.Parameters.AddWithValue("job", jobId);
        return await ReadOneAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A run's jobs, one per trial, in trial order.</summary>
    public async Task<IReadOnlyList<TrainingJob>> ListForRunAsync(string runId, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql($"SELECT {Columns} FROM {{schema}}.training_jobs WHERE run_id = @run ORDER BY trial"));
        command.Parameters.AddWithValue("run", runId);
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Workers as last seen, most recent first.</summary>
    public async Task<IReadOnlyList<WorkerSighting>> ListWorkersAsync(CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("SELECT worker_id, worker_json::text, last_seen_at, current_job FROM {schema}.training_workers ORDER BY last_seen_at DESC"));
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var workers = new List<WorkerSighting>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            workers.Add(new WorkerSighting(reader.GetString(0), JsonElementOf(reader.GetString(1)), reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return workers;
    }

    private async Task<Guid?> LeaseIdAsync(string jobId, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("SELECT lease_id FROM {schema}.training_jobs WHERE job_id = @job"));
        command.Parameters.AddWithValue("job", jobId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as Guid?;
    }

    private static async Task<TrainingJob?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken) =>
        (await ReadAllAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    private static async Task<IReadOnlyList<TrainingJob>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var jobs = new List<TrainingJob>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(new TrainingJob(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4), DeserializeSpec(reader.GetString(5)),
                Enum.Parse<TrainingJobState>(reader.GetString(6)), reader.GetInt32(7), reader.GetInt32(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : JsonElementOf(reader.GetString(10)),
                reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11), reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
                reader.IsDBNull(13) ? null : JsonElementOf(reader.GetString(13)), reader.IsDBNull(14) ? null : reader.GetString(14),
                reader.IsDBNull(15) ? null : reader.GetInt32(15), reader.GetFieldValue<DateTimeOffset>(16),
                reader.IsDBNull(17) ? null : JsonSerializer.Deserialize<TrainingResult>(reader.GetString(17), ArtifactJson.Options),
                reader.IsDBNull(18) ? null : reader.GetString(18), reader.GetFieldValue<DateTimeOffset>(19),
                reader.IsDBNull(20) ? null : reader.GetFieldValue<DateTimeOffset>(20), reader.IsDBNull(21) ? null : reader.GetFieldValue<DateTimeOffset>(21)));
        }

        return jobs;
    }

    private static TrainingJobSpec DeserializeSpec(string json) => JsonSerializer.Deserialize<TrainingJobSpec>(json, ArtifactJson.Options)!;

    private static JsonElement JsonElementOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>A worker as last seen: what it offered, when, and the job it took then.</summary>
public sealed record WorkerSighting(string WorkerId, JsonElement Worker, DateTimeOffset LastSeenAt, string? CurrentJob);
