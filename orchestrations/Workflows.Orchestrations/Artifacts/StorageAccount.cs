namespace Workflows.Orchestrations.Artifacts;

/// <summary>A storage account's blob endpoint and its shared key, parsed from Azure's connection-string format.</summary>
/// <param name="BlobEndpoint">The blob service endpoint (path-style for Azurite: <c>http://host:port/account</c>).</param>
/// <param name="Name">The account name.</param>
/// <param name="Key">The decoded account key.</param>
internal sealed record StorageAccount(Uri BlobEndpoint, string Name, byte[] Key)
{
    /// <summary>
    /// Parses <c>AccountName</c>, <c>AccountKey</c> and either <c>BlobEndpoint</c> or <c>DefaultEndpointsProtocol</c>
    /// with an optional <c>EndpointSuffix</c>. Messages never quote the key.
    /// </summary>
    public static StorageAccount Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split at the first '=' only: base64 keys end with '='.
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"The storage connection string has a malformed part '{part.Split('=')[0]}': expected Name=Value.", nameof(connectionString));
            }

            settings[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (settings.ContainsKey("SharedAccessSignature") && !settings.ContainsKey("AccountKey"))
        {
            throw new ArgumentException("The storage connection string uses a SharedAccessSignature; the artifact store signs with the account key: give AccountName and AccountKey.", nameof(connectionString));
        }

        if (!settings.TryGetValue("AccountName", out var name) || name.Length == 0 || !settings.TryGetValue("AccountKey", out var key) || key.Length == 0)
        {
            throw new ArgumentException("The storage connection string needs AccountName and AccountKey.", nameof(connectionString));
        }

        Uri endpoint;
        if (settings.TryGetValue("BlobEndpoint", out var blobEndpoint))
        {
            if (!Uri.TryCreate(blobEndpoint, UriKind.Absolute, out endpoint!) || endpoint.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"The storage connection string's BlobEndpoint '{blobEndpoint}' is not an http(s) URL.", nameof(connectionString));
            }
        }
        else
        {
            var protocol = settings.GetValueOrDefault("DefaultEndpointsProtocol", "https");
            var suffix = settings.GetValueOrDefault("EndpointSuffix", "core.windows.net");
            endpoint = new Uri($"{protocol}://{name}.blob.{suffix}");
        }

        return new StorageAccount(endpoint, name, DecodeKey(key));
    }

    /// <summary>Decodes a base64 account key, with an error that does not quote it.</summary>
    public static byte[] DecodeKey(string accountKey)
    {
        try
        {
            return Convert.FromBase64String(accountKey);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("The storage account key is not valid base64.", nameof(accountKey), ex);
        }
    }
}
