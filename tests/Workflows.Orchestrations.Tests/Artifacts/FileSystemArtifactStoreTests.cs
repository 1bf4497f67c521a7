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
    public async Task Copying_again_and_moving_in_leave_no_temp_file_and_a_symlink_is_copied_not_linked()
    {
        await _store.PutAsync("runs/1/model.onnx", TestContent.Text("weights"), Token);
        // A retried registration copies onto its own earlier copy: the same file already, so the rename does nothing.
        await _store.CopyAsync("runs/1/model.onnx", "models/1/model.onnx", Token);
        await _store.CopyAsync("runs/1/model.onnx", "models/1/model.onnx", Token);
        var local = _temp.Combine("work-data.csv");
        await File.WriteAllTextAsync(local, "a,b", Token);
        await _store.MoveFileAsync("staging/data.csv", local, Token);

        var outside = _temp.Combine("outside.txt");
        await File.WriteAllTextAsync(outside, "outside", Token);
        File.CreateSymbolicLink(Path.Combine(_store.RootDirectory, "runs", "1", "linked.txt"), outside);
        await _store.CopyAsync("runs/1/linked.txt", "models/1/linked.txt", Token);

        Assert.Equal(["linked.txt", "model.onnx"], Directory.GetFiles(Path.Combine(_store.RootDirectory, "models", "1")).Select(Path.GetFileName).Order());
        Assert.Equal(["data.csv"], Directory.GetFiles(Path.Combine(_store.RootDirectory, "staging")).Select(Path.GetFileName));
        Assert.Null(new FileInfo(Path.Combine(_store.RootDirectory, "models", "1", "linked.txt")).LinkTarget);
        Assert.Equal("outside", await File.ReadAllTextAsync(Path.Combine(_store.RootDirectory, "models", "1", "linked.txt"), Token));
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
