using Workflows.Orchestrations.Scheduling;

namespace Workflows.Orchestrations.Tests.Scheduling;

/// <summary>Which NCRONTAB expressions parse, and how the refused ones are explained.</summary>
public sealed class CronScheduleParseTests
{
    [Theory]
    [InlineData("0 */5 * * * *")]
    [InlineData("*/30 0-30/10 9-17 1,15 JAN-MAR mon-fri")]
    [InlineData("0 0 12 * * 7")]
    [InlineData("0 0 0 29 FEB *")]
    [InlineData("5/15 0 0 * * *")]
    [InlineData("0,30 1-2,5 */2 * Dec Sat,SUN")]
    public void Valid_expressions_parse(string expression)
    {
        Assert.True(CronSchedule.TryParse(expression, out var schedule, out var error), error);
        Assert.NotNull(schedule);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("0 0 25 * * *", "field 3 (hour): 25 is outside 0-23")]
    [InlineData("60 * * * * *", "field 1 (second): 60 is outside 0-59")]
    [InlineData("0 61 * * * *", "field 2 (minute): 61 is outside 0-59")]
    [InlineData("0 0 0 0 * *", "field 4 (day): 0 is outside 1-31")]
    [InlineData("0 0 0 32 * *", "field 4 (day): 32 is outside 1-31")]
    [InlineData("0 0 0 * 13 *", "field 5 (month): 13 is outside 1-12")]
    [InlineData("0 0 0 * * 8", "field 6 (day-of-week): 8 is outside 0-7")]
    [InlineData("0 0 0 * FOO *", "field 5 (month): 'FOO' is neither a number in 1-12 nor a name JAN-DEC")]
    [InlineData("0 0 0 * * SUNDAY", "field 6 (day-of-week): 'SUNDAY' is neither a number in 0-7 nor a name SUN-SAT")]
    [InlineData("0 0 MON * * *", "field 3 (hour): 'MON' is not a number in 0-23")]
    [InlineData("0 0 17-9 * * *", "field 3 (hour): range 17-9 runs backwards")]
    [InlineData("*/0 * * * * *", "field 1 (second): step '0' is not a positive whole number")]
    [InlineData("*/x * * * * *", "field 1 (second): step 'x' is not a positive whole number")]
    [InlineData("0 1,,2 * * * *", "field 2 (minute): empty list element")]
    [InlineData("0 -5 * * * *", "field 2 (minute): '' is not a number in 0-59")]
    public void An_invalid_field_is_named_with_the_reason(string expression, string expected)
    {
        var error = Assert.Throws<CronFormatException>(() => CronSchedule.Parse(expression));

        Assert.Equal(expected, error.Message);
        Assert.IsAssignableFrom<FormatException>(error);
    }

    [Theory]
    [InlineData("0 0 * * *", 5)]
    [InlineData("0 0 0 * * * *", 7)]
    [InlineData("   ", 0)]
    public void The_wrong_number_of_fields_is_refused(string expression, int found)
    {
        Assert.False(CronSchedule.TryParse(expression, out _, out var error));

        Assert.Equal($"expected 6 fields ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}), found {found}", error);
    }

    [Fact]
    public void ToString_gives_the_expression_with_single_spaces()
    {
        Assert.Equal("0 */5 9-17 * JAN mon", CronSchedule.Parse("  0  */5 9-17\t*   JAN mon ").ToString());
    }

    [Fact]
    public void Parse_refuses_null()
    {
        Assert.Throws<ArgumentNullException>(() => CronSchedule.Parse(null!));
    }
}
