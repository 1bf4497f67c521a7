using System.Security.Cryptography;
using System.Text;

namespace Workflows.Orchestrations.Tests.Datasets;

public sealed class CanonicalHashTests : IDisposable
{
    private const string Plain = "a,b,flag,label\n1,2.5,true,x\n2,3,false,\"y,z\"\n";

    private readonly DatasetFixture _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<string, byte[]> SameData => new()
    {
        { "CRLF line ends", Utf8(Plain.Replace("\n", "\r\n", StringComparison.Ordinal)) },
        { "byte order mark", [0xEF, 0xBB, 0xBF, .. Utf8(Plain)] },
        { "every field quoted", Utf8("\"a\",\"b\",\"flag\",\"label\"\n\"1\",\"2.5\",\"true\",\"x\"\n\"2\",\"3\",\"false\",\"y,z\"\n") },
        { "1.0 for 1 and 2.50 for 2.5", Utf8("a,b,flag,label\n1,2.50,true,x\n2,3.0,false,\"y,z\"\n") },
        { "exponents and signs", Utf8("a,b,flag,label\n1,+0.25e1,TRUE,x\n2,3e0,False,\"y,z\"\n") },
        { "no final line end and blank lines", Utf8("a,b,flag,label\n\n1,2.5,true,x\r\n2,3,false,\"y,z\"") },
        { "spaces around numbers", Utf8("a,b,flag,label\n 1,2.5 ,true,x\n2,  3,false,\"y,z\"\n") },
    };

    [Theory]
    [MemberData(nameof(SameData))]
    public async Task The_same_data_in_another_formatting_hashes_the_same(string formatting, byte[] content)
    {
        var reference = await _files.InspectAsync("plain.csv", Plain);
        var other = await _files.InspectPathAsync(_files.WriteBytes(formatting.Replace(' ', '-') + ".csv", content));

        Assert.True(other.Passed, other.Report.ToText());
        Assert.Equal(reference.ContentSha256, other.ContentSha256);
        var canonical = await File.ReadAllBytesAsync(_files.Canonical("plain.csv"), TestContext.Current.CancellationToken);
        Assert.Equal(Plain, Encoding.UTF8.GetString(canonical));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(canonical)), reference.ContentSha256);
        Assert.Equal(canonical.Length, reference.CanonicalBytes);
    }

    [Theory]
    [InlineData("a,b,flag,label\n1,2.5,true,x\n2,3,false,y\n")]
    [InlineData("a,b,flag,label\n1,2.5,true,x\n2,3.01,false,\"y,z\"\n")]
    [InlineData("a,b,flag,label\n2,3,false,\"y,z\"\n1,2.5,true,x\n")]
    public async Task Different_data_hashes_differently(string content)
    {
        var reference = await _files.InspectAsync("plain.csv", Plain);
        var other = await _files.InspectAsync("other.csv", content);

        Assert.True(other.Passed, other.Report.ToText());
        Assert.NotEqual(reference.ContentSha256, other.ContentSha256);
    }

    [Fact]
    public async Task Numbers_are_written_in_shortest_round_trip_form()
    {
        var inspection = await _files.InspectAsync("numbers.csv", "a,label\n0.1,x\n1e-7,x\n123456789012345678,x\n-0.000,x\n1E+3,x\n0.30000000000000004,x\n,x\n");

        Assert.True(inspection.Passed, inspection.Report.ToText());
        Assert.Equal("a,label\n0.1,x\n1E-07,x\n1.2345678901234568E+17,x\n-0,x\n1000,x\n0.30000000000000004,x\n,x\n",
            await File.ReadAllTextAsync(_files.Canonical("numbers.csv"), TestContext.Current.CancellationToken));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
