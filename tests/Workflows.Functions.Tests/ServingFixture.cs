using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Functions.Serving;
using Workflows.Functions.Tests.Infrastructure;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Registry;
using Workflows.Testing;

namespace Workflows.Functions.Tests;

/// <summary>
/// One host for the serving tests, with two real versions of the two-feature classifier <c>tiny</c>: trained, evaluated,
/// registered and deployed by two pipeline runs (the second without having to beat the first), every prediction logged.
/// </summary>
public sealed class ServingFixture(PostgresFixture postgres) : IAsyncLifetime
{
    public const string Model = "tiny";

    private TestPlatform? _platform;

    public TestPlatform Platform => _platform ?? throw new InvalidOperationException("The serving fixture has not started.");

    public ModelRegistry Registry => Platform.App.Services.GetRequiredService<ModelRegistry>();

    internal PredictionRouter Router => Platform.App.Services.GetRequiredService<PredictionRouter>();

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var pipelines = Path.Combine(Path.GetTempPath(), "workflows-functions-tests", "pipelines-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(pipelines);
        await File.WriteAllTextAsync(Path.Combine(pipelines, "tiny.yaml"), """
            name: tiny
            description: A two-feature classifier made for the serving tests.
            dataset:
              name: tiny
              format: csv
              task: classification
              target: label
            validation:
              minRows: 10
            training:
              trainer: mlp
              device: cpu
              hyperparameters:
                epochs: 20
            evaluation:
              primaryMetric: accuracy
              mustBeatProduction: false
            deploy:
              approval: auto
            """, cancellationToken);
        _platform = await TestPlatform.StartAsync(postgres, pipelines,
            [.. TestPlatform.EmbeddedWorkerSettings, "--workflows:serving:sampleRate", "1.0", "--workflows:serving:aliasRefreshInterval", "00:00:00.250"]);
        var file = Path.Combine(Platform.DataDirectory, "tiny.csv");
        // The host creates its data directory as it starts its services, which may not have happened yet.
        Directory.CreateDirectory(Platform.DataDirectory);
        await File.WriteAllTextAsync(file, TinyPipeline.Csv(7, rows: 200), cancellationToken);
        Assert.Equal(IngestionStatus.Registered, (await Platform.UploadFileAsync("tiny", file, cancellationToken)).Status);
        for (var run = 1; run <= 2; run++)
        {
            var result = await Platform.RunToEndAsync(Model, cancellationToken);
            Assert.True(result.Status == "Completed", $"Run {run} ended {result.Status}: {string.Join("; ", result.Stages.Select(s => $"{s.Stage} {s.Detail}"))}");
        }

        Assert.Equal(2, (await Registry.FindAsync(Model, ModelAliases.Production, cancellationToken))?.Version);
    }

    /// <summary>Points the aliases as a test needs them and waits until the router serves that way.</summary>
    public async Task RouteAsync(int production, int? candidate = null, int trafficPercent = 0, bool shadow = false)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await Registry.SetAliasAsync(Model, ModelAliases.Production, production, "serving test", null, cancellationToken);
        if (candidate is { } version)
        {
            await Registry.SetAliasAsync(Model, ModelAliases.Candidate, version, "serving test", null, cancellationToken, trafficPercent, shadow);
        }
        else
        {
            await Registry.RemoveAliasAsync(Model, ModelAliases.Candidate, "serving test", null, cancellationToken);
        }

        // One request makes the router serve this pipeline; then the table must show the aliases just set.
        using (await Platform.Anonymous.PostAsync($"api/models/{Model}/predict", Body("""{"instances": [[1, 1]]}"""), cancellationToken))
        {
        }

        while (Router.Table.Find(Model) is not { } aliases || aliases.Production?.Version != production || aliases.Candidate?.Version != candidate
            || (candidate is not null && (aliases.Candidate!.TrafficPercent != trafficPercent || aliases.Candidate.Shadow != shadow)))
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    public static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    public static string Rows(params (double? X1, double? X2)[] rows) =>
        "{\"rows\": [" + string.Join(", ", rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{{\"x1\": {Number(r.X1)}, \"x2\": {Number(r.X2)}}}"))) + "]}";

    private static string Number(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "null";

    public async ValueTask DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }
    }
}
