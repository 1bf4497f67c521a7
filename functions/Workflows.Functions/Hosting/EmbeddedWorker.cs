using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Functions.Api;
using Workflows.GpuWorker;

namespace Workflows.Functions.Hosting;

/// <summary>
/// One GPU worker inside the host, the local default: the same agent a worker machine runs, talking to this host over
/// loopback HTTP with a token made at start. Turned off with <c>workflows:training:embeddedWorker</c> when a pool serves.
/// </summary>
internal sealed class EmbeddedWorker(IServer server, IHostApplicationLifetime lifetime, EmbeddedWorkerToken token, IOptions<WorkerOptions> options, ILoggerFactory loggers)
    : BackgroundService, IHostedLifecycleService
{
    private readonly CancellationTokenSource stop = new();

    /// <summary>The section of the embedded worker's settings (the standalone agent's <c>worker</c> settings).</summary>
    public const string SectionName = "workflows:worker";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The address is known once the server listens (tests and `--urls` may ask for port 0).
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        var settings = options.Value;
        settings.HostUrl = LoopbackUrl(server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? PlatformHost.DefaultUrl);
        settings.Token = token.Token;
        settings.Name = $"{Environment.MachineName}-embedded-{Environment.ProcessId}";
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, stop.Token);
        try
        {
            await new WorkerAgent(settings, loggers).RunAsync(stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The host still serves everything else; runs wait for a worker, and the log says why this one is missing.
            loggers.CreateLogger<EmbeddedWorker>().LogError("The embedded worker cannot run: {Message}", ex.Message);
        }
    }

    /// <summary>
    /// Stops the worker while the web server still serves (it stops before this service's StopAsync): the trainer's
    /// last checkpoint and the hand-back of its job reach the host instead of leaving a lease to expire.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await stop.CancelAsync().ConfigureAwait(false);
        if (ExecuteTask is { } running)
        {
            await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Dispose()
    {
        stop.Dispose();
        base.Dispose();
    }

    /// <summary>A listening address as a URL to call: a wildcard host becomes the loopback address.</summary>
    private static string LoopbackUrl(string address)
    {
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::" or "localhost")
        {
            uri.Host = "127.0.0.1";
        }

        return uri.Uri.ToString().TrimEnd('/');
    }
}
