using System.Net;
using System.Net.Http.Json;
using Workflows.Functions.Api;
using Workflows.Functions.Tests.Infrastructure;
using Workflows.Testing;

namespace Workflows.Functions.Tests;

/// <summary>Every mutating endpoint needs a valid key; without one it answers 401 and changes nothing.</summary>
public sealed class ApiKeyTests(PostgresFixture postgres)
{
    public static TheoryData<string> MutatingCalls => new()
    {
        "POST api/pipelines/tiny/runs",
        "POST api/runs/some-run/cancel",
        "POST api/runs/some-run/events/Approval",
        "POST api/datasets/tiny/ingest",
        "POST api/pipelines/reload",
        "PUT api/models/tiny/aliases/production",
        "DELETE api/models/tiny/aliases/candidate",
        "POST api/models/tiny/promote",
        "POST api/models/tiny/rollback",
    };

    [Theory]
    [MemberData(nameof(MutatingCalls))]
    public async Task A_mutating_call_without_a_valid_key_is_refused_and_changes_nothing(string call)
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());
        var cancellationToken = TestContext.Current.CancellationToken;
        var (method, path) = (new HttpMethod(call.Split(' ')[0]), call.Split(' ')[1]);

        foreach (var key in new string?[] { null, "wrong-key" })
        {
            using var request = new HttpRequestMessage(method, path)
            {
                Content = path.EndsWith("/ingest", StringComparison.Ordinal) ? new StringContent(TinyPipeline.Csv(1)) : JsonContent.Create(new { }),
            };
            if (key is not null)
            {
                request.Headers.Add("x-api-key", key);
            }

            using var response = await platform.Anonymous.SendAsync(request, cancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var runs = await platform.Http.GetFromJsonAsync<RunPage>("api/runs", Cli.HostClient.JsonOptions, cancellationToken);
        Assert.Empty(runs!.Items);
        Assert.Empty(await platform.Datasets.ListIngestionsAsync(null, null, 10, cancellationToken));
    }

    [Fact]
    public async Task Reads_need_no_key_and_the_functions_style_key_is_accepted()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());
        var cancellationToken = TestContext.Current.CancellationToken;

        using var read = await platform.Anonymous.GetAsync("api/pipelines", cancellationToken);
        using var withCode = await platform.Anonymous.PostAsync($"api/pipelines/reload?code={TestPlatform.ApiKey}", null, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);
    }
}
