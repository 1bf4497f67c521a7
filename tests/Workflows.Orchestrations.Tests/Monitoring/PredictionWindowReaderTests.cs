using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Monitoring;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Platform;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Monitoring;

/// <summary>
/// Drift windows on real PostgreSQL when log writers commit out of id order, as several hosts' do: no committed row is
/// skipped, none is read twice.
/// </summary>
public sealed class PredictionWindowReaderTests(PostgresFixture postgres)
{
    private static readonly ExportManifest Manifest = new(
        1, ModelTask.Regression, "y", ["x"], 1, [new ExportedFeature("x", ColumnType.Numeric, FeatureEncoding.Numeric, 0, 1, null)],
        [0], [1], null, null, new ExportRowCounts(10, 2, 2), 0, ExportFiles.Default, 42, false, "sha", "rule", "mean");

    [Fact]
    public async Task A_row_that_commits_after_a_later_id_is_read_in_the_next_window_not_skipped()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        var schema = new PlatformSchema("w_" + Guid.NewGuid().ToString("N")[..16]);
        await using var dataSource = postgres.CreateDataSource();
        await schema.MigrateAsync(dataSource, NullLogger.Instance, timeout.Token);
        var reader = new PredictionWindowReader(dataSource, schema);

        // Writer A takes id 1 and has not committed when writer B's id 2 commits, and a check runs.
        await using var writerA = await dataSource.OpenConnectionAsync(timeout.Token);
        await using var slow = await writerA.BeginTransactionAsync(timeout.Token);
        await LogAsync(writerA, schema, 1f, timeout.Token);
        await using (var writerB = await dataSource.OpenConnectionAsync(timeout.Token))
        {
            await LogAsync(writerB, schema, 2f, timeout.Token);
        }

        var first = await reader.ReadAsync("p", 1, LogPosition.Start, Manifest, timeout.Token);
        await slow.CommitAsync(timeout.Token);
        // Any writing transaction of the server that began before these rows holds them back (other tests run beside
        // this one), so the window may take a moment to fill.
        var second = await reader.ReadAsync("p", 1, first.Last, Manifest, timeout.Token);
        while (second.Window.Rows == 0)
        {
            await Task.Delay(50, timeout.Token);
            second = await reader.ReadAsync("p", 1, first.Last, Manifest, timeout.Token);
        }

        var third = await reader.ReadAsync("p", 1, second.Last, Manifest, timeout.Token);

        // Reading by id alone, the first window would have held row 2 and moved past row 1 for good.
        Assert.Equal(0, first.Window.Rows);
        Assert.Equal([1f, 2f], second.Window.Columns[0]);
        Assert.Equal(2, second.Last.Id);
        Assert.Equal(0, third.Window.Rows);
    }

    private static async Task LogAsync(NpgsqlConnection connection, PlatformSchema schema, float x, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(schema.Sql("""
            INSERT INTO {schema}.prediction_log (prediction_id, pipeline, version, route, features, output_json)
            VALUES (@id, 'p', 1, 'production', @features, '{"value": 0.5}'::jsonb)
            """), connection);
        command.Parameters.AddWithValue("id", Guid.NewGuid());
        command.Parameters.AddWithValue("features", new[] { x });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
