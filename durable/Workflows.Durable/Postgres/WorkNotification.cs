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
/// The payload of a NOTIFY on the work channel: the kinds of work created, then the sender's worker id, so a
/// process can ignore its own notifications (it has already woken its own dispatchers directly).
/// </summary>
internal static class WorkNotification
{
    public static string Payload(WorkKind kind, string workerId) => $"{(int)kind}{workerId}";

    public static (WorkKind Kind, string Sender) Parse(string payload) =>
        payload.Length > 0 && char.IsAsciiDigit(payload[0])
            ? ((WorkKind)(payload[0] - '0'), payload[1..])
            : (WorkKind.Orchestrations | WorkKind.Activities, payload);
}
