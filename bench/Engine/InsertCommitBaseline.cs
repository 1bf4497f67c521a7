using System.Diagnostics;
using Npgsql;

namespace Workflows.Bench.Engine;

/// <summary>
/// The baseline every engine figure is compared with: single-row INSERT + COMMIT from one connection, on the same
/// database in the same run. A durable engine commits at least once per step, so this is its natural unit.
/// </summary>
public static class InsertCommitBaseline
{
    public static async Task<double> MeasurePerSecondAsync(NpgsqlDataSource dataSource, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand("DROP TABLE IF EXISTS bench_baseline; CREATE TABLE bench_baseline (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload text NOT NULL)", connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var insert = new NpgsqlCommand("INSERT INTO bench_baseline (payload) VALUES (@payload)", connection);
        insert.Parameters.AddWithValue("payload", "{\"step\":1}");
        await insert.PrepareAsync(cancellationToken);
        for (var i = 0; i < 200; i++)
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            // Autocommit: each statement is its own transaction, committed (and flushed) before it returns.
            await insert.ExecuteNonQueryAsync(cancellationToken);
            count++;
        }

        return count / clock.Elapsed.TotalSeconds;
    }
}
