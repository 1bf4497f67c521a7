using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Workflows.Orchestrations.Artifacts;

/// <summary>
/// Signs Blob service requests with Shared Key authorization (the scheme of the Azure Storage REST API, version
/// 2009-09-19 and later): HMAC-SHA256 of a canonical string built from the request, keyed with the account key.
/// </summary>
/// <remarks>
/// Hand-written because Azure.Storage.Blobs cannot be restored here. The canonicalized resource is
/// <c>/account</c> followed by the URL path as sent; for path-style endpoints (Azurite) that path already starts with
/// the account, giving <c>/devstoreaccount1/devstoreaccount1/container/blob</c>, as the specification requires.
/// </remarks>
internal sealed class SharedKeySigner(string accountName, byte[] accountKey)
{
    /// <summary>The standard headers in the order the string to sign lists them.</summary>
    private static readonly string[] _standardHeaders =
    [
        "Content-Encoding", "Content-Language", "Content-Length", "Content-MD5", "Content-Type", "Date",
        "If-Modified-Since", "If-Match", "If-None-Match", "If-Unmodified-Since", "Range",
    ];

    /// <summary>Adds the <c>Authorization</c> header; call it last, after every header and the content are set.</summary>
    public void Sign(HttpRequestMessage request)
    {
        var signature = HMACSHA256.HashData(accountKey, Encoding.UTF8.GetBytes(StringToSign(request, accountName)));
        request.Headers.Authorization = new AuthenticationHeaderValue("SharedKey", $"{accountName}:{Convert.ToBase64String(signature)}");
    }

    /// <summary>Builds the string to sign for <paramref name="request"/>.</summary>
    internal static string StringToSign(HttpRequestMessage request, string accountName)
    {
        var builder = new StringBuilder(request.Method.Method).Append('\n');
        foreach (var header in _standardHeaders)
        {
            builder.Append(StandardHeaderValue(request, header)).Append('\n');
        }

        var storageHeaders = request.Headers
            .Where(h => h.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: CollapseWhitespace(string.Join(',', h.Value))))
            .OrderBy(h => h.Name, StringComparer.Ordinal);
        foreach (var (name, value) in storageHeaders)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        builder.Append('/').Append(accountName).Append(uri.AbsolutePath);
        var parameters = uri.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .GroupBy(p => Uri.UnescapeDataString(p[0]).ToLowerInvariant(), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            builder.Append('\n').Append(parameter.Key).Append(':').AppendJoin(',', parameter.Order(StringComparer.Ordinal));
        }

        return builder.ToString();
    }

    private static string StandardHeaderValue(HttpRequestMessage request, string name)
    {
        if (name == "Content-Length")
        {
            // Since version 2015-02-21 a zero length signs as empty.
            return request.Content?.Headers.ContentLength is long length and > 0 ? length.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
        }

        return request.Headers.TryGetValues(name, out var values) || (request.Content?.Headers.TryGetValues(name, out values) ?? false)
            ? string.Join(',', values)
            : string.Empty;
    }

    private static string CollapseWhitespace(string value) => string.Join(' ', value.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
