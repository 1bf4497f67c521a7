using Microsoft.Extensions.Logging;

namespace Workflows.Functions.Serving;

/// <summary>
/// Counts what was dropped rather than waited for (log rows, shadow copies) and reports it as one warning per interval,
/// not one per drop, so a flood of drops cannot flood the log too.
/// </summary>
internal sealed class DropCounter(string what, string reason, TimeSpan interval, ILogger logger)
{
    private long _total;
    private long _reported;
    private long _lastReport = Environment.TickCount64;

    /// <summary>Dropped since the process started.</summary>
    public long Total => Interlocked.Read(ref _total);

    public void Add(long count = 1)
    {
        Interlocked.Add(ref _total, count);
        ReportIfDue();
    }

    /// <summary>Warns with the count dropped since the last warning, when there is one and the interval has passed.</summary>
    public void ReportIfDue()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastReport);
        if (now - last < interval.TotalMilliseconds || Interlocked.CompareExchange(ref _lastReport, now, last) != last)
        {
            return;
        }

        var total = Total;
        var count = total - Interlocked.Exchange(ref _reported, total);
        if (count > 0)
        {
            logger.LogDropped(count, what, interval, total, reason);
        }
    }
}
