using System.Globalization;
using Workflows.Orchestrations.Scheduling;

namespace Workflows.Orchestrations.Tests.Scheduling;

/// <summary>When an NCRONTAB schedule fires next, in UTC.</summary>
public sealed class CronScheduleOccurrenceTests
{
    [Theory]
    [InlineData("* * * * * *", "2025-03-10T08:15:30Z", "2025-03-10T08:15:31Z")]
    [InlineData("0 */5 * * * *", "2025-03-10T08:15:30Z", "2025-03-10T08:20:00Z")]
    [InlineData("0 */5 * * * *", "2025-03-10T08:55:00Z", "2025-03-10T09:00:00Z")]
    [InlineData("30 0 9 * * *", "2025-03-10T09:00:30Z", "2025-03-11T09:00:30Z")]
    [InlineData("0 0 0 1 1 *", "2025-12-31T23:59:59Z", "2026-01-01T00:00:00Z")]
    [InlineData("0 0 0 31 * *", "2025-04-01T00:00:00Z", "2025-05-31T00:00:00Z")]
    [InlineData("0 15 10 * JUN-AUG *", "2025-03-10T00:00:00Z", "2025-06-01T10:15:00Z")]
    [InlineData("0 0 12 * * 7", "2025-03-10T00:00:00Z", "2025-03-16T12:00:00Z")]
    [InlineData("0 0 12 * * 0", "2025-03-10T00:00:00Z", "2025-03-16T12:00:00Z")]
    [InlineData("0 0 12 * * sat", "2025-03-10T00:00:00Z", "2025-03-15T12:00:00Z")]
    [InlineData("0 0 9 * * MON-FRI", "2025-03-14T10:00:00Z", "2025-03-17T09:00:00Z")]
    [InlineData("0 0 0 * FEB *", "2025-03-01T00:00:00Z", "2026-02-01T00:00:00Z")]
    [InlineData("0 0 8-18/4 * * *", "2025-03-10T12:00:00Z", "2025-03-10T16:00:00Z")]
    [InlineData("0 0 8-18/4 * * *", "2025-03-10T16:00:00Z", "2025-03-11T08:00:00Z")]
    [InlineData("10/20 * * * * *", "2025-03-10T08:00:31Z", "2025-03-10T08:00:50Z")]
    [InlineData("10/20 * * * * *", "2025-03-10T08:00:50Z", "2025-03-10T08:01:10Z")]
    [InlineData("0 0 0 28-31/3 * *", "2025-02-01T00:00:00Z", "2025-02-28T00:00:00Z")]
    [InlineData("0 0 0 28-31/3 * *", "2025-02-28T00:00:00Z", "2025-03-28T00:00:00Z")]
    public void Next_occurrence_is_the_first_matching_second_strictly_after(string expression, string after, string expected)
    {
        var next = CronSchedule.Parse(expression).GetNextOccurrence(Utc(after));

        Assert.Equal(Utc(expected), next);
    }

    [Fact]
    public void February_29_fires_only_in_leap_years_and_skips_2100()
    {
        var schedule = CronSchedule.Parse("0 0 0 29 2 *");

        Assert.Equal(Utc("2028-02-29T00:00:00Z"), schedule.GetNextOccurrence(Utc("2024-02-29T00:00:00Z")));
        Assert.Equal(Utc("2104-02-29T00:00:00Z"), schedule.GetNextOccurrence(Utc("2096-03-01T00:00:00Z")));
    }

    [Theory]
    [InlineData("0 0 0 30 FEB *")]
    [InlineData("0 0 0 31 4,6,9,11 *")]
    public void An_impossible_date_has_no_occurrence(string expression)
    {
        Assert.Null(CronSchedule.Parse(expression).GetNextOccurrence(Utc("2025-01-01T00:00:00Z")));
    }

    [Fact]
    public void Day_of_month_and_day_of_week_both_restricted_match_either()
    {
        // The 13th, or any Friday: March 2025 has Fridays on the 7th, 14th, 21st and 28th.
        var schedule = CronSchedule.Parse("0 0 0 13 * FRI");

        var days = schedule.GetOccurrences(Utc("2025-03-01T00:00:00Z"), Utc("2025-04-01T00:00:00Z")).Select(day => day.Day);

        Assert.Equal([7, 13, 14, 21, 28], days);
    }

