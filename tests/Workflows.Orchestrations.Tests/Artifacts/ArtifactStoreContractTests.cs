using Workflows.Orchestrations.Artifacts;

namespace Workflows.Orchestrations.Tests.Artifacts;

/// <summary>
/// What every <see cref="IArtifactStore"/> promises, run against each implementation by a derived class that
/// supplies a fresh, empty store per test.
/// </summary>
public abstract class ArtifactStoreContractTests
{
    protected const int LargeObjectBytes = 20 * 1024 * 1024;

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    protected abstract IArtifactStore Store { get; }

    [Fact]
    public async Task Put_then_read_returns_the_same_content()
    {
        await Store.PutAsync("datasets/iris/v1/data.csv", TestContent.Text("sepal,petal\n1,2\n"), Token);

        Assert.Equal("sepal,petal\n1,2\n", await TestContent.ReadTextAsync(await Store.OpenReadAsync("datasets/iris/v1/data.csv", Token), Token));
    }

    [Fact]
    public async Task Put_writes_the_rest_of_the_stream_from_its_current_position()
    {
        var content = TestContent.Text("header|body");
        content.Position = "header|".Length;

        await Store.PutAsync("a.txt", content, Token);

        Assert.Equal("body", await TestContent.ReadTextAsync(await Store.OpenReadAsync("a.txt", Token), Token));
    }

    [Fact]
    public async Task An_empty_object_round_trips()
    {
        await Store.PutAsync("empty.bin", new MemoryStream(), Token);

        Assert.Equal(0, (await Store.GetInfoAsync("empty.bin", Token))?.Length);
        Assert.Equal(string.Empty, await TestContent.ReadTextAsync(await Store.OpenReadAsync("empty.bin", Token), Token));
    }

    [Fact]
    public async Task Put_overwrites_an_existing_object_and_changes_its_etag()
    {
        await Store.PutAsync("models/m.onnx", TestContent.Text("first"), Token);
        var before = await Store.GetInfoAsync("models/m.onnx", Token);

        await Store.PutAsync("models/m.onnx", TestContent.Text("second, longer"), Token);

        var after = await Store.GetInfoAsync("models/m.onnx", Token);
        Assert.Equal("second, longer", await TestContent.ReadTextAsync(await Store.OpenReadAsync("models/m.onnx", Token), Token));
        Assert.Equal("second, longer".Length, after?.Length);
        Assert.NotEqual(before?.ETag, after?.ETag);
    }

    [Fact]
    public async Task DeleteIfUnchanged_spares_an_object_rewritten_since_its_tag_was_read()
    {
        await Store.PutAsync("drop/d.csv", TestContent.Text("first"), Token);
        var first = (await Store.GetInfoAsync("drop/d.csv", Token))!.ETag!;
        await Store.PutAsync("drop/d.csv", TestContent.Text("second, newer"), Token);
        var second = (await Store.GetInfoAsync("drop/d.csv", Token))!.ETag!;

        Assert.False(await Store.DeleteIfUnchangedAsync("drop/d.csv", first, Token));
        Assert.Equal("second, newer", await TestContent.ReadTextAsync(await Store.OpenReadAsync("drop/d.csv", Token), Token));
        Assert.True(await Store.DeleteIfUnchangedAsync("drop/d.csv", second, Token));
        Assert.Null(await Store.GetInfoAsync("drop/d.csv", Token));
        Assert.False(await Store.DeleteIfUnchangedAsync("drop/d.csv", second, Token));
    }

    [Fact]
    public async Task TryPutNew_creates_an_absent_object_and_leaves_an_existing_one_alone()
    {
        Assert.True(await Store.TryPutNewAsync("runs/1/claim", TestContent.Text("first"), Token));
        Assert.False(await Store.TryPutNewAsync("runs/1/claim", TestContent.Text("second"), Token));

        Assert.Equal("first", await TestContent.ReadTextAsync(await Store.OpenReadAsync("runs/1/claim", Token), Token));
    }

