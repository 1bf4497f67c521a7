namespace Workflows.LocalServices.Tests;

/// <summary>A fresh directory under the temp directory, deleted on dispose.</summary>
/// <remarks>
/// It is made traversable by everyone (0755): when the tests run as root, the server runs as an unprivileged user
/// that must reach the data directories inside it.
/// </remarks>
public sealed class TempDirectory : IDisposable
{
    private readonly List<string> _alsoDelete = [];

    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("wf-localservices-").FullName;
        File.SetUnixFileMode(Path, Traversable);
    }

    public const UnixFileMode Traversable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public string Path { get; }

    /// <summary>Returns a path inside this directory (not created).</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Deletes <paramref name="path"/> too on dispose (a relocated cluster lives elsewhere).</summary>
    public void DeleteOnDispose(string path) => _alsoDelete.Add(path);

    public void Dispose()
    {
        foreach (var path in _alsoDelete.Append(Path))
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
            }
            catch (IOException)
            {
                // Best effort: a leftover temp directory must not fail a test.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
