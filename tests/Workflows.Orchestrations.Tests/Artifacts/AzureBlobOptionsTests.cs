using Workflows.Orchestrations.Artifacts;

namespace Workflows.Orchestrations.Tests.Artifacts;

/// <summary>Connection strings and options: what is accepted, and what is refused with a message that never quotes the key.</summary>
public sealed class AzureBlobOptionsTests
{
    private const string Key = "a2V5LWJ5dGVzLWZvci10ZXN0cw==";

    [Fact]
    public void An_azurite_connection_string_gives_its_path_style_endpoint()
    {
        var options = AzureBlobOptions.FromConnectionString(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
            "models");

        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), options.BlobEndpoint);
        Assert.Equal("devstoreaccount1", options.AccountName);
        Assert.Equal(Key, options.AccountKey);
        Assert.Equal("models", options.Container);
    }

    [Fact]
    public void Without_a_blob_endpoint_the_account_and_suffix_make_one()
    {
        var options = AzureBlobOptions.FromConnectionString($"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal(new Uri("https://acct.blob.core.chinacloudapi.cn"), options.BlobEndpoint);
        Assert.Equal(AzureBlobOptions.DefaultContainer, options.Container);
    }

    [Theory]
    [InlineData("AccountName=acct", "AccountName and AccountKey")]
    [InlineData("AccountName=acct;SharedAccessSignature=sv=2020&sig=abc", "SharedAccessSignature")]
    [InlineData("AccountName=acct;AccountKey=not base64!", "not valid base64")]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";BlobEndpoint=ftp://x", "BlobEndpoint")]
    [InlineData("garbage", "malformed")]
    public void Bad_connection_strings_are_refused_saying_what_is_wrong(string connectionString, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => AzureBlobOptions.FromConnectionString(connectionString));

        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain(Key, error.Message);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Upper")]
    [InlineData("double--hyphen")]
    [InlineData("-leading")]
    public void Invalid_container_names_are_refused(string container)
    {
        var options = new AzureBlobOptions { BlobEndpoint = new Uri("https://acct.blob.core.windows.net"), AccountName = "acct", AccountKey = Key, Container = container };

        var error = Assert.Throws<ArgumentException>(() => new AzureBlobArtifactStore(options));
        Assert.Contains(container, error.Message);
    }

    [Fact]
    public void Options_without_an_account_say_what_is_needed()
    {
        var error = Assert.Throws<ArgumentException>(() => new AzureBlobArtifactStore(new AzureBlobOptions()));

        Assert.Contains(nameof(AzureBlobOptions.ConnectionString), error.Message);
        Assert.Contains(nameof(AzureBlobOptions.AccountKey), error.Message);
    }
}
