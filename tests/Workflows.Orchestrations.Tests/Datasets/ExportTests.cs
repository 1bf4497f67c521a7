using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Datasets;

public sealed class ExportTests : IDisposable
{
    private readonly DatasetFixture _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Split_sizes_follow_the_shares_and_stratification_keeps_class_proportions()
    {
        var (csv, schema) = await InspectedAsync(Classes(a: 600, b: 300, c: 100));

        var manifest = await ExportAsync(csv, schema, new SplitDefinition(0.1, 0.2, 42, Stratify: true), "strat");

        Assert.Equal(new ExportRowCounts(700, 100, 200), manifest.Rows);
        Assert.Equal(["a", "b", "c"], manifest.ClassLabels!);
        foreach (var (file, rows) in new[] { ("y_train.npy", 700), ("y_val.npy", 100), ("y_test.npy", 200) })
        {
            var labels = ReadInt64(Path.Combine(_files.Root, "strat", file));
            Assert.Equal(rows, labels.Length);
            Assert.Equal(0.6, labels.Count(l => l == 0) / (double)rows, 3);
            Assert.Equal(0.3, labels.Count(l => l == 1) / (double)rows, 3);
            Assert.Equal(0.1, labels.Count(l => l == 2) / (double)rows, 3);
        }
    }

    [Fact]
    public async Task The_same_seed_gives_identical_files_and_another_seed_another_order()
    {
        var (csv, schema) = await InspectedAsync(Classes(a: 50, b: 50, c: 20));

        await ExportAsync(csv, schema, new SplitDefinition(0.2, 0.2, 1, true), "one");
        await ExportAsync(csv, schema, new SplitDefinition(0.2, 0.2, 1, true), "again");
        await ExportAsync(csv, schema, new SplitDefinition(0.2, 0.2, 2, true), "other");

        foreach (var file in Directory.GetFiles(Path.Combine(_files.Root, "one")).Select(Path.GetFileName))
        {
            var first = await File.ReadAllBytesAsync(Path.Combine(_files.Root, "one", file!), TestContext.Current.CancellationToken);
            var second = await File.ReadAllBytesAsync(Path.Combine(_files.Root, "again", file!), TestContext.Current.CancellationToken);
            Assert.Equal(first, second);
        }

        var one = await File.ReadAllBytesAsync(Path.Combine(_files.Root, "one", "X_train.npy"), TestContext.Current.CancellationToken);
        var other = await File.ReadAllBytesAsync(Path.Combine(_files.Root, "other", "X_train.npy"), TestContext.Current.CancellationToken);
        Assert.Equal(one.Length, other.Length);
        Assert.NotEqual(one, other);
    }

