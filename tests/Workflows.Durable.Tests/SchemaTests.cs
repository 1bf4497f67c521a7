using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Durable.Postgres;
using Workflows.Durable.Tests.Infrastructure;
using Workflows.Testing;

namespace Workflows.Durable.Tests;

/// <summary>The task hub schema is created and migrated idempotently, by any number of processes at once.</summary>
public sealed class SchemaTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Concurrent_migrations_of_one_hub_apply_each_version_exactly_once()
    {
        var schema = new TaskHubSchema(DurableTestHost.NewHubName());
        await using var dataSource = postgres.CreateDataSource();
        var cancellation = TestContext.Current.CancellationToken;

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => schema.MigrateAsync(dataSource, NullLogger.Instance, cancellation)));
        await schema.MigrateAsync(dataSource, NullLogger.Instance, cancellation);

        await using var command = dataSource.CreateCommand($"SELECT version FROM {schema.QuotedName}.schema_versions");
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var versions = new List<string>();
        while (await reader.ReadAsync(cancellation))
        {
            versions.Add(reader.GetString(0));
        }

        Assert.Equal(["1.0.0"], versions);
    }

    [Fact]
    public async Task Hubs_in_one_database_do_not_see_each_others_instances()
    {
        static void Register(DurableTaskRegistry r) => r.AddOrchestratorFunc<string, string>("Echo", (_, s) => Task.FromResult(s));
        await using var left = await DurableTestHost.StartAsync(postgres, Register);
        await using var right = await DurableTestHost.StartAsync(postgres, Register);

        var done = await left.RunAsync("Echo", "left only");

        Assert.Null(await right.Client.GetInstanceAsync(done.InstanceId, cancellationToken: TestContext.Current.CancellationToken));
    }
}
