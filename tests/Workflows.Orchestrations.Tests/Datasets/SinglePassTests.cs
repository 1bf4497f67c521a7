using System.Globalization;
using System.Text;
using System.Text.Json;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Tests.Datasets;

/// <summary>
/// Files of several read buffers (1 MiB each), where the profiling runs in the first pass as the types found in the
/// first buffer, and where a type that changes later makes the inspection redo it with the final types.
/// </summary>
public sealed class SinglePassTests : IDisposable
{
    private const int Rows = 150_000;

    private readonly DatasetFixture _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_type_that_changes_after_the_first_buffer_is_profiled_as_the_final_type()
    {
        // 'a' looks Integer and 'flag' looks Integer (1/0) for about 1.3 MB, then the last row makes them Numeric and Boolean.
        var source = new StringBuilder("a,flag,label\n");
        var canonical = new StringBuilder("a,flag,label\n");
        for (var i = 0; i < Rows; i++)
        {
            source.Append(CultureInfo.InvariantCulture, $"{i},{i % 2},{(char)('x' + (i % 3))}\n");
            canonical.Append(CultureInfo.InvariantCulture, $"{i},{(i % 2 == 1 ? "true" : "false")},{(char)('x' + (i % 3))}\n");
        }

        source.Append("2.50,yes,x\n");
        canonical.Append("2.5,true,x\n");

        var inspection = await _files.InspectAsync("late.csv", source.ToString());

        Assert.True(inspection.Passed, inspection.Report.ToText());
        Assert.Equal(canonical.ToString(), await File.ReadAllTextAsync(_files.Canonical("late.csv"), TestContext.Current.CancellationToken));
        var a = inspection.Profile!.Column("a")!;
        Assert.Equal(ColumnType.Numeric, a.Type);
        Assert.Equal(Rows + 1, a.Histogram!.Counts.Sum());
        Assert.Equal(Rows - 1, a.Max);
        var flag = inspection.Profile.Column("flag")!;
        Assert.Equal(ColumnType.Boolean, flag.Type);
        Assert.Equal([new CategoryCount("true", (Rows / 2) + 1), new CategoryCount("false", Rows / 2)], flag.Categories);
        Assert.Equal([Path.Combine(_files.Root, "late.csv"), _files.Canonical("late.csv")], Directory.GetFileSystemEntries(_files.Root).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Many_buffers_in_another_formatting_give_the_same_content_and_profile()
    {
        var plain = new StringBuilder("a,b,flag,text,label\n");
        var messy = new StringBuilder("\uFEFFa,\"b\",flag,text,label\r\n");
        for (var i = 0; i < Rows; i++)
        {
            var text = i % 5 == 0 ? "\"p,q\"" : "t" + (i % 7);
            plain.Append(CultureInfo.InvariantCulture, $"{i},{i % 100}.5,{(i % 3 == 0 ? "true" : "false")},{text},{(char)('x' + (i % 3))}\n");
            if (i % 4 == 0)
            {
                // Rewritten cells: spaces, trailing zeros, a word for a boolean, quotes, CRLF, blank lines.
                messy.Append(CultureInfo.InvariantCulture, $" {i} ,{i % 100}.50,{(i % 3 == 0 ? "TRUE" : "False")},{text},\"{(char)('x' + (i % 3))}\"\r\n\r\n");
            }
            else
            {
                messy.Append(CultureInfo.InvariantCulture, $"{i},{i % 100}.5,{(i % 3 == 0 ? "true" : "false")},{text},{(char)('x' + (i % 3))}\n");
            }
        }

        var reference = await _files.InspectAsync("plain.csv", plain.ToString());
        var other = await _files.InspectAsync("messy.csv", messy.ToString());

        Assert.True(other.Passed, other.Report.ToText());
        Assert.Equal(reference.ContentSha256, other.ContentSha256);
        Assert.Equal(JsonSerializer.Serialize(reference.Profile), JsonSerializer.Serialize(other.Profile));
        Assert.Equal(plain.ToString(), await File.ReadAllTextAsync(_files.Canonical("messy.csv"), TestContext.Current.CancellationToken));
    }
}
