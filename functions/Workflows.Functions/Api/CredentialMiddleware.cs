using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Workflows.Orchestrations.Training;

namespace Workflows.Functions.Api;

/// <summary>Marks an endpoint that changes state: it needs an API key.</summary>
public sealed class RequiresApiKey
{
    public static RequiresApiKey Instance { get; } = new();
}

/// <summary>Marks an endpoint of the worker protocol: it needs a worker token.</summary>
public sealed class RequiresWorkerToken
{
    public static RequiresWorkerToken Instance { get; } = new();
}

/// <summary>Endpoint metadata for the credentials an endpoint needs.</summary>
public static class CredentialEndpointExtensions
{
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(RequiresApiKey.Instance);

    public static TBuilder RequireWorkerToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(RequiresWorkerToken.Instance);
}

/// <summary>
/// Refuses a call without the credential its endpoint needs, before the endpoint reads its body or changes anything:
/// 401 with a problem-details body. API keys come in <c>x-api-key</c>, or as Azure Functions accepts them
/// (<c>x-functions-key</c>, or <c>?code=</c>); worker tokens in <c>Authorization: Bearer</c>. The two are kept apart so
/// a worker's token, which lives on GPU machines, cannot start or cancel runs.
/// </summary>
public sealed class CredentialMiddleware(RequestDelegate next, IOptionsMonitor<ApiKeyOptions> apiKeys, IOptionsMonitor<TrainingOptions> training, EmbeddedWorkerToken embeddedWorker)
{
    private const string WorkerTokensVariable = "WORKFLOWS_WORKER_TOKENS";

    public async Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        var request = context.Request;
        string? refusal = null;
        if (metadata?.GetMetadata<RequiresApiKey>() is not null)
        {
            var presented = request.Headers["x-api-key"].FirstOrDefault() ?? request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
            refusal = Check(presented, AcceptedApiKeys(), "This call changes state and needs an API key (header x-api-key).", "The API key is not valid.");
        }
        else if (metadata?.GetMetadata<RequiresWorkerToken>() is not null)
        {
            var authorization = request.Headers.Authorization.FirstOrDefault();
            var presented = authorization?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true ? authorization["Bearer ".Length..].Trim() : null;
            refusal = Check(presented, AcceptedWorkerTokens(), "Worker calls need a worker token (header Authorization: Bearer <token>).", "The worker token is not valid.");
        }

        if (refusal is not null)
        {
            await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: refusal).ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    /// <summary>Null when <paramref name="presented"/> is one of <paramref name="accepted"/>; else why not.</summary>
    private static string? Check(string? presented, IEnumerable<string> accepted, string missing, string invalid) =>
        string.IsNullOrEmpty(presented) ? missing : accepted.Any(key => FixedTimeEquals(key, presented)) ? null : invalid;

    private IEnumerable<string> AcceptedApiKeys() => apiKeys.CurrentValue.Keys.Concat(FromEnvironment(ApiKeyOptions.EnvironmentVariable)).Where(k => k.Length > 0);

    private IEnumerable<string> AcceptedWorkerTokens() =>
        training.CurrentValue.WorkerTokens.Concat(FromEnvironment(WorkerTokensVariable)).Append(embeddedWorker.Token).Where(k => k.Length > 0);

    private static string[] FromEnvironment(string variable) =>
        (Environment.GetEnvironmentVariable(variable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool FixedTimeEquals(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}

/// <summary>The token of the host's embedded worker: made anew at each start, never written anywhere.</summary>
public sealed class EmbeddedWorkerToken
{
    public string Token { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
