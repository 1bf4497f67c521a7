using System.Data;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Workflows.Orchestrations.Activities;
using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Platform;

namespace Workflows.Orchestrations.Registry;

/// <summary>
/// Model versions and aliases in PostgreSQL. Versions are numbered per pipeline under a transaction-scoped advisory
/// lock; an alias moves in one transaction with its history row, so readers see the old or the new version, never
/// neither. <see cref="Changed"/> pulses after every alias move in this process; serving also re-reads on a timer to
/// see moves made by other hosts.
/// </summary>
public sealed class ModelRegistry(NpgsqlDataSource dataSource, PlatformSchema schema)
{
    private const string VersionColumns = "pipeline, version, model_sha256, model_path, manifest_path, evaluation_path, metrics_json::text, lineage_json::text, gate_json::text, baseline_path, created_at";

    /// <summary>Pulses after an alias moved in this process.</summary>
    public ChangeSignal Changed { get; } = new();

    /// <summary>
    /// Registers a run's model as the pipeline's next version; when the run already registered one (an activity
    /// retried, a host restarted), returns that version instead, so a run never registers twice.
    /// </summary>
    public async Task<ModelVersion> RegisterAsync(NewModelVersion model, CancellationToken cancellationToken)
    {
        using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockPipelineAsync(connection, model.Pipeline, cancellationToken).ConfigureAwait(false);
        using (var existing = new NpgsqlCommand(schema.Sql($"SELECT {VersionColumns} FROM {{schema}}.model_versions WHERE pipeline = @pipeline AND run_id = @run"), connection))
        {
            existing.Parameters.AddWithValue("pipeline", model.Pipeline);
            existing.Parameters.AddWithValue("run", model.Lineage.RunId);
            if (await ReadVersionsAsync(existing, cancellationToken).ConfigureAwait(false) is [var registered])
            {
                return registered;
            }
        }

        using var insert = new NpgsqlCommand(schema.Sql($$"""
            INSERT INTO {schema}.model_versions (pipeline, version, run_id, model_sha256, model_path, manifest_path, evaluation_path, metrics_json, lineage_json)
            SELECT @pipeline, coalesce(max(version), 0) + 1, @run, @sha, @model, @manifest, @evaluation, @metrics::jsonb, @lineage::jsonb
            FROM {schema}.model_versions WHERE pipeline = @pipeline
            RETURNING {{VersionColumns}}
            """), connection);
        insert.Parameters.AddWithValue("pipeline", model.Pipeline);
        insert.Parameters.AddWithValue("run", model.Lineage.RunId);
        insert.Parameters.AddWithValue("sha", model.ModelSha256);
        insert.Parameters.AddWithValue("model", model.ModelPath);
        insert.Parameters.AddWithValue("manifest", model.ManifestPath);
        insert.Parameters.AddWithValue("evaluation", model.EvaluationPath);
        insert.Parameters.AddWithValue("metrics", JsonSerializer.Serialize(model.Metrics, ArtifactJson.Options));
        insert.Parameters.AddWithValue("lineage", JsonSerializer.Serialize(model.Lineage, ArtifactJson.Options));
        var version = (await ReadVersionsAsync(insert, cancellationToken).ConfigureAwait(false))[0];
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return version;
    }

