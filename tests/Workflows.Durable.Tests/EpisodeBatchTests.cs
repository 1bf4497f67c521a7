using Npgsql;
using Workflows.Durable.Tests.Infrastructure;
using Workflows.Testing;

namespace Workflows.Durable.Tests;

/// <summary>
/// A slot claims several ready instances at once and commits their episodes in one transaction; each episode stays
/// whole, and an instance whose episodes keep failing does not hold up the others.
/// </summary>
public sealed class EpisodeBatchTests(PostgresFixture postgres)
{
    private const int BatchSize = 8;

    [Fact]
    public async Task Ready_instances_are_claimed_together_and_every_history_stays_whole()
    {
        var hub = DurableTestHost.NewHubName();
        var ids = await ScheduleBeforeAnyWorkerAsync(hub, Enumerable.Range(0, 20).Select(n => $"seq-{n}"));
        await using var worker = await StartSingleSlotWorkerAsync(hub);
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));

        foreach (var (id, n) in ids.Select((id, n) => (id, n)))
        {
            var done = await worker.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);
            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{id}: {done.RuntimeStatus} {done.FailureDetails}");
            Assert.Equal(id.Length * 3, done.ReadOutputAs<int>());
        }

        await using var dataSource = postgres.CreateDataSource();
        // Rows written by one transaction share its xmin: the widest transaction shows how many episodes it carried.
        var widest = await ScalarAsync<long>(dataSource, $"SELECT max(n) FROM (SELECT count(DISTINCT instance_id) AS n FROM \"{hub}\".history GROUP BY xmin::text) t", cancel.Token);
        Assert.InRange(widest, 2, BatchSize);
        var broken = await ScalarAsync<long>(dataSource, $"""
            SELECT count(*) FROM "{hub}".instances i
            WHERE i.history_length <> (SELECT count(*) FROM "{hub}".history h WHERE h.instance_id = i.instance_id)
               OR i.history_length <> (SELECT max(sequence_number) + 1 FROM "{hub}".history h WHERE h.instance_id = i.instance_id)
            """, cancel.Token);
        Assert.Equal(0, broken);
    }

    [Fact]
    public async Task An_instance_whose_commit_keeps_failing_is_isolated_and_the_others_complete()
    {
        var hub = DurableTestHost.NewHubName();
        var ids = await ScheduleBeforeAnyWorkerAsync(hub, ["poison", .. Enumerable.Range(0, 7).Select(n => $"fine-{n}")]);
        using var cancel = TestTimeout.Start(TimeSpan.FromSeconds(60));
        // A real fault in the database: any history written for the poison instance fails its transaction.
        await postgres.ExecuteAsync($"""
            CREATE FUNCTION "{hub}".refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'history of poison refused'; END $$;
            CREATE TRIGGER refuse_poison BEFORE INSERT ON "{hub}".history
                FOR EACH ROW WHEN (NEW.instance_id = 'poison') EXECUTE FUNCTION "{hub}".refuse_poison();
            """, cancel.Token);
        await using var worker = await StartSingleSlotWorkerAsync(hub);

        foreach (var id in ids.Skip(1))
        {
            var done = await worker.Client.WaitForInstanceCompletionAsync(id, true, cancel.Token);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        }

        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await worker.Client.GetInstanceAsync("poison", cancellationToken: cancel.Token))!.RuntimeStatus);
        Assert.Contains(worker.Logs.Entries, e => e.Message.Contains("were rolled back together", StringComparison.Ordinal) && e.Message.Contains("poison", StringComparison.Ordinal));

        await postgres.ExecuteAsync($"DROP TRIGGER refuse_poison ON \"{hub}\".history", cancel.Token);
        var poison = await worker.Client.WaitForInstanceCompletionAsync("poison", true, cancel.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, poison.RuntimeStatus);
        Assert.Equal("poison".Length * 3, poison.ReadOutputAs<int>());
    }

    private static void Register(DurableTaskRegistry registry) => registry
        .AddOrchestratorFunc<string, int>("Measure", async (context, text) =>
        {
            var total = 0;
            for (var i = 0; i < 3; i++)
            {
                total += await context.CallActivityAsync<int>("Length", text);
            }

            return total;
        })
        .AddActivityFunc<string, int>("Length", (_, text) => Task.FromResult(text.Length));

    /// <summary>Schedules the instances from a client-only host, so they are all ready when the first worker looks.</summary>
    private async Task<string[]> ScheduleBeforeAnyWorkerAsync(string hub, IEnumerable<string> instanceIds)
    {
        await using var client = await DurableTestHost.StartAsync(postgres, Register, hub, withWorker: false);
        var ids = new List<string>();
        foreach (var id in instanceIds)
        {
            ids.Add(await client.Client.ScheduleNewOrchestrationInstanceAsync("Measure", id, new StartOrchestrationOptions(id), TestContext.Current.CancellationToken));
        }

        return [.. ids];
    }

    private Task<DurableTestHost> StartSingleSlotWorkerAsync(string hub) =>
        DurableTestHost.StartAsync(postgres, Register, hub, configure: o =>
        {
            o.MaxConcurrentOrchestratorFunctions = 1;
            o.StorageProvider.OrchestrationBatchSize = BatchSize;
        });

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
