using System.Text;
using Workflows.Functions.Tests.Infrastructure;
using Workflows.Orchestrations.Datasets;
using Workflows.Testing;

namespace Workflows.Functions.Tests;

/// <summary>Files dropped into <c>drop/&lt;dataset&gt;/</c> are ingested exactly once, across restarts, and only once written.</summary>
public sealed class DropFolderTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_hundred_files_dropped_at_once_and_across_a_host_restart_are_each_ingested_exactly_once()
    {
        var pipelines = TinyPipeline.Directory();
        var first = await TestPlatform.StartAsync(postgres, pipelines);
        var (hub, data) = (first.HubName, first.DataDirectory);
        using var cancel = TestTimeout.Start(TimeSpan.FromMinutes(4));
        var drop = first.DropDirectory("tiny");
        Directory.CreateDirectory(drop);

        // 60 files at once, 10 of them copies of others (same content, different names); the host stops while they are ingested.
        await Task.WhenAll(Enumerable.Range(0, 60).Select(i => File.WriteAllTextAsync(Path.Combine(drop, $"part-{i:D3}.csv"), TinyPipeline.Csv(i % 50), cancel.Token)));
        await WaitUntilAsync(async () => (await first.Datasets.ListIngestionsAsync("tiny", null, 1000, cancel.Token)).Count >= 20, cancel.Token);
        await first.DisposeAsync();

        // 40 more while no host runs; a new host on the same hub and data finds the rest.
        await Task.WhenAll(Enumerable.Range(60, 40).Select(i => File.WriteAllTextAsync(Path.Combine(drop, $"part-{i:D3}.csv"), TinyPipeline.Csv(i), cancel.Token)));
        await using var second = await TestPlatform.RestartAsync(postgres, hub, data, pipelines);
        await WaitUntilAsync(async () => (await second.Datasets.ListIngestionsAsync("tiny", null, 1000, cancel.Token)).Count(i => i.Status != IngestionStatus.Running) >= 100, cancel.Token);
        await Task.Delay(TimeSpan.FromSeconds(1), cancel.Token);

        var ingestions = await second.Datasets.ListIngestionsAsync("tiny", null, 1000, cancel.Token);
        Assert.Equal(100, ingestions.Count);
        Assert.Equal(100, ingestions.Select(i => Path.GetFileName(i.Source)).Distinct().Count());
        Assert.All(ingestions, i => Assert.Equal(IngestionStatus.Registered, i.Status));
        // 90 distinct contents: the 10 copies matched versions already registered.
        var versions = await second.Datasets.ListVersionsAsync("tiny", cancel.Token);
        Assert.Equal(90, versions.Count);
        Assert.Equal(Enumerable.Range(1, 90), versions.Select(v => v.Version).Order());
        Assert.Empty(Directory.GetFiles(drop));
        Assert.Equal(100, Directory.GetFiles(Path.Combine(data, "processed", "tiny")).Length);
    }

    [Fact]
    public async Task A_file_still_being_written_waits_until_it_stops_changing_and_partial_names_are_ignored()
    {
        // A settle time well above the writer's pauses: the other suites load both cores while this runs, and a writer
        // stalled for longer than the settle time is, to any watcher, a writer that finished (it flaked at 300 ms).
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory(), "--workflows:drop:settleTime", "00:00:01.500");
        using var cancel = TestTimeout.Start(TimeSpan.FromMinutes(1));
        var drop = platform.DropDirectory("tiny");
        Directory.CreateDirectory(drop);
        File.WriteAllText(Path.Combine(drop, "upload.csv.part"), TinyPipeline.Csv(1));
        var lines = TinyPipeline.Csv(2).Split('\n');

        // Written a line every 100 ms for about 4 s, longer than the settle time: never ingested half-written. On a
        // thread of its own, so that a busy thread pool cannot stretch its pauses.
        var path = Path.Combine(drop, "slow.csv");
        await Task.Factory.StartNew(() =>
        {
            using var writer = new StreamWriter(path);
            foreach (var line in lines)
            {
                writer.Write(line + "\n");
                writer.Flush();
                Thread.Sleep(100);
            }
        }, cancel.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var done = await platform.WaitForIngestionAsync(i => i.Source.EndsWith("slow.csv", StringComparison.Ordinal), cancel.Token);
        await Task.Delay(TimeSpan.FromSeconds(1), cancel.Token);

        Assert.Equal(IngestionStatus.Registered, done.Status);
        var version = await platform.Datasets.GetVersionAsync("tiny", done.Version, cancel.Token);
        Assert.Equal(40, version!.RowCount);
        Assert.Single(await platform.Datasets.ListIngestionsAsync("tiny", null, 100, cancel.Token));
        Assert.True(File.Exists(Path.Combine(drop, "upload.csv.part")));
    }

    [Fact]
    public async Task A_bad_file_is_quarantined_with_its_report_and_nothing_is_registered()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());
        using var cancel = TestTimeout.Start(TimeSpan.FromMinutes(1));
        var drop = platform.DropDirectory("tiny");
        Directory.CreateDirectory(drop);
        File.WriteAllText(Path.Combine(drop, "broken.csv"), "x1,x2,label\n1.0,2.0,yes\n\"unterminated,3.0,no\n");

        var done = await platform.WaitForIngestionAsync(i => i.Source.EndsWith("broken.csv", StringComparison.Ordinal), cancel.Token);

        Assert.Equal(IngestionStatus.Quarantined, done.Status);
        Assert.Null(await platform.Datasets.GetVersionAsync("tiny", null, cancel.Token));
        var quarantine = Path.Combine(platform.DataDirectory, "artifacts", "quarantine", "tiny", done.IngestionId);
        Assert.Equal(File.ReadAllBytes(Path.Combine(quarantine, "broken.csv")), "x1,x2,label\n1.0,2.0,yes\n\"unterminated,3.0,no\n"u8.ToArray());
        Assert.Contains("row", File.ReadAllText(Path.Combine(quarantine, "report.txt")), StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(Path.Combine(quarantine, "report.json")));
        Assert.False(File.Exists(Path.Combine(drop, "broken.csv")));
    }

    public static TheoryData<string, byte[]> BadFiles()
    {
        var good = TinyPipeline.Csv(7);
        return new TheoryData<string, byte[]>
        {
            { "unterminated-quote.csv", Encoding.UTF8.GetBytes(good + "\"1.0,2.0,yes\n") },
            { "short-row.csv", Encoding.UTF8.GetBytes(good + "1.0,yes\n") },
            { "empty.csv", [] },
            { "header-only.csv", "x1,x2,label\n"u8.ToArray() },
            { "duplicate-header.csv", Encoding.UTF8.GetBytes(good.Replace("x1,x2,label", "x1,x1,label", StringComparison.Ordinal)) },
            { "invalid-utf8.csv", [.. Encoding.UTF8.GetBytes(good), 0xC3, 0x28, (byte)',', (byte)'1', (byte)',', (byte)'n', (byte)'o', (byte)'\n'] },
            { "utf16.csv", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(good)] },
            { "binary.csv", [.. Encoding.UTF8.GetBytes(good[..40]), 0, 0, 0, .. Encoding.UTF8.GetBytes(good[40..])] },
            { "nan.csv", Encoding.UTF8.GetBytes(good + "NaN,1.0,yes\n") },
            { "no-target.csv", Encoding.UTF8.GetBytes(good.Replace("x1,x2,label", "x1,x2,outcome", StringComparison.Ordinal)) },
        };
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Each_kind_of_bad_file_is_quarantined_whole_with_a_report_that_names_where(string name, byte[] content)
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());
        using var cancel = TestTimeout.Start(TimeSpan.FromMinutes(1));
        var drop = platform.DropDirectory("tiny");
        Directory.CreateDirectory(drop);
        await File.WriteAllBytesAsync(Path.Combine(drop, name), content, cancel.Token);

        var done = await platform.WaitForIngestionAsync(i => i.Source.EndsWith(name, StringComparison.Ordinal), cancel.Token);

        Assert.Equal(IngestionStatus.Quarantined, done.Status);
        var quarantine = Path.Combine(platform.DataDirectory, "artifacts", "quarantine", "tiny", done.IngestionId);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(quarantine, name), cancel.Token));
        var findings = done.Report!.Value.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("severity").ToString() is "Error" or "0").ToList();
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.False(string.IsNullOrWhiteSpace(f.GetProperty("message").GetString())));
        Assert.True(File.Exists(Path.Combine(quarantine, "report.txt")));
        Assert.Null(await platform.Datasets.GetVersionAsync("tiny", null, cancel.Token));
    }

    [Fact]
    public async Task A_bad_file_whose_name_the_artifact_store_cannot_hold_is_quarantined_under_a_plain_name()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());
        using var cancel = TestTimeout.Start(TimeSpan.FromMinutes(1));
        var drop = platform.DropDirectory("tiny");
        Directory.CreateDirectory(drop);
        await File.WriteAllTextAsync(Path.Combine(drop, "back\\slash.csv"), "x1,x2,label\n", cancel.Token);

        var done = await platform.WaitForIngestionAsync(i => i.Source.EndsWith("slash.csv", StringComparison.Ordinal), cancel.Token);

        Assert.Equal(IngestionStatus.Quarantined, done.Status);
        var quarantine = Path.Combine(platform.DataDirectory, "artifacts", "quarantine", "tiny", done.IngestionId);
        Assert.Equal("x1,x2,label\n", await File.ReadAllTextAsync(Path.Combine(quarantine, "source.csv"), cancel.Token));
        Assert.EndsWith("back\\slash.csv", done.Source, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (!await condition())
        {
            await Task.Delay(100, cancellationToken);
        }
    }
}
