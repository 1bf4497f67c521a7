using System.Diagnostics;

namespace Workflows.Functions.Serving;

/// <summary>The traces serving writes: one activity per predict request and one per scored batch.</summary>
internal static class ServingTelemetry
{
    public const string SourceName = "Workflows.Serving";

    public static ActivitySource Source { get; } = new(SourceName);
}
