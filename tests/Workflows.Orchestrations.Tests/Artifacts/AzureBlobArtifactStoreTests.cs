using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Workflows.Orchestrations.Artifacts;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Artifacts;

/// <summary>The store contract against a real Azurite, plus Shared Key, block upload and error details.</summary>
public sealed class AzureBlobArtifactStoreTests : ArtifactStoreContractTests, IDisposable
{
    /// <summary>Small enough that the contract's 30-object listing takes five pages.</summary>
    private const int ListPageSize = 7;

    private readonly AzuriteFixture _azurite;
    private readonly RecordingHandler _requests = new();
    private readonly AzureBlobOptions _options;
    private readonly AzureBlobArtifactStore _store;

    public AzureBlobArtifactStoreTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _options = AzureBlobOptions.FromConnectionString(azurite.ConnectionString, AzuriteFixture.NewContainerName()) with { ListPageSize = ListPageSize };
        _store = new AzureBlobArtifactStore(_options, _requests);
    }

    protected override IArtifactStore Store => _store;

    [Fact]
    public async Task A_large_object_is_uploaded_in_bounded_blocks_and_committed_once()
    {
        await _store.PutAsync("large/blocks.bin", new GeneratedStream(LargeObjectBytes, seed: 7), Token);

        var writes = _requests.Sent.Where(r => r.Method == HttpMethod.Put && r.Path.EndsWith("/large/blocks.bin", StringComparison.Ordinal)).ToList();
        var blocks = writes.Where(r => r.Query.Contains("comp=block&", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, blocks.Count);
        Assert.All(blocks, block => Assert.InRange(block.ContentLength, 1, _options.BlockSize));
        Assert.Equal(LargeObjectBytes, blocks.Sum(b => b.ContentLength));
        Assert.Single(writes, r => r.Query.Contains("comp=blocklist", StringComparison.Ordinal));
        Assert.DoesNotContain(writes, r => r.Query.Length == 0);
    }

    [Fact]
    public async Task A_small_object_is_one_put_blob()
    {
        await _store.PutAsync("small.txt", TestContent.Text("small"), Token);

        var write = Assert.Single(_requests.Sent, r => r.Method == HttpMethod.Put && r.Path.EndsWith("/small.txt", StringComparison.Ordinal));
        Assert.Equal(string.Empty, write.Query);
    }

    [Fact]
    public async Task Listing_follows_the_continuation_marker()
    {
        await Task.WhenAll(Enumerable.Range(0, 15).Select(i => _store.PutAsync($"paged/{i:D2}", TestContent.Text("x"), Token)));

        Assert.Equal(15, await _store.ListAsync("paged/", Token).CountAsync(Token));
        Assert.Equal(3, _requests.Sent.Count(r => r.Query.Contains("comp=list", StringComparison.Ordinal)));
        Assert.Equal(2, _requests.Sent.Count(r => r.Query.Contains("marker=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_wrong_account_key_fails_with_403_and_the_services_error_code()
    {
        using var store = new AzureBlobArtifactStore(_options with { AccountKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)) });

        var write = await Assert.ThrowsAsync<ArtifactStoreException>(() => store.PutAsync("secret.txt", TestContent.Text("x"), Token));
        var read = await Assert.ThrowsAsync<ArtifactStoreException>(() => store.OpenReadAsync("secret.txt", Token));
        var head = await Assert.ThrowsAsync<ArtifactStoreException>(() => store.GetInfoAsync("secret.txt", Token));

        foreach (var error in new[] { write, read, head })
        {
            Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
            // Azure says AuthenticationFailed; Azurite says AuthorizationFailure.
            Assert.Contains(error.ErrorCode, (string[])["AuthenticationFailed", "AuthorizationFailure"]);
            Assert.StartsWith($"/devstoreaccount1/{_options.Container}", error.RequestPath, StringComparison.Ordinal);
            Assert.Contains($"403 Forbidden ({error.ErrorCode})", error.Message);
        }

        Assert.EndsWith("/secret.txt", read.RequestPath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_container_is_created_on_first_write_and_shared_by_stores()
    {
        Assert.Null(await _store.GetInfoAsync("first.txt", Token));

        await _store.PutAsync("first.txt", TestContent.Text("1"), Token);
        using var second = new AzureBlobArtifactStore(_options);
        await second.PutAsync("second.txt", TestContent.Text("2"), Token);

        Assert.Equal(["first.txt", "second.txt"], await second.ListAsync(string.Empty, Token).Select(i => i.Path).ToListAsync(Token));
        Assert.Single(_requests.Sent, r => r.Query == "restype=container" && r.Method == HttpMethod.Put);
    }

    [Fact]
    public void Describe_is_the_blob_url()
    {
        Assert.Equal(
            $"{_options.BlobEndpoint!.AbsoluteUri.TrimEnd('/')}/{_options.Container}/runs/run%201/model.onnx",
            _store.Describe("runs/run 1/model.onnx"));
    }

    [Fact]
    public void The_store_binds_from_options_with_a_connection_string()
    {
        var bound = Microsoft.Extensions.Options.Options.Create(new AzureBlobOptions { ConnectionString = _azurite.ConnectionString, Container = "bound" });
        using var store = new AzureBlobArtifactStore(bound);

        Assert.StartsWith(_options.BlobEndpoint!.AbsoluteUri.TrimEnd('/') + "/bound/", store.Describe("x"), StringComparison.Ordinal);
    }

    public void Dispose() => _store.Dispose();

    /// <summary>Records every request the store sends, then passes it on to the real network.</summary>
    private sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        public ConcurrentQueue<(HttpMethod Method, string Path, string Query, long ContentLength)> Sent { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            Sent.Enqueue((request.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), request.Content?.Headers.ContentLength ?? 0));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
