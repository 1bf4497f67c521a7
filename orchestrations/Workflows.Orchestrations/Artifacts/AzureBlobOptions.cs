namespace Workflows.Orchestrations.Artifacts;

/// <summary>
/// Where an <see cref="AzureBlobArtifactStore"/> keeps its objects: a storage account, given as a connection string
/// or as endpoint, name and key, and a container in it. Binds from configuration (for example <c>Artifacts:Azure</c>).
/// </summary>
public sealed record AzureBlobOptions
{
    /// <summary>The container used when none is configured.</summary>
    public const string DefaultContainer = "artifacts";

    /// <summary>
    /// Gets a storage connection string (<c>DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...;</c>, with an
    /// optional <c>BlobEndpoint</c> or <c>EndpointSuffix</c>). When set, it wins over the three properties below.
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary>Gets the blob service endpoint, such as <c>https://acct.blob.core.windows.net</c> or Azurite's <c>http://127.0.0.1:10000/devstoreaccount1</c>.</summary>
    public Uri? BlobEndpoint { get; init; }

    /// <summary>Gets the storage account name (signs every request).</summary>
    public string? AccountName { get; init; }

    /// <summary>Gets the base64 storage account key (signs every request).</summary>
    public string? AccountKey { get; init; }

    /// <summary>Gets the container holding the objects; it is created on first write when missing.</summary>
    public string Container { get; init; } = DefaultContainer;

    /// <summary>Gets the most objects one List Blobs call returns (the service's maximum is 5,000); tests page with less.</summary>
    internal int ListPageSize { get; init; } = 5000;

    /// <summary>
    /// Gets the size of the blocks a large upload is cut into. Content up to this size goes in one Put Blob; larger
    /// content streams through one block-sized buffer, so memory stays bounded whatever the object's size.
    /// </summary>
    internal int BlockSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>Builds options from a storage connection string, checking it now rather than at first use.</summary>
    /// <param name="connectionString">The connection string, for example <c>EmbeddedAzurite.ConnectionString</c>.</param>
    /// <param name="container">The container holding the objects.</param>
    /// <returns>The options, with <see cref="BlobEndpoint"/>, <see cref="AccountName"/> and <see cref="AccountKey"/> filled in.</returns>
    /// <exception cref="ArgumentException">The connection string lacks the account, its key or an endpoint, or is malformed.</exception>
    public static AzureBlobOptions FromConnectionString(string connectionString, string container = DefaultContainer)
    {
        var account = StorageAccount.Parse(connectionString);
        return new AzureBlobOptions
        {
            BlobEndpoint = account.BlobEndpoint,
            AccountName = account.Name,
            AccountKey = Convert.ToBase64String(account.Key),
            Container = container,
        };
    }

    /// <summary>Resolves the account these options name, and checks the container name; throws <see cref="ArgumentException"/> saying what is missing.</summary>
    internal StorageAccount ResolveAccount()
    {
        if (Container is not { Length: >= 3 and <= 63 } || !Container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            || Container.StartsWith('-') || Container.EndsWith('-') || Container.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Container name '{Container}' is invalid: use 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.",
                nameof(Container));
        }

        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return StorageAccount.Parse(ConnectionString);
        }

        if (BlobEndpoint is null || string.IsNullOrWhiteSpace(AccountName) || string.IsNullOrWhiteSpace(AccountKey))
        {
            throw new ArgumentException(
                $"Azure Blob artifact storage needs {nameof(ConnectionString)}, or all of {nameof(BlobEndpoint)}, {nameof(AccountName)} and {nameof(AccountKey)}.");
        }

        return new StorageAccount(BlobEndpoint, AccountName, StorageAccount.DecodeKey(AccountKey));
    }
}
