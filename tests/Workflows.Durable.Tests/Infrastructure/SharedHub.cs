using Npgsql;
using Workflows.Durable.TestWorker;

using Workflows.Testing;

namespace Workflows.Durable.Tests.Infrastructure;

/// <summary>
/// A task hub shared with worker processes: its activity log and a client host that runs no worker itself, so
/// every episode and activity runs in the worker processes the test starts.
/// </summary>
public sealed class SharedHub : IAsyncDisposable
{
    private readonly NpgsqlDataSource _logSource;
    private readonly DurableTestHost _client;

    private SharedHub(string name, NpgsqlDataSource logSource, ActivityLog log, DurableTestHost client)
    {
        Name = name;
        _logSource = logSource;
        Log = log;
        _client = client;
    }

    public string Name { get; }

    public ActivityLog Log { get; }

    public DurableTaskClient Client => _client.Client;

    public static async Task<SharedHub> CreateAsync(PostgresFixture postgres, CancellationToken cancellationToken)
    {
        var name = DurableTestHost.NewHubName();
        var logSource = postgres.CreateDataSource();
        var log = new ActivityLog(logSource, ActivityLog.TableFor(name));
        await log.CreateAsync(cancellationToken);
        var client = await DurableTestHost.StartAsync(postgres, r => r.AddShared(log), name, withWorker: false);
        return new SharedHub(name, logSource, log, client);
    }

    /// <summary>Waits until some process has logged <paramref name="step"/>.</summary>
    public async Task WaitForStepAsync(string step, CancellationToken cancellationToken)
    {
        while (!(await Log.ReadAsync(cancellationToken)).Any(e => e.Step == step))
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _logSource.DisposeAsync();
    }
}
