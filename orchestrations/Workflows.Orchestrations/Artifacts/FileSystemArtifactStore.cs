using System.Globalization;
using System.Runtime.InteropServices;

namespace Workflows.Orchestrations.Artifacts;

/// <summary>An <see cref="IArtifactStore"/> in a local directory: the zero-set-up default for one machine.</summary>
/// <remarks>
/// <para>
/// Writes go to a temp file beside the target (same directory, so the same file system), are flushed to disk, and
/// are then renamed into place: rename replaces atomically, and creation without overwrite (a hard link on Linux)
/// fails when the target exists, so concurrent creators race safely. Temp files are named <c>.~*.tmp</c>; listings
/// skip them, and paths may not use that prefix.
/// </para>
/// <para>
/// No object is ever written in place, so a copy shares the source's file (a hard link, published by rename like any
/// write) and costs nothing however large the object; where links are not possible, the bytes are copied.
/// </para>
/// <para>Deleting an object leaves its (possibly empty) directories in place: removing them would race with writers creating files there.</para>
/// </remarks>
public sealed partial class FileSystemArtifactStore : IArtifactStore
{
    private const int BufferSize = 81920;

    /// <summary>Initializes a new instance of the <see cref="FileSystemArtifactStore"/> class.</summary>
    /// <param name="rootDirectory">The directory holding the objects; created on first write.</param>
    public FileSystemArtifactStore(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
    }

    /// <summary>Gets the full path of the directory holding the objects.</summary>
    public string RootDirectory { get; }

