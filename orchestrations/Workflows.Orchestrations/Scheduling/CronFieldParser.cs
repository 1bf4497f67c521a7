using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Workflows.Orchestrations.Scheduling;

/// <summary>
/// Parses one field of an NCRONTAB expression: a comma-separated list whose elements are <c>*</c>, a value, a
/// range <c>a-b</c>, each optionally stepped (<c>*/n</c>, <c>a-b/n</c>, <c>a/n</c> meaning <c>a</c> to the end).
/// </summary>
internal static class CronFieldParser
{
    public static bool TryParse(string text, CronField field, out CronValueSet values, [NotNullWhen(false)] out string? error)
    {
        values = default;
        ulong mask = 0;
        foreach (var element in text.Split(','))
        {
            if (!TryParseElement(element, field, ref mask, out error))
            {
                error = $"{field.Describe()}: {error}";
                return false;
            }
        }

        if (field == CronField.DayOfWeek && (mask & (1UL << 7)) != 0)
        {
            // 7 is Sunday too; keeping one bit per weekday lets matching use DayOfWeek's 0-6 directly.
            mask = (mask & ~(1UL << 7)) | 1UL;
        }

        values = new CronValueSet(mask, text.StartsWith('*'));
        error = null;
        return true;
    }

    private static bool TryParseElement(string element, CronField field, ref ulong mask, [NotNullWhen(false)] out string? error)
    {
        if (element.Length == 0)
        {
            error = "empty list element";
            return false;
        }

        var slash = element.IndexOf('/', StringComparison.Ordinal);
        var rangeText = slash < 0 ? element : element[..slash];
        var step = 1;
        if (slash >= 0 && !TryParseStep(element[(slash + 1)..], out step, out error))
        {
            return false;
        }

        if (!TryParseRange(rangeText, field, steppedSingleValueRunsToEnd: slash >= 0, out var first, out var last, out error))
        {
            return false;
        }

        for (var value = first; value <= last; value += step)
        {
            mask |= 1UL << value;
        }

        return true;
    }

    private static bool TryParseStep(string text, out int step, [NotNullWhen(false)] out string? error)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1)
        {
            error = $"step '{text}' is not a positive whole number";
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryParseRange(
        string text, CronField field, bool steppedSingleValueRunsToEnd, out int first, out int last, [NotNullWhen(false)] out string? error)
    {
        first = field.Min;
        last = field.Max;
        if (text == "*")
        {
            error = null;
            return true;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            if (!TryParseValue(text, field, out first, out error))
            {
                return false;
            }

            // "a/n" steps from a to the end of the field, as NCRONTAB and Vixie cron read it.
            last = steppedSingleValueRunsToEnd ? field.Max : first;
            return true;
        }

        if (!TryParseValue(text[..dash], field, out first, out error) || !TryParseValue(text[(dash + 1)..], field, out last, out error))
        {
            return false;
        }

        if (first > last)
        {
            error = $"range {text} runs backwards";
            return false;
        }

        return true;
    }

    private static bool TryParseValue(string text, CronField field, out int value, [NotNullWhen(false)] out string? error)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            error = value < field.Min || value > field.Max ? $"{value} is outside {field.Min}-{field.Max}" : null;
            return error is null;
        }

        for (var i = 0; i < field.Names?.Count; i++)
        {
            if (field.Names[i].Equals(text, StringComparison.OrdinalIgnoreCase))
            {
                value = field.Min + i;
                error = null;
                return true;
            }
        }

        error = field.Names is { } names
            ? $"'{text}' is neither a number in {field.Min}-{field.Max} nor a name {names[0]}-{names[^1]}"
            : $"'{text}' is not a number in {field.Min}-{field.Max}";
        return false;
    }
}
