namespace Workflows.Durable.Replay;

/// <summary>Checks, at the call, that a serialized input can be read by the task that will receive it.</summary>
internal static class InputValidation
{
    public static void EnsureReadable(DataConverter converter, string? json, TaskRegistration registration, string kind)
    {
        try
        {
            converter.Deserialize(json, registration.InputType);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new ArgumentException(
                $"The input for {kind} '{registration.Name}' cannot be read as {registration.InputType.Name}: {ex.Message}", "input", ex);
        }
    }
}
