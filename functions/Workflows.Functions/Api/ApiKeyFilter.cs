using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Workflows.Functions.Api;

/// <summary>
/// Refuses a mutating call without a valid key, before it changes anything: 401 with a problem-details body. The key
/// comes in <c>x-api-key</c>, or as Azure Functions accepts it (<c>x-functions-key</c>, or <c>?code=</c>).
/// </summary>
public sealed class ApiKeyFilter(IOptionsMonitor<ApiKeyOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var presented = request.Headers["x-api-key"].FirstOrDefault() ?? request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        if (string.IsNullOrEmpty(presented))
        {
            return Unauthorized("This call changes state and needs an API key (header x-api-key).");
        }

        if (!AcceptedKeys().Any(key => FixedTimeEquals(key, presented)))
        {
            return Unauthorized("The API key is not valid.");
        }

        return await next(context).ConfigureAwait(false);
    }

    private IEnumerable<string> AcceptedKeys() =>
        options.CurrentValue.Keys.Concat((Environment.GetEnvironmentVariable(ApiKeyOptions.EnvironmentVariable) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Where(k => k.Length > 0);

    private static bool FixedTimeEquals(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    private static IResult Unauthorized(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail);
}
