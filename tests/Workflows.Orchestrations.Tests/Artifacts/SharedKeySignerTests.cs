using System.Net.Http.Headers;
using Workflows.Orchestrations.Artifacts;

namespace Workflows.Orchestrations.Tests.Artifacts;

/// <summary>The string to sign, checked against the Shared Key specification's rules.</summary>
public sealed class SharedKeySignerTests
{
    [Fact]
    public void A_path_style_url_puts_the_account_twice_in_the_canonicalized_resource()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:10000/devstoreaccount1/models/iris/model.onnx");
        request.Headers.Add("x-ms-version", "2023-11-03");
        request.Headers.Add("x-ms-date", "Sun, 22 Nov 2026 02:09:40 GMT");

        Assert.Equal(
            "GET\n\n\n\n\n\n\n\n\n\n\n\n" +
            "x-ms-date:Sun, 22 Nov 2026 02:09:40 GMT\nx-ms-version:2023-11-03\n" +
            "/devstoreaccount1/devstoreaccount1/models/iris/model.onnx",
            SharedKeySigner.StringToSign(request, "devstoreaccount1"));
    }

    [Fact]
    public void Query_parameters_are_lowercased_decoded_sorted_and_listed_one_per_line()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://acct.blob.core.windows.net/models?restype=container&comp=list&prefix=runs%2F1%20a&Marker=m");
        request.Headers.Add("x-ms-version", "2023-11-03");

        Assert.EndsWith(
            "x-ms-version:2023-11-03\n/acct/models\ncomp:list\nmarker:m\nprefix:runs/1 a\nrestype:container",
            SharedKeySigner.StringToSign(request, "acct"));
    }

    [Fact]
    public void Content_headers_and_conditions_take_their_fixed_places()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "https://acct.blob.core.windows.net/c/b?comp=blocklist")
        {
            Content = new StringContent("<BlockList/>", System.Text.Encoding.UTF8, "application/xml"),
        };
        request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        request.Headers.Add("X-MS-Version", "2023-11-03");

        Assert.Equal(
            "PUT\n\n\n12\n\napplication/xml; charset=utf-8\n\n\n\n*\n\n\nx-ms-version:2023-11-03\n/acct/c/b\ncomp:blocklist",
            SharedKeySigner.StringToSign(request, "acct"));
    }

    [Fact]
    public void Empty_content_signs_an_empty_length()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "https://acct.blob.core.windows.net/c?restype=container")
        {
            Content = new ByteArrayContent([]),
        };

        Assert.StartsWith("PUT\n\n\n\n", SharedKeySigner.StringToSign(request, "acct"));
    }
}
