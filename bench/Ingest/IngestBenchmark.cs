using System.Diagnostics;
using Npgsql;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Platform;

namespace Workflows.Bench.Ingest;

/// <summary>
/// Validation and registration throughput (inspect, store the canonical content, register the version in
/// PostgreSQL) against a raw sequential read of the same file from disk, measured in the same run (target: a ratio of
/// at least 0.3); both start with the file out of the page cache. Also peak memory on a 50 MB and a 200 MB file
/// (flat: ratio near 1).
/// </summary>
public sealed class IngestBenchmark(string connectionString, TextWriter output)
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
            output.WriteLine($"baseline: raw sequential read from disk (page cache evicted) into a reused 1 MiB buffer: {readMBps:F0} MB/s");
            // Inspections before the measured ones compile the code: tiered compilation optimises the hot loops only after
            // they have run a while (one 50 MB inspection was not enough: the 200 MB one ran up to 40% slower), so warm up
            // until two in a row agree within 5%. On the 200 MB file: only a file past a million rows takes the
            // partitioned duplicate detection, whose code the 50 MB file never runs.
            var warmUpCanonical = Path.Combine(directory, "warm-up.canonical.csv");
            var warmUp = await WarmUpAsync(large, warmUpCanonical, cancellationToken);
            var largeRun = await MeasureInspectionAsync(large, Path.Combine(directory, "large.canonical.csv"), cancellationToken);
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            var schema = new PlatformSchema("bench_" + Guid.NewGuid().ToString("N")[..8]);
            await schema.MigrateAsync(dataSource, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, cancellationToken);
            var registration = new Registration(new FileSystemArtifactStore(Path.Combine(directory, "artifacts")), new DatasetStore(dataSource, schema));
            // Registration warms up too, once, as a host that has registered a version before: its first run in a
            // process compiles the database client's and the JSON serializer's code for these types.
            var coldRegisterSeconds = await MeasureRegistrationAsync(registration, "bench-warm-up", warmUp.Inspection, warmUpCanonical, cancellationToken);
            output.WriteLine($"inspection: {largeRun.Inspection.RowCount:N0} rows, passed {largeRun.Inspection.Passed}, {largeRun.Inspection.Report.Findings.Count} finding(s), {largeRun.Seconds:F2} s");
            var registerSeconds = await MeasureRegistrationAsync(registration, "bench", largeRun.Inspection, Path.Combine(directory, "large.canonical.csv"), cancellationToken);
            var ingestMBps = largeRun.Inspection.SourceBytes / Megabyte / (largeRun.Seconds + registerSeconds);
            var smallRun = await MeasureInspectionAsync(small, Path.Combine(directory, "small.canonical.csv"), cancellationToken);
            output.WriteLine($"registration: canonical content stored and version registered in {registerSeconds:F2} s (the first in this process, for the warm-up: {coldRegisterSeconds:F2} s)");
            return
            [
                BenchFigure.Of("validate + register 200 MB CSV", ingestMBps, "MB/s", readMBps),
                BenchFigure.Of("  of which inspection alone (one pass, canonical file + SHA-256)", largeRun.MegabytesPerSecond, "MB/s", readMBps),
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
        PageCache.Evict(path);
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

    /// <summary>Inspections until two in a row agree within 5% (8 at most); returns the last.</summary>
    private async Task<InspectionRun> WarmUpAsync(string path, string canonicalPath, CancellationToken cancellationToken)
    {
        const int MaxWarmUps = 8;
        var last = double.PositiveInfinity;
        for (var run = 1; ; run++)
        {
            var inspection = await MeasureInspectionAsync(path, canonicalPath, cancellationToken);
            if (Math.Abs(inspection.Seconds - last) < 0.05 * last || run == MaxWarmUps)
            {
                output.WriteLine($"warm-up: {run} inspections of the 200 MB file, the last two {last:F2} and {inspection.Seconds:F2} s");
                return inspection;
            }

            last = inspection.Seconds;
        }
    }

    /// <summary>
    /// What registering an inspected file as a version of <paramref name="dataset"/> costs: its canonical content into
    /// the artifact store (staged, then at its content address), its version into PostgreSQL.
    /// </summary>
    private static async Task<double> MeasureRegistrationAsync(
        Registration registration, string dataset, DatasetInspection inspection, string canonicalPath, CancellationToken cancellationToken)
    {
        var (store, datasets) = registration;
        var stopwatch = Stopwatch.StartNew();
        // As the ingestion's activities do: the inspection's canonical file is staged, copied to its content address,
        // the version registered, and the staged copy deleted.
        var staged = $"staging/{dataset}/data.csv";
        var home = $"datasets/{dataset}/{inspection.ContentSha256}/";
        await store.MoveFileAsync(staged, canonicalPath, cancellationToken);
        await store.CopyAsync(staged, home + "data.csv", cancellationToken);

        var json = System.Text.Json.JsonSerializerOptions.Web;
        var (_, created) = await datasets.RegisterAsync(new NewDatasetVersion(dataset, inspection.ContentSha256!, inspection.RowCount, inspection.SourceBytes, inspection.CanonicalBytes,
            home + "data.csv", System.Text.Json.JsonSerializer.Serialize(inspection.Schema, json), System.Text.Json.JsonSerializer.Serialize(inspection.Profile, json),
            System.Text.Json.JsonSerializer.Serialize(inspection.Report, json), "large.csv", "bench", "bench-ingestion"), cancellationToken);
        if (!created)
        {
            throw new InvalidOperationException("the benchmark's version was already registered");
        }

        await store.DeleteAsync(staged, cancellationToken);

        return stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Where versions are registered: the artifact store and the dataset tables of one schema.</summary>
    private sealed record Registration(FileSystemArtifactStore Store, DatasetStore Datasets);

    private static async Task<double> MeasureRawReadAsync(string path, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        PageCache.Evict(path);
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
