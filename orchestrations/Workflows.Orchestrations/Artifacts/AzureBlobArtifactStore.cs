using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.Options;

namespace Workflows.Orchestrations.Artifacts;

/// <summary>
/// An <see cref="IArtifactStore"/> in an Azure Blob Storage container (or Azurite's), over the Blob service REST API
/// with Shared Key authorization: the store many hosts and GPU workers share.
/// </summary>
/// <remarks>
/// <para>
/// Hand-written because Azure.Storage.Blobs cannot be restored here. Objects are block blobs. Content up to one
/// block goes in a single Put Blob; larger content is cut into blocks (Put Block) and committed with one Put Block
/// List, which is what makes the new object visible: readers never see a partial object, and memory holds one block.
/// Create-only writes send <c>If-None-Match: *</c>, so the service picks exactly one winner.
/// </para>
/// <para>The container is created on the first write when missing. Refused requests throw <see cref="ArtifactStoreException"/>.</para>
/// </remarks>
public sealed partial class AzureBlobArtifactStore : IArtifactStore, IDisposable
{
    /// <summary>The REST API version requested (supported by Azure and by Azurite 3.37).</summary>
    internal const string ApiVersion = "2023-11-03";

    private readonly HttpClient _http;
    private readonly SharedKeySigner _signer;
    private readonly string _containerUrl;
    private readonly int _listPageSize;
    private readonly int _blockSize;
    private readonly SemaphoreSlim _containerGate = new(1, 1);
    private volatile bool _containerExists;

