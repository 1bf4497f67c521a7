using System.Diagnostics;

namespace Workflows.Durable.Worker;

/// <summary>The runtime's trace source: a span per orchestration episode and per activity execution.</summary>
internal static class DurableTelemetry
{
    public const string SourceName = "Workflows.Durable";

    public static ActivitySource Source { get; } = new(SourceName);
}
