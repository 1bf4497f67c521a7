namespace Workflows.Orchestrations.Scheduling;

/// <summary>
/// An NCRONTAB expression that cannot be parsed. The message names the offending field by number and name,
/// for example <c>field 3 (hour): 25 is outside 0-23</c>.
/// </summary>
public sealed class CronFormatException : FormatException
{
    public CronFormatException(string message)
        : base(message)
    {
    }
}
