using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Tests.Datasets;

public sealed class ValidationRuleTests : IDisposable
{
    private const string Data = "a,b,label\n1,10,x\n2,,y\n3,30,x\n3,30,x\n5,50,y\n";

    private readonly DatasetFixture _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<string, string> Rules => new()
    {
        { ValidationRuleNames.RequiredColumns, "required" },
        { ValidationRuleNames.MinRows, "min-rows" },
        { ValidationRuleNames.NullFraction, "null-default" },
        { ValidationRuleNames.NullFraction, "null-override" },
        { ValidationRuleNames.Range, "range" },
        { ValidationRuleNames.DuplicateRows, "duplicates" },
        { ValidationRuleNames.LabelClasses, "labels" },
        { ValidationRuleNames.MinRowsPerClass, "per-class" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task Each_rule_passes_within_its_limit_and_fails_beyond_it(string rule, string variant)
    {
        var (passing, failing, column, rows) = Limits(variant);

        var pass = await _files.InspectAsync(variant + "-pass.csv", Data, rules: passing);
        var fail = await _files.InspectAsync(variant + "-fail.csv", Data, rules: failing);

        Assert.True(pass.Passed, pass.Report.ToText());
        Assert.DoesNotContain(pass.Report.Findings, f => f.Rule == rule);
        Assert.False(fail.Passed);
        var finding = Assert.Single(fail.Report.Findings, f => f.Rule == rule);
        Assert.Equal(FindingSeverity.Error, finding.Severity);
        Assert.Equal(column, finding.Column);
        Assert.Equal(rows, finding.Rows);
    }

    [Fact]
    public async Task Label_classes_apply_to_classification_only()
    {
        var rules = DatasetFixture.Lenient() with { LabelClasses = ["1", "2"] };
        var inspection = await _files.InspectAsync("reg.csv", "a,price\n1,10.5\n2,11\n", DatasetFixture.Regression(), rules);

        Assert.True(inspection.Passed, inspection.Report.ToText());
    }

    [Fact]
    public async Task Row_samples_stop_at_twenty_but_the_count_goes_on()
    {
        var rows = string.Concat(Enumerable.Range(1, 50).Select(i => $"{i},x\n"));
        var rules = DatasetFixture.Lenient() with { Ranges = new Dictionary<string, ValueRange> { ["a"] = new(null, 0) } };
        var inspection = await _files.InspectAsync("many.csv", "a,label\n" + rows, rules: rules);

        var finding = Assert.Single(inspection.Report.Findings);
        Assert.Equal(50, finding.Count);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), finding.Rows);
    }

    [Fact]
    public async Task Drift_and_schema_changes_against_the_previous_profile_are_warnings()
    {
        var before = string.Concat(Enumerable.Range(0, 200).Select(i => $"{i % 10},{i % 3},x\n"));
        var after = string.Concat(Enumerable.Range(0, 200).Select(i => $"{(i % 10) + 7},{i % 5}.5,y\n"));
        var first = await _files.InspectAsync("v1.csv", "a,b,label\n" + before);
        var same = await _files.InspectAsync("v1b.csv", "a,b,label\n" + before, previous: first.Profile);
        var shifted = await _files.InspectAsync("v3.csv", "a,b,c,label\n" + after.Replace(",y\n", ",1,y\n", StringComparison.Ordinal), previous: first.Profile);

        Assert.Empty(same.Report.Findings);
        Assert.True(shifted.Passed, shifted.Report.ToText());
        var findings = shifted.Report.Findings.Select(f => (f.Rule, f.Severity, f.Column)).ToHashSet();
        Assert.Contains((ValidationRuleNames.Drift, FindingSeverity.Warning, "a"), findings);
        Assert.Contains((ValidationRuleNames.SchemaChange, FindingSeverity.Warning, "c"), findings); // added
        Assert.Contains((ValidationRuleNames.SchemaChange, FindingSeverity.Warning, "b"), findings); // Integer -> Numeric
    }

    private static (ValidationRules Passing, ValidationRules Failing, string? Column, long[] Rows) Limits(string variant)
    {
        var rules = DatasetFixture.Lenient();
        return variant switch
        {
            "required" => (rules with { RequiredColumns = ["a"] }, rules with { RequiredColumns = ["a", "zzz"] }, "zzz", []),
            "min-rows" => (rules with { MinRows = 5 }, rules with { MinRows = 6 }, null, []),
            "null-default" => (rules with { MaxNullFraction = 0.2 }, rules with { MaxNullFraction = 0.1 }, "b", [2]),
            "null-override" => (rules with { MaxNullFraction = 0, NullFractions = new Dictionary<string, double> { ["b"] = 0.2 } },
                rules with { MaxNullFraction = 0.5, NullFractions = new Dictionary<string, double> { ["b"] = 0.1 } }, "b", [2]),
            "range" => (rules with { Ranges = new Dictionary<string, ValueRange> { ["a"] = new(1, 5) } },
                rules with { Ranges = new Dictionary<string, ValueRange> { ["a"] = new(null, 2.5) } }, "a", [3, 4, 5]),
            "duplicates" => (rules with { MaxDuplicateRowFraction = 0.2 }, rules with { MaxDuplicateRowFraction = 0.1 }, null, [4]),
            "labels" => (rules with { LabelClasses = ["x", "y"] }, rules with { LabelClasses = ["x", "z"] }, "label", [2, 5]),
            "per-class" => (rules with { MinRowsPerClass = 2 }, rules with { MinRowsPerClass = 3 }, "label", []),
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };
    }
}
