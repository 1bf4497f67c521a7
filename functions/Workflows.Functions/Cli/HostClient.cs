using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Workflows.Functions.Api;
using Workflows.Functions.Hosting;

namespace Workflows.Functions.Cli;

/// <summary>
/// The CLI's connection to a running Workflows host: its URL (<c>--url</c>, WORKFLOWS_URL, or the local default) and
/// API key (WORKFLOWS_API_KEY, or the key file of the local data directory). Errors come back as the host's
/// problem-details text.
/// </summary>
public sealed class HostClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = CreateJsonOptions();
    private readonly HttpClient _http;

    public HostClient(string? url, string? apiKey)
    {
        BaseUrl = (url ?? Environment.GetEnvironmentVariable("WORKFLOWS_URL") ?? PlatformHost.DefaultUrl).TrimEnd('/');
        _http = new HttpClient { BaseAddress = new Uri(BaseUrl + "/"), Timeout = TimeSpan.FromMinutes(10) };
        var key = apiKey ?? Environment.GetEnvironmentVariable("WORKFLOWS_API_KEY") ?? LocalApiKey.TryRead(WorkflowsHost.DataDirectory);
        if (key is not null)
        {
            _http.DefaultRequestHeaders.Add("x-api-key", key);
        }
    }

    public string BaseUrl { get; }

    public static JsonSerializerOptions JsonOptions => Json;

    public Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) => SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public Task<T> PostAsync<T>(string path, object? body, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return SendAsync<T>(request, cancellationToken);
    }

    public Task<T> PutAsync<T>(string path, object? body, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body, options: Json) }, cancellationToken);

    public Task<T> PostFileAsync<T>(string path, string file, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StreamContent(File.OpenRead(file)) }, cancellationToken);

    /// <summary>Saves a response body to a file.</summary>
    public async Task DownloadAsync(string path, string file, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        await using var target = File.Create(file);
        await response.Content.CopyToAsync(target, cancellationToken);
    }

    /// <summary>A run as the API shows it.</summary>
    public Task<RunView> GetRunAsync(string runId, CancellationToken cancellationToken) => GetAsync<RunView>($"api/runs/{Uri.EscapeDataString(runId)}", cancellationToken);

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(request, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
    }

    /// <summary>Sends a request; a refusal becomes a <see cref="HostRequestException"/> with the host's problem detail.</summary>
    private async Task<HttpResponseMessage> SendCheckedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException ex) when (ex.StatusCode is null)
            {
                throw new HostUnavailableException($"No Workflows host answers at {BaseUrl} ({ex.Message}). Start one with `./wf up`, or pass --url.");
            }

            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    throw new HostRequestException(response.StatusCode, $"{(int)response.StatusCode} {response.ReasonPhrase}: {TryReadProblem(body) ?? body}");
                }
            }

            return response;
        }
    }

    private static string? TryReadProblem(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        return options;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Nothing answers at the host's URL.</summary>
public sealed class HostUnavailableException(string message) : Exception(message);

/// <summary>The host refused a request; the message is its problem detail.</summary>
public sealed class HostRequestException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}
