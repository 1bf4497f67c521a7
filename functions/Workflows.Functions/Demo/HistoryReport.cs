using System.Globalization;
using Workflows.Durable.History;

namespace Workflows.Functions.Demo;

/// <summary>Prints an orchestration's steps from its history: what ran, when, how long, and how it ended.</summary>
public static class HistoryReport
{
    public static void Write(IReadOnlyList<HistoryEvent> history, TextWriter output)
    {
        // A step with no end in a finished history was abandoned by the code, such as a timeout that an event beat.
        var unfinished = history.Any(e => e is ExecutionCompleted) ? "cancelled" : "pending";
        var start = history.OfType<ExecutionStarted>().First().Timestamp;
        var ends = new Dictionary<int, (DateTime At, string Outcome)>();
        foreach (var e in history)
        {
            switch (e)
            {
                case TaskCompleted c: ends[c.TaskScheduledId] = (c.Timestamp, "completed"); break;
                case TaskFailed f: ends[f.TaskScheduledId] = (f.Timestamp, "failed: " + f.Failure.ErrorMessage); break;
                case TimerFired t: ends[t.TimerId] = (t.Timestamp, "fired"); break;
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"task",-4} {"step",-24} {"at (ms)",8} {"took (ms)",10}  outcome"));
        foreach (var e in history)
        {
            var (id, step) = e switch
            {
                TaskScheduled s => (s.TaskId, s.Name),
                TimerCreated t => (t.TaskId, "durable timer"),
                _ => (-1, ""),
            };
            if (id >= 0)
            {
                var end = ends.TryGetValue(id, out var found) ? found : (At: e.Timestamp, Outcome: unfinished);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  #{id,-3} {step,-24} {(e.Timestamp - start).TotalMilliseconds,8:F0} {(end.At - e.Timestamp).TotalMilliseconds,10:F0}  {end.Outcome}"));
            }
            else if (e is EventRaised raised)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"",-4} {"event " + raised.Name,-24} {(e.Timestamp - start).TotalMilliseconds,8:F0} {"",10}  received"));
            }
        }
    }
}
