namespace Workflows.Functions.Triggers;

/// <summary>
/// The Azure Blob container watched for drops (Azurite locally); bound from host.json's <c>workflows:blobDrop</c>.
/// Blobs named <c>&lt;dataset&gt;/...</c> become versions of that dataset. Off unless a connection string is set.
/// </summary>
public sealed class BlobDropOptions
{
    public const string SectionName = "workflows:blobDrop";

    /// <summary>An Azure Storage connection string (Azure's format); null or empty turns the blob trigger off.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The container to watch.</summary>
    public string Container { get; set; } = "drop";
}
