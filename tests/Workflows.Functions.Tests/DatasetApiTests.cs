using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Workflows.Functions.Cli;
using Workflows.Functions.Tests.Infrastructure;
using Workflows.Orchestrations.Datasets;
using Workflows.Testing;

namespace Workflows.Functions.Tests;

/// <summary>Datasets over HTTP: upload, versions with lineage, download of the canonical content, diff, and refusals.</summary>
public sealed class DatasetApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Versions_carry_lineage_download_their_canonical_content_and_diff_against_each_other()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());
        var cancellationToken = TestContext.Current.CancellationToken;
        var first = await UploadAsync(platform, TinyPipeline.Csv(1, rows: 30), cancellationToken);
        var again = await UploadAsync(platform, TinyPipeline.Csv(1, rows: 30), cancellationToken);
        var second = await UploadAsync(platform, TinyPipeline.Csv(2, rows: 50).Replace("\n", "\r\n", StringComparison.Ordinal), cancellationToken);

        var versions = await platform.Host.GetAsync<List<DatasetVersion>>("api/datasets/tiny/versions", cancellationToken);
        var v2 = await platform.Host.GetAsync<DatasetVersion>("api/datasets/tiny/versions/2", cancellationToken);
        var csv = await platform.Anonymous.GetByteArrayAsync("api/datasets/tiny/versions/2/download", cancellationToken);
        var diff = await platform.Host.GetAsync<DatasetDiff>("api/datasets/tiny/diff?from=1&to=2", cancellationToken);
        using var missing = await platform.Anonymous.GetAsync("api/datasets/tiny/versions/7", cancellationToken);

        Assert.Equal(first.IngestionId, again.IngestionId);
        Assert.Equal([2, 1], versions.Select(v => v.Version));
        Assert.Equal(1, v2.Lineage.ParentVersion);
        Assert.Equal("http", v2.Lineage.Trigger);
        Assert.Equal(second.IngestionId, v2.Lineage.IngestionId);
        Assert.Equal(50, v2.RowCount);
        Assert.Equal(v2.ContentSha256, Convert.ToHexStringLower(SHA256.HashData(csv)));
        Assert.DoesNotContain((byte)'\r', csv);
        Assert.Equal(3, v2.Schema.GetProperty("columns").GetArrayLength());
        Assert.Equal((30L, 50L), (diff.RowsFrom, diff.RowsTo));
        Assert.Empty(diff.ColumnsAdded);
        Assert.Contains(diff.Columns, c => c.Column == "x1" && c.MeanDelta is not null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task An_upload_to_an_invalid_dataset_name_is_refused_and_a_badly_named_drop_folder_is_ignored()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());
        var cancellationToken = TestContext.Current.CancellationToken;
        var badFolder = Path.Combine(platform.DataDirectory, "drop", "Not A Dataset");
        Directory.CreateDirectory(badFolder);
        await File.WriteAllTextAsync(Path.Combine(badFolder, "x.csv"), TinyPipeline.Csv(3), cancellationToken);
        Directory.CreateDirectory(platform.DropDirectory("tiny"));
        await File.WriteAllTextAsync(Path.Combine(platform.DropDirectory("tiny"), "ok.csv"), TinyPipeline.Csv(4), cancellationToken);

        using var refused = await platform.Http.PostAsync("api/datasets/Bad_Name/ingest", new StringContent(TinyPipeline.Csv(5)), cancellationToken);
        var dropped = await platform.WaitForIngestionAsync(i => i.Source.EndsWith("ok.csv", StringComparison.Ordinal), cancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Dataset name 'Bad_Name' is invalid", await refused.Content.ReadAsStringAsync(cancellationToken), StringComparison.Ordinal);
        Assert.Equal(IngestionStatus.Registered, dropped.Status);
        Assert.Single(await platform.Datasets.ListIngestionsAsync(null, null, 100, cancellationToken));
        Assert.True(File.Exists(Path.Combine(badFolder, "x.csv")));
    }

    [Fact]
    public async Task A_failed_ingestion_keeps_its_file_and_a_retry_ingests_it_as_a_new_ingestion()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());
        using var cancel = TestTimeout.Start(TimeSpan.FromMinutes(2));
        // A real fault that is not the data's: the database refuses every new version while the trigger exists.
        await postgres.ExecuteAsync($"""
            CREATE FUNCTION "{platform.HubName}_platform".refuse_versions() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'versions refused for the test'; END $$;
            CREATE TRIGGER refuse_versions BEFORE INSERT ON "{platform.HubName}_platform".dataset_versions
                FOR EACH ROW EXECUTE FUNCTION "{platform.HubName}_platform".refuse_versions();
            """, cancel.Token);

        var failed = await UploadAsync(platform, TinyPipeline.Csv(8), cancel.Token);
        Assert.Equal(IngestionStatus.Failed, failed.Status);
        Assert.Contains("versions refused for the test", failed.Error, StringComparison.Ordinal);
        await postgres.ExecuteAsync($"DROP TRIGGER refuse_versions ON \"{platform.HubName}_platform\".dataset_versions", cancel.Token);

        using var retry = await platform.Http.PostAsync($"api/ingestions/{failed.IngestionId}/retry", null, cancel.Token);
        var retryId = (await retry.Content.ReadFromJsonAsync<JsonElement>(HostClient.JsonOptions, cancel.Token)).GetProperty("ingestionId").GetString();
        var retried = await platform.WaitForIngestionAsync(i => i.IngestionId == retryId, cancel.Token);
        using var again = await platform.Http.PostAsync($"api/ingestions/{retryId}/retry", null, cancel.Token);
        using var unknown = await platform.Http.PostAsync("api/ingestions/ingest-nope/retry", null, cancel.Token);

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.NotEqual(failed.IngestionId, retryId);
        Assert.Equal(IngestionStatus.Registered, retried.Status);
        Assert.Equal(40, (await platform.Datasets.GetVersionAsync("tiny", retried.Version, cancel.Token))!.RowCount);
        Assert.Equal(IngestionStatus.Failed, (await platform.Datasets.GetIngestionAsync(failed.IngestionId, cancel.Token))!.Status);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private static Task<IngestionRecord> UploadAsync(TestPlatform platform, string csv, CancellationToken cancellationToken) =>
        platform.UploadAsync("tiny", new StringContent(csv, Encoding.UTF8), cancellationToken);
}
