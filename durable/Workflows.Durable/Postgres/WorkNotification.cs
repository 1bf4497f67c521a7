namespace Workflows.Durable.Postgres;

/// <summary>Which dispatchers a work notification should wake.</summary>
[Flags]
internal enum WorkKind
{
    None = 0,
    Orchestrations = 1,
    Activities = 2,
}

/// <summary>
/// The payload of a NOTIFY on the work channel: the kinds of work created, for how many instances, and the sender's
/// worker id, so a process can ignore its own notifications (it has already woken its own dispatchers directly).
/// </summary>
internal static class WorkNotification
{
    public static string Payload(WorkKind kind, int instances, string workerId) => $"{(int)kind}:{instances}:{workerId}";

    public static (WorkKind Kind, int Instances, string Sender) Parse(string payload)
    {
        var parts = payload.Split(':', 3);
        return parts.Length == 3 && int.TryParse(parts[0], out var kind) && int.TryParse(parts[1], out var instances)
            ? ((WorkKind)kind, Math.Max(1, instances), parts[2])
            : (WorkKind.Orchestrations | WorkKind.Activities, 1, payload);
    }
}
