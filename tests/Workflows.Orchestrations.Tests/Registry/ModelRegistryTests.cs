using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Registry;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Registry;

/// <summary>The model registry on real PostgreSQL, one fresh hub per test: numbering, idempotent registration, alias moves with history, promotion and rollback.</summary>
public sealed class ModelRegistryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Versions_are_numbered_per_pipeline_and_a_run_registers_once()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await RegistryHub.CreateAsync(postgres, timeout.Token);

        var first = await hub.RegisterAsync("run-a", timeout.Token);
        var second = await hub.RegisterAsync("run-b", timeout.Token, f1: 0.95);
        var again = await hub.RegisterAsync("run-a", timeout.Token, f1: 0.5);
        var other = await hub.Registry.RegisterAsync(RegistryHub.Model("run-c", pipeline: "digits"), timeout.Token);

        Assert.Equal((1, 2, 1, 1), (first.Version, second.Version, again.Version, other.Version));
        Assert.Equal(0.9, again.Metrics["f1_macro"]);
        Assert.Equal([2, 1], (await hub.Registry.ListAsync(RegistryHub.Pipeline, timeout.Token)).Select(v => v.Version));
    }

    [Fact]
    public async Task Concurrent_registrations_take_distinct_numbers()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(60));
        await using var hub = await RegistryHub.CreateAsync(postgres, timeout.Token);

        var versions = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => hub.RegisterAsync($"run-{i % 6}", timeout.Token))));

        Assert.Equal(Enumerable.Range(1, 6), versions.Select(v => v.Version).Distinct().Order());
        Assert.Equal(6, (await hub.Registry.ListAsync(RegistryHub.Pipeline, timeout.Token)).Count);
    }

    [Fact]
    public async Task A_version_keeps_its_lineage_metrics_and_gate_decision()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await RegistryHub.CreateAsync(postgres, timeout.Token);
        var registered = await hub.RegisterAsync("run-a", timeout.Token);
        var decision = new GateDecision(false, [new GateCheck(GateCheck.Threshold, false, "f1_macro 0.9 misses >= 0.95")]);

        await hub.Registry.RecordGateAsync(RegistryHub.Pipeline, registered.Version, decision, timeout.Token);

        var stored = await hub.Registry.GetAsync(RegistryHub.Pipeline, registered.Version, timeout.Token);
        Assert.NotNull(stored);
        Assert.Null(stored.Metrics["roc_auc"]);
        Assert.Equal(("run-a", "worker-1", 5, "sha-run-a"), (stored.Lineage.RunId, stored.Lineage.Worker, stored.Lineage.Hyperparameters["epochs"].GetInt32(), stored.ModelSha256));
        Assert.Equal(decision.Checks, stored.Gate!.Checks);
        Assert.False(stored.Gate.Passed);
        await Assert.ThrowsAsync<RegistryException>(() => hub.Registry.RecordGateAsync(RegistryHub.Pipeline, 99, decision, timeout.Token));
    }

    [Fact]
    public async Task An_alias_move_is_recorded_once_and_bad_moves_are_refused()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await RegistryHub.CreateAsync(postgres, timeout.Token);
        await hub.RegisterAsync("run-a", timeout.Token);
        await hub.RegisterAsync("run-b", timeout.Token);

        var first = await hub.Registry.SetAliasAsync(RegistryHub.Pipeline, ModelAliases.Production, 1, "deploy", "run-a", timeout.Token);
        var repeated = await hub.Registry.SetAliasAsync(RegistryHub.Pipeline, ModelAliases.Production, 1, "deploy", "run-a", timeout.Token);
        var moved = await hub.Registry.SetAliasAsync(RegistryHub.Pipeline, ModelAliases.Production, 2, "deploy", "run-b", timeout.Token);
        var staging = await hub.Registry.SetAliasAsync(RegistryHub.Pipeline, "staging", 1, "by hand", null, timeout.Token);

        Assert.Equal((1, (int?)null), (first!.Version!.Value, first.PreviousVersion));
        Assert.Null(repeated);
        Assert.Equal((2, (int?)1), (moved!.Version!.Value, moved.PreviousVersion));
        Assert.NotNull(staging);
        Assert.Equal(2, await hub.ProductionAsync(timeout.Token));
        Assert.Equal(1, (await hub.Registry.FindAsync(RegistryHub.Pipeline, "staging", timeout.Token))!.Version);
        Assert.Equal(2, (await hub.Registry.HistoryAsync(RegistryHub.Pipeline, ModelAliases.Production, timeout.Token)).Count);
        var badName = await Assert.ThrowsAsync<RegistryException>(() => hub.Registry.SetAliasAsync(RegistryHub.Pipeline, "42", 1, "by hand", null, timeout.Token));
        Assert.Contains("not a valid alias", badName.Message);
        var unknown = await Assert.ThrowsAsync<RegistryException>(() => hub.Registry.SetAliasAsync(RegistryHub.Pipeline, "staging", 7, "by hand", null, timeout.Token));
        Assert.Equal("Model 'iris' has no version 7.", unknown.Message);
        Assert.Equal(1, (await hub.Registry.FindAsync(RegistryHub.Pipeline, "staging", timeout.Token))!.Version);
    }

    [Fact]
    public async Task Promoting_a_candidate_moves_production_unless_the_canary_was_called_off()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await RegistryHub.CreateAsync(postgres, timeout.Token);
        for (var run = 1; run <= 3; run++)
        {
            await hub.RegisterAsync($"run-{run}", timeout.Token);
        }

        await hub.Registry.SetAliasAsync(RegistryHub.Pipeline, ModelAliases.Production, 1, "deploy", "run-1", timeout.Token);
        await hub.Registry.SetAliasAsync(RegistryHub.Pipeline, ModelAliases.Candidate, 2, "canary", "run-2", timeout.Token, trafficPercent: 20);

        var candidate = Assert.Single(await hub.Registry.AliasesAsync(RegistryHub.Pipeline, timeout.Token), a => a.Alias == ModelAliases.Candidate);
        Assert.Equal((2, 20, false), (candidate.Version, candidate.TrafficPercent, candidate.Shadow));
        var promoted = await hub.Registry.PromoteCandidateAsync(RegistryHub.Pipeline, 2, "canary baked", "run-2", timeout.Token);
        var retried = await hub.Registry.PromoteCandidateAsync(RegistryHub.Pipeline, 2, "canary baked", "run-2", timeout.Token);
        Assert.Equal((2, (int?)1), (promoted!.Version!.Value, promoted.PreviousVersion));
        Assert.Null(retried);
        Assert.Equal([ModelAliases.Production], (await hub.Registry.AliasesAsync(RegistryHub.Pipeline, timeout.Token)).Select(a => a.Alias));

        await hub.Registry.SetAliasAsync(RegistryHub.Pipeline, ModelAliases.Candidate, 3, "canary", "run-3", timeout.Token, trafficPercent: 20);
        await hub.Registry.RemoveAliasAsync(RegistryHub.Pipeline, ModelAliases.Candidate, "aborted by hand", null, timeout.Token);
        Assert.Null(await hub.Registry.PromoteCandidateAsync(RegistryHub.Pipeline, 3, "canary baked", "run-3", timeout.Token));
        Assert.Equal(2, await hub.ProductionAsync(timeout.Token));
    }

    [Fact]
    public async Task Rollback_goes_back_one_production_version_at_a_time_or_to_a_named_one()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await RegistryHub.CreateAsync(postgres, timeout.Token);
        var nothing = await Assert.ThrowsAsync<RegistryException>(() => hub.Registry.RollbackAsync(RegistryHub.Pipeline, null, "oops", timeout.Token));
        Assert.Contains("nothing in production", nothing.Message);
        for (var run = 1; run <= 3; run++)
        {
            await hub.RegisterAsync($"run-{run}", timeout.Token);
            await hub.Registry.SetAliasAsync(RegistryHub.Pipeline, ModelAliases.Production, run, "deploy", $"run-{run}", timeout.Token);
        }

        await hub.Registry.SetAliasAsync(RegistryHub.Pipeline, ModelAliases.Candidate, 1, "shadow", null, timeout.Token, trafficPercent: 0, shadow: true);

        await hub.Registry.RollbackAsync(RegistryHub.Pipeline, null, "bad predictions", timeout.Token);
        Assert.Equal(2, await hub.ProductionAsync(timeout.Token));
        Assert.DoesNotContain(await hub.Registry.AliasesAsync(RegistryHub.Pipeline, timeout.Token), a => a.Alias == ModelAliases.Candidate);
        await hub.Registry.RollbackAsync(RegistryHub.Pipeline, null, "still bad", timeout.Token);
        Assert.Equal(1, await hub.ProductionAsync(timeout.Token));
        var first = await Assert.ThrowsAsync<RegistryException>(() => hub.Registry.RollbackAsync(RegistryHub.Pipeline, null, "again", timeout.Token));
        Assert.Contains("no earlier version", first.Message);
        await hub.Registry.RollbackAsync(RegistryHub.Pipeline, 3, "forward again", timeout.Token);
        Assert.Equal(3, await hub.ProductionAsync(timeout.Token));
        var history = await hub.Registry.HistoryAsync(RegistryHub.Pipeline, ModelAliases.Production, timeout.Token);
        Assert.Equal(["forward again", "still bad", "bad predictions", "deploy", "deploy", "deploy"], history.Select(c => c.Reason));
        Assert.Equal([true, true, true, false, false, false], history.Select(c => c.Rollback));
    }

    [Fact]
    public async Task Concurrent_alias_moves_keep_an_unbroken_history()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(60));
        await using var hub = await RegistryHub.CreateAsync(postgres, timeout.Token);
        for (var run = 1; run <= 4; run++)
        {
            await hub.RegisterAsync($"run-{run}", timeout.Token);
        }

        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() =>
            hub.Registry.SetAliasAsync(RegistryHub.Pipeline, ModelAliases.Production, i % 4 + 1, "deploy", null, timeout.Token))));

        // Oldest first, each move must start where the one before it ended.
        var history = (await hub.Registry.HistoryAsync(RegistryHub.Pipeline, ModelAliases.Production, timeout.Token)).Reverse().ToList();
        Assert.Null(history[0].PreviousVersion);
        for (var i = 1; i < history.Count; i++)
        {
            Assert.Equal(history[i - 1].Version, history[i].PreviousVersion);
        }

        Assert.Equal(history[^1].Version, await hub.ProductionAsync(timeout.Token));
    }
}
