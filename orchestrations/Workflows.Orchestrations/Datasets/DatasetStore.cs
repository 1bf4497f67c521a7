using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Workflows.Orchestrations.Platform;

namespace Workflows.Orchestrations.Datasets;

/// <summary>Dataset versions and ingestion claims in PostgreSQL.</summary>
public sealed class DatasetStore(NpgsqlDataSource dataSource, PlatformSchema schema)
{
    private const string VersionColumns = """
        dataset, version, content_sha256, row_count, source_bytes, canonical_bytes, data_path, schema_json::text,
        profile_json::text, report_json::text, source, trigger, parent_version, ingestion_id, created_at
        """;

    private const string IngestionColumns = """
        ingestion_id, source_key, dataset, source, trigger, status, version, quarantine, report_json::text, error, created_at, finished_at
        """;

    /// <summary>
    /// Registers a version, or returns the existing one with the same content (then <c>Created</c> is false).
    /// Versions of one dataset are numbered in the order they commit.
    /// </summary>
    public async Task<(DatasetVersion Version, bool Created)> RegisterAsync(NewDatasetVersion version, CancellationToken cancellationToken)
    {
        using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // The dataset row's lock serializes numbering, so two ingestions of one dataset cannot take the same number.
        await ExecuteAsync(connection, schema.Sql("""
            INSERT INTO {schema}.datasets (name) VALUES (@dataset) ON CONFLICT DO NOTHING;
            SELECT 1 FROM {schema}.datasets WHERE name = @dataset FOR UPDATE;
            """), cancellationToken, ("dataset", version.Dataset)).ConfigureAwait(false);

        var existing = await QueryVersionsAsync(connection, schema.Sql($"SELECT {VersionColumns} FROM {{schema}}.dataset_versions WHERE dataset = @dataset AND content_sha256 = @sha"),
            cancellationToken, ("dataset", version.Dataset), ("sha", version.ContentSha256)).ConfigureAwait(false);
        if (existing.Count > 0)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return (existing[0], false);
        }

        var created = await QueryVersionsAsync(connection, schema.Sql($$"""
            INSERT INTO {schema}.dataset_versions (dataset, version, content_sha256, row_count, source_bytes, canonical_bytes, data_path,
                schema_json, profile_json, report_json, source, trigger, parent_version, ingestion_id)
            SELECT @dataset, COALESCE(max(version), 0) + 1, @sha, @rows, @source_bytes, @canonical_bytes, @data_path,
                @schema_json::jsonb, @profile_json::jsonb, @report_json::jsonb, @source, @trigger, max(version), @ingestion_id
            FROM {schema}.dataset_versions WHERE dataset = @dataset
            RETURNING {{VersionColumns}}
            """), cancellationToken,
            ("dataset", version.Dataset), ("sha", version.ContentSha256), ("rows", version.RowCount), ("source_bytes", version.SourceBytes),
            ("canonical_bytes", version.CanonicalBytes), ("data_path", version.DataPath), ("schema_json", version.SchemaJson),
            ("profile_json", version.ProfileJson), ("report_json", version.ReportJson), ("source", version.Source),
            ("trigger", version.Trigger), ("ingestion_id", version.IngestionId)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (created[0], true);
    }

