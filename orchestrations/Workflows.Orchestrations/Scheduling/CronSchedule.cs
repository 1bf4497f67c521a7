using System.Diagnostics.CodeAnalysis;

namespace Workflows.Orchestrations.Scheduling;

/// <summary>
/// An NCRONTAB schedule in the 6-field form of Azure Functions timer triggers:
/// <c>{second} {minute} {hour} {day} {month} {day-of-week}</c>, evaluated in UTC.
/// </summary>
/// <remarks>
/// Each field takes <c>*</c>, numbers, ranges <c>a-b</c>, lists <c>a,b</c> and steps <c>*/n</c>, <c>a-b/n</c>,
/// <c>a/n</c>; months also take JAN-DEC and days of the week SUN-SAT (any case), and day-of-week 7 is Sunday like 0.
/// Day-of-month and day-of-week combine as in cron: when both are restricted (neither starts with <c>*</c>) a day
/// matching either runs; otherwise a day must match both. UTC has no daylight-saving gaps, so every matching
/// second occurs exactly once.
/// </remarks>
public sealed class CronSchedule
{
    /// <summary>
    /// How far ahead <see cref="GetNextOccurrence"/> looks. The rarest possible schedule (February 29) recurs within
    /// 8 years, so a schedule with nothing in 50 years can never run (February 30, April 31).
    /// </summary>
    private const int SearchYears = 50;

    private readonly string _expression;
    private readonly CronValueSet _seconds;
    private readonly CronValueSet _minutes;
    private readonly CronValueSet _hours;
    private readonly CronValueSet _days;
    private readonly CronValueSet _months;
    private readonly CronValueSet _daysOfWeek;

    private CronSchedule(string expression, IReadOnlyList<CronValueSet> fields)
    {
        _expression = expression;
        (_seconds, _minutes, _hours, _days, _months, _daysOfWeek) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
    }

    /// <summary>Parses an expression.</summary>
    /// <exception cref="CronFormatException">The expression is malformed; the message names the field.</exception>
    public static CronSchedule Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return TryParse(expression, out var schedule, out var error) ? schedule : throw new CronFormatException(error);
    }

    /// <summary>Parses an expression without throwing.</summary>
    /// <param name="expression">The NCRONTAB expression.</param>
    /// <param name="schedule">The schedule, when it parses.</param>
    /// <param name="error">Why it does not parse, naming the field (<c>field 3 (hour): 25 is outside 0-23</c>).</param>
    public static bool TryParse(
        string expression, [NotNullWhen(true)] out CronSchedule? schedule, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(expression);
        schedule = null;
        var texts = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (texts.Length != CronField.All.Count)
        {
            error = $"expected 6 fields ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}), found {texts.Length}";
            return false;
        }

        var fields = new CronValueSet[texts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            if (!CronFieldParser.TryParse(texts[i], CronField.All[i], out fields[i], out error))
            {
                return false;
            }
        }

        schedule = new CronSchedule(string.Join(' ', texts), fields);
        error = null;
        return true;
    }

    /// <summary>
    /// The first occurrence strictly after <paramref name="after"/>, in UTC (offset zero); null when the schedule
    /// has no occurrence within 50 years, which means it never runs (for example February 30).
    /// </summary>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after)
    {
        var utc = after.UtcDateTime;
        var wholeSecond = utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerSecond));
        if (wholeSecond >= DateTime.MaxValue.AddSeconds(-1))
        {
            return null;
        }

        var start = wholeSecond.AddSeconds(1);
        return FindAtOrAfter(start, Math.Min(start.Year + SearchYears, DateTime.MaxValue.Year));
    }

    /// <summary>
    /// Every occurrence strictly after <paramref name="after"/> and before <paramref name="until"/> (exclusive, as
    /// NCRONTAB's <c>GetNextOccurrences</c>), in order, lazily.
    /// </summary>
    public IEnumerable<DateTimeOffset> GetOccurrences(DateTimeOffset after, DateTimeOffset until)
    {
        for (var next = GetNextOccurrence(after); next is { } occurrence && occurrence < until; next = GetNextOccurrence(occurrence))
        {
            yield return occurrence;
        }
    }

    /// <summary>The expression, with its fields separated by single spaces.</summary>
    public override string ToString() => _expression;

    /// <summary>
    /// Walks field by field from the largest unit down: a unit that does not match jumps to its next allowed
    /// value, or carries into the next larger unit and resets the smaller ones. Values past a unit's end (hour 24,
    /// month 13, day 32) have no allowed value, so they carry on the next pass.
    /// </summary>
    private DateTimeOffset? FindAtOrAfter(DateTime start, int lastYear)
    {
        var (year, month, day, hour, minute, second) = (start.Year, start.Month, start.Day, start.Hour, start.Minute, start.Second);
        while (year <= lastYear)
        {
            var nextMonth = _months.NextAtOrAfter(month);
            if (nextMonth < 0)
            {
                (year, month, day, hour, minute, second) = (year + 1, 1, 1, 0, 0, 0);
                continue;
            }

            if (nextMonth != month)
            {
                (month, day, hour, minute, second) = (nextMonth, 1, 0, 0, 0);
            }

            var nextDay = NextMatchingDay(year, month, day);
            if (nextDay < 0)
            {
                (month, day, hour, minute, second) = (month + 1, 1, 0, 0, 0);
                continue;
            }

            if (nextDay != day)
            {
                (day, hour, minute, second) = (nextDay, 0, 0, 0);
            }

            var nextHour = _hours.NextAtOrAfter(hour);
            if (nextHour < 0)
            {
                (day, hour, minute, second) = (day + 1, 0, 0, 0);
                continue;
            }

            if (nextHour != hour)
            {
                (hour, minute, second) = (nextHour, 0, 0);
            }

            var nextMinute = _minutes.NextAtOrAfter(minute);
            if (nextMinute < 0)
            {
                (hour, minute, second) = (hour + 1, 0, 0);
                continue;
            }

            if (nextMinute != minute)
            {
                (minute, second) = (nextMinute, 0);
            }

            var nextSecond = _seconds.NextAtOrAfter(second);
            if (nextSecond < 0)
            {
                (minute, second) = (minute + 1, 0);
                continue;
            }

            return new DateTimeOffset(year, month, day, hour, minute, nextSecond, TimeSpan.Zero);
        }

        return null;
    }

    /// <summary>The first day of the month at or after <paramref name="day"/> that matches, or -1.</summary>
    private int NextMatchingDay(int year, int month, int day)
    {
        var daysInMonth = DateTime.DaysInMonth(year, month);
        for (; day <= daysInMonth; day++)
        {
            if (MatchesDay(year, month, day))
            {
                return day;
            }
        }

        return -1;
    }

    private bool MatchesDay(int year, int month, int day)
    {
        var dayOfMonthMatches = _days.Contains(day);
        var dayOfWeekMatches = _daysOfWeek.Contains((int)new DateTime(year, month, day).DayOfWeek);
        return _days.IsWildcard || _daysOfWeek.IsWildcard
            ? dayOfMonthMatches && dayOfWeekMatches
            : dayOfMonthMatches || dayOfWeekMatches;
    }
}
