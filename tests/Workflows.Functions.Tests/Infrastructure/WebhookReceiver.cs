using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Workflows.Functions.Tests.Infrastructure;

/// <summary>
/// A real HTTP server standing in for a pipeline's webhook: it answers 503 to the first <c>failFirst</c> posts (a
/// receiver having a bad minute), then 200, and keeps every body it accepted.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _posts;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<JsonElement> Accepted { get; } = new();

    /// <summary>Posts answered, accepted or not.</summary>
    public int Posts => Volatile.Read(ref _posts);

    public Uri Url => new($"{_app.Urls.First()}/hook");

    public static async Task<WebhookReceiver> StartAsync(int failFirst, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            if (Interlocked.Increment(ref receiver._posts) <= failFirst)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            receiver.Accepted.Enqueue(await JsonSerializer.DeserializeAsync<JsonElement>(request.Body));
            return Results.Ok();
        });
        await app.StartAsync(cancellationToken);
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
