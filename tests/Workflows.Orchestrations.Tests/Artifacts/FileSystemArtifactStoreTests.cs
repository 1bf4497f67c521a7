using Workflows.Orchestrations.Artifacts;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Artifacts;

/// <summary>The store contract against a directory, plus what only the file-system store does.</summary>
public sealed class FileSystemArtifactStoreTests : ArtifactStoreContractTests, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FileSystemArtifactStore _store;

    public FileSystemArtifactStoreTests()
    {
        _store = new FileSystemArtifactStore(_temp.Combine("artifacts"));
    }

    protected override IArtifactStore Store => _store;

    [Fact]
    public async Task Objects_are_plain_files_under_the_root_and_no_temp_file_is_left_behind()
    {
        await _store.PutAsync("datasets/iris.csv", TestContent.Text("a,b"), Token);
        Assert.False(await _store.TryPutNewAsync("datasets/iris.csv", TestContent.Text("c,d"), Token));

        Assert.Equal("a,b", await File.ReadAllTextAsync(Path.Combine(_store.RootDirectory, "datasets", "iris.csv"), Token));
        Assert.Equal(["iris.csv"], Directory.GetFiles(Path.Combine(_store.RootDirectory, "datasets")).Select(Path.GetFileName));
        Assert.Equal(new Uri(Path.Combine(_store.RootDirectory, "datasets", "iris.csv")).AbsoluteUri, _store.Describe("datasets/iris.csv"));
    }

    [Fact]
    public async Task Listing_skips_writes_in_flight()
    {
        await _store.PutAsync("models/m.onnx", TestContent.Text("m"), Token);
        await File.WriteAllTextAsync(Path.Combine(_store.RootDirectory, "models", ".~0123456789abcdef.tmp"), "partial", Token);

        Assert.Equal(["models/m.onnx"], await _store.ListAsync(string.Empty, Token).Select(i => i.Path).ToListAsync(Token));
    }

    [Fact]
    public async Task A_failed_write_leaves_neither_the_object_nor_a_temp_file()
    {
        await Assert.ThrowsAsync<IOException>(() => _store.PutAsync("broken/object", new FailingStream(), Token));

        Assert.Null(await _store.GetInfoAsync("broken/object", Token));
        Assert.Empty(Directory.GetFiles(Path.Combine(_store.RootDirectory, "broken")));
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>A source that breaks after some bytes, like a dropped upload.</summary>
    private sealed class FailingStream : MemoryStream
    {
        private bool _sentSome;

        public FailingStream()
            : base(new byte[1024])
        {
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sentSome)
            {
                throw new IOException("The source broke.");
            }

            _sentSome = true;
            return base.ReadAsync(buffer, cancellationToken);
        }
    }
}
