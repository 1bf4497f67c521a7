using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Onnx;
using Workflows.Orchestrations.Platform;
using Workflows.Testing;
using static Workflows.Functions.Tests.ServingFixture;

namespace Workflows.Functions.Tests;

/// <summary>The scoring endpoint on real models trained by the pipeline: answers, refusals, hot swaps, canary, shadow, and the prediction log.</summary>
public sealed class ServingTests(ServingFixture fixture, PostgresFixture postgres) : IClassFixture<ServingFixture>
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    private HttpClient Http => fixture.Platform.Anonymous;

    [Fact]
    public async Task Predictions_by_rows_and_by_instances_match_scoring_the_same_features_with_onnx_runtime_directly()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await fixture.RouteAsync(production: 2);
        var version = (await fixture.Registry.GetAsync(Model, 2, cancellationToken))!;
        var manifest = JsonSerializer.Deserialize<ExportManifest>(await ReadArtifactAsync(version.ManifestPath, cancellationToken), new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } })!;
        var meanX1 = (float)manifest.Mean[0];
        float[] features = [1.5f, 2f, 8f, 3f, meanX1, 4f, 0.25f, 0.5f];

        var byRows = await PredictAsync($"api/models/{Model}/predict", Rows((1.5, 2), (8, 3), (null, 4), (0.25, 0.5)));
        var byInstances = await PredictAsync($"api/models/{Model}/versions/2/predict", """{"instances": [[1.5, 2], [8, 3], [null, 4], [0.25, 0.5]]}""");
        var expected = await ScoreDirectlyAsync(version.ModelPath, features, rows: 4, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, byRows.Status);
        Assert.Equal(HttpStatusCode.OK, byInstances.Status);
        Assert.Equal(Model, byRows.Body.GetProperty("model").GetString());
        Assert.Equal(2, byRows.Body.GetProperty("version").GetInt32());
        Assert.Equal("production", byRows.Body.GetProperty("route").GetString());
        Assert.Equal("version", byInstances.Body.GetProperty("route").GetString());
        foreach (var answer in new[] { byRows.Body, byInstances.Body })
        {
            var predictions = answer.GetProperty("predictions").EnumerateArray().Select(p => p.GetString()).ToArray();
            var probabilities = answer.GetProperty("probabilities").EnumerateArray().ToArray();
            Assert.Equal(4, predictions.Length);
            Assert.Equal(4, answer.GetProperty("predictionIds").EnumerateArray().Select(i => i.GetGuid()).Distinct().Count());
            for (var row = 0; row < 4; row++)
            {
                var p = manifest.ClassLabels!.Select(label => probabilities[row].GetProperty(label).GetSingle()).ToArray();
                Assert.Equal(expected[(row * 2)..(row * 2 + 2)], p);
                Assert.Equal(1.0, p.Sum(), 5);
                Assert.Equal(manifest.ClassLabels![p[1] > p[0] ? 1 : 0], predictions[row]);
                Assert.Contains(predictions[row], manifest.ClassLabels!);
            }
        }
    }

    [Fact]
    public async Task Bad_input_is_refused_with_400_naming_the_row_and_field_and_unknown_models_with_404()
    {
        await fixture.RouteAsync(production: 2);
        var path = $"api/models/{Model}/predict";
        var tooMany = "{\"instances\": [" + string.Join(",", Enumerable.Repeat("[1, 2]", 257)) + "]}";

        var cases = new (string Path, string Body, HttpStatusCode Status, string Message)[]
        {
            (path, """{"rows": [{"x1": 1, "x2": 2}, {"x1": 1}]}""", HttpStatusCode.BadRequest, "Row 1: feature 'x2' is missing"),
            (path, """{"rows": [{"x1": 1, "x2": 2, "x3": 5}]}""", HttpStatusCode.BadRequest, "Row 0: 'x3' is not a feature of this model; its features are 'x1', 'x2'"),
            (path, """{"rows": [{"x1": "one", "x2": 2}]}""", HttpStatusCode.BadRequest, "Row 0, feature 'x1': expected a number (or null for a missing value), got the string \"one\""),
            (path, """{"rows": [{"x1": NaN, "x2": 2}]}""", HttpStatusCode.BadRequest, "Row 0, feature 'x1': the body is not valid JSON"),
            (path, """{"rows": [{"x1": 1, "x2": "Infinity"}]}""", HttpStatusCode.BadRequest, "Row 0, feature 'x2': \"Infinity\" is not allowed"),
            (path, """{"instances": [[1, 2], [1, 2, 3]]}""", HttpStatusCode.BadRequest, "Instance 1 has 3 values; the model takes 2, in this order: 'x1', 'x2'"),
            (path, tooMany, HttpStatusCode.BadRequest, "more than 256 rows; send at most 256 per request"),
            ("api/models/no-such-model/predict", """{"instances": [[1, 2]]}""", HttpStatusCode.NotFound, "Model 'no-such-model' has nothing in production"),
            ($"api/models/{Model}/versions/9/predict", """{"instances": [[1, 2]]}""", HttpStatusCode.NotFound, "Model 'tiny' has no version or alias '9'"),
            ($"api/models/{Model}/versions/staging/predict", """{"instances": [[1, 2]]}""", HttpStatusCode.NotFound, "Model 'tiny' has no version or alias 'staging'"),
        };

        foreach (var (target, body, status, message) in cases)
        {
            var answer = await PredictAsync(target, body);
            Assert.True(status == answer.Status, $"{body}: {answer.Status} {answer.Body}");
            Assert.Contains(message, answer.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal("application/problem+json", answer.ContentType);
        }

        var missing = await PredictAsync(path, """{"rows": [{"x1": 1, "x2": 2}, {"x1": 1}]}""");
        Assert.Equal(1, missing.Body.GetProperty("row").GetInt32());
        Assert.Equal("x2", missing.Body.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Moving_and_rolling_back_production_under_concurrent_predictions_fails_no_request()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await fixture.RouteAsync(production: 1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var served = new ConcurrentBag<int>();
        var failures = new ConcurrentBag<string>();
        var clients = Enumerable.Range(0, 8).Select(client => Task.Run(async () =>
        {
            var body = Rows((client, 1), (2, client / 2.0));
            while (!stop.IsCancellationRequested)
            {
                var answer = await PredictAsync($"api/models/{Model}/predict", body);
                if (answer.Status == HttpStatusCode.OK)
                {
                    served.Add(answer.Body.GetProperty("version").GetInt32());
                }
                else
                {
                    failures.Add($"{answer.Status}: {answer.Body}");
                }
            }
        }, CancellationToken.None)).ToArray();

        for (var move = 0; move < 6; move++)
        {
            await Task.Delay(300, cancellationToken);
            await fixture.Registry.SetAliasAsync(Model, "production", move % 2 == 0 ? 2 : 1, "serving test: move", null, cancellationToken);
            await Task.Delay(300, cancellationToken);
            if (move % 3 == 2)
            {
                await fixture.Registry.RollbackAsync(Model, null, "serving test: roll back", cancellationToken);
            }
        }

        await Task.Delay(300, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.Empty(failures);
        Assert.True(served.Count > 50, $"only {served.Count} requests were answered");
        Assert.Equal([1, 2], served.Distinct().Order());
    }

    [Fact]
    public async Task A_canary_answers_its_share_of_requests_within_five_points()
    {
        await fixture.RouteAsync(production: 1, candidate: 2, trafficPercent: 30);
        var routes = new ConcurrentBag<(string Route, int Version)>();
        var body = Rows((3, 2));

        await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (_, _) =>
        {
            var answer = await PredictAsync($"api/models/{Model}/predict", body);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            routes.Add((answer.Body.GetProperty("route").GetString()!, answer.Body.GetProperty("version").GetInt32()));
        });

        var canary = routes.Count(r => r.Route == "canary");
        Assert.InRange(canary, 500, 700);
        Assert.All(routes, r => Assert.Equal(r.Route == "canary" ? 2 : 1, r.Version));
        Assert.Equal(2000 - canary, routes.Count(r => r.Route == "production"));
    }

    [Fact]
    public async Task A_shadow_scores_copies_that_are_logged_under_route_shadow_while_production_answers()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await fixture.RouteAsync(production: 2, candidate: 1, shadow: true);
        var ids = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            var answer = await PredictAsync($"api/models/{Model}/predict", Rows((i / 2.0, 1)));
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal("production", answer.Body.GetProperty("route").GetString());
            Assert.Equal(2, answer.Body.GetProperty("version").GetInt32());
            ids.Add(answer.Body.GetProperty("predictionIds")[0].GetGuid());
        }

        var logged = await WaitForLogAsync(ids, rows => rows.Count(r => r.Route == "shadow") == ids.Count, cancellationToken);

        Assert.All(logged.Where(r => r.Route == "shadow"), r => Assert.Equal(1, r.Version));
        Assert.All(logged.Where(r => r.Route == "production"), r => Assert.Equal(2, r.Version));
        Assert.Equal(ids.Order(), logged.Where(r => r.Route == "shadow").Select(r => r.PredictionId).Order());
    }

    [Fact]
    public async Task With_a_sample_rate_of_one_every_prediction_is_logged_with_its_features_and_output()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await fixture.RouteAsync(production: 2);

        var answer = await PredictAsync($"api/models/{Model}/predict", Rows((1.25, 3.5), (9, 4)));
        var ids = answer.Body.GetProperty("predictionIds").EnumerateArray().Select(i => i.GetGuid()).ToList();
        var logged = await WaitForLogAsync(ids, rows => rows.Count == 2, cancellationToken);

        for (var row = 0; row < 2; row++)
        {
            var entry = Assert.Single(logged, r => r.PredictionId == ids[row]);
            Assert.Equal(("production", 2), (entry.Route, entry.Version));
            Assert.Equal(row == 0 ? [1.25f, 3.5f] : [9f, 4f], entry.Features);
            using var output = JsonDocument.Parse(entry.OutputJson);
            Assert.Equal(answer.Body.GetProperty("predictions")[row].GetString(), output.RootElement.GetProperty("label").GetString());
            foreach (var label in answer.Body.GetProperty("probabilities")[row].EnumerateObject())
            {
                Assert.Equal(label.Value.GetSingle(), output.RootElement.GetProperty("probabilities").GetProperty(label.Name).GetSingle());
            }
        }
    }

    private async Task<Answer> PredictAsync(string path, string body)
    {
        using var response = await Http.PostAsync(path, Body(body), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new Answer(response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<string> ReadArtifactAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = (await fixture.Platform.App.Services.GetRequiredService<IArtifactStore>().OpenReadAsync(path, cancellationToken))!;
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private async Task<float[]> ScoreDirectlyAsync(string modelPath, float[] features, int rows, CancellationToken cancellationToken)
    {
        var file = Path.Combine(fixture.Platform.DataDirectory, $"direct-{Guid.NewGuid():N}.onnx");
        await using (var source = (await fixture.Platform.App.Services.GetRequiredService<IArtifactStore>().OpenReadAsync(modelPath, cancellationToken))!)
        await using (var target = File.Create(file))
        {
            await source.CopyToAsync(target, cancellationToken);
        }

        var runtime = fixture.Platform.App.Services.GetRequiredService<OnnxRuntime>();
        using var session = runtime.CreateSession(file);
        using var input = runtime.CreateTensor(features, rows, features.Length / rows);
        return session.Run((session.Inputs[0].Name, input))[0].As<float>();
    }

    private async Task<List<LoggedRow>> WaitForLogAsync(List<Guid> ids, Func<List<LoggedRow>, bool> done, CancellationToken cancellationToken)
    {
        var schema = fixture.Platform.App.Services.GetRequiredService<PlatformSchema>();
        await using var dataSource = postgres.CreateDataSource();
        while (true)
        {
            var rows = new List<LoggedRow>();
            await using (var command = dataSource.CreateCommand(schema.Sql("SELECT prediction_id, route, version, features, output_json::text FROM {schema}.prediction_log WHERE prediction_id = ANY(@ids)")))
            {
                command.Parameters.AddWithValue("ids", ids.ToArray());
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add(new LoggedRow(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<float[]>(3), reader.GetString(4)));
                }
            }

            if (done(rows))
            {
                return rows;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private sealed record Answer(HttpStatusCode Status, JsonElement Body, string? ContentType);

    private sealed record LoggedRow(Guid PredictionId, string Route, int Version, float[] Features, string OutputJson);
}
