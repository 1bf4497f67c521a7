using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace Workflows.Orchestrations.Artifacts;

/// <summary>Listing: List Blobs with a prefix, following the continuation marker page by page.</summary>
public sealed partial class AzureBlobArtifactStore
{
    /// <inheritdoc />
    public IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        // Validated here, not in the iterator, so a bad prefix throws at the call like it does for every other method.
        ArtifactPath.ValidatePrefix(prefix, nameof(prefix));
        return ListPagesAsync(prefix, cancellationToken);
    }

    private async IAsyncEnumerable<ArtifactInfo> ListPagesAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? marker = null;
        do
        {
            var (items, nextMarker) = await ListPageAsync(prefix, marker, cancellationToken).ConfigureAwait(false);
            foreach (var item in items)
            {
                yield return item;
            }

            marker = nextMarker;
        }
        while (!string.IsNullOrEmpty(marker));
    }

    /// <summary>Reads one page, releasing the connection before the caller sees its items.</summary>
    private async Task<(IReadOnlyList<ArtifactInfo> Items, string? NextMarker)> ListPageAsync(string prefix, string? marker, CancellationToken cancellationToken)
    {
        var query = string.Create(CultureInfo.InvariantCulture, $"restype=container&comp=list&maxresults={_listPageSize}");
        if (prefix.Length > 0)
        {
            query += $"&prefix={Uri.EscapeDataString(prefix)}";
        }

        if (marker is not null)
        {
            query += $"&marker={Uri.EscapeDataString(marker)}";
        }

        using var response = await SendAsync(HttpMethod.Get, ContainerUri(query), null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound && ErrorCode(response) == "ContainerNotFound")
        {
            // Nothing was ever written.
            return ([], null);
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var document = await XDocument.LoadAsync(body, LoadOptions.None, cancellationToken).ConfigureAwait(false);
            var results = document.Root ?? throw new ArtifactStoreException("List Blobs answered an empty document.");
            var items = results.Element("Blobs")?.Elements("Blob").Select(ToInfo).ToList() ?? [];
            return (items, results.Element("NextMarker")?.Value);
        }
    }

    private static ArtifactInfo ToInfo(XElement blob)
    {
        var properties = blob.Element("Properties");
        var etag = properties?.Element("Etag")?.Value;
        var lastModified = properties?.Element("Last-Modified")?.Value;
        return new ArtifactInfo(
            blob.Element("Name")?.Value ?? throw new ArtifactStoreException("List Blobs answered a blob without a name."),
            long.Parse(properties?.Element("Content-Length")?.Value ?? "0", CultureInfo.InvariantCulture),
            lastModified is null ? DateTimeOffset.MinValue : DateTimeOffset.ParseExact(lastModified, "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),

            // Listings give the tag bare, headers quoted: quote it so both compare equal.
            etag is null || etag.StartsWith('"') ? etag : $"\"{etag}\"");
    }
}