    [Fact]
    public async Task Categoricals_are_one_hot_and_normalization_uses_the_train_part_only()
    {
        var rows = new StringBuilder("x,color,flag,label\n");
        for (var i = 0; i < 100; i++)
        {
            rows.Append(i).Append(',').Append(i % 3 == 0 ? "red" : "blue").Append(',').Append(i % 2 == 0 ? "yes" : "no").Append(',').Append(i % 2).Append('\n');
        }

        var (csv, schema) = await InspectedAsync(rows.ToString());
        var manifest = await ExportAsync(csv, schema, new SplitDefinition(0, 0.5, 3, false), "onehot");

        Assert.Equal(["x", "color=blue", "color=red", "flag"], manifest.FeatureNames);
        Assert.Equal(FeatureEncoding.OneHot, manifest.Features[1].Encoding);
        Assert.Equal(["0", "1"], manifest.ClassLabels!);
        var x = ReadFloat32(Path.Combine(_files.Root, "onehot", "X_train.npy"), out var shape);
        Assert.Equal([50, 4], shape);
        var trainX = Enumerable.Range(0, 50).Select(r => (double)x[r * 4]).ToArray();
        Assert.Equal(trainX.Average(), manifest.Mean[0], 4);
        Assert.Equal(Math.Sqrt(trainX.Select(v => (v - trainX.Average()) * (v - trainX.Average())).Average()), manifest.StdDev[0], 3);
        Assert.All(Enumerable.Range(0, 50), r => Assert.Equal(1, x[(r * 4) + 1] + x[(r * 4) + 2]));

        var roundTrip = JsonSerializer.Deserialize<ExportManifest>(await File.ReadAllTextAsync(Path.Combine(_files.Root, "onehot", ExportManifest.FileName), TestContext.Current.CancellationToken), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(manifest.FeatureNames, roundTrip.FeatureNames);
        Assert.Equal(manifest.Rows, roundTrip.Rows);
        Assert.Equal(manifest.DatasetSha256, roundTrip.DatasetSha256);
    }

    [Fact]
    public async Task Numpy_reads_the_files_with_the_right_shapes_dtypes_and_values()
    {
        var python = TestPython.With("numpy");
        var image = new DatasetDefinition("digits", DatasetFormat.ImageCsv, ModelTask.Classification, "label", null, [], new ImageShape(2, 3, 1), false);
        var rows = new StringBuilder("p0,p1,p2,p3,p4,p5,label\n");
        for (var i = 0; i < 20; i++)
        {
            rows.Append(string.Join(',', Enumerable.Range(0, 6).Select(p => (i * 10) + p))).Append(',').Append(i % 2 == 0 ? 10 : 2).Append('\n');
        }

        var path = _files.Write("digits.csv", rows.ToString());
        var inspection = await _files.InspectPathAsync(path, image);
        Assert.True(inspection.Passed, inspection.Report.ToText());
        var manifest = await DatasetExporter.ExportAsync(_files.Canonical("digits.csv"), inspection.Schema!, image, new SplitDefinition(0.25, 0.25, 9, true), Path.Combine(_files.Root, "npy"), TestContext.Current.CancellationToken);
        Assert.Equal(new ImageShape(2, 3, 1), manifest.Image);
        Assert.Equal(["2", "10"], manifest.ClassLabels!); // numeric labels sort numerically

        // Each row's pixels are i*10 + p, and its label index is 1 (label 10) for even i, so pixel 0 tells the label.
        const string Script = """
            import json, sys, numpy as np
            d = sys.argv[1]
            m = json.load(open(d + "/manifest.json"))
            total = 0
            for part in ["train", "val", "test"]:
                x = np.load(d + "/X_" + part + ".npy"); y = np.load(d + "/y_" + part + ".npy")
                assert x.dtype == np.dtype("<f4") and y.dtype == np.dtype("<i8"), (x.dtype, y.dtype)
                assert x.ndim == 2 and x.shape[1] == 6 and y.shape == (x.shape[0],), (x.shape, y.shape)
                assert x.flags["C_CONTIGUOUS"]
                i = x[:, 0] / 10
                assert np.array_equal(x, (i[:, None] * 10 + np.arange(6)).astype(np.float32))
                assert np.array_equal(y, (i % 2 == 0).astype(np.int64))
                total += x.shape[0]
            assert total == 20
            print("ok", m["rows"]["train"], m["rows"]["validation"], m["rows"]["test"])
            """;
        var output = await RunAsync(python, ["-c", Script, Path.Combine(_files.Root, "npy")]);
        Assert.Equal("ok 10 5 5", output.Trim());
    }

    [Fact]
    public void The_npy_header_is_padded_to_64_bytes()
    {
        var header = NpyWriter.Header("<f4", "(3, 2)");

        Assert.Equal(0, header.Length % 64);
        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0], header[..8]);
        Assert.Equal((byte)'\n', header[^1]);
        Assert.Equal(header.Length - 10, BitConverter.ToUInt16(header, 8));
    }

    private static string Classes(int a, int b, int c)
    {
        var rows = new StringBuilder("f,g,label\n");
        var i = 0;
        foreach (var (label, count) in new[] { ("a", a), ("b", b), ("c", c) })
        {
            for (var k = 0; k < count; k++, i++)
            {
                rows.Append(i).Append(',').Append(i % 7).Append('.').Append(i % 3).Append(',').Append(label).Append('\n');
            }
        }

        return rows.ToString();
    }

    private async Task<(string Csv, DatasetSchema Schema)> InspectedAsync(string text)
    {
        var inspection = await _files.InspectAsync("data.csv", text);
        Assert.True(inspection.Passed, inspection.Report.ToText());
        return (_files.Canonical("data.csv"), inspection.Schema!);
    }

    private Task<ExportManifest> ExportAsync(string csv, DatasetSchema schema, SplitDefinition split, string directory) =>
        DatasetExporter.ExportAsync(csv, schema, DatasetFixture.Classification(), split, Path.Combine(_files.Root, directory), TestContext.Current.CancellationToken);

    private static long[] ReadInt64(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var data = bytes.AsSpan(10 + BitConverter.ToUInt16(bytes, 8));
        return [.. System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(data)];
    }

    private static float[] ReadFloat32(string path, out int[] shape)
    {
        var bytes = File.ReadAllBytes(path);
        var headerLength = BitConverter.ToUInt16(bytes, 8);
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        var tuple = header[(header.IndexOf("'shape': (", StringComparison.Ordinal) + 10)..];
        shape = tuple[..tuple.IndexOf(')', StringComparison.Ordinal)].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        return [.. System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan(10 + headerLength))];
    }

    private static async Task<string> RunAsync(string program, string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{program} failed: {await error}");
        return await output;
    }
}
