using System.Diagnostics;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Bench.Ingest;

/// <summary>
/// Dataset inspection throughput against raw sequential read of the same file measured in the same run (target: a
/// ratio of at least 0.3), and peak memory on a 50 MB and a 200 MB file (flat: ratio near 1).
/// </summary>
public sealed class IngestBenchmark(TextWriter output)
{
    private const long LargeFile = 200L * 1000 * 1000;
    private const long SmallFile = 50L * 1000 * 1000;
    private const double Megabyte = 1000 * 1000;

    private static readonly DatasetDefinition Dataset = new("bench", DatasetFormat.Csv, ModelTask.Classification, "label", null, ["id"], null, false);
    private static readonly ValidationRules Rules = new([], 1, 0.5, new Dictionary<string, double>(), new Dictionary<string, ValueRange>(), 0.01, null, 1, 0.2);

    public async Task<IReadOnlyList<BenchFigure>> RunAsync(CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "workflows-bench-ingest", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        try
        {
            var large = Path.Combine(directory, "large.csv");
            var small = Path.Combine(directory, "small.csv");
            await SyntheticCsv.WriteAsync(large, LargeFile, seed: 1, cancellationToken);
            await SyntheticCsv.WriteAsync(small, SmallFile, seed: 2, cancellationToken);
            output.WriteLine($"generated {new FileInfo(large).Length / Megabyte:F0} MB and {new FileInfo(small).Length / Megabyte:F0} MB CSV files in {directory}");

            var readMBps = await MeasureRawReadAsync(large, cancellationToken);
            output.WriteLine($"baseline: raw sequential read into a reused 1 MiB buffer: {readMBps:F0} MB/s");
            var smallRun = await MeasureInspectionAsync(small, Path.Combine(directory, "small.canonical.csv"), cancellationToken);
            var largeRun = await MeasureInspectionAsync(large, Path.Combine(directory, "large.canonical.csv"), cancellationToken);
            output.WriteLine($"inspection: {largeRun.Inspection.RowCount:N0} rows, passed {largeRun.Inspection.Passed}, {largeRun.Inspection.Report.Findings.Count} finding(s), {largeRun.Seconds:F2} s");
            return
            [
                BenchFigure.Of("inspect 200 MB CSV (2 passes, canonical file + SHA-256)", largeRun.MegabytesPerSecond, "MB/s", readMBps),
                BenchFigure.Of("inspect 50 MB CSV", smallRun.MegabytesPerSecond, "MB/s", readMBps),
                BenchFigure.Of("peak managed heap, 200 MB file (baseline: 50 MB file)", largeRun.PeakManagedMB, "MB", smallRun.PeakManagedMB),
                BenchFigure.Of("peak working set, 200 MB file (baseline: 50 MB file)", largeRun.PeakWorkingSetMB, "MB", smallRun.PeakWorkingSetMB),
            ];
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// One inspection of <paramref name="path"/>, timed, with memory sampled every 10 ms. The seam for registration
    /// benchmarks: measure what follows inspection beside this.
    /// </summary>
    public static async Task<InspectionRun> MeasureInspectionAsync(string path, string canonicalPath, CancellationToken cancellationToken)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var sampler = new MemorySampler();
        var stopwatch = Stopwatch.StartNew();
        var inspection = await DatasetInspector.InspectAsync(path, Dataset, Rules, null, canonicalPath, cancellationToken);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var (managed, workingSet) = await sampler.StopAsync();
        if (!inspection.Passed)
        {
            throw new InvalidOperationException("the benchmark file failed inspection:\n" + inspection.Report.ToText());
        }

        return new InspectionRun(inspection, seconds, inspection.SourceBytes / Megabyte / seconds, managed / Megabyte, workingSet / Megabyte);
    }

    private static async Task<double> MeasureRawReadAsync(string path, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        await ReadAllAsync(path, buffer, cancellationToken); // warm: the page cache holds the file for both
        var stopwatch = Stopwatch.StartNew();
        var bytes = await ReadAllAsync(path, buffer, cancellationToken);
        return bytes / Megabyte / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<long> ReadAllAsync(string path, byte[] buffer, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        long total = 0;
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
        }

        return total;
    }
}
