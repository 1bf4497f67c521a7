using System.Text.Json;

namespace Workflows.Orchestrations.Runs;

/// <summary>What the platform keeps about a run besides its durable instance: how it was asked for, and its stages.</summary>
public sealed record RunRecord(string RunId, string Pipeline, string Trigger, string? IdempotencyKey, JsonElement Request, DateTimeOffset CreatedAt, IReadOnlyList<RunStage> Stages);