    /// <summary>Records the gate's decision on a version (the same decision again changes nothing that matters).</summary>
    public async Task RecordGateAsync(string pipeline, int version, GateDecision decision, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("UPDATE {schema}.model_versions SET gate_json = @gate::jsonb WHERE pipeline = @pipeline AND version = @version"));
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.AddWithValue("version", version);
        command.Parameters.AddWithValue("gate", JsonSerializer.Serialize(decision, ArtifactJson.Options));
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new RegistryException($"Model '{pipeline}' has no version {version}.");
        }
    }

    /// <summary>Notes where the monitoring baseline recorded at deploy is.</summary>
    public async Task RecordBaselineAsync(string pipeline, int version, string baselinePath, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("UPDATE {schema}.model_versions SET baseline_path = @path WHERE pipeline = @pipeline AND version = @version"));
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.AddWithValue("version", version);
        command.Parameters.AddWithValue("path", baselinePath);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new RegistryException($"Model '{pipeline}' has no version {version}.");
        }
    }

    /// <summary>One version, or null.</summary>
    public async Task<ModelVersion?> GetAsync(string pipeline, int version, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql($"SELECT {VersionColumns} FROM {{schema}}.model_versions WHERE pipeline = @pipeline AND version = @version"));
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.AddWithValue("version", version);
        return (await ReadVersionsAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>
    /// A version named by its number or an alias (<c>3</c>, <c>production</c>); null when there is no such version or
    /// the alias points nowhere.
    /// </summary>
    public async Task<ModelVersion?> FindAsync(string pipeline, string versionOrAlias, CancellationToken cancellationToken)
    {
        if (int.TryParse(versionOrAlias, out var number))
        {
            return await GetAsync(pipeline, number, cancellationToken).ConfigureAwait(false);
        }

        using var command = dataSource.CreateCommand(schema.Sql($$"""
            SELECT {{VersionColumns}} FROM {schema}.model_versions
            WHERE pipeline = @pipeline AND version = (SELECT version FROM {schema}.model_aliases WHERE pipeline = @pipeline AND alias = @alias)
            """));
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.AddWithValue("alias", versionOrAlias);
        return (await ReadVersionsAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>A pipeline's versions, newest first.</summary>
    public async Task<IReadOnlyList<ModelVersion>> ListAsync(string pipeline, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql($"SELECT {VersionColumns} FROM {{schema}}.model_versions WHERE pipeline = @pipeline ORDER BY version DESC"));
        command.Parameters.AddWithValue("pipeline", pipeline);
        return await ReadVersionsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The pipelines that have registered models, with their version counts.</summary>
    public async Task<IReadOnlyList<(string Pipeline, int Versions, int LatestVersion)>> ListModelsAsync(CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("SELECT pipeline, count(*)::int, max(version) FROM {schema}.model_versions GROUP BY pipeline ORDER BY pipeline"));
        var models = new List<(string, int, int)>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            models.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)));
        }

        return models;
    }

    /// <summary>Where a pipeline's aliases point now (all pipelines' when <paramref name="pipeline"/> is null).</summary>
    public async Task<IReadOnlyList<ModelAlias>> AliasesAsync(string? pipeline, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            SELECT pipeline, alias, version, traffic_percent, shadow, updated_at FROM {schema}.model_aliases
            WHERE @pipeline::text IS NULL OR pipeline = @pipeline ORDER BY pipeline, alias
            """));
        command.Parameters.Add(new NpgsqlParameter("pipeline", NpgsqlDbType.Text) { Value = (object?)pipeline ?? DBNull.Value });
        var aliases = new List<ModelAlias>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            aliases.Add(new ModelAlias(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetBoolean(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return aliases;
    }

    /// <summary>The moves of a pipeline's aliases (of one alias when given), newest first.</summary>
    public async Task<IReadOnlyList<AliasChange>> HistoryAsync(string pipeline, string? alias, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            SELECT id, pipeline, alias, version, previous_version, reason, rollback, run_id, changed_at FROM {schema}.model_alias_history
            WHERE pipeline = @pipeline AND (@alias::text IS NULL OR alias = @alias) ORDER BY id DESC
            """));
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.Add(new NpgsqlParameter("alias", NpgsqlDbType.Text) { Value = (object?)alias ?? DBNull.Value });
        var changes = new List<AliasChange>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            changes.Add(new AliasChange(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.GetString(5), reader.GetBoolean(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return changes;
    }

    /// <summary>
    /// The version production named before <paramref name="runId"/> moved it to <paramref name="version"/>: what a
    /// retried deploy or promotion, whose own move already happened, replaced. Null when production was empty then.
    /// </summary>
    public async Task<int?> ReplacedByRunAsync(string pipeline, string runId, int version, CancellationToken cancellationToken) =>
        (await HistoryAsync(pipeline, ModelAliases.Production, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(c => c.RunId == runId && c.Version == version)?.PreviousVersion;

    /// <summary>
    /// Points <paramref name="alias"/> at <paramref name="version"/>, with its traffic share and shadow flag, and
    /// records the move. Moving an alias where it already points (with the same routing) records nothing, so a
    /// retried deploy is harmless.
    /// </summary>
    public Task<AliasChange?> SetAliasAsync(string pipeline, string alias, int version, string reason, string? runId, CancellationToken cancellationToken, int trafficPercent = 100, bool shadow = false) =>
        MoveAsync(pipeline, reason, runId, rollback: false, async (connection, log) =>
        {
            await EnsureVersionAsync(connection, pipeline, version, cancellationToken).ConfigureAwait(false);
            return await PointAsync(connection, log, pipeline, alias, version, trafficPercent, shadow, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Removes an alias (removing one that does not exist records nothing).</summary>
    public Task<AliasChange?> RemoveAliasAsync(string pipeline, string alias, string reason, string? runId, CancellationToken cancellationToken) =>
        MoveAsync(pipeline, reason, runId, rollback: false, (connection, log) => RemoveAsync(connection, log, pipeline, alias, cancellationToken), cancellationToken);

    /// <summary>
    /// Makes the candidate the production model and removes the candidate alias, in one transaction. When the
    /// candidate alias no longer names <paramref name="expectedVersion"/> (someone aborted or replaced the canary),
    /// nothing moves and null is returned.
    /// </summary>
    public Task<AliasChange?> PromoteCandidateAsync(string pipeline, int expectedVersion, string reason, string? runId, CancellationToken cancellationToken) =>
        MoveAsync(pipeline, reason, runId, rollback: false, async (connection, log) =>
        {
            var candidate = await CurrentAsync(connection, pipeline, ModelAliases.Candidate, cancellationToken).ConfigureAwait(false);
            if (candidate != expectedVersion)
            {
                // Already promoted (a retried activity), or the canary was called off: nothing moves either way.
                return null;
            }

            await RemoveAsync(connection, log, pipeline, ModelAliases.Candidate, cancellationToken).ConfigureAwait(false);
            return await PointAsync(connection, log, pipeline, ModelAliases.Production, expectedVersion, 100, false, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Moves production back: to <paramref name="toVersion"/>, or, when null, to the version production named before
    /// its current one. A canary or shadow candidate is removed too: a rollback means "serve the old model".
    /// </summary>
    public Task<AliasChange?> RollbackAsync(string pipeline, int? toVersion, string reason, CancellationToken cancellationToken) =>
        MoveAsync(pipeline, reason, null, rollback: true, async (connection, log) =>
        {
            var current = await CurrentAsync(connection, pipeline, ModelAliases.Production, cancellationToken).ConfigureAwait(false)
                ?? throw new RegistryException($"Model '{pipeline}' has nothing in production to roll back.");
            var target = toVersion ?? await PreviousProductionAsync(connection, pipeline, current, cancellationToken).ConfigureAwait(false)
                ?? throw new RegistryException($"Production of '{pipeline}' has named only v{current}: there is no earlier version to roll back to (name one).");
            await EnsureVersionAsync(connection, pipeline, target, cancellationToken).ConfigureAwait(false);
            await RemoveAsync(connection, log, pipeline, ModelAliases.Candidate, cancellationToken).ConfigureAwait(false);
            return await PointAsync(connection, log, pipeline, ModelAliases.Production, target, 100, false, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Runs an alias change in a transaction under the pipeline's lock, then pulses <see cref="Changed"/>.</summary>
    private async Task<AliasChange?> MoveAsync(string pipeline, string reason, string? runId, bool rollback, Func<NpgsqlConnection, HistoryWriter, Task<AliasChange?>> move, CancellationToken cancellationToken)
    {
        AliasChange? change;
        using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        using (var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false))
        {
            await LockPipelineAsync(connection, pipeline, cancellationToken).ConfigureAwait(false);
            change = await move(connection, new HistoryWriter(schema, connection, reason, rollback, runId)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        Changed.Pulse();
        return change;
    }

    private async Task<AliasChange?> PointAsync(NpgsqlConnection connection, HistoryWriter log, string pipeline, string alias, int version, int trafficPercent, bool shadow, CancellationToken cancellationToken)
    {
        if (!ModelAliases.IsValid(alias))
        {
            throw new RegistryException($"'{alias}' is not a valid alias: use lower-case letters, digits and '-', starting with a letter (at most 40).");
        }

        using var command = new NpgsqlCommand(schema.Sql("""
            WITH before AS (SELECT version, traffic_percent, shadow FROM {schema}.model_aliases WHERE pipeline = @pipeline AND alias = @alias)
            INSERT INTO {schema}.model_aliases AS a (pipeline, alias, version, traffic_percent, shadow)
            VALUES (@pipeline, @alias, @version, @traffic, @shadow)
            ON CONFLICT (pipeline, alias) DO UPDATE SET version = excluded.version, traffic_percent = excluded.traffic_percent, shadow = excluded.shadow, updated_at = now()
                WHERE (a.version, a.traffic_percent, a.shadow) IS DISTINCT FROM (excluded.version, excluded.traffic_percent, excluded.shadow)
            RETURNING (SELECT version FROM before)
            """), connection);
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.AddWithValue("alias", alias);
        command.Parameters.AddWithValue("version", version);
        command.Parameters.AddWithValue("traffic", trafficPercent);
        command.Parameters.AddWithValue("shadow", shadow);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null; // Already so.
        }

        int? previous = reader.IsDBNull(0) ? null : reader.GetInt32(0);
        await reader.DisposeAsync().ConfigureAwait(false);
        return await log.WriteAsync(pipeline, alias, version, previous, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AliasChange?> RemoveAsync(NpgsqlConnection connection, HistoryWriter log, string pipeline, string alias, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(schema.Sql("DELETE FROM {schema}.model_aliases WHERE pipeline = @pipeline AND alias = @alias RETURNING version"), connection);
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.AddWithValue("alias", alias);
        var removed = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return removed is int previous ? await log.WriteAsync(pipeline, alias, null, previous, cancellationToken).ConfigureAwait(false) : null;
    }

    private async Task<int?> CurrentAsync(NpgsqlConnection connection, string pipeline, string alias, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(schema.Sql("SELECT version FROM {schema}.model_aliases WHERE pipeline = @pipeline AND alias = @alias"), connection);
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.AddWithValue("alias", alias);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as int?;
    }

    /// <summary>
    /// The version production named before it last moved to <paramref name="current"/> other than by a rollback, so
    /// rolling back twice goes back two versions instead of undoing the first rollback.
    /// </summary>
    private async Task<int?> PreviousProductionAsync(NpgsqlConnection connection, string pipeline, int current, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(schema.Sql("""
            SELECT previous_version FROM {schema}.model_alias_history
            WHERE pipeline = @pipeline AND alias = @alias AND version = @current AND previous_version IS NOT NULL AND NOT rollback
            ORDER BY id DESC LIMIT 1
            """), connection);
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.AddWithValue("alias", ModelAliases.Production);
        command.Parameters.AddWithValue("current", current);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as int?;
    }

    private async Task EnsureVersionAsync(NpgsqlConnection connection, string pipeline, int version, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(schema.Sql("SELECT 1 FROM {schema}.model_versions WHERE pipeline = @pipeline AND version = @version"), connection);
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.AddWithValue("version", version);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            throw new RegistryException($"Model '{pipeline}' has no version {version}.");
        }
    }

    /// <summary>Serializes numbering and alias moves per pipeline, across hosts, until the transaction ends.</summary>
    private static async Task LockPipelineAsync(NpgsqlConnection connection, string pipeline, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('workflows.models:' || @pipeline, 0))", connection);
        command.Parameters.AddWithValue("pipeline", pipeline);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<ModelVersion>> ReadVersionsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var versions = new List<ModelVersion>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions.Add(new ModelVersion(
                reader.GetString(0),
                reader.GetInt32(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                JsonSerializer.Deserialize<Dictionary<string, double?>>(reader.GetString(6), ArtifactJson.Options)!,
                JsonSerializer.Deserialize<ModelLineage>(reader.GetString(7), ArtifactJson.Options)!,
                reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<GateDecision>(reader.GetString(8), ArtifactJson.Options),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return versions;
    }

    /// <summary>Writes the history rows of one transaction's moves, all with its reason and run.</summary>
    private sealed class HistoryWriter(PlatformSchema schema, NpgsqlConnection connection, string reason, bool rollback, string? runId)
    {
        public async Task<AliasChange> WriteAsync(string pipeline, string alias, int? version, int? previous, CancellationToken cancellationToken)
        {
            using var command = new NpgsqlCommand(schema.Sql("""
                INSERT INTO {schema}.model_alias_history (pipeline, alias, version, previous_version, reason, rollback, run_id)
                VALUES (@pipeline, @alias, @version, @previous, @reason, @rollback, @run) RETURNING id, changed_at
                """), connection);
            command.Parameters.AddWithValue("pipeline", pipeline);
            command.Parameters.AddWithValue("alias", alias);
            command.Parameters.Add(new NpgsqlParameter("version", NpgsqlDbType.Integer) { Value = (object?)version ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("previous", NpgsqlDbType.Integer) { Value = (object?)previous ?? DBNull.Value });
            command.Parameters.AddWithValue("reason", reason);
            command.Parameters.AddWithValue("rollback", rollback);
            command.Parameters.Add(new NpgsqlParameter("run", NpgsqlDbType.Text) { Value = (object?)runId ?? DBNull.Value });
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new AliasChange(reader.GetInt64(0), pipeline, alias, version, previous, reason, rollback, runId, reader.GetFieldValue<DateTimeOffset>(1));
        }
    }
}
