using Npgsql;
using NpgsqlTypes;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Platform;

namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// Reads the logged predictions of a model version for a drift check: the rows it answered (production, canary or
/// asked for by version; not shadow copies, which another version answered), after a <see cref="LogPosition"/>, in
/// commit-safe order (rows of transactions still running wait for a later window), up to a limit, with the labels fed
/// back for them.
/// </summary>
public sealed class PredictionWindowReader(NpgsqlDataSource dataSource, PlatformSchema schema)
{
    /// <summary>The most rows one check reads.</summary>
    public const int MaxRows = 1_000_000;

    public async Task<PredictionWindow> ReadAsync(string pipeline, int version, LogPosition after, ExportManifest manifest, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            SELECT l.id, l.logged_xid, l.logged_at, l.features, l.output_json->>'label', (l.output_json->>'value')::real,
                   (SELECT max(p.value::text::real) FROM jsonb_each(l.output_json->'probabilities') p),
                   f.label_json::text
            FROM {schema}.prediction_log l LEFT JOIN {schema}.prediction_feedback f ON f.prediction_id = l.prediction_id
            WHERE l.pipeline = @pipeline AND l.version = @version AND l.route <> 'shadow'
              AND (l.logged_xid, l.id) > (@afterXid, @afterId)
              AND l.logged_xid < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY l.logged_xid, l.id LIMIT @limit
            """));
        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.AddWithValue("version", version);
        command.Parameters.Add(new NpgsqlParameter("afterXid", NpgsqlDbType.Xid8) { Value = after.Xid });
        command.Parameters.AddWithValue("afterId", after.Id);
        command.Parameters.AddWithValue("limit", MaxRows);

        var classification = manifest.Task == ModelTask.Classification;
        var labelIndex = (manifest.ClassLabels ?? []).Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i, StringComparer.Ordinal);
        var columns = Enumerable.Range(0, manifest.FeatureCount).Select(_ => new List<float>()).ToArray();
        var (labels, values, confidences, classes, feedback) = (new List<string?>(), new List<float>(), new List<float>(), new List<int>(), new List<string?>());
        var (last, from, to) = (after, DateTimeOffset.MaxValue, DateTimeOffset.MinValue);
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                last = new LogPosition(reader.GetFieldValue<ulong>(1), reader.GetInt64(0));
                var at = reader.GetFieldValue<DateTimeOffset>(2);
                (from, to) = (at < from ? at : from, at > to ? at : to);
                var row = reader.GetFieldValue<float[]>(3);
                if (row.Length != manifest.FeatureCount)
                {
                    throw new InvalidDataException($"prediction_log row {last.Id} of {pipeline} v{version} has {row.Length} features; the model reads {manifest.FeatureCount}.");
                }

                for (var f = 0; f < row.Length; f++)
                {
                    columns[f].Add(row[f]);
                }

                var label = reader.IsDBNull(4) ? null : reader.GetString(4);
                labels.Add(label);
                classes.Add(label is not null && labelIndex.TryGetValue(label, out var index) ? index : -1);
                confidences.Add(reader.IsDBNull(6) ? float.NaN : reader.GetFloat(6));
                values.Add(reader.IsDBNull(5) ? float.NaN : reader.GetFloat(5));
                feedback.Add(reader.IsDBNull(7) ? null : reader.GetString(7));
            }
        }

        var rows = labels.Count;
        float[][] features = [.. columns.Select(column => column.ToArray())];
        var predictions = classification ? new LivePredictions([.. classes], [.. confidences]) : LivePredictions.FromValues([.. values]);
        var window = new LiveWindow(rows, features, rows == 0 ? DateTimeOffset.UtcNow : from, rows == 0 ? DateTimeOffset.UtcNow : to,
            LiveCategoricals.From(manifest, features, rows), rows == 0 ? null : predictions);
        return new PredictionWindow(window, last, classification ? [.. labels] : null, classification ? null : [.. values], [.. feedback]);
    }
}
