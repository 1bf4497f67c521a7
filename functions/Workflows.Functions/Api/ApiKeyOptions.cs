namespace Workflows.Functions.Api;

/// <summary>The keys that authorize mutating calls; bound from host.json's <c>workflows:api</c> and WORKFLOWS_API_KEYS.</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "workflows:api";

    /// <summary>The environment variable with more keys, comma-separated.</summary>
    public const string EnvironmentVariable = "WORKFLOWS_API_KEYS";

    /// <summary>Accepted keys; with none configured, every mutating call is refused.</summary>
    public List<string> Keys { get; set; } = [];
}
