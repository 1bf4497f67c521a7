namespace Workflows.Durable;

/// <summary>Options for scheduling a new orchestration instance.</summary>
/// <param name="InstanceId">The instance id; a new GUID when null.</param>
/// <param name="StartAt">When to start (UTC); now when null.</param>
public sealed record StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null);
