namespace Workflows.Orchestrations.Artifacts;

/// <summary>
/// Immutable-by-convention binary objects (datasets, models, reports) addressed by '/'-separated relative paths
/// such as <c>datasets/iris/3f2a.../data.csv</c>. Activities pass these paths between each other instead of payloads.
/// </summary>
/// <remarks>
/// Implementations: <see cref="FileSystemArtifactStore"/> (a directory, the local default) and
/// <see cref="AzureBlobArtifactStore"/> (a blob container, shared by many hosts and workers). Paths are validated
/// the same way by both: no leading '/', no backslashes, no empty, '.' or '..' segments, and no segment starting
/// with '.~' (reserved for in-flight writes); an invalid path throws <see cref="ArgumentException"/>.
/// </remarks>
public interface IArtifactStore
{
    /// <summary>
    /// Writes <paramref name="content"/> (from its current position to its end) to <paramref name="path"/>,
    /// replacing any existing object. Atomic: readers see the old object or the new one, never a partial one.
    /// </summary>
    Task PutAsync(string path, Stream content, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> only if nothing is there yet. Among concurrent
    /// creators of one path exactly one wins. Atomic like <see cref="PutAsync"/>.
    /// </summary>
    /// <returns>True when this call created the object; false when it already existed (left unchanged).</returns>
    Task<bool> TryPutNewAsync(string path, Stream content, CancellationToken cancellationToken);

    /// <summary>Opens the object at <paramref name="path"/> for streaming reads; the caller disposes the stream.</summary>
    /// <returns>The content, or null when there is no such object.</returns>
    Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken);

    /// <summary>Returns the object's length, modification time and entity tag.</summary>
    /// <returns>The information, or null when there is no such object.</returns>
    Task<ArtifactInfo?> GetInfoAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Lists the objects whose path starts with <paramref name="prefix"/> (a plain string prefix: <c>runs/1</c>
    /// matches <c>runs/10/model.onnx</c>; end it with '/' for a folder), in ordinal path order. An empty prefix
    /// lists everything.
    /// </summary>
    IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes the object at <paramref name="path"/>.</summary>
    /// <returns>True when an object was deleted; false when there was none.</returns>
    Task<bool> DeleteAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the object at <paramref name="path"/> only while its entity tag is still <paramref name="etag"/> (from
    /// <see cref="GetInfoAsync"/> or a listing), so a newer object written under the same path is never deleted unseen.
    /// </summary>
    /// <returns>True when the object was deleted; false when it was rewritten since, or is gone.</returns>
    Task<bool> DeleteIfUnchangedAsync(string path, string etag, CancellationToken cancellationToken);

    /// <summary>
    /// Copies the object at <paramref name="sourcePath"/> to <paramref name="destinationPath"/>, replacing any
    /// object there, atomically like <see cref="PutAsync"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no object at <paramref name="sourcePath"/>.</exception>
    Task CopyAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a local file the caller owns (a work file it wrote) to <paramref name="path"/>, replacing any object there,
    /// atomically like <see cref="PutAsync"/>; the local file is gone afterwards. A store on the same file system takes
    /// the file itself instead of copying its bytes.
    /// </summary>
    Task MoveFileAsync(string path, string localFile, CancellationToken cancellationToken);

    /// <summary>Returns where the object at <paramref name="path"/> lives, as a URI for people and logs (no credentials).</summary>
    string Describe(string path);
}
