using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workflows.GpuWorker;

/// <summary>The standalone agent: runs the worker for the life of the process and stops the process when it fails.</summary>
internal sealed class WorkerService(IOptions<WorkerOptions> options, ILoggerFactory loggers, IHostApplicationLifetime lifetime, ILogger<WorkerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await new WorkerAgent(options.Value, loggers).RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FileNotFoundException or InvalidDataException)
        {
            logger.LogCritical("The worker cannot run: {Message}", ex.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }
}