    /// <summary>Initializes a new instance of the <see cref="AzureBlobArtifactStore"/> class from bound options.</summary>
    /// <param name="options">The account and container.</param>
    public AzureBlobArtifactStore(IOptions<AzureBlobOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AzureBlobArtifactStore"/> class.</summary>
    /// <param name="options">The account and container.</param>
    /// <exception cref="ArgumentException">The options name no account, or an invalid container.</exception>
    public AzureBlobArtifactStore(AzureBlobOptions options)
        : this(options, new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AzureBlobArtifactStore"/> class sending through <paramref name="handler"/> (which it disposes).</summary>
    internal AzureBlobArtifactStore(AzureBlobOptions options, HttpMessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ListPageSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BlockSize, 1, nameof(options));
        var account = options.ResolveAccount();
        _signer = new SharedKeySigner(account.Name, account.Key);
        _containerUrl = $"{account.BlobEndpoint.AbsoluteUri.TrimEnd('/')}/{options.Container}";
        _listPageSize = options.ListPageSize;
        _blockSize = options.BlockSize;
        _http = new HttpClient(handler);
    }

    /// <inheritdoc />
    public async Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        ArtifactPath.Validate(path, nameof(path));
        var response = await SendAsync(HttpMethod.Get, BlobUri(path), null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                response.Dispose();
                return null;
            }

            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            var content = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new HttpResponseStream(response, content);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<ArtifactInfo?> GetInfoAsync(string path, CancellationToken cancellationToken)
    {
        ArtifactPath.Validate(path, nameof(path));
        using var response = await SendAsync(HttpMethod.Head, BlobUri(path), null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return new ArtifactInfo(
            path,
            response.Content.Headers.ContentLength ?? 0,
            response.Content.Headers.LastModified ?? DateTimeOffset.MinValue,
            response.Headers.ETag?.ToString());
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string path, CancellationToken cancellationToken)
    {
        ArtifactPath.Validate(path, nameof(path));
        using var response = await SendAsync(HttpMethod.Delete, BlobUri(path), null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    /// <remarks>Delete Blob with <c>If-Match</c>: the service compares and deletes in one step.</remarks>
    public async Task<bool> DeleteIfUnchangedAsync(string path, string etag, CancellationToken cancellationToken)
    {
        ArtifactPath.Validate(path, nameof(path));
        using var response = await SendAsync(HttpMethod.Delete, BlobUri(path), request => request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag)),
            HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    /// <remarks>Copy Blob within the account: the service copies, nothing passes through this process.</remarks>
    public async Task CopyAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        ArtifactPath.Validate(sourcePath, nameof(sourcePath));
        ArtifactPath.Validate(destinationPath, nameof(destinationPath));
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync(
            HttpMethod.Put,
            BlobUri(destinationPath),
            request => request.Headers.Add("x-ms-copy-source", BlobUri(sourcePath).AbsoluteUri),
            HttpCompletionOption.ResponseContentRead,
            cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new FileNotFoundException(
                $"Cannot copy artifact '{sourcePath}': it does not exist ({Describe(sourcePath)}).",
                Describe(sourcePath),
                await ErrorAsync(response, cancellationToken).ConfigureAwait(false));
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        await WaitForCopyAsync(destinationPath, CopyStatus(response), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public string Describe(string path)
    {
        ArtifactPath.Validate(path, nameof(path));
        return BlobUri(path).AbsoluteUri;
    }

    /// <summary>Releases the HTTP connections.</summary>
    public void Dispose() => _http.Dispose();

    private static string? CopyStatus(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-ms-copy-status", out var values) ? values.FirstOrDefault() : null;

    private static string? ErrorCode(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-ms-error-code", out var codes) ? codes.FirstOrDefault() : null;

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Turns a refused request into an exception with the status, the error code and the service's own message.</summary>
    private static async Task<ArtifactStoreException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var request = response.RequestMessage;
        var requestPath = request?.RequestUri?.AbsolutePath ?? string.Empty;
        var errorCode = ErrorCode(response);
        var detail = string.Empty;
        if (request?.Method != HttpMethod.Head)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var message = XDocument.Parse(body).Root?.Element("Message")?.Value;
                detail = message is null ? string.Empty : $": {message.ReplaceLineEndings(" ")}";
            }
            catch (XmlException)
            {
                // Not the service's XML error (a proxy, say): the status says enough.
            }
        }

        var status = (int)response.StatusCode;
        var code = errorCode is null ? string.Empty : $" ({errorCode})";
        return new ArtifactStoreException(
            string.Create(CultureInfo.InvariantCulture, $"Azure Blob Storage refused {request?.Method} {requestPath}: {status} {response.StatusCode}{code}{detail}"),
            response.StatusCode,
            errorCode,
            requestPath);
    }

    private async Task WaitForCopyAsync(string destinationPath, string? status, CancellationToken cancellationToken)
    {
        // Within one account the copy is usually done when the call returns; a large one may still be pending.
        var delay = TimeSpan.FromMilliseconds(100);
        while (status == "pending")
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            using var response = await SendAsync(HttpMethod.Head, BlobUri(destinationPath), null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            status = CopyStatus(response);
        }

        if (status is not null and not "success")
        {
            throw new ArtifactStoreException($"Copying to artifact '{destinationPath}' ended with copy status '{status}' ({Describe(destinationPath)}).");
        }
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerExists)
        {
            return;
        }

        await _containerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_containerExists)
            {
                using var response = await SendAsync(HttpMethod.Put, ContainerUri("restype=container"), null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
                if (!(response.StatusCode == HttpStatusCode.Conflict && ErrorCode(response) == "ContainerAlreadyExists"))
                {
                    await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
                }

                _containerExists = true;
            }
        }
        finally
        {
            _containerGate.Release();
        }
    }

    /// <summary>Sends a signed request; <paramref name="configure"/> adds operation headers and content before signing.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        Uri uri,
        Action<HttpRequestMessage>? configure,
        HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Add("x-ms-date", DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture));
        request.Headers.Add("x-ms-version", ApiVersion);
        configure?.Invoke(request);
        _signer.Sign(request);
        return await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
    }

    private Uri ContainerUri(string query) => new($"{_containerUrl}?{query}");

    private Uri BlobUri(string path, string? query = null)
    {
        var escaped = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        return new Uri(query is null ? $"{_containerUrl}/{escaped}" : $"{_containerUrl}/{escaped}?{query}");
    }
}
