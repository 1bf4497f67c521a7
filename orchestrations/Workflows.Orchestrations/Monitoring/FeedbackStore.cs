using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Workflows.Orchestrations.Platform;

namespace Workflows.Orchestrations.Monitoring;

/// <summary>True labels fed back for served predictions, by prediction id; the latest label for an id wins.</summary>
public sealed class FeedbackStore(NpgsqlDataSource dataSource, PlatformSchema schema)
{
    /// <summary>The most labels one request may carry.</summary>
    public const int MaxLabels = 10_000;

    /// <summary>Stores the labels; returns how many of their ids are in the prediction log (a sample of what was served).</summary>
    public async Task<int> SaveAsync(string pipeline, IReadOnlyList<(Guid PredictionId, JsonElement Label)> labels, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(schema.Sql("""
            WITH given AS (SELECT * FROM unnest(@ids, @labels) AS g(prediction_id, label_json)),
            saved AS (
                INSERT INTO {schema}.prediction_feedback (prediction_id, pipeline, label_json)
                SELECT prediction_id, @pipeline, label_json::jsonb FROM given
                ON CONFLICT (prediction_id) DO UPDATE SET label_json = excluded.label_json, received_at = now()
                RETURNING prediction_id)
            SELECT count(DISTINCT l.prediction_id)::int FROM saved s JOIN {schema}.prediction_log l ON l.prediction_id = s.prediction_id AND l.pipeline = @pipeline
            """));
        // One row per id (PostgreSQL cannot upsert a row twice in one statement): the last label given for it wins.
        var latest = new Dictionary<Guid, string>();
        foreach (var (id, label) in labels)
        {
            latest[id] = label.GetRawText();
        }

        command.Parameters.AddWithValue("pipeline", pipeline);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = latest.Keys.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("labels", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = latest.Values.ToArray() });
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
