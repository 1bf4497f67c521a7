using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Workflows.Functions.Api;
using Workflows.Functions.Cli;
using Workflows.Functions.Tests.Infrastructure;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Runs;
using Workflows.Testing;

namespace Workflows.Functions.Tests;

/// <summary>Runs over HTTP: start, read, list, idempotency, cancel and events.</summary>
public sealed class RunApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_run_without_data_fails_at_resolving_the_dataset_saying_how_to_add_it()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());

        var run = await platform.RunToEndAsync("tiny", TestContext.Current.CancellationToken);

        Assert.Equal("Failed", run.Status);
        var stage = Assert.Single(run.Stages);
        Assert.Equal(RunStages.ResolveDataset, stage.Stage);
        Assert.Contains("has no versions yet: drop a CSV file into drop/tiny/", stage.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_uses_the_dataset_version_asked_for_and_an_unknown_version_fails_saying_which_exist()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory(), TestPlatform.EmbeddedWorkerSettings);
        var cancellationToken = TestContext.Current.CancellationToken;
        var files = Path.Combine(platform.DataDirectory, "inputs");
        Directory.CreateDirectory(files);
        for (var seed = 1; seed <= 2; seed++)
        {
            var file = Path.Combine(files, $"v{seed}.csv");
            await File.WriteAllTextAsync(file, TinyPipeline.Csv(seed, rows: 20 * seed), cancellationToken);
            Assert.Equal(IngestionStatus.Registered, (await platform.UploadFileAsync("tiny", file, cancellationToken)).Status);
        }

        var first = await RunWithVersionAsync(platform, 1, cancellationToken);
        var missing = await RunWithVersionAsync(platform, 9, cancellationToken);

        Assert.Equal("tiny v1 (20 rows)", first.Stages[0].Detail);
        Assert.Equal(RunStages.Baseline, first.Stages[^1].Stage);
        Assert.Contains("Dataset 'tiny' has no version 9; the latest is 2.", Assert.Single(missing.Stages).Detail, StringComparison.Ordinal);
    }

    private static async Task<RunView> RunWithVersionAsync(TestPlatform platform, int version, CancellationToken cancellationToken)
    {
        var links = await platform.Host.PostAsync<ManagementLinks>("api/pipelines/tiny/runs", new StartRunBody(version, null), cancellationToken);
        await platform.Durable.WaitForInstanceCompletionAsync(links.Id, cancellationToken: cancellationToken);
        return await platform.Host.GetRunAsync(links.Id, cancellationToken);
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_same_run_a_different_request_with_it_is_refused_and_unknown_pipelines_get_404()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());
        var cancellationToken = TestContext.Current.CancellationToken;

        var first = await StartAsync(platform, "tiny", "key-1", cancellationToken);
        var second = await StartAsync(platform, "tiny", "key-1", cancellationToken);
        var other = await StartAsync(platform, "tiny", "key-2", cancellationToken);
        using var reused = new HttpRequestMessage(HttpMethod.Post, "api/pipelines/tiny/runs") { Content = JsonContent.Create(new StartRunBody(3, null)) };
        reused.Headers.Add("Idempotency-Key", "key-1");
        using var conflict = await platform.Http.SendAsync(reused, cancellationToken);
        using var unknown = await platform.Http.PostAsJsonAsync("api/pipelines/no-such/runs", new StartRunBody(null, null), cancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Links.Id, second.Links.Id);
        Assert.NotEqual(first.Links.Id, other.Links.Id);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains($"was used for run '{first.Links.Id}' with a different request", await conflict.Content.ReadAsStringAsync(cancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("Defined pipelines: tiny", await unknown.Content.ReadAsStringAsync(cancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_are_listed_newest_first_with_filters_and_paging()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());
        var cancellationToken = TestContext.Current.CancellationToken;
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await platform.RunToEndAsync("tiny", cancellationToken)).Id);
        }

        var firstPage = await platform.Host.GetAsync<RunPage>("api/runs?pipeline=tiny&pageSize=3", cancellationToken);
        var secondPage = await platform.Host.GetAsync<RunPage>($"api/runs?pipeline=tiny&pageSize=3&continuationToken={Uri.EscapeDataString(firstPage.ContinuationToken!)}", cancellationToken);
        var failed = await platform.Host.GetAsync<RunPage>("api/runs?status=Failed", cancellationToken);
        var completed = await platform.Host.GetAsync<RunPage>("api/runs?status=Completed", cancellationToken);
        var badStatus = await Assert.ThrowsAsync<HostRequestException>(() => platform.Host.GetAsync<RunPage>("api/runs?status=Sleeping", cancellationToken));

        Assert.Equal(3, firstPage.Items.Count);
        Assert.Equal(ids, [.. firstPage.Items.Concat(secondPage.Items).Select(r => r.Id).Reverse()]);
        Assert.Equal(5, failed.Items.Count);
        Assert.Empty(completed.Items);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.Status);
    }

    [Fact]
    public async Task Cancelling_an_ended_or_unknown_run_is_refused_and_events_need_a_live_run_and_the_right_shape()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());
        var cancellationToken = TestContext.Current.CancellationToken;
        var run = await platform.RunToEndAsync("tiny", cancellationToken);

        using var ended = await platform.Http.PostAsync($"api/runs/{run.Id}/cancel", null, cancellationToken);
        using var unknown = await platform.Http.PostAsync("api/runs/nope/cancel", null, cancellationToken);
        using var eventToEnded = await platform.Http.PostAsJsonAsync($"api/runs/{run.Id}/events/Approval", new { approved = true }, cancellationToken);
        using var wordApproval = await platform.Http.PostAsJsonAsync($"api/runs/{run.Id}/events/Approval", new { approved = "yes" }, cancellationToken);
        using var emptyCanary = await platform.Http.PostAsync($"api/runs/{run.Id}/events/Canary", null, cancellationToken);
        using var numberComment = await platform.Http.PostAsJsonAsync($"api/runs/{run.Id}/events/canary", new { promote = false, comment = 3 }, cancellationToken);

        Assert.Equal(HttpStatusCode.Conflict, ended.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, eventToEnded.StatusCode);
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest], new[] { wordApproval.StatusCode, emptyCanary.StatusCode, numberComment.StatusCode });
        Assert.Contains("approved", (await wordApproval.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_endpoints()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());

        using var document = JsonDocument.Parse(await platform.Anonymous.GetStringAsync("api/openapi.json", TestContext.Current.CancellationToken));
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Contains("/api/pipelines/{pipeline}/runs", paths);
        Assert.Contains("/api/runs/{id}", paths);
        Assert.Contains("/api/datasets/{name}/versions/{version}", paths);
    }

    private static async Task<(HttpStatusCode Status, ManagementLinks Links)> StartAsync(TestPlatform platform, string pipeline, string key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/pipelines/{pipeline}/runs") { Content = JsonContent.Create(new StartRunBody(null, null)) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await platform.Http.SendAsync(request, cancellationToken);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<ManagementLinks>(cancellationToken))!);
    }
}