    /// <summary>A version, or the latest when <paramref name="version"/> is null; null when there is none.</summary>
    public async Task<DatasetVersion?> GetVersionAsync(string dataset, int? version, CancellationToken cancellationToken)
    {
        using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var found = await QueryVersionsAsync(connection, schema.Sql($$"""
            SELECT {{VersionColumns}} FROM {schema}.dataset_versions
            WHERE dataset = @dataset AND (@version::int IS NULL OR version = @version::int)
            ORDER BY version DESC LIMIT 1
            """), cancellationToken, ("dataset", dataset), ("version", version)).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>The versions of a dataset, newest first.</summary>
    public async Task<IReadOnlyList<DatasetVersion>> ListVersionsAsync(string dataset, CancellationToken cancellationToken)
    {
        using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await QueryVersionsAsync(connection, schema.Sql($"SELECT {VersionColumns} FROM {{schema}}.dataset_versions WHERE dataset = @dataset ORDER BY version DESC"),
            cancellationToken, ("dataset", dataset)).ConfigureAwait(false);
    }

    /// <summary>Every dataset with its number of versions and latest version.</summary>
    public async Task<IReadOnlyList<DatasetSummary>> ListDatasetsAsync(CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            SELECT d.name, d.created_at, count(v.version), max(v.version), max(v.created_at)
            FROM {schema}.datasets d LEFT JOIN {schema}.dataset_versions v ON v.dataset = d.name
            GROUP BY d.name, d.created_at ORDER BY d.name
            """));
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var datasets = new List<DatasetSummary>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            datasets.Add(new DatasetSummary(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), (int)reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return datasets;
    }

    /// <summary>
    /// Claims a source for ingestion: true for the one caller that claims a new key, false for every later caller
    /// (the source was claimed before, perhaps by another host or before a restart).
    /// </summary>
    public async Task<bool> TryClaimAsync(string ingestionId, string sourceKey, string dataset, string source, string trigger, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            INSERT INTO {schema}.ingestions (ingestion_id, source_key, dataset, source, trigger, status)
            VALUES (@id, @key, @dataset, @source, @trigger, 'Running')
            ON CONFLICT DO NOTHING
            """));
        AddParameters(command.Parameters, ("id", ingestionId), ("key", sourceKey), ("dataset", dataset), ("source", source), ("trigger", trigger));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Records how an ingestion ended; <see cref="IngestionStatus.Failed"/> only replaces a running one, never an outcome already recorded.</summary>
    public async Task FinishIngestionAsync(string ingestionId, IngestionStatus status, int? version, string? quarantine, string? reportJson, string? error, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            UPDATE {schema}.ingestions
            SET status = @status, version = @version::int, quarantine = @quarantine, report_json = @report::jsonb, error = @error, finished_at = now()
            WHERE ingestion_id = @id AND (@status <> 'Failed' OR status = 'Running')
            """));
        AddParameters(command.Parameters, ("id", ingestionId), ("status", status.ToString()), ("version", version), ("quarantine", quarantine),
            ("report", reportJson), ("error", error));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One ingestion, or null.</summary>
    public async Task<IngestionRecord?> GetIngestionAsync(string ingestionId, CancellationToken cancellationToken)
    {
        var found = await QueryIngestionsAsync(schema.Sql($"SELECT {IngestionColumns} FROM {{schema}}.ingestions WHERE ingestion_id = @id"),
            cancellationToken, ("id", ingestionId)).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Ingestions, newest first, optionally of one dataset or in one status.</summary>
    public Task<IReadOnlyList<IngestionRecord>> ListIngestionsAsync(string? dataset, IngestionStatus? status, int limit, CancellationToken cancellationToken) =>
        QueryIngestionsAsync(schema.Sql($$"""
            SELECT {{IngestionColumns}} FROM {schema}.ingestions
            WHERE (@dataset::text IS NULL OR dataset = @dataset::text) AND (@status::text IS NULL OR status = @status::text)
            ORDER BY created_at DESC, ingestion_id LIMIT @limit
            """), cancellationToken, ("dataset", dataset), ("status", status?.ToString()), ("limit", limit));

    private async Task<IReadOnlyList<IngestionRecord>> QueryIngestionsAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        using var command = dataSource.CreateCommand(sql);
        AddParameters(command.Parameters, parameters);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<IngestionRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new IngestionRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                Enum.Parse<IngestionStatus>(reader.GetString(5)), reader.IsDBNull(6) ? null : reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : JsonDocument.Parse(reader.GetString(8)).RootElement.Clone(), reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.GetFieldValue<DateTimeOffset>(10), reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11)));
        }

        return records;
    }

    private static async Task<List<DatasetVersion>> QueryVersionsAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection);
        AddParameters(command.Parameters, parameters);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var versions = new List<DatasetVersion>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions.Add(new DatasetVersion(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
                reader.GetString(6), Json(reader.GetString(7)), Json(reader.GetString(8)), Json(reader.GetString(9)),
                new DatasetLineage(reader.GetString(10), reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetInt32(12), reader.IsDBNull(13) ? null : reader.GetString(13)),
                reader.GetFieldValue<DateTimeOffset>(14)));
        }

        return versions;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection);
        AddParameters(command.Parameters, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddParameters(NpgsqlParameterCollection target, params (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            // Typed nulls: the statements test parameters for NULL, which needs a known type.
            target.Add(value is null ? new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = DBNull.Value } : new NpgsqlParameter(name, value));
        }
    }

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

/// <summary>A dataset in a list: how many versions it has, and the latest.</summary>
public sealed record DatasetSummary(string Name, DateTimeOffset CreatedAt, int Versions, int? LatestVersion, DateTimeOffset? LatestAt);