    [Fact]
    public async Task TryPutNew_from_twenty_concurrent_creators_has_exactly_one_winner()
    {
        var creators = Enumerable.Range(0, 20)
            .Select(i => Task.Run(async () => (Creator: i, Won: await Store.TryPutNewAsync("race/winner", TestContent.Text($"creator {i}"), Token)), Token))
            .ToList();
        var results = await Task.WhenAll(creators);

        var winner = Assert.Single(results, r => r.Won);
        Assert.Equal($"creator {winner.Creator}", await TestContent.ReadTextAsync(await Store.OpenReadAsync("race/winner", Token), Token));
    }

    [Fact]
    public async Task A_missing_object_reads_as_null_and_deletes_as_false()
    {
        await Store.PutAsync("present/a.txt", TestContent.Text("a"), Token);

        Assert.Null(await Store.OpenReadAsync("present/missing.txt", Token));
        Assert.Null(await Store.OpenReadAsync("absent/missing.txt", Token));
        Assert.Null(await Store.GetInfoAsync("absent/missing.txt", Token));
        Assert.False(await Store.DeleteAsync("absent/missing.txt", Token));
    }

    [Fact]
    public async Task A_folder_is_not_an_object()
    {
        await Store.PutAsync("folder/inside.txt", TestContent.Text("x"), Token);

        Assert.Null(await Store.OpenReadAsync("folder", Token));
        Assert.Null(await Store.GetInfoAsync("folder", Token));
    }