    [Fact]
    public void A_wildcard_day_of_month_leaves_day_of_week_alone_in_charge()
    {
        var schedule = CronSchedule.Parse("0 0 0 * * FRI");

        var days = schedule.GetOccurrences(Utc("2025-03-01T00:00:00Z"), Utc("2025-04-01T00:00:00Z")).Select(day => day.Day);

        Assert.Equal([7, 14, 21, 28], days);
    }

    [Fact]
    public void A_stepped_wildcard_counts_as_wildcard_so_both_day_fields_must_match()
    {
        // Vixie cron's rule: a field starting with '*' is unrestricted, so odd days AND Fridays.
        var schedule = CronSchedule.Parse("0 0 0 */2 * FRI");

        var days = schedule.GetOccurrences(Utc("2025-03-01T00:00:00Z"), Utc("2025-04-01T00:00:00Z")).Select(day => day.Day);

        Assert.Equal([7, 21], days);
    }

    [Fact]
    public void Occurrences_run_strictly_after_the_start_up_to_but_not_including_the_end()
    {
        var schedule = CronSchedule.Parse("0 0 * * * *");

        var hours = schedule.GetOccurrences(Utc("2025-03-10T08:00:00Z"), Utc("2025-03-10T11:00:00Z")).ToList();

        Assert.Equal([Utc("2025-03-10T09:00:00Z"), Utc("2025-03-10T10:00:00Z")], hours);
    }

    [Fact]
    public void Times_with_an_offset_are_compared_in_utc_and_results_are_utc()
    {
        var schedule = CronSchedule.Parse("0 0 9 * * *");
        var afterInNewYork = new DateTimeOffset(2025, 3, 10, 4, 30, 0, TimeSpan.FromHours(-4)); // 08:30 UTC

        var next = schedule.GetNextOccurrence(afterInNewYork);

        Assert.Equal(new DateTimeOffset(2025, 3, 10, 9, 0, 0, TimeSpan.Zero), next);
        Assert.Equal(TimeSpan.Zero, next!.Value.Offset);
    }

    [Fact]
    public void Utc_has_no_daylight_saving_gap_or_repeat()
    {
        // 2025-03-30 01:00-02:00 is skipped in Europe and 2025-10-26 02:00-03:00 repeated; in UTC every hour occurs once.
        var schedule = CronSchedule.Parse("0 30 * * * *");

        var spring = schedule.GetOccurrences(Utc("2025-03-30T00:00:00Z"), Utc("2025-03-30T04:00:00Z")).Select(time => time.Hour);
        var autumn = schedule.GetOccurrences(Utc("2025-10-26T00:00:00Z"), Utc("2025-10-26T04:00:00Z")).Select(time => time.Hour);

        Assert.Equal([0, 1, 2, 3], spring);
        Assert.Equal([0, 1, 2, 3], autumn);
    }

    [Fact]
    public void Fractions_of_a_second_are_dropped_before_searching()
    {
        var after = Utc("2025-03-10T08:15:30Z").AddMilliseconds(999);

        Assert.Equal(Utc("2025-03-10T08:15:31Z"), CronSchedule.Parse("* * * * * *").GetNextOccurrence(after));
    }

    [Fact]
    public void The_end_of_time_has_no_next_occurrence()
    {
        Assert.Null(CronSchedule.Parse("* * * * * *").GetNextOccurrence(DateTimeOffset.MaxValue));
        Assert.Null(CronSchedule.Parse("0 0 0 1 1 *").GetNextOccurrence(Utc("9999-06-01T00:00:00Z")));
    }

    [Fact]
    public void A_rare_schedule_is_found_quickly_without_scanning_seconds()
    {
        // Once a year, at the last second: a search second by second would step 31 million times per call.
        var schedule = CronSchedule.Parse("59 59 23 31 DEC *");
        var started = System.Diagnostics.Stopwatch.StartNew();

        var next = schedule.GetNextOccurrence(Utc("2025-01-01T00:00:00Z"));
        for (var i = 0; i < 1_000; i++)
        {
            schedule.GetNextOccurrence(Utc("2025-01-01T00:00:00Z"));
        }

        Assert.Equal(Utc("2025-12-31T23:59:59Z"), next);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"1,000 searches took {started.Elapsed}");
    }

    private static DateTimeOffset Utc(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
