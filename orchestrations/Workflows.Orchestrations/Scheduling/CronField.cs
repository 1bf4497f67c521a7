namespace Workflows.Orchestrations.Scheduling;

/// <summary>One of the six positions of an NCRONTAB expression, with its range and accepted names.</summary>
/// <param name="Number">1-based position in the expression, as error messages cite it.</param>
/// <param name="Name">What the field holds, as error messages cite it.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Names">Three-letter names of the values from <paramref name="Min"/> on; null when the field has none.</param>
internal sealed record CronField(int Number, string Name, int Min, int Max, IReadOnlyList<string>? Names = null)
{
    public static readonly CronField Second = new(1, "second", 0, 59);

    public static readonly CronField Minute = new(2, "minute", 0, 59);

    public static readonly CronField Hour = new(3, "hour", 0, 23);

    public static readonly CronField Day = new(4, "day", 1, 31);

    public static readonly CronField Month = new(
        5, "month", 1, 12, ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]);

    /// <summary>0-7 where both 0 and 7 are Sunday, as in cron; 7 is folded onto 0 when parsed.</summary>
    public static readonly CronField DayOfWeek = new(6, "day-of-week", 0, 7, ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]);

    /// <summary>The fields in expression order.</summary>
    public static readonly IReadOnlyList<CronField> All = [Second, Minute, Hour, Day, Month, DayOfWeek];

    public string Describe() => $"field {Number} ({Name})";
}
