using System.Text;
using Workflows.Functions.Serving;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Functions.Tests.Serving;

public sealed class PredictionRequestParserTests
{
    // X: [size, active, color=blue, color=green, color=red, grade]; grade is ordinal over 12 sorted categories.
    private static readonly string[] Grades = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];

    private static readonly ModelSchema Schema = new(new ExportManifest(
        1, ModelTask.Classification, "label",
        ["size", "active", "color=blue", "color=green", "color=red", "grade"], 6,
        [
            new ExportedFeature("size", ColumnType.Numeric, FeatureEncoding.Numeric, 0, 1, null),
            new ExportedFeature("active", ColumnType.Boolean, FeatureEncoding.Boolean, 1, 1, null),
            new ExportedFeature("color", ColumnType.Categorical, FeatureEncoding.OneHot, 2, 3, ["blue", "green", "red"]),
            new ExportedFeature("grade", ColumnType.Categorical, FeatureEncoding.Ordinal, 5, 1, Grades),
        ],
        [10.5, 0.25, 0.2, 0.3, 0.5, 4.5], [1, 1, 1, 1, 1, 1], ["no", "yes"], null, new ExportRowCounts(10, 2, 2), 0, ExportFiles.Default, 42, true, "sha", "rule", "mean"));

    [Fact]
    public void Rows_are_encoded_as_the_export_encodes_them_and_nulls_get_the_exports_fill()
    {
        var input = Parse("""
            {"rows": [
              {"size": 14.25, "active": true, "color": "red", "grade": "c"},
              {"grade": null, "color": null, "active": null, "size": null},
              {"size": -1e3, "active": false, "color": "blue", "grade": "l"}
            ]}
            """);

        Assert.Equal(3, input.Rows);
        Assert.Equal<float>(
        [
            14.25f, 1, 0, 0, 1, 2,
            10.5f, 0.25f, 0, 0, 0, 4.5f,
            -1000, 0, 1, 0, 0, 11,
        ], input.Features);
    }

    [Fact]
    public void Instances_are_taken_in_the_models_input_order_and_nulls_get_the_fill()
    {
        var input = Parse("""{"instances": [[1, 0, 0, 1, 0, 3], [null, 1, 0, 0, 1, null]]}""");

        Assert.Equal(2, input.Rows);
        Assert.Equal<float>([1, 0, 0, 1, 0, 3, 10.5f, 1, 0, 0, 1, 4.5f], input.Features);
    }

    [Fact]
    public void A_body_split_across_segments_parses_the_same()
    {
        const string body = """{"rows": [{"size": 14.25, "active": true, "color": "green", "grade": "k"}]}""";
        var bytes = Encoding.UTF8.GetBytes(body);
        var split = SegmentedSequence.Of(bytes, 7);

        var whole = PredictionRequestParser.Parse(bytes, Schema, 256);
        var pieces = PredictionRequestParser.Parse(split, Schema, 256);

        Assert.Equal(whole.Features, pieces.Features);
    }

    [Theory]
    [InlineData("""{"rows": [{"size": 1, "active": true, "color": "red"}]}""", "Row 0: feature 'grade' is missing", 0, "grade")]
    [InlineData("""{"rows": [{"size": 1, "active": true, "color": "red", "grade": "a"}, {"size": 1, "active": true, "color": "red", "grade": "a", "colour": "red"}]}""", "Row 1: 'colour' is not a feature of this model", 1, "colour")]
    [InlineData("""{"rows": [{"size": "14.2", "active": true, "color": "red", "grade": "a"}]}""", "Row 0, feature 'size': expected a number (or null for a missing value), got the string \"14.2\"", 0, "size")]
    [InlineData("""{"rows": [{"size": "NaN", "active": true, "color": "red", "grade": "a"}]}""", "Row 0, feature 'size': \"NaN\" is not allowed", 0, "size")]
    [InlineData("""{"rows": [{"size": NaN, "active": true, "color": "red", "grade": "a"}]}""", "Row 0, feature 'size': the body is not valid JSON", 0, "size")]
    [InlineData("""{"rows": [{"size": 1e39, "active": true, "color": "red", "grade": "a"}]}""", "Row 0, feature 'size': 1e39 is outside the range of float32", 0, "size")]
    [InlineData("""{"rows": [{"size": 1, "active": "yes", "color": "red", "grade": "a"}]}""", "Row 0, feature 'active': expected true or false", 0, "active")]
    [InlineData("""{"rows": [{"size": 1, "active": true, "color": "purple", "grade": "a"}]}""", "Row 0: 'purple' is not a category of feature 'color'; its categories are 'blue', 'green', 'red'", 0, "color")]
    [InlineData("""{"rows": [{"size": 1, "size": 2, "active": true, "color": "red", "grade": "a"}]}""", "Row 0: feature 'size' is given twice", 0, "size")]
    [InlineData("""{"instances": [[1, 0, 0, 1, 0, 3], [1, 0, 0, 1, 0]]}""", "Instance 1 has 5 values; the model takes 6", 1, null)]
    [InlineData("""{"instances": [[1, 0, 0, 1, 0, 3, 7]]}""", "Instance 0 has 7 values; the model takes 6", 0, null)]
    [InlineData("""{"instances": [[1, 0, "x", 1, 0, 3]]}""", "Instance 0, position 2 ('color=blue'): expected a number", 0, "color=blue")]
    [InlineData("""{"instances": [[1, 0, 0, 1, 0, Infinity]]}""", "Instance 0, position 5 ('grade'): the body is not valid JSON", 0, "grade")]
    [InlineData("""{"rows": []}""", "\"rows\" is empty", null, "rows")]
    [InlineData("""{"records": []}""", "Unknown property 'records'", null, "records")]
    [InlineData("""{}""", "The body has neither \"rows\"", null, null)]
    [InlineData("""[1, 2]""", "The body must be a JSON object", null, null)]
    [InlineData("""{"rows": [{"size": 1, "active": true, "color": "red", "grade": "a"}], "instances": [[1, 0, 0, 1, 0, 3]]}""", "not both", null, null)]
    public void Bad_input_is_refused_naming_the_row_and_field(string body, string message, int? row, string? field)
    {
        var refusal = Assert.Throws<PredictionInputException>(() => Parse(body));

        Assert.Contains(message, refusal.Message, StringComparison.Ordinal);
        Assert.Equal(row, refusal.Row);
        Assert.Equal(field, refusal.Field);
    }

    [Fact]
    public void More_rows_than_the_limit_are_refused()
    {
        static byte[] Body(int rows) => Encoding.UTF8.GetBytes("{\"instances\": [" + string.Join(",", Enumerable.Repeat("[1, 0, 0, 1, 0, 3]", rows)) + "]}");

        Assert.Equal(3, PredictionRequestParser.Parse(Body(3), Schema, 3).Rows);
        var refusal = Assert.Throws<PredictionInputException>(() => PredictionRequestParser.Parse(Body(4), Schema, 3));
        Assert.Contains("more than 3 rows; send at most 3 per request", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_numeric_category_may_be_sent_as_a_number()
    {
        var schema = new ModelSchema(Manifest(["1", "2", "3"]));

        var input = PredictionRequestParser.Parse("""{"rows": [{"size": 1, "level": 2}]}"""u8, schema, 256);

        Assert.Equal<float>([1, 0, 1, 0], input.Features);
    }

    private static ExportManifest Manifest(string[] levels) => new(
        1, ModelTask.Regression, "y", ["size", "level=1", "level=2", "level=3"], 4,
        [
            new ExportedFeature("size", ColumnType.Numeric, FeatureEncoding.Numeric, 0, 1, null),
            new ExportedFeature("level", ColumnType.Categorical, FeatureEncoding.OneHot, 1, 3, levels),
        ],
        [0, 0, 0, 0], [1, 1, 1, 1], null, null, new ExportRowCounts(1, 1, 1), 0, ExportFiles.Default, 1, false, "sha", "rule", "mean");

    private static PredictionInput Parse(string body) => PredictionRequestParser.Parse(Encoding.UTF8.GetBytes(body), Schema, 256);
}
