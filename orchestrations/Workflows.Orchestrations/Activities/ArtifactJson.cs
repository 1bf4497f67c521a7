using System.Text.Json;
using Workflows.Orchestrations.Artifacts;

namespace Workflows.Orchestrations.Activities;

/// <summary>JSON documents in the artifact store, in the web shape the API serves, and whole files to and from it.</summary>
internal static class ArtifactJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task PutAsync<T>(this IArtifactStore store, string path, T value, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value, Options));
        await store.PutAsync(path, buffer, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<string> ReadTextAsync(this IArtifactStore store, string path, CancellationToken cancellationToken)
    {
        var stream = await store.OpenReadAsync(path, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"Artifact '{store.Describe(path)}' is missing.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies an artifact to a local file and returns the file's path.</summary>
    public static async Task<string> GetFileAsync(this IArtifactStore store, string path, string localFile, CancellationToken cancellationToken)
    {
        var source = await store.OpenReadAsync(path, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"Artifact '{store.Describe(path)}' is missing.");
        await using (source.ConfigureAwait(false))
        {
            var file = File.Create(localFile);
            await using (file.ConfigureAwait(false))
            {
                await source.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }
        }

        return localFile;
    }

    public static async Task PutFileAsync(this IArtifactStore store, string path, string localFile, CancellationToken cancellationToken)
    {
        var file = File.OpenRead(localFile);
        await using (file.ConfigureAwait(false))
        {
            await store.PutAsync(path, file, cancellationToken).ConfigureAwait(false);
        }
    }
}
