using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Tests.Datasets;

public sealed class SchemaInferenceTests : IDisposable
{
    private readonly DatasetFixture _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Each_column_gets_the_narrowest_type_that_fits_all_its_values()
    {
        var inspection = await _files.InspectAsync("types.csv",
            "id,count,ratio,flag,bits,color,label\n" +
            "a1,1,1.5,true,0,red,x\n" +
            "a2,2,2,No,1,blue,y\n" +
            "a3,,-3e2,YES,1,red,x\n",
            DatasetFixture.Classification(null, "id"));

        Assert.True(inspection.Passed, inspection.Report.ToText());
        var types = inspection.Schema!.Columns.ToDictionary(c => c.Name, c => (c.Type, c.Role));
        Assert.Equal((ColumnType.Categorical, ColumnRole.Ignored), types["id"]);
        Assert.Equal((ColumnType.Integer, ColumnRole.Feature), types["count"]);
        Assert.Equal((ColumnType.Numeric, ColumnRole.Feature), types["ratio"]);
        Assert.Equal((ColumnType.Boolean, ColumnRole.Feature), types["flag"]);
        Assert.Equal((ColumnType.Integer, ColumnRole.Feature), types["bits"]); // only 0/1: numeric-looking, stays Integer
        Assert.Equal((ColumnType.Categorical, ColumnRole.Feature), types["color"]);
        Assert.Equal((ColumnType.Categorical, ColumnRole.Target), types["label"]);
    }

    [Fact]
    public async Task Declared_features_are_checked_and_undeclared_columns_are_ignored_with_a_warning()
    {
        var dataset = DatasetFixture.Classification([new FeatureDefinition("a", ColumnType.Integer), new FeatureDefinition("b", ColumnType.Numeric)]);
        var inspection = await _files.InspectAsync("declared.csv", "a,b,extra,label\n1,2.5,q,x\n2,3,r,y\n", dataset);

        Assert.True(inspection.Passed, inspection.Report.ToText());
        Assert.Equal(ColumnRole.Ignored, inspection.Schema!.Columns.Single(c => c.Name == "extra").Role);
        var warning = Assert.Single(inspection.Report.Findings);
        Assert.Equal((ValidationRuleNames.ExtraColumn, FindingSeverity.Warning, "extra"), (warning.Rule, warning.Severity, warning.Column));
    }

    [Fact]
    public async Task A_value_of_the_wrong_declared_type_fails_naming_its_rows()
    {
        var dataset = DatasetFixture.Classification([new FeatureDefinition("a", ColumnType.Integer), new FeatureDefinition("b", ColumnType.Boolean)]);
        var inspection = await _files.InspectAsync("mismatch.csv", "a,b,label\n1,true,x\n2.5,false,y\n3,maybe,x\nfour,no,y\n", dataset);

        Assert.False(inspection.Passed);
        var a = inspection.Report.Findings.Single(f => f.Column == "a");
        Assert.Equal((ValidationRuleNames.TypeMismatch, 2L), (a.Rule, a.Count));
        Assert.Equal([2L, 4L], a.Rows);
        Assert.Contains("line 3", a.Message, StringComparison.Ordinal);
        var b = inspection.Report.Findings.Single(f => f.Column == "b");
        Assert.Equal([3L], b.Rows);
    }

    [Fact]
    public async Task A_missing_declared_feature_or_target_fails()
    {
        var dataset = DatasetFixture.Classification([new FeatureDefinition("a", ColumnType.Integer), new FeatureDefinition("gone", ColumnType.Numeric)]);
        var inspection = await _files.InspectAsync("missing.csv", "a,b\n1,2\n", dataset);

        Assert.False(inspection.Passed);
        var missing = inspection.Report.Findings.Where(f => f.Rule == ValidationRuleNames.RequiredColumns).Select(f => f.Column!).Order().ToArray();
        Assert.Equal(["gone", "label"], missing);
    }

    [Fact]
    public async Task Image_csv_pixels_are_numeric_features_and_their_count_must_match_the_shape()
    {
        var image = new DatasetDefinition("digits", DatasetFormat.ImageCsv, ModelTask.Classification, "label", null, [], new ImageShape(2, 2, 1), false);
        var good = await _files.InspectAsync("img.csv", "p0,p1,p2,p3,label\n0,16,3,4,7\n1,2,3,4,1\n", image);
        Assert.True(good.Passed, good.Report.ToText());
        Assert.All(good.Schema!.Features, c => Assert.Equal(ColumnType.Numeric, c.Type));
        Assert.Equal(4, good.Schema.Features.Count());

        var bad = await _files.InspectAsync("img3.csv", "p0,p1,p2,label\n0,16,3,7\n", image);
        Assert.False(bad.Passed);
        Assert.Contains(bad.Report.Findings, f => f.Rule == ValidationRuleNames.ImageShape && f.Message.Contains("needs 4", StringComparison.Ordinal));
    }
}
