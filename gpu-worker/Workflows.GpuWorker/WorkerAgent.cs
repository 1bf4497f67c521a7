using System.Reflection;
using Microsoft.Extensions.Logging;
using Workflows.GpuWorker.Protocol;

namespace Workflows.GpuWorker;

/// <summary>
/// The worker: one lease loop per device it offers, each running one job at a time. Used by the standalone agent
/// and by the host's embedded worker alike.
/// </summary>
public sealed class WorkerAgent(WorkerOptions options, ILoggerFactory loggers)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly ILogger logger = loggers.CreateLogger<WorkerAgent>();

    /// <summary>Leases and runs jobs until <paramref name="stopping"/>; a running trainer is asked to checkpoint first.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        if (string.IsNullOrWhiteSpace(options.HostUrl) || string.IsNullOrWhiteSpace(options.Token))
        {
            throw new InvalidOperationException("The worker needs worker:hostUrl and worker:token (or WORKFLOWS_WORKER__HOSTURL and WORKFLOWS_WORKER__TOKEN).");
        }

        var trainers = TrainerRegistry.Load(options.TrainersDirectory);
        var devices = await DeviceDetector.DetectAsync(options.Devices, logger, stopping).ConfigureAwait(false);
        using var host = new HostConnection(options.HostUrl, options.Token, options.LeaseWait);
        logger.LogInformation("Worker {Name} serving {Host} with {Devices}; trainers: {Trainers}",
            options.Name, options.HostUrl, string.Join(", ", devices.Select(d => d.Name)), string.Join(", ", trainers.Names));
        await Task.WhenAll(devices.Select(device => RunSlotAsync(host, trainers, device, devices.Count == 1 ? options.Name : $"{options.Name}/{device.Kind}{device.Index}", stopping))).ConfigureAwait(false);
    }

    private async Task RunSlotAsync(HostConnection host, TrainerRegistry trainers, WorkerDevice device, string workerId, CancellationToken stopping)
    {
        var version = typeof(WorkerAgent).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var request = new LeaseRequest(workerId, options.Name, [device], Environment.ProcessorCount, version, (int)options.LeaseWait.TotalSeconds);
        var execution = new JobExecution(host, trainers, options, device, logger);
        var backoff = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var lease = await host.LeaseAsync(request, stopping).ConfigureAwait(false);
                if (lease is not null)
                {
                    await execution.RunAsync(lease, stopping).ConfigureAwait(false);
                }

                backoff = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                // The host is down or restarting, or something failed outside a job: this slot keeps serving, a little
                // less often each time, rather than dying while the agent looks healthy.
                logger.LogWarning("Worker {WorkerId}: {Message}; retrying in {Delay}", workerId, ex.Message, backoff);
                try
                {
                    await Task.Delay(backoff, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }
}
