using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using Workflows.Testing;

namespace Workflows.Durable.Tests.Infrastructure;

/// <summary>
/// A real host with the durable worker and client on the shared PostgreSQL, in a task hub of the test's own.
/// Two hosts given the same hub name share one task hub, as two processes would.
/// </summary>
public sealed class DurableTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private DurableTestHost(IHost host, string hubName, LogCapture logs)
    {
        _host = host;
        HubName = hubName;
        Logs = logs;
    }

    public string HubName { get; }

    public LogCapture Logs { get; }

    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();

    public IServiceProvider Services => _host.Services;

    public static string NewHubName() => "t_" + Guid.NewGuid().ToString("N")[..16];

    public static async Task<DurableTestHost> StartAsync(
        PostgresFixture postgres,
        Action<DurableTaskRegistry> register,
        string? hubName = null,
        Action<DurableTaskOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        bool withWorker = true)
    {
        hubName ??= NewHubName();
        var logs = new LogCapture();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddDurableTask(register);
        if (withWorker)
        {
            builder.Services.AddDurableTaskWorker();
        }

        builder.Services.Configure<DurableTaskOptions>(options =>
        {
            options.HubName = hubName;
            options.StorageProvider.ConnectionString = postgres.ConnectionString;
            options.StorageProvider.MaxPollingInterval = TimeSpan.FromSeconds(1);
            options.StorageProvider.ActivityLeaseDuration = TimeSpan.FromSeconds(10);
            options.StorageProvider.OrchestrationLeaseDuration = TimeSpan.FromSeconds(10);
            configure?.Invoke(options);
        });
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new DurableTestHost(host, hubName, logs);
    }

    /// <summary>Schedules an instance and waits for it to finish.</summary>
    public async Task<OrchestrationMetadata> RunAsync(string orchestrator, object? input = null, string? instanceId = null, TimeSpan? timeout = null)
    {
        using var cancel = TestTimeout.Start(timeout ?? TimeSpan.FromSeconds(60));
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId), cancel.Token);
        return await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cancel.Token);
    }

    /// <summary>Waits until the instance has set a custom status.</summary>
    public async Task WaitForCustomStatusAsync(string instanceId, CancellationToken cancellationToken)
    {
        while ((await Client.GetInstanceAsync(instanceId, cancellationToken: cancellationToken))?.SerializedCustomStatus is null)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>Waits until the instance is in <paramref name="status"/>.</summary>
    public async Task WaitForStatusAsync(string instanceId, OrchestrationRuntimeStatus status, CancellationToken cancellationToken)
    {
        while ((await Client.GetInstanceAsync(instanceId, cancellationToken: cancellationToken))?.RuntimeStatus != status)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
