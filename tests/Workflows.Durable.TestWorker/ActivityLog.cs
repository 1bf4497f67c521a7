using Npgsql;

namespace Workflows.Durable.TestWorker;

/// <summary>
/// Records every activity execution in a table of the test's own, so a test can count how often each ran,
/// whichever process ran it.
/// </summary>
public sealed class ActivityLog(NpgsqlDataSource dataSource, string table)
{
    public static string TableFor(string hubName) => $"\"{hubName.ToLowerInvariant()}_activity_log\"";

    public async Task CreateAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"CREATE TABLE IF NOT EXISTS {table} (instance_id text NOT NULL, step text NOT NULL, process_id int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RecordAsync(string instanceId, string step, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"INSERT INTO {table} (instance_id, step, process_id) VALUES (@i, @s, @p)");
        command.Parameters.AddWithValue("i", instanceId);
        command.Parameters.AddWithValue("s", step);
        command.Parameters.AddWithValue("p", Environment.ProcessId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<List<(string InstanceId, string Step, int ProcessId)>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT instance_id, step, process_id FROM {table} ORDER BY at");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(string, string, int)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return rows;
    }
}
