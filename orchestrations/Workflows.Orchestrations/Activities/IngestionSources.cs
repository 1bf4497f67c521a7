using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Platform;

namespace Workflows.Orchestrations.Activities;

/// <summary>
/// Reads, archives and removes the files ingestions start from: drop-folder files, uploads and drop-container blobs.
/// A file is first moved out of the drop into <c>claimed/&lt;ingestion&gt;/</c>, and a blob is deleted only in the
/// version handed over, so a file written later under the same name gets an ingestion of its own and is never
/// moved or deleted by this one.
/// </summary>
/// <param name="options">The data directory.</param>
/// <param name="dropContainer">The blob container watched for drops; null when none is configured.</param>
public sealed class IngestionSources(PlatformOptions options, IArtifactStore? dropContainer)
{
    /// <summary>The drop container, or an error saying none is configured.</summary>
    private IArtifactStore DropContainer => dropContainer ?? throw new InvalidOperationException("No blob drop container is configured (workflows:blobDrop in host.json).");

    /// <summary>The file as a local path: the claimed file, or a blob downloaded into <paramref name="workDirectory"/>.</summary>
    public async Task<string> GetLocalFileAsync(IngestionRequest request, string workDirectory, CancellationToken cancellationToken)
    {
        if (request.Kind == SourceKind.File)
        {
            return Claim(request);
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

    /// <summary>Whether the file is still there: claimed or in the drop, or the blob in its container.</summary>
    public async Task<bool> ExistsAsync(IngestionRequest request, CancellationToken cancellationToken) =>
        request.Kind == SourceKind.File
            ? File.Exists(ClaimedPath(request)) || File.Exists(request.Location)
            : await DropContainer.GetInfoAsync(request.Location, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Takes an ingested file out of the drop: a file moves to <c>processed/&lt;dataset&gt;/</c>, a blob is deleted (its canonical content is registered).</summary>
    public async Task RemoveFromDropAsync(IngestionRequest request, CancellationToken cancellationToken)
    {
        if (request.Kind == SourceKind.Blob)
        {
            await DeleteBlobAsync(request, cancellationToken).ConfigureAwait(false);
            return;
        }

        var claimed = ClaimedPath(request);
        if (File.Exists(claimed))
        {
            var target = Path.Combine(options.ProcessedDirectory, request.Dataset, $"{request.IngestionId}-{Path.GetFileName(request.Location)}");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(claimed, target, overwrite: true);
        }

        DeleteClaimDirectory(request);
    }

    /// <summary>Deletes a quarantined file once its copy is safe in the artifact store.</summary>
    public async Task DeleteFromDropAsync(IngestionRequest request, CancellationToken cancellationToken)
    {
        if (request.Kind == SourceKind.Blob)
        {
            await DeleteBlobAsync(request, cancellationToken).ConfigureAwait(false);
            return;
        }

        DeleteClaimDirectory(request);
    }

    /// <summary>
    /// Deletes the dropped blob, but only the version handed over: a blob rewritten meanwhile stays in the drop, and
    /// its new version gets an ingestion of its own.
    /// </summary>
    private Task<bool> DeleteBlobAsync(IngestionRequest request, CancellationToken cancellationToken) =>
        request.SourceVersion is { } etag
            ? DropContainer.DeleteIfUnchangedAsync(request.Location, etag, cancellationToken)
            : DropContainer.DeleteAsync(request.Location, cancellationToken);

    /// <summary>Where an ingestion keeps the file it took out of the drop.</summary>
    public static string ClaimedPath(PlatformOptions options, string ingestionId, string location) =>
        Path.Combine(options.DataDirectory, "claimed", ingestionId, Path.GetFileName(location));

    private string ClaimedPath(IngestionRequest request) => ClaimedPath(options, request.IngestionId, request.Location);

    /// <summary>Moves the file out of the drop, once; a retried attempt finds it claimed already.</summary>
    private string Claim(IngestionRequest request)
    {
        var claimed = ClaimedPath(request);
        if (!File.Exists(claimed))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(claimed)!);
            File.Move(request.Location, claimed);
        }

        return claimed;
    }

    private void DeleteClaimDirectory(IngestionRequest request)
    {
        var directory = Path.GetDirectoryName(ClaimedPath(request))!;
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
