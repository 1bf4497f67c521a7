using System.Globalization;
using System.Text;
using System.Text.Json;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Tests.Datasets;

/// <summary>Duplicate detection spilled to partition files must find exactly what the in-memory set finds.</summary>
public sealed class DuplicateRowSpillTests : IDisposable
{
    private readonly DatasetFixture _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    [InlineData(1_000)]
    public void Partitioned_detection_finds_the_same_rows_as_the_in_memory_set(int inMemoryRows)
    {
        var rows = ManyDuplicates(3_000);
        using var inMemory = DuplicateRows.Create(rows.Length, int.MaxValue, _files.Root);
        using var partitioned = DuplicateRows.Create(rows.Length, inMemoryRows, _files.Root);
        Assert.IsType<PartitionedDuplicateRows>(partitioned);

        for (var i = 0; i < rows.Length; i++)
        {
            // Lines run ahead of rows (as with blank lines or quoted line breaks), so a mixed-up pair would show.
            inMemory.Add(Encoding.UTF8.GetBytes(rows[i]), i + 1, (i * 2) + 5);
            partitioned.Add(Encoding.UTF8.GetBytes(rows[i]), i + 1, (i * 2) + 5);
        }

        var expected = inMemory.Finish(TestContext.Current.CancellationToken);
        var actual = partitioned.Finish(TestContext.Current.CancellationToken);

        Assert.True(expected.Count > 1_000);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.FirstLine, actual.FirstLine);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(100_000)]
    public void Growing_detection_finds_the_same_rows_as_the_in_memory_set_whatever_the_estimate(long estimatedRows)
    {
        var rows = ManyDuplicates(3_000);
        using var inMemory = DuplicateRows.Create(rows.Length, int.MaxValue, _files.Root);
        using var growing = DuplicateRows.CreateGrowing(500, _files.Root, () => estimatedRows);

        for (var i = 0; i < rows.Length; i++)
        {
            inMemory.Add(Encoding.UTF8.GetBytes(rows[i]), i + 1, (i * 2) + 5);
            growing.Add(Encoding.UTF8.GetBytes(rows[i]), i + 1, (i * 2) + 5);
        }

        var expected = inMemory.Finish(TestContext.Current.CancellationToken);
        var actual = growing.Finish(TestContext.Current.CancellationToken);

        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.FirstLine, actual.FirstLine);
    }

    [Fact]
    public async Task A_spilled_inspection_reports_the_same_duplicates_and_leaves_no_files_behind()
    {
        var text = "a,b,label\n" + string.Concat(ManyDuplicates(5_000));
        var rules = DatasetFixture.Lenient() with { MaxDuplicateRowFraction = 0 };
        var path = _files.Write("dups.csv", text);

        var inMemory = await _files.InspectPathAsync(path, rules: rules);
        var spilled = await InspectAsync(path, rules, inMemoryRows: 64);

        var expected = Assert.Single(inMemory.Report.Findings, f => f.Rule == ValidationRuleNames.DuplicateRows);
        var actual = Assert.Single(spilled.Report.Findings, f => f.Rule == ValidationRuleNames.DuplicateRows);
        Assert.Equal(ValidationFinding.MaxSampleRows, actual.Rows.Count);
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(inMemory.Report.ToText(), spilled.Report.ToText());
        Assert.Equal([path], Directory.GetFileSystemEntries(_files.Root));
    }

    [Fact]
    public async Task A_spilled_inspection_writes_the_same_canonical_content()
    {
        var path = _files.Write("unique.csv", "a,b,label\n" + string.Concat(Enumerable.Range(0, 2_000).Select(i => $"{i},{i % 7}.5,{(char)('x' + (i % 3))}\n")));

        var inMemory = await _files.InspectPathAsync(path);
        var canonical = await File.ReadAllBytesAsync(_files.Canonical("unique.csv"), TestContext.Current.CancellationToken);
        var spilled = await InspectAsync(path, DatasetFixture.Lenient(), inMemoryRows: 100);

        Assert.True(spilled.Passed, spilled.Report.ToText());
        Assert.Equal(inMemory.ContentSha256, spilled.ContentSha256);
        Assert.Equal(JsonSerializer.Serialize(inMemory.Profile), JsonSerializer.Serialize(spilled.Profile));
        Assert.Equal(canonical, await File.ReadAllBytesAsync(_files.Canonical("unique.csv"), TestContext.Current.CancellationToken));
        Assert.Equal([path, _files.Canonical("unique.csv")], Directory.GetFileSystemEntries(_files.Root).Order(StringComparer.Ordinal));
    }

    /// <summary>Rows drawn from a small domain, so most repeat an earlier one, in a fixed pseudo-random order.</summary>
    private static string[] ManyDuplicates(int count)
    {
        var random = new Random(7);
        return Enumerable.Range(0, count)
            .Select(_ => string.Create(CultureInfo.InvariantCulture, $"{random.Next(40)},{random.Next(25)},{(char)('x' + random.Next(3))}\n"))
            .ToArray();
    }

    private Task<DatasetInspection> InspectAsync(string path, ValidationRules rules, int inMemoryRows) =>
        DatasetInspector.InspectAsync(path, DatasetFixture.Classification(), rules, null, _files.Canonical(Path.GetFileName(path)), inMemoryRows, TestContext.Current.CancellationToken);
}
