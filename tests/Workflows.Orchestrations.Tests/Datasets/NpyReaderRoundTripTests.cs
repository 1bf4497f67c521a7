using Workflows.Orchestrations.Datasets;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Datasets;

public sealed class NpyReaderRoundTripTests
{
    [Fact]
    public async Task Reads_back_what_NpyWriter_wrote()
    {
        using var temp = new TempDirectory();
        await NpyWriter.WriteFloat32Async(temp.Combine("x.npy"), [1.5f, -2, 3, 4, 5, 6], [2, 3], TestContext.Current.CancellationToken);
        await NpyWriter.WriteInt64Async(temp.Combine("y.npy"), [7, -8], TestContext.Current.CancellationToken);

        var x = NpyReader.Read(temp.Combine("x.npy"));
        var y = NpyReader.Read(temp.Combine("y.npy"));

        Assert.Equal([2L, 3L], x.Shape);
        Assert.Equal([1.5f, -2, 3, 4, 5, 6], x.As<float>());
        Assert.Equal([2L], y.Shape);
        Assert.Equal([7L, -8L], y.As<long>());
    }

    [Theory]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", "'>f4'")]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", "Fortran order")]
    [InlineData("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", "'<i4'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", "needs 8 bytes")]
    public void Refuses_what_it_cannot_read_saying_why(string dict, string reason)
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("bad.npy");
        File.WriteAllBytes(path, [.. Header(dict), 0, 0, 128, 63]); // one float32, 1.0

        var error = Assert.Throws<InvalidDataException>(() => NpyReader.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    /// <summary>A version 1.0 header around <paramref name="dict"/>, padded to 64 bytes.</summary>
    private static byte[] Header(string dict)
    {
        var text = dict.PadRight(64 - 10 - 1) + "\n";
        return [0x93, .. "NUMPY"u8, 1, 0, (byte)text.Length, 0, .. System.Text.Encoding.ASCII.GetBytes(text)];
    }
}