    /// <inheritdoc />
    public async Task PutAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = Resolve(path, nameof(path));
        var temp = await WriteTempFileAsync(target, content, cancellationToken).ConfigureAwait(false);
        MoveOrDelete(temp, target, overwrite: true);
    }

    /// <inheritdoc />
    public async Task<bool> TryPutNewAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = Resolve(path, nameof(path));
        if (File.Exists(target))
        {
            return false;
        }

        var temp = await WriteTempFileAsync(target, content, cancellationToken).ConfigureAwait(false);
        try
        {
            MoveOrDelete(temp, target, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(target))
        {
            // Another creator won the race.
            return false;
        }
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        var target = Resolve(path, nameof(path));
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // FileShare.Delete: an overwrite or delete replaces the name while this reader keeps the old content.
            Stream stream = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException || (ex is UnauthorizedAccessException && Directory.Exists(target)))
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    /// <inheritdoc />
    public Task<ArtifactInfo?> GetInfoAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileInfo(Resolve(path, nameof(path)));
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(file.Exists ? ToInfo(path, file) : null);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        ArtifactPath.ValidatePrefix(prefix, nameof(prefix));
        var folder = prefix[..(prefix.LastIndexOf('/') + 1)];
        return Walk(Path.Combine(RootDirectory, folder), folder, prefix, cancellationToken).ToAsyncEnumerable();
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string path, CancellationToken cancellationToken)
    {
        var target = Resolve(path, nameof(path));
        cancellationToken.ThrowIfCancellationRequested();
        if (!File.Exists(target))
        {
            return Task.FromResult(false);
        }

        File.Delete(target);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    /// <remarks>The tag is compared, then the file deleted: a rewrite between the two steps is not detected.</remarks>
    public Task<bool> DeleteIfUnchangedAsync(string path, string etag, CancellationToken cancellationToken)
    {
        var file = new FileInfo(Resolve(path, nameof(path)));
        cancellationToken.ThrowIfCancellationRequested();
        if (!file.Exists || ToInfo(path, file).ETag != etag)
        {
            return Task.FromResult(false);
        }

        file.Delete();
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public async Task CopyAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        var target = Resolve(destinationPath, nameof(destinationPath));
        var sourceFile = Resolve(sourcePath, nameof(sourcePath));
        var temp = TempBeside(target);
        if (TryLink(sourceFile, temp))
        {
            MoveOrDelete(temp, target, overwrite: true);
            return;
        }

        var source = await OpenReadAsync(sourcePath, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"Cannot copy artifact '{sourcePath}': it does not exist ({Describe(sourcePath)}).", sourceFile);
        await using (source.ConfigureAwait(false))
        {
            await PutAsync(destinationPath, source, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task MoveFileAsync(string path, string localFile, CancellationToken cancellationToken)
    {
        var target = Resolve(path, nameof(path));
        cancellationToken.ThrowIfCancellationRequested();
        var temp = TempBeside(target);
        // A rename on one file system; across two, a copy into the temp file.
        File.Move(localFile, temp);
        try
        {
            // On disk before the rename publishes it, as every write.
            using var file = File.OpenHandle(temp, FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.FlushToDisk(file);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        MoveOrDelete(temp, target, overwrite: true);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public string Describe(string path) => new Uri(Resolve(path, nameof(path))).AbsoluteUri;

    private static async Task<string> WriteTempFileAsync(string target, Stream content, CancellationToken cancellationToken)
    {
        var temp = TempBeside(target);
        try
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);

                // On disk before the rename publishes it: a crash must not leave an empty object under the final name.
                file.Flush(flushToDisk: true);
            }

            return temp;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>A fresh temp name in the target's directory (created), so renaming it over the target is atomic.</summary>
    private static string TempBeside(string target)
    {
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, $"{ArtifactPath.ReservedSegmentPrefix}{Guid.NewGuid():N}.tmp");
    }

    /// <summary>A hard link to an existing file; false where there is none to link or links are not possible (Windows, another file system).</summary>
    /// <remarks>A symbolic link someone placed in the store is copied, not linked: link() would link the symlink itself.</remarks>
    private static bool TryLink(string existing, string link) =>
        !OperatingSystem.IsWindows() && new FileInfo(existing) is { Exists: true, LinkTarget: null } && Link(existing, link) == 0;

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Link(string existing, string link);

    private static void MoveOrDelete(string temp, string target, bool overwrite)
    {
        try
        {
            File.Move(temp, target, overwrite);
        }
        finally
        {
            // Gone after a rename, except when the target was already a link to the same file (a copy done twice):
            // then the rename changes nothing and the temp link would stay behind, holding the bytes.
            File.Delete(temp);
        }
    }

    private static ArtifactInfo ToInfo(string path, FileInfo file)
    {
        var lastModified = new DateTimeOffset(file.LastWriteTimeUtc);
        var etag = string.Create(CultureInfo.InvariantCulture, $"\"{lastModified.UtcTicks:x}-{file.Length:x}\"");
        return new ArtifactInfo(path, file.Length, lastModified, etag);
    }

    /// <summary>
    /// Yields the files under <paramref name="directory"/> whose path starts with <paramref name="prefix"/>, in
    /// ordinal path order: a directory sorts as its name plus '/', exactly where its files' paths sort.
    /// </summary>
    private static IEnumerable<ArtifactInfo> Walk(string directory, string relativeDirectory, string prefix, CancellationToken cancellationToken)
    {
        FileSystemInfo[] entries;
        try
        {
            entries = new DirectoryInfo(directory).GetFileSystemInfos();
        }
        catch (DirectoryNotFoundException)
        {
            yield break;
        }

        foreach (var entry in entries.OrderBy(e => e is DirectoryInfo ? e.Name + "/" : e.Name, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = relativeDirectory + entry.Name;
            if (entry.Name.StartsWith(ArtifactPath.ReservedSegmentPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (entry is DirectoryInfo && (relative + "/").StartsWith(prefix, StringComparison.Ordinal))
            {
                foreach (var nested in Walk(entry.FullName, relative + "/", prefix, cancellationToken))
                {
                    yield return nested;
                }
            }
            else if (entry is FileInfo file && relative.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return ToInfo(relative, file);
            }
        }
    }

    private string Resolve(string path, string parameterName)
    {
        ArtifactPath.Validate(path, parameterName);
        return Path.Combine(RootDirectory, path.Replace('/', Path.DirectorySeparatorChar));
    }
}
