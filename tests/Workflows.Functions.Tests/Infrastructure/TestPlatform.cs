using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durable;
using Workflows.Functions.Api;
using Workflows.Functions.Cli;
using Workflows.Functions.Hosting;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Training;
using Workflows.Testing;

namespace Workflows.Functions.Tests.Infrastructure;

/// <summary>
/// A real Workflows host (HTTP API on a free loopback port, triggers, durable worker) on the shared PostgreSQL, with a
/// task hub, data directory and pipelines directory of its own. Starting another on the same hub and directories is
/// what a restarted host looks like.
/// </summary>
public sealed class TestPlatform : IAsyncDisposable
{
    public const string ApiKey = "test-key-7f3a";

    private TestPlatform(WebApplication app, string hubName, string dataDirectory, string pipelinesDirectory)
    {
        App = app;
        HubName = hubName;
        DataDirectory = dataDirectory;
        PipelinesDirectory = pipelinesDirectory;
        BaseUrl = app.Urls.First();
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl + "/") };
        Http.DefaultRequestHeaders.Add("x-api-key", ApiKey);
        Anonymous = new HttpClient { BaseAddress = new Uri(BaseUrl + "/") };
        Host = new HostClient(BaseUrl, ApiKey);
    }

    public WebApplication App { get; }

    public string HubName { get; }

    public string DataDirectory { get; }

    public string PipelinesDirectory { get; }

    public string BaseUrl { get; }

    /// <summary>A client that sends the API key.</summary>
    public HttpClient Http { get; }

    /// <summary>A client that sends no key.</summary>
    public HttpClient Anonymous { get; }

    public HostClient Host { get; }

    public DurableTaskClient Durable => App.Services.GetRequiredService<DurableTaskClient>();

    public DatasetStore Datasets => App.Services.GetRequiredService<DatasetStore>();

    public string DropDirectory(string dataset) => Path.Combine(DataDirectory, "drop", dataset);

    /// <summary>
    /// Jobs re-leased within seconds of a lost worker, checkpoints every 2 epochs, and no embedded worker: a test that
    /// trains starts its workers (<see cref="TestWorker"/>) or asks for the embedded one (<see cref="EmbeddedWorkerSettings"/>).
    /// </summary>
    public static string[] TrainingSettings { get; } =
    [
        "--workflows:training:embeddedWorker", "false",
        "--workflows:training:workerTokens:0", TestWorker.Token,
        "--workflows:training:leaseDuration", "00:00:04",
        "--workflows:training:heartbeatInterval", "00:00:00.500",
        "--workflows:training:checkInterval", "00:00:01",
        "--workflows:training:checkpointEvery", "2",
    ];

    /// <summary>Settings for a host with its embedded worker, on the CPU, with the tests' Python.</summary>
    public static string[] EmbeddedWorkerSettings =>
    [
        "--workflows:training:embeddedWorker", "true", "--workflows:worker:devices", "cpu", "--workflows:worker:threads", "1",
        "--workflows:worker:python", TestPython.With("numpy", "torch"), "--workflows:worker:leaseWait", "00:00:02", "--workflows:worker:stopGracePeriod", "00:00:03",
    ];

    /// <summary>A fresh hub and data directory; pipelines from <paramref name="pipelinesDirectory"/> (default: a copy of the repository's).</summary>
    public static Task<TestPlatform> StartAsync(PostgresFixture postgres, string? pipelinesDirectory = null, params string[] settings) =>
        RestartAsync(postgres, "t_" + Guid.NewGuid().ToString("N")[..16], Path.Combine(Path.GetTempPath(), "workflows-functions-tests", Guid.NewGuid().ToString("N")[..12]),
            pipelinesDirectory ?? CopyRepositoryPipelines(), settings);

    /// <summary>A host on an existing hub and data directory, as after a restart; <paramref name="settings"/> are more command-line settings (<c>--key value</c> pairs).</summary>
    public static Task<TestPlatform> RestartAsync(PostgresFixture postgres, string hubName, string dataDirectory, string pipelinesDirectory, params string[] settings) =>
        StartOnAsync(postgres.ConnectionString, hubName, dataDirectory, pipelinesDirectory, settings);

    /// <summary>A host on the PostgreSQL server at <paramref name="connectionString"/> (one a test starts and stops itself).</summary>
    public static async Task<TestPlatform> StartOnAsync(string connectionString, string hubName, string dataDirectory, string pipelinesDirectory, params string[] settings)
    {
        var app = PlatformHost.Build(
            ["--urls", "http://127.0.0.1:0", "--workflows:dataDirectory", dataDirectory, "--workflows:pipelinesDirectory", pipelinesDirectory,
             "--extensions:durableTask:hubName", hubName, "--workflows:drop:settleTime", "00:00:00.300", "--workflows:drop:pollInterval", "00:00:00.200",
             "--extensions:durableTask:storageProvider:maxPollingInterval", "00:00:01", "--Logging:LogLevel:Default", "Warning", .. TrainingSettings, .. settings],
            connectionString,
            builder => builder.Services.PostConfigure<ApiKeyOptions>(o => o.Keys.Add(ApiKey)));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new TestPlatform(app, hubName, dataDirectory, pipelinesDirectory);
    }

    /// <summary>A directory with copies of the repository's pipeline definitions and data.</summary>
    public static string CopyRepositoryPipelines()
    {
        var target = Path.Combine(Path.GetTempPath(), "workflows-functions-tests", "pipelines-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(RepositoryPipelines, "*.yaml"))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }

    /// <summary>The repository's <c>pipelines/</c> directory.</summary>
    public static string RepositoryPipelines => WorkflowsHost.PipelinesDirectory;

    /// <summary>A shipped data file.</summary>
    public static string DataFile(string name) => Path.Combine(RepositoryPipelines, "data", name);

    /// <summary>Waits until the ingestion of a dropped or uploaded source has ended.</summary>
    public async Task<IngestionRecord> WaitForIngestionAsync(Func<IngestionRecord, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            var found = (await Datasets.ListIngestionsAsync(null, null, 1000, cancellationToken)).FirstOrDefault(i => match(i) && i.Status != IngestionStatus.Running);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Uploads a file to a dataset over HTTP and waits until its ingestion has ended.</summary>
    public async Task<IngestionRecord> UploadAsync(string dataset, HttpContent content, CancellationToken cancellationToken)
    {
        using (content)
        using (var response = await Http.PostAsync($"api/datasets/{dataset}/ingest", content, cancellationToken))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
            var accepted = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(HostClient.JsonOptions, cancellationToken);
            var id = accepted.GetProperty("ingestionId").GetString();
            return await WaitForIngestionAsync(i => i.IngestionId == id, cancellationToken);
        }
    }

    /// <summary>Uploads a file to a dataset over HTTP and waits until its ingestion has ended.</summary>
    public Task<IngestionRecord> UploadFileAsync(string dataset, string file, CancellationToken cancellationToken) =>
        UploadAsync(dataset, new StreamContent(File.OpenRead(file)), cancellationToken);

    /// <summary>Starts a run over HTTP, with hyperparameter overrides when given.</summary>
    public async Task<ManagementLinks> StartRunAsync(string pipeline, CancellationToken cancellationToken, Dictionary<string, JsonElement>? overrides = null)
    {
        using var response = await Http.PostAsJsonAsync($"api/pipelines/{pipeline}/runs", new StartRunBody(null, overrides), cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ManagementLinks>(HostClient.JsonOptions, cancellationToken))!;
    }

    /// <summary>Waits until a run ends and reads it.</summary>
    public async Task<RunView> WaitForRunAsync(string runId, CancellationToken cancellationToken)
    {
        await Durable.WaitForInstanceCompletionAsync(runId, cancellationToken: cancellationToken);
        return await Host.GetRunAsync(runId, cancellationToken);
    }

    /// <summary>Waits until a run waits for <paramref name="eventName"/> (an approval, a canary decision), as its custom status says.</summary>
    public async Task WaitUntilWaitingForAsync(string runId, string eventName, CancellationToken cancellationToken)
    {
        while (true)
        {
            var run = await Host.GetRunAsync(runId, cancellationToken);
            Assert.Contains(run.Status, new[] { "Pending", "Running" });
            if (run.CustomStatus is { } status && status.TryGetProperty("waiting", out var waiting) && waiting.ValueKind == JsonValueKind.String
                && waiting.GetString()!.Contains($"'{eventName}' event", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Raises an event on a run over HTTP.</summary>
    public async Task RaiseAsync(string runId, string eventName, object payload, CancellationToken cancellationToken)
    {
        using var raised = await Http.PostAsJsonAsync($"api/runs/{runId}/events/{eventName}", payload, HostClient.JsonOptions, cancellationToken);
        raised.EnsureSuccessStatusCode();
    }

    /// <summary>Starts a run over HTTP and waits until it ends.</summary>
    public async Task<RunView> RunToEndAsync(string pipeline, CancellationToken cancellationToken) =>
        await WaitForRunAsync((await StartRunAsync(pipeline, cancellationToken)).Id, cancellationToken);

    /// <summary>A run's training jobs, as the API shows them.</summary>
    public async Task<IReadOnlyList<TrainingJob>> JobsAsync(string runId, CancellationToken cancellationToken) =>
        await Host.GetAsync<List<TrainingJob>>($"api/runs/{runId}/jobs", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Anonymous.Dispose();
        Host.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