    [Fact]
    public async Task GetInfo_reports_length_time_and_the_etag_the_listing_shows()
    {
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        await Store.PutAsync("metrics/eval.json", TestContent.Text("{\"auc\":0.93}"), Token);

        var info = await Store.GetInfoAsync("metrics/eval.json", Token);

        Assert.NotNull(info);
        Assert.Equal("metrics/eval.json", info.Path);
        Assert.Equal("{\"auc\":0.93}".Length, info.Length);
        Assert.InRange(info.LastModified, before, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.False(string.IsNullOrEmpty(info.ETag));
        Assert.Equal([info], await Store.ListAsync("metrics/", Token).ToListAsync(Token));
    }

    [Fact]
    public async Task List_returns_every_object_under_the_prefix_in_path_order_across_pages()
    {
        // More objects than a test page holds (see the Azure store's tests), so listing must follow the marker.
        var expected = Enumerable.Range(0, 30).Select(i => $"runs/7/checkpoints/{i:D3}.pt").ToList();
        await Task.WhenAll(expected.Select(path => Store.PutAsync(path, TestContent.Text(path), Token)));
        await Store.PutAsync("runs/7/model.onnx", TestContent.Text("m"), Token);
        await Store.PutAsync("runs/8/checkpoints/000.pt", TestContent.Text("other run"), Token);

        var listed = await Store.ListAsync("runs/7/checkpoints/", Token).Select(info => info.Path).ToListAsync(Token);

        Assert.Equal(expected, listed);
    }

    [Fact]
    public async Task List_prefix_is_a_string_prefix_and_order_is_ordinal()
    {
        string[] paths = ["runs/1/a", "runs/1-b/x", "runs/10/c", "runs/1/z/deep", "runs/2/d", "other"];
        foreach (var path in paths)
        {
            await Store.PutAsync(path, TestContent.Text(path), Token);
        }

        Assert.Equal(["runs/1-b/x", "runs/1/a", "runs/1/z/deep", "runs/10/c"], await Store.ListAsync("runs/1", Token).Select(i => i.Path).ToListAsync(Token));
        Assert.Equal(["runs/1/a", "runs/1/z/deep"], await Store.ListAsync("runs/1/", Token).Select(i => i.Path).ToListAsync(Token));
        Assert.Equal(paths.Order(StringComparer.Ordinal), await Store.ListAsync(string.Empty, Token).Select(i => i.Path).ToListAsync(Token));
        Assert.Empty(await Store.ListAsync("nothing/", Token).ToListAsync(Token));
    }

    [Fact]
    public async Task Listing_an_empty_store_yields_nothing()
    {
        Assert.Empty(await Store.ListAsync(string.Empty, Token).ToListAsync(Token));
    }

    [Fact]
    public async Task Delete_removes_the_object_and_only_that_object()
    {
        await Store.PutAsync("tmp/a", TestContent.Text("a"), Token);
        await Store.PutAsync("tmp/b", TestContent.Text("b"), Token);

        Assert.True(await Store.DeleteAsync("tmp/a", Token));

        Assert.Null(await Store.GetInfoAsync("tmp/a", Token));
        Assert.Equal(["tmp/b"], await Store.ListAsync("tmp/", Token).Select(i => i.Path).ToListAsync(Token));
        Assert.False(await Store.DeleteAsync("tmp/a", Token));
    }

    [Fact]
    public async Task Copy_duplicates_the_content_replacing_the_destination_and_keeps_the_source()
    {
        await Store.PutAsync("registry/candidate/model.onnx", TestContent.Text("weights v2"), Token);
        await Store.PutAsync("registry/production/model.onnx", TestContent.Text("weights v1"), Token);

        await Store.CopyAsync("registry/candidate/model.onnx", "registry/production/model.onnx", Token);

        Assert.Equal("weights v2", await TestContent.ReadTextAsync(await Store.OpenReadAsync("registry/production/model.onnx", Token), Token));
        Assert.Equal("weights v2", await TestContent.ReadTextAsync(await Store.OpenReadAsync("registry/candidate/model.onnx", Token), Token));
    }

    [Fact]
    public async Task A_copy_keeps_its_content_when_the_source_is_rewritten_or_deleted()
    {
        await Store.PutAsync("exports/v1/X_train.npy", TestContent.Text("first"), Token);
        await Store.CopyAsync("exports/v1/X_train.npy", "exports/v2/X_train.npy", Token);

        await Store.PutAsync("exports/v1/X_train.npy", TestContent.Text("second"), Token);
        Assert.Equal("first", await TestContent.ReadTextAsync(await Store.OpenReadAsync("exports/v2/X_train.npy", Token), Token));
        Assert.True(await Store.DeleteAsync("exports/v1/X_train.npy", Token));
        Assert.Equal("first", await TestContent.ReadTextAsync(await Store.OpenReadAsync("exports/v2/X_train.npy", Token), Token));
    }

    [Fact]
    public async Task Moving_a_local_file_in_replaces_the_object_and_takes_the_file()
    {
        var directory = Directory.CreateTempSubdirectory("artifact-move-").FullName;
        try
        {
            await Store.PutAsync("staging/1/data.csv", TestContent.Text("old"), Token);
            var local = Path.Combine(directory, "data.csv");
            await File.WriteAllTextAsync(local, "x,y\n1,2\n", Token);

            await Store.MoveFileAsync("staging/1/data.csv", local, Token);

            Assert.Equal("x,y\n1,2\n", await TestContent.ReadTextAsync(await Store.OpenReadAsync("staging/1/data.csv", Token), Token));
            Assert.False(File.Exists(local));
            Assert.Equal(["staging/1/data.csv"], await Store.ListAsync("staging/", Token).Select(i => i.Path).ToListAsync(Token));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Copying_a_missing_source_throws_FileNotFoundException_naming_it()
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => Store.CopyAsync("missing/source", "copy/destination", Token));

        Assert.Contains("missing/source", error.Message);
        Assert.Null(await Store.GetInfoAsync("copy/destination", Token));
    }

    [Fact]
    public async Task A_large_object_streams_in_and_out_intact()
    {
        await Store.PutAsync("large/blob.bin", new GeneratedStream(LargeObjectBytes, seed: 42), Token);

        var expected = await TestContent.HashAsync(new GeneratedStream(LargeObjectBytes, seed: 42), Token);
        Assert.Equal(expected, await TestContent.HashAsync(await Store.OpenReadAsync("large/blob.bin", Token), Token));
        Assert.Equal(LargeObjectBytes, (await Store.GetInfoAsync("large/blob.bin", Token))?.Length);
    }

    [Fact]
    public async Task TryPutNew_of_a_large_object_creates_it_once()
    {
        Assert.True(await Store.TryPutNewAsync("large/once.bin", new GeneratedStream(LargeObjectBytes, seed: 1), Token));
        Assert.False(await Store.TryPutNewAsync("large/once.bin", new GeneratedStream(LargeObjectBytes, seed: 2), Token));

        var expected = await TestContent.HashAsync(new GeneratedStream(LargeObjectBytes, seed: 1), Token);
        Assert.Equal(expected, await TestContent.HashAsync(await Store.OpenReadAsync("large/once.bin", Token), Token));
    }

    [Fact]
    public async Task Readers_racing_an_overwriter_see_one_version_whole_never_a_mix()
    {
        const int size = 1024 * 1024;
        byte[][] versions = [Enumerable.Repeat((byte)'a', size).ToArray(), Enumerable.Repeat((byte)'b', size).ToArray()];
        await Store.PutAsync("swap/object", new MemoryStream(versions[0]), Token);

        var writer = Task.Run(
            async () =>
            {
                for (var i = 1; i <= 10; i++)
                {
                    await Store.PutAsync("swap/object", new MemoryStream(versions[i % 2]), Token);
                }
            },
            Token);
        while (!writer.IsCompleted)
        {
            var content = await TestContent.ReadTextAsync(await Store.OpenReadAsync("swap/object", Token), Token);
            Assert.Equal(size, content.Length);
            Assert.True(content.All(c => c == content[0]), "a read mixed two versions");
        }

        await writer;
    }

    [Fact]
    public async Task Paths_with_spaces_and_non_ascii_characters_round_trip()
    {
        const string path = "reports/run 1/résumé+café (final)&v=2.json";
        await Store.PutAsync(path, TestContent.Text("ok"), Token);

        Assert.Equal("ok", await TestContent.ReadTextAsync(await Store.OpenReadAsync(path, Token), Token));
        Assert.Equal([path], await Store.ListAsync("reports/run 1/", Token).Select(i => i.Path).ToListAsync(Token));
        await Store.CopyAsync(path, path + ".bak", Token);
        Assert.True(await Store.DeleteAsync(path, Token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/absolute")]
    [InlineData("a//b")]
    [InlineData("trailing/")]
    [InlineData("a/../b")]
    [InlineData("..")]
    [InlineData("./a")]
    [InlineData("back\\slash")]
    [InlineData("tab\there")]
    [InlineData("a/.~in-flight")]
    public async Task Invalid_paths_are_rejected_with_ArgumentException_saying_why(string path)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(path, TestContent.Text("x"), Token));
        Assert.Equal("path", error.ParamName);
        Assert.Contains("is invalid", error.Message);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.TryPutNewAsync(path, TestContent.Text("x"), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(path, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetInfoAsync(path, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(path, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CopyAsync("valid", path, Token));
        Assert.Throws<ArgumentException>(() => Store.Describe(path));
    }

    [Theory]
    [InlineData("/runs")]
    [InlineData("../runs/")]
    [InlineData("runs//")]
    [InlineData("runs\\1")]
    public void Invalid_prefixes_are_rejected_when_listing_starts(string prefix)
    {
        var error = Assert.Throws<ArgumentException>(() => Store.ListAsync(prefix, Token));
        Assert.Equal("prefix", error.ParamName);
    }

    [Fact]
    public void Describe_gives_an_absolute_uri_ending_with_the_path()
    {
        var uri = new Uri(Store.Describe("models/iris/model.onnx"));

        Assert.True(uri.IsAbsoluteUri);
        Assert.EndsWith("/models/iris/model.onnx", uri.AbsolutePath, StringComparison.Ordinal);
    }
}
