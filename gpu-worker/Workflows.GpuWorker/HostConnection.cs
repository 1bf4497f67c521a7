using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Workflows.GpuWorker.Protocol;

namespace Workflows.GpuWorker;

/// <summary>The worker's side of the HTTP protocol with the host.</summary>
public sealed class HostConnection : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Short calls must fail well inside a lease (30 s by default) so a heartbeat can be retried before it expires.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private readonly HttpClient http;
    private readonly TimeSpan leaseTimeout;

    public HostConnection(string hostUrl, string token, TimeSpan leaseWait)
    {
        if (!Uri.TryCreate(hostUrl.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress))
        {
            throw new ArgumentException($"worker:hostUrl is '{hostUrl}': expected an absolute URL such as http://127.0.0.1:7071.");
        }

        // No client-wide timeout: a long poll, a heartbeat and the upload of a large model need different ones.
        http = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        leaseTimeout = leaseWait + TimeSpan.FromSeconds(30);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>A job, or null when none came within the request's wait.</summary>
    public async Task<LeasedJob?> LeaseAsync(LeaseRequest request, CancellationToken cancellationToken)
    {
        using var timeout = Within(leaseTimeout, cancellationToken);
        using var response = await http.PostAsJsonAsync("api/worker/jobs/lease", request, Json, timeout.Token).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        await EnsureSuccessAsync(response, "lease a job", cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<LeasedJob>(Json, cancellationToken).ConfigureAwait(false);
    }

    public async Task<HeartbeatReply> HeartbeatAsync(string jobId, HeartbeatRequest request, CancellationToken cancellationToken)
    {
        using var timeout = Within(CallTimeout, cancellationToken);
        using var response = await http.PostAsJsonAsync($"api/worker/jobs/{Uri.EscapeDataString(jobId)}/heartbeat", request, Json, timeout.Token).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "heartbeat", cancellationToken).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<HeartbeatReply>(Json, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Downloads one of the job's data files, or its checkpoint when <paramref name="file"/> is null.</summary>
    public async Task DownloadAsync(LeasedJob lease, string? file, string destination, CancellationToken cancellationToken)
    {
        var path = file is null ? "checkpoint" : $"data/{Uri.EscapeDataString(file)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/worker/jobs/{Uri.EscapeDataString(lease.JobId)}/{path}");
        request.Headers.Add(JobArtifacts.LeaseHeader, lease.LeaseId.ToString());
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"download {file ?? JobArtifacts.Checkpoint}", cancellationToken).ConfigureAwait(false);
        var target = File.Create(destination);
        await using (target.ConfigureAwait(false))
        {
            await response.Content.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Uploads an artifact; <paramref name="epoch"/> goes with checkpoints.</summary>
    public async Task UploadAsync(LeasedJob lease, string name, string file, int? epoch, CancellationToken cancellationToken)
    {
        var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.Asynchronous);
        await using (source.ConfigureAwait(false))
        {
            var query = epoch is null ? "" : $"?epoch={epoch}";
            using var request = new HttpRequestMessage(HttpMethod.Put, $"api/worker/jobs/{Uri.EscapeDataString(lease.JobId)}/artifacts/{name}{query}") { Content = new StreamContent(source) };
            request.Headers.Add(JobArtifacts.LeaseHeader, lease.LeaseId.ToString());
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, $"upload {name}", cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task CompleteAsync(string jobId, CompleteRequest request, CancellationToken cancellationToken)
    {
        using var timeout = Within(CallTimeout, cancellationToken);
        using var response = await http.PostAsJsonAsync($"api/worker/jobs/{Uri.EscapeDataString(jobId)}/complete", request, Json, timeout.Token).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "complete the job", cancellationToken).ConfigureAwait(false);
    }

    public async Task FailAsync(string jobId, FailRequest request, CancellationToken cancellationToken)
    {
        using var timeout = Within(CallTimeout, cancellationToken);
        using var response = await http.PostAsJsonAsync($"api/worker/jobs/{Uri.EscapeDataString(jobId)}/fail", request, Json, timeout.Token).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "report the failure", cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => http.Dispose();

    private static CancellationTokenSource Within(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(timeout);
        return source;
    }

    /// <summary>Turns an error answer into an exception carrying the host's problem text.</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        throw new HostRequestException(response.StatusCode, $"The host refused to {what}: {(int)response.StatusCode} {response.ReasonPhrase} {body}".TrimEnd());
    }
}

/// <summary>The host answered a worker's request with an error.</summary>
public sealed class HostRequestException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>The lease is gone (another worker may hold the job): give the job up.</summary>
    public bool LeaseLost => Status is HttpStatusCode.Conflict or HttpStatusCode.Gone;

    /// <summary>The request itself was refused (a missing file, a bad request): sending it again will not help.</summary>
    public bool IsClientError => (int)Status is >= 400 and < 500 && !LeaseLost;
}
