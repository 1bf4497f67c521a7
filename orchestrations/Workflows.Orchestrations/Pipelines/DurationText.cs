using System.Globalization;
using System.Text.RegularExpressions;

namespace Workflows.Orchestrations.Pipelines;

/// <summary>Durations as pipeline files write them: <c>00:30:00</c> (TimeSpan) or a number and a unit, <c>30s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>.</summary>
internal static partial class DurationText
{
    public const string Expected = "a duration such as 30s, 10m, 2h, 1d or 00:30:00";

    public static bool TryParse(string text, out TimeSpan duration)
    {
        // A TimeSpan needs a colon: "c" alone would read a bare "30" as 30 days.
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out duration);
        }

        duration = default;
        var match = AmountAndUnit().Match(text);
        if (!match.Success || !double.TryParse(match.Groups["amount"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        var seconds = amount * match.Groups["unit"].Value switch
        {
            "ms" => 0.001,
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            _ => 86400,
        };
        if (seconds >= TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    [GeneratedRegex(@"^(?<amount>\d+(\.\d+)?)(?<unit>ms|s|m|h|d)$", RegexOptions.CultureInvariant)]
    private static partial Regex AmountAndUnit();
}
