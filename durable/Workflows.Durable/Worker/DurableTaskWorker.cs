using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Durable.Postgres;
using Workflows.Durable.Replay;

namespace Workflows.Durable.Worker;

/// <summary>
/// The hosted worker: migrates the hub's schema, records the names it can run, then runs the orchestration and
/// activity dispatchers until the host stops. Any number of these, in any number of processes and machines, can
/// share one database.
/// </summary>
internal sealed class DurableTaskWorker(
    PostgresTaskHub hub,
    DurableTaskRegistry registry,
    DataConverter converter,
    IServiceProvider services,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Workflows.Durable.Worker");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await hub.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
        await hub.Instances.RegisterNamesAsync(WorkerRegistrationKinds.Orchestrator, registry.OrchestratorNames, stoppingToken).ConfigureAwait(false);
        await hub.Instances.RegisterNamesAsync(WorkerRegistrationKinds.Activity, registry.ActivityNames, stoppingToken).ConfigureAwait(false);
        hub.Notifications.EnsureStarted();

        var executor = new OrchestrationExecutor(registry, converter, loggerFactory);
        var activities = new ActivityDispatcher(hub, registry, services, converter, _logger);
        var orchestrations = new OrchestrationDispatcher(hub, new EpisodeProcessor(registry, executor, services, converter), activities, _logger);
        Logs.WorkerStarted(_logger, hub.Notifications.WorkerId, hub.Schema.HubName, hub.Options.MaxConcurrentOrchestratorFunctions, hub.Options.MaxConcurrentActivityFunctions);
        await Task.WhenAll(
            Task.Run(() => orchestrations.RunAsync(stoppingToken), CancellationToken.None),
            Task.Run(() => activities.RunAsync(stoppingToken), CancellationToken.None)).ConfigureAwait(false);
        Logs.WorkerStopped(_logger, hub.Notifications.WorkerId);
    }
}
