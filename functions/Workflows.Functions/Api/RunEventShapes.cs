using System.Text.Json;
using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Orchestrators;

namespace Workflows.Functions.Api;

/// <summary>
/// The events a run acts on, checked before they are raised: a run that cannot read its Approval or Canary event
/// would fail at the gate or leave a canary serving, so a body of the wrong shape is refused with a 400 instead.
/// Other event names pass as they are.
/// </summary>
public static class RunEventShapes
{
    /// <summary>What is wrong with <paramref name="data"/> for <paramref name="eventName"/>; null when it is fine.</summary>
    public static string? Problem(string eventName, JsonElement? data)
    {
        var decision = eventName.Equals(ApprovalEvent.Name, StringComparison.OrdinalIgnoreCase) ? "approved"
            : eventName.Equals(CanaryEvent.Name, StringComparison.OrdinalIgnoreCase) ? "promote"
            : null;
        if (decision is null)
        {
            return null;
        }

        if (data is not { ValueKind: JsonValueKind.Object } body || !body.TryGetProperty(decision, out var flag) || flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return $"A '{eventName}' event needs a JSON object with \"{decision}\": true or false (and optionally \"by\" and \"comment\" as strings).";
        }

        foreach (var text in new[] { "by", "comment" })
        {
            if (body.TryGetProperty(text, out var value) && value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                return $"'{text}' of a '{eventName}' event must be a string.";
            }
        }

        return null;
    }
}
