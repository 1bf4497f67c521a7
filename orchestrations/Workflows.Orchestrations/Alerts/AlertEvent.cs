using System.Text.Json;

namespace Workflows.Orchestrations.Alerts;

/// <summary>
/// What a pipeline's webhook receives, as JSON: what happened (<see cref="Kind"/>), to which pipeline and run, when,
/// and the details of that kind of event.
/// </summary>
/// <param name="Kind">One of <see cref="AlertKinds"/>.</param>
/// <param name="Pipeline">The pipeline.</param>
/// <param name="RunId">The run it concerns, if any.</param>
/// <param name="At">When it happened.</param>
/// <param name="Summary">One line for people.</param>
/// <param name="Details">The event's own data (a deployed version, a failed stage, a drift report).</param>
public sealed record AlertEvent(string Kind, string Pipeline, string? RunId, DateTimeOffset At, string Summary, JsonElement Details);

/// <summary>The kinds of alert.</summary>
public static class AlertKinds
{
    public const string Deployed = "deployed";
    public const string RunFailed = "run-failed";
    public const string Drift = "drift";
}
