using System.Security.Cryptography;
using System.Text;

namespace Workflows.Orchestrations.Tests.Artifacts;

/// <summary>Content for store tests: small byte arrays, and large streams that are generated, never held in memory.</summary>
internal static class TestContent
{
    public static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    public static async Task<string> ReadTextAsync(Stream? stream, CancellationToken cancellationToken)
    {
        Assert.NotNull(stream);
        await using (stream)
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return await reader.ReadToEndAsync(cancellationToken);
        }
    }

    /// <summary>Hashes a stream as it is read, so a large object is checked without holding it.</summary>
    public static async Task<(long Length, string Sha256)> HashAsync(Stream? stream, CancellationToken cancellationToken)
    {
        Assert.NotNull(stream);
        await using (stream)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            long length = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                length += read;
            }

            return (length, Convert.ToHexString(hash.GetHashAndReset()));
        }
    }
}
