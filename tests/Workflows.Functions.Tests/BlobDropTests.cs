using System.Text;
using Workflows.Functions.Tests.Infrastructure;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Datasets;
using Workflows.Testing;

namespace Workflows.Functions.Tests;

/// <summary>Blobs landing in the drop container (real Azurite) are ingested once each; bad ones are quarantined.</summary>
public sealed class BlobDropTests(PostgresFixture postgres, AzuriteFixture azurite)
{
    [Fact]
    public async Task Blobs_dropped_in_the_container_are_ingested_exactly_once_and_taken_out_of_the_drop()
    {
        var container = AzuriteFixture.NewContainerName();
        using var drop = new AzureBlobArtifactStore(AzureBlobOptions.FromConnectionString(azurite.ConnectionString, container));
        using var cancel = TestTimeout.Start(TimeSpan.FromMinutes(2));
        for (var i = 0; i < 10; i++)
        {
            await drop.PutAsync($"tiny/batch-{i}.csv", new MemoryStream(Encoding.UTF8.GetBytes(TinyPipeline.Csv(i))), cancel.Token);
        }

        await drop.PutAsync("tiny/broken.csv", new MemoryStream("x1,x2,label\n1,2\n"u8.ToArray()), cancel.Token);
        await drop.PutAsync("not-in-a-dataset-folder.csv", new MemoryStream(Encoding.UTF8.GetBytes(TinyPipeline.Csv(99))), cancel.Token);
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory(), "--workflows:blobDrop:connectionString", azurite.ConnectionString, "--workflows:blobDrop:container", container);

        while ((await platform.Datasets.ListIngestionsAsync("tiny", null, 100, cancel.Token)).Count(i => i.Status != IngestionStatus.Running) < 11)
        {
            await Task.Delay(100, cancel.Token);
        }

        await Task.Delay(TimeSpan.FromSeconds(1), cancel.Token);
        var ingestions = await platform.Datasets.ListIngestionsAsync("tiny", null, 100, cancel.Token);
        Assert.Equal(11, ingestions.Count);
        Assert.All(ingestions, i => Assert.Equal("blob", i.Trigger));
        Assert.Equal(10, ingestions.Count(i => i.Status == IngestionStatus.Registered));
        Assert.Equal(IngestionStatus.Quarantined, Assert.Single(ingestions, i => i.Source == "tiny/broken.csv").Status);
        Assert.Equal(10, (await platform.Datasets.ListVersionsAsync("tiny", cancel.Token)).Count);
        var left = new List<string>();
        await foreach (var blob in drop.ListAsync("", cancel.Token))
        {
            left.Add(blob.Path);
        }

        Assert.Equal(["not-in-a-dataset-folder.csv"], left);
        Assert.True(File.Exists(Path.Combine(platform.DataDirectory, "artifacts", "quarantine", "tiny", ingestions.Single(i => i.Source == "tiny/broken.csv").IngestionId, "broken.csv")));
    }
}
