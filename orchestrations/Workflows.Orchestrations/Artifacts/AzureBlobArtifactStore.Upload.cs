using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;

namespace Workflows.Orchestrations.Artifacts;

/// <summary>Uploads: one Put Blob for small content, Put Block and Put Block List for large.</summary>
public sealed partial class AzureBlobArtifactStore
{
    /// <inheritdoc />
    public async Task PutAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        ArtifactPath.Validate(path, nameof(path));
        ArgumentNullException.ThrowIfNull(content);
        await UploadAsync(path, content, createOnly: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task MoveFileAsync(string path, string localFile, CancellationToken cancellationToken)
    {
        var file = File.OpenRead(localFile);
        await using (file.ConfigureAwait(false))
        {
            await PutAsync(path, file, cancellationToken).ConfigureAwait(false);
        }

        File.Delete(localFile);
    }

    /// <inheritdoc />
    public Task<bool> TryPutNewAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        ArtifactPath.Validate(path, nameof(path));
        ArgumentNullException.ThrowIfNull(content);
        return UploadAsync(path, content, createOnly: true, cancellationToken);
    }

    /// <returns>False when <paramref name="createOnly"/> and the blob already existed.</returns>
    private async Task<bool> UploadAsync(string path, Stream content, bool createOnly, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);

        // A seekable source says how much is left: a small object then needs no block-sized buffer.
        var firstRead = content.CanSeek ? (int)Math.Clamp(content.Length - content.Position, 0, _blockSize) : _blockSize;
        var buffer = ArrayPool<byte>.Shared.Rent(firstRead);
        try
        {
            var filled = await content.ReadAtLeastAsync(buffer.AsMemory(0, firstRead), firstRead, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (filled < _blockSize)
            {
                return await PutBlobAsync(path, buffer.AsMemory(0, filled), createOnly, cancellationToken).ConfigureAwait(false);
            }

            // Block ids are unique to this upload, so concurrent uploads of one path never mix their blocks.
            var uploadId = Guid.NewGuid().ToString("N");
            var blockIds = new List<string>();
            while (filled > 0)
            {
                var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{uploadId}-{blockIds.Count:D6}")));
                await PutBlockAsync(path, blockId, buffer.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
                blockIds.Add(blockId);
                filled = await content.ReadAtLeastAsync(buffer.AsMemory(0, _blockSize), _blockSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            }

            return await PutBlockListAsync(path, blockIds, createOnly, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<bool> PutBlobAsync(string path, ReadOnlyMemory<byte> content, bool createOnly, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            HttpMethod.Put,
            BlobUri(path),
            request =>
            {
                request.Content = new ReadOnlyMemoryContent(content);
                request.Headers.Add("x-ms-blob-type", "BlockBlob");
                IfAbsent(request, createOnly);
            },
            HttpCompletionOption.ResponseContentRead,
            cancellationToken).ConfigureAwait(false);
        return await CreatedAsync(response, createOnly, cancellationToken).ConfigureAwait(false);
    }

    private async Task PutBlockAsync(string path, string blockId, ReadOnlyMemory<byte> block, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            HttpMethod.Put,
            BlobUri(path, $"comp=block&blockid={Uri.EscapeDataString(blockId)}"),
            request => request.Content = new ReadOnlyMemoryContent(block),
            HttpCompletionOption.ResponseContentRead,
            cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Commits the blocks: the moment the new content becomes visible, all at once.</summary>
    private async Task<bool> PutBlockListAsync(string path, IReadOnlyList<string> blockIds, bool createOnly, CancellationToken cancellationToken)
    {
        var blockList = new XDocument(new XElement("BlockList", blockIds.Select(id => new XElement("Latest", id))));
        using var response = await SendAsync(
            HttpMethod.Put,
            BlobUri(path, "comp=blocklist"),
            request =>
            {
                request.Content = new StringContent(blockList.ToString(SaveOptions.DisableFormatting), Encoding.UTF8, "application/xml");
                IfAbsent(request, createOnly);
            },
            HttpCompletionOption.ResponseContentRead,
            cancellationToken).ConfigureAwait(false);

        // A blob committed meanwhile by another writer discards this upload's uncommitted blocks.
        if (createOnly && response.StatusCode == HttpStatusCode.BadRequest && ErrorCode(response) == "InvalidBlockList"
            && await GetInfoAsync(path, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        return await CreatedAsync(response, createOnly, cancellationToken).ConfigureAwait(false);
    }

    private static void IfAbsent(HttpRequestMessage request, bool createOnly)
    {
        if (createOnly)
        {
            request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        }
    }

    /// <summary>True when the write happened; false when a create-only write found the blob there (409 or 412).</summary>
    private static async Task<bool> CreatedAsync(HttpResponseMessage response, bool createOnly, CancellationToken cancellationToken)
    {
        if (createOnly && response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
