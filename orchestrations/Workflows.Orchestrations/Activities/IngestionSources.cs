using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Platform;

namespace Workflows.Orchestrations.Activities;

/// <summary>Reads, archives and removes the files ingestions start from: drop-folder files and drop-container blobs.</summary>
/// <param name="options">The data directory.</param>
/// <param name="dropContainer">The blob container watched for drops; null when none is configured.</param>
public sealed class IngestionSources(PlatformOptions options, IArtifactStore? dropContainer)
{
    /// <summary>The drop container, or an error saying none is configured.</summary>
    private IArtifactStore DropContainer => dropContainer ?? throw new InvalidOperationException("No blob drop container is configured (workflows:blobDrop in host.json).");

    /// <summary>The file as a local path: the file itself, or a blob downloaded into <paramref name="workDirectory"/>.</summary>
    public async Task<string> GetLocalFileAsync(IngestionRequest request, string workDirectory, CancellationToken cancellationToken)
    {
        if (request.Kind == SourceKind.File)
        {
            return request.Location;
        }

        Directory.CreateDirectory(workDirectory);
        var local = Path.Combine(workDirectory, "source" + Path.GetExtension(request.Location));
        var blob = await DropContainer.OpenReadAsync(request.Location, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"Blob '{request.Location}' is no longer in the drop container.");
        await using (blob.ConfigureAwait(false))
        {
            var file = File.Create(local);
            await using (file.ConfigureAwait(false))
            {
                await blob.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }
        }

        return local;
    }

    /// <summary>Whether the file is still where it was dropped.</summary>
    public async Task<bool> ExistsAsync(IngestionRequest request, CancellationToken cancellationToken) =>
        request.Kind == SourceKind.File
            ? File.Exists(request.Location)
            : await DropContainer.GetInfoAsync(request.Location, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>
    /// Takes an ingested file out of the drop: a drop-folder file moves to <c>processed/&lt;dataset&gt;/</c>, a blob is deleted
    /// (its canonical content is registered). A file given by path from elsewhere (CLI, upload) is left alone.
    /// </summary>
    public async Task RemoveFromDropAsync(IngestionRequest request, CancellationToken cancellationToken)
    {
        if (request.Kind == SourceKind.Blob)
        {
            await DropContainer.DeleteAsync(request.Location, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!IsInDropFolder(request.Location) || !File.Exists(request.Location))
        {
            return;
        }

        var target = Path.Combine(options.ProcessedDirectory, request.Dataset, $"{request.IngestionId}-{Path.GetFileName(request.Location)}");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(request.Location, target, overwrite: true);
    }

    /// <summary>Deletes a quarantined file from the drop once its copy is safe in the artifact store.</summary>
    public async Task DeleteFromDropAsync(IngestionRequest request, CancellationToken cancellationToken)
    {
        if (request.Kind == SourceKind.Blob)
        {
            await DropContainer.DeleteAsync(request.Location, cancellationToken).ConfigureAwait(false);
        }
        else if (IsInDropFolder(request.Location))
        {
            File.Delete(request.Location);
        }
    }

    private bool IsInDropFolder(string path) =>
        Path.GetFullPath(path).StartsWith(Path.GetFullPath(options.DropDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
