using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Workflows.Functions.Api;

/// <summary>Marks an endpoint that changes state: it needs an API key.</summary>
public sealed class RequiresApiKey
{
    public static RequiresApiKey Instance { get; } = new();
}

/// <summary>Endpoint metadata for mutating endpoints.</summary>
public static class ApiKeyEndpointExtensions
{
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(RequiresApiKey.Instance);
}

/// <summary>
/// Refuses a call to an endpoint that changes state without a valid key, before the endpoint reads its body or
/// changes anything: 401 with a problem-details body. The key comes in <c>x-api-key</c>, or as Azure Functions
/// accepts it (<c>x-functions-key</c>, or <c>?code=</c>).
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, IOptionsMonitor<ApiKeyOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiresApiKey>() is null)
        {
            await next(context);
            return;
        }

        var request = context.Request;
        var presented = request.Headers["x-api-key"].FirstOrDefault() ?? request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        if (string.IsNullOrEmpty(presented) || !AcceptedKeys().Any(key => FixedTimeEquals(key, presented)))
        {
            var detail = string.IsNullOrEmpty(presented) ? "This call changes state and needs an API key (header x-api-key)." : "The API key is not valid.";
            await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail).ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private IEnumerable<string> AcceptedKeys() =>
        options.CurrentValue.Keys.Concat((Environment.GetEnvironmentVariable(ApiKeyOptions.EnvironmentVariable) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Where(k => k.Length > 0);

    private static bool FixedTimeEquals(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
