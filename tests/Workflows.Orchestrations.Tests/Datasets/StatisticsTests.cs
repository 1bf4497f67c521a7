using System.Text;
using System.Text.Json;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Tests.Datasets;

public sealed class StatisticsTests : IDisposable
{
    private readonly DatasetFixture _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Numeric_statistics_match_hand_computed_values()
    {
        // a = 1, 2, 3, 4, 10 and one null: mean 4, population variance (9+4+1+0+36)/5 = 10.
        var inspection = await _files.InspectAsync("stats.csv", "a,label\n1,x\n2,y\n,x\n3,x\n4,y\n10,x\n");

        var a = inspection.Profile!.Column("a")!;
        Assert.Equal((ColumnType.Integer, 5L, 1L), (a.Type, a.Count, a.Nulls));
        Assert.Equal(1, a.Min);
        Assert.Equal(10, a.Max);
        Assert.Equal(4, a.Mean!.Value, 12);
        Assert.Equal(Math.Sqrt(10), a.StdDev!.Value, 12);
        // Linear interpolation: position p × (n - 1) in 1, 2, 3, 4, 10.
        Assert.Equal(3, a.Quantiles!["p50"], 12);
        Assert.Equal(2, a.Quantiles["p25"], 12);
        Assert.Equal(4, a.Quantiles["p75"], 12);
        Assert.Equal(1.04, a.Quantiles["p01"], 12);
        Assert.Equal(8.8, a.Quantiles["p95"], 12);
        Assert.Equal(9.76, a.Quantiles["p99"], 12);
        Assert.Equal(21, a.Histogram!.Edges.Count);
        Assert.Equal(5, a.Histogram.Counts.Sum());
        Assert.Equal(1, a.Histogram.Counts[0]); // [1, 1.45)
        Assert.Equal(1, a.Histogram.Counts[^1]); // 10, the upper edge, is in the last bin
        Assert.Equal(1, a.Histogram.Counts[2]); // 2 is in [1.9, 2.35)
    }

    [Fact]
    public async Task Categories_are_counted_most_frequent_first_and_classes_are_profiled()
    {
        var inspection = await _files.InspectAsync("cats.csv", "color,label\nred,x\nblue,y\nred,x\n,x\ngreen,y\nred,z\n");

        var color = inspection.Profile!.Column("color")!;
        Assert.Equal(new CategoryCount[] { new("red", 3), new("blue", 1), new("green", 1) }, color.Categories!);
        Assert.Equal((5L, 1L, 0L, 3), (color.Count, color.Nulls, color.OtherCount, color.Distinct!.Value));
        Assert.Null(color.Mean);
        Assert.Equal(new CategoryCount[] { new("x", 3), new("y", 2), new("z", 1) }, inspection.Profile.ClassCounts!);
    }

    [Fact]
    public async Task Category_counts_are_bounded_with_an_overflow_warning()
    {
        var rows = new StringBuilder("id,label\n");
        for (var i = 0; i < CategoryCounter.MaxTracked + 500; i++)
        {
            rows.Append("id").Append(i).Append(",x\n");
        }

        var inspection = await _files.InspectAsync("ids.csv", rows.ToString());

        Assert.True(inspection.Passed, inspection.Report.ToText());
        var id = inspection.Profile!.Column("id")!;
        Assert.Equal(CategoryCounter.MaxReported, id.Categories!.Count);
        Assert.Null(id.Distinct);
        Assert.Equal(CategoryCounter.MaxTracked + 500 - CategoryCounter.MaxReported, id.OtherCount);
        var warning = Assert.Single(inspection.Report.Findings);
        Assert.Equal((ValidationRuleNames.CategoryOverflow, 500L), (warning.Rule, warning.Count));
    }

    [Fact]
    public async Task Quantiles_from_the_sample_are_close_on_large_columns()
    {
        var rows = new StringBuilder("a,label\n");
        for (var i = 0; i < 300_000; i++)
        {
            rows.Append(i % 1000).Append(",x\n");
        }

        var inspection = await _files.InspectAsync("large.csv", rows.ToString());

        var a = inspection.Profile!.Column("a")!;
        Assert.Equal(499.5, a.Mean!.Value, 9);
        Assert.InRange(a.Quantiles!["p50"], 490, 510);
        Assert.InRange(a.Quantiles["p99"], 985, 999);
        Assert.Equal(300_000, a.Histogram!.Counts.Sum());
        Assert.All(a.Histogram.Counts, c => Assert.Equal(15_000, c));
    }

    [Fact]
    public async Task Inspection_results_round_trip_through_json()
    {
        var inspection = await _files.InspectAsync("json.csv", "a,color,flag,label\n1,red,true,x\n2.5,blue,false,y\n");
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        var json = JsonSerializer.Serialize(inspection, web);
        var back = JsonSerializer.Deserialize<DatasetInspection>(json, web)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, web));
        Assert.Equal(inspection.Profile!.Column("a")!.Quantiles!["p50"], back.Profile!.Column("a")!.Quantiles!["p50"]);
    }
}
