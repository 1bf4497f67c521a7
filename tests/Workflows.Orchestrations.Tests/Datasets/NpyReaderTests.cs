using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Tests.Evaluation;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Datasets;

/// <summary>NpyReader on files our NpyWriter and NumPy itself wrote, and on files it must refuse with a clear reason.</summary>
public sealed class NpyReaderTests : IDisposable
{
    /// <summary>Arrays NumPy writes in every layout the reader meets or refuses; argv[1] is the directory.</summary>
    private const string NumPyFiles = """
        import sys
        import numpy as np
        d = sys.argv[1]
        a = np.array([[0.5, -1.25, 3.0], [1e-300, np.pi, -0.0]])
        np.save(f"{d}/f8_v1.npy", a)
        with open(f"{d}/f8_v2.npy", "wb") as f:
            np.lib.format.write_array(f, a, version=(2, 0))
        np.save(f"{d}/i8.npy", np.array([3, -7, 2**40], dtype=np.int64))
        np.save(f"{d}/f4.npy", np.array([0.1, 2.5], dtype=np.float32))
        np.save(f"{d}/scalar.npy", np.float64(4.5))
        np.save(f"{d}/big_endian.npy", np.array([1.0], dtype=">f4"))
        np.save(f"{d}/fortran.npy", np.asfortranarray(a))
        np.save(f"{d}/i4.npy", np.array([1, 2], dtype=np.int32))
        np.save(f"{d}/structured.npy", np.zeros(2, dtype=[("x", "<f4"), ("y", "<i8")]))
        """;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Files_that_NpyWriter_writes_read_back_with_their_shape()
    {
        var features = _directory.Combine("x.npy");
        var labels = _directory.Combine("y.npy");
        await NpyWriter.WriteFloat32Async(features, [1.5f, -2f, 0f, 3.25f, 1e-7f, 9f], [3, 2], TestContext.Current.CancellationToken);
        await NpyWriter.WriteInt64Async(labels, [2, 0, long.MaxValue], TestContext.Current.CancellationToken);

        var x = await NpyReader.ReadAsync<float>(features, TestContext.Current.CancellationToken);
        var y = await NpyReader.ReadAsync<long>(labels, TestContext.Current.CancellationToken);

        Assert.Equal([3, 2], x.Shape);
        Assert.Equal((3, 2), (x.Rows, x.Columns));
        Assert.Equal([1.5f, -2f, 0f, 3.25f, 1e-7f, 9f], x.Values);
        Assert.Equal([3], y.Shape);
        Assert.Equal([2L, 0L, long.MaxValue], y.Values);
    }

    [Fact]
    public async Task Files_that_NumPy_writes_in_format_1_and_2_read_exactly()
    {
        await WriteNumPyFilesAsync();
        double[] expected = [0.5, -1.25, 3.0, 1e-300, Math.PI, -0.0];

        foreach (var name in new[] { "f8_v1.npy", "f8_v2.npy" })
        {
            var array = await ReadAsync<double>(name);
            Assert.Equal([2, 3], array.Shape);
            Assert.Equal(expected, array.Values);
        }

        var integers = await ReadAsync<long>("i8.npy");
        Assert.Equal([3L, -7L, 1L << 40], integers.Values);
        var scalar = await ReadAsync<double>("scalar.npy");
        Assert.Equal((0, 1, 4.5), (scalar.Shape.Count, scalar.Rows, scalar.Values.Single()));
    }

    [Fact]
    public async Task Reading_as_doubles_widens_float32_and_int64()
    {
        await WriteNumPyFilesAsync();

        var floats = await NpyReader.ReadAsDoublesAsync(_directory.Combine("f4.npy"), TestContext.Current.CancellationToken);
        var integers = await NpyReader.ReadAsDoublesAsync(_directory.Combine("i8.npy"), TestContext.Current.CancellationToken);

        Assert.Equal([(double)0.1f, 2.5], floats.Values);
        Assert.Equal([3.0, -7.0, Math.Pow(2, 40)], integers.Values);
    }

    [Theory]
    [InlineData("big_endian.npy", "holds '>f4' values (big-endian), which are not supported")]
    [InlineData("fortran.npy", "is in Fortran (column-major) order, which is not supported")]
    [InlineData("i4.npy", "holds '<i4' values, which are not supported (little-endian float32 '<f4', float64 '<f8' and int64 '<i8' are)")]
    [InlineData("structured.npy", "without a simple 'descr' (structured arrays are not supported)")]
    public async Task NumPy_files_of_an_unsupported_kind_are_refused_naming_the_file_and_the_reason(string name, string reason)
    {
        await WriteNumPyFilesAsync();

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => NpyReader.ReadAsDoublesAsync(_directory.Combine(name), TestContext.Current.CancellationToken));

        Assert.Contains(_directory.Combine(name), error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_element_type_than_asked_for_is_refused_with_both()
    {
        var path = _directory.Combine("x.npy");
        await NpyWriter.WriteFloat32Async(path, [1f], [1], TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => NpyReader.ReadAsync<long>(path, TestContext.Current.CancellationToken));

        Assert.Contains("holds float32 ('<f4') values where int64 ('<i8') is expected", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_cut_short_says_how_many_values_arrived()
    {
        var path = _directory.Combine("cut.npy");
        await NpyWriter.WriteInt64Async(path, [1, 2, 3, 4], TestContext.Current.CancellationToken);
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(path, bytes[..^12], TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => NpyReader.ReadAsync<long>(path, TestContext.Current.CancellationToken));

        Assert.Contains("ends after 2 of its 4 values (shape (4))", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_npy_or_of_a_later_format_version_is_refused()
    {
        var text = _directory.Combine("text.npy");
        await File.WriteAllTextAsync(text, "rows,columns\n", TestContext.Current.CancellationToken);
        var version3 = _directory.Combine("v3.npy");
        var header = NpyWriter.Header("<f8", "(1,)");
        header[6] = 3;
        await File.WriteAllBytesAsync(version3, [.. header, .. new byte[8]], TestContext.Current.CancellationToken);

        var notNpy = await Assert.ThrowsAsync<InvalidDataException>(() => NpyReader.ReadAsDoublesAsync(text, TestContext.Current.CancellationToken));
        var later = await Assert.ThrowsAsync<InvalidDataException>(() => NpyReader.ReadAsDoublesAsync(version3, TestContext.Current.CancellationToken));

        Assert.Contains("is not a NumPy .npy file", notNpy.Message, StringComparison.Ordinal);
        Assert.Contains("uses .npy format version 3.0, which is not supported", later.Message, StringComparison.Ordinal);
    }

    private Task<NpyArray<T>> ReadAsync<T>(string name)
        where T : unmanaged =>
        NpyReader.ReadAsync<T>(_directory.Combine(name), TestContext.Current.CancellationToken);

    private async Task WriteNumPyFilesAsync()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(1));
        await PythonScript.RunAsync(["numpy"], ["-c", NumPyFiles, _directory.Path], "", timeout.Token);
    }
}
