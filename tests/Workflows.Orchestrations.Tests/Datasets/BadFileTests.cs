using System.Text;
using Workflows.Orchestrations.Datasets;

namespace Workflows.Orchestrations.Tests.Datasets;

public sealed class BadFileTests : IDisposable
{
    private readonly DatasetFixture _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<string, byte[], string, string> BadFiles => new()
    {
        { "unterminated quote", Utf8("a,b,label\n1,2,x\n3,\"open,y\n5,6,x\n"), ValidationRuleNames.Structure, "unterminated quoted field|(data row 2, line 3, column 'b')" },
        { "wrong field count", Utf8("a,b,label\n1,2,x\n3,4\n5,6,x\n"), ValidationRuleNames.FieldCount, "the first, at line 3, has 2" },
        { "empty file", [], ValidationRuleNames.Structure, "the file is empty" },
        { "header only", Utf8("a,b,label\n"), ValidationRuleNames.MinRows, "header but no data rows" },
        { "duplicate header", Utf8("a,a,label\n1,2,x\n"), ValidationRuleNames.Header, "duplicate column name 'a'" },
        { "empty header name", Utf8("a,,label\n1,2,x\n"), ValidationRuleNames.Header, "header column 2 (line 1) has an empty name" },
        { "invalid UTF-8", [.. Utf8("a,b,label\n1,2,x\n1,"), 0xC3, 0x28, .. Utf8(",y\n")], ValidationRuleNames.Encoding, "invalid UTF-8 at byte offset 18" },
        { "binary file", [.. Utf8("a,b,label\n1,2,x\n"), 0x00, 0x01, 0x02], ValidationRuleNames.Encoding, "NUL byte at byte offset 16" },
        { "UTF-16 little-endian", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("a,b,label\n1,2,x\n")], ValidationRuleNames.Encoding, "UTF-16 is not supported, save as UTF-8" },
        { "UTF-16 big-endian", [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes("a,b,label\n1,2,x\n")], ValidationRuleNames.Encoding, "UTF-16 is not supported, save as UTF-8" },
        { "quote inside unquoted field", Utf8("a,b,label\n1,2\"3,x\n"), ValidationRuleNames.Structure, "inside an unquoted field|(data row 1, line 2, column 'b')" },
        { "text after closing quote", Utf8("a,b,label\n1,\"2\"3,x\n"), ValidationRuleNames.Structure, "after the closing quote|(data row 1, line 2, column 'b')" },
        { "NaN in numeric column", Utf8("a,b,label\n1,2,x\n1,NaN,y\n"), ValidationRuleNames.NonFinite, "NaN or Infinity" },
        { "Infinity in numeric column", Utf8("a,b,label\n1,2,x\n1,-Infinity,y\n"), ValidationRuleNames.NonFinite, "the first at line 3" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_bad_file_fails_with_a_finding_that_says_where(string kind, byte[] content, string rule, string expected /* '|' between parts */)
    {
        var path = _files.WriteBytes(kind.Replace(' ', '-') + ".csv", content);
        var inspection = await _files.InspectPathAsync(path);

        Assert.False(inspection.Passed);
        Assert.Null(inspection.ContentSha256);
        Assert.False(File.Exists(_files.Canonical(Path.GetFileName(path))));
        var finding = Assert.Single(inspection.Report.Findings, f => f.Severity == FindingSeverity.Error && f.Rule == rule);
        foreach (var part in expected.Split('|'))
        {
            Assert.Contains(part, finding.Message, StringComparison.Ordinal);
            Assert.Contains(part, inspection.Report.ToText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_row_level_error_names_data_rows_and_the_column()
    {
        var inspection = await _files.InspectAsync("nan.csv", "a,b,label\n1,2,x\n1,NaN,y\n2,3,x\n4,Infinity,x\n");

        var finding = Assert.Single(inspection.Report.Findings, f => f.Rule == ValidationRuleNames.NonFinite);
        Assert.Equal("b", finding.Column);
        Assert.Equal([2L, 4L], finding.Rows);
    }

    [Fact]
    public async Task A_structural_failure_leaves_the_profile_unknown()
    {
        var inspection = await _files.InspectAsync("broken.csv", "a,b,label\n1,2,x\n\"never closed\n");

        Assert.False(inspection.Passed);
        Assert.Null(inspection.Profile);
        Assert.Null(inspection.Schema);
        Assert.Equal([2L], inspection.Report.Findings.Single().Rows);
    }

    [Fact]
    public async Task Invalid_utf8_beyond_the_first_buffer_names_its_row_and_offset()
    {
        var text = new StringBuilder("a,b,label\n");
        for (var i = 0; i < 40_000; i++)
        {
            text.Append("12345,67890,x\n");
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        bytes[^5] = 0xFF; // inside row 40,000's second field
        var inspection = await _files.InspectPathAsync(_files.WriteBytes("late.csv", bytes));

        var finding = Assert.Single(inspection.Report.Findings);
        Assert.Equal(ValidationRuleNames.Encoding, finding.Rule);
        Assert.Contains($"byte offset {bytes.Length - 5}", finding.Message, StringComparison.Ordinal);
        Assert.Contains("data row 40000, line 40001", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multi_byte_characters_across_buffer_boundaries_are_valid()
    {
        var text = new StringBuilder("name,label\n");
        for (var i = 0; i < 60_000; i++)
        {
            text.Append("é€😀,x\n");
        }

        var inspection = await _files.InspectAsync("utf8.csv", text.ToString());

        Assert.True(inspection.Passed, inspection.Report.ToText());
        Assert.Equal(60_000, inspection.RowCount);
    }

    [Fact]
    public async Task A_quoted_field_may_hold_commas_quotes_and_line_breaks()
    {
        var inspection = await _files.InspectAsync("quoted.csv", "text,label\n\"a, \"\"b\"\"\nc\",x\nplain,y\n", DatasetFixture.Classification());

        Assert.True(inspection.Passed, inspection.Report.ToText());
        Assert.Equal(2, inspection.RowCount);
        Assert.Equal("text,label\n\"a, \"\"b\"\"\nc\",x\nplain,y\n", await File.ReadAllTextAsync(_files.Canonical("quoted.csv"), TestContext.Current.CancellationToken));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
