using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Durable.Postgres;
using Workflows.Durable.Worker;

namespace Workflows.Durable;

/// <summary>Registers the durable runtime with dependency injection.</summary>
public static class DurableTaskServiceCollectionExtensions
{
    /// <summary>
    /// Adds the task hub and the <see cref="DurableTaskClient"/>, with options bound from the
    /// <c>extensions:durableTask</c> configuration section (host.json's shape) and the orchestrators and
    /// activities that <paramref name="configureRegistry"/> registers.
    /// </summary>
    public static IServiceCollection AddDurableTask(this IServiceCollection services, Action<DurableTaskRegistry> configureRegistry)
    {
        ArgumentNullException.ThrowIfNull(configureRegistry);
        var registry = new DurableTaskRegistry();
        configureRegistry(registry);
        services.AddSingleton(registry);
        services.TryAddSingleton(DataConverter.Default);
        services.AddOptions<DurableTaskOptions>().BindConfiguration(DurableTaskOptions.SectionName);
        services.TryAddSingleton(sp => new PostgresTaskHub(
            sp.GetRequiredService<IOptions<DurableTaskOptions>>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetService<IConfiguration>()));
        services.TryAddSingleton(sp => new DurableTaskClient(
            sp.GetRequiredService<PostgresTaskHub>(),
            sp.GetRequiredService<DurableTaskRegistry>(),
            sp.GetRequiredService<DataConverter>()));
        return services;
    }

    /// <summary>Adds the hosted worker that runs the registered orchestrators and activities.</summary>
    public static IServiceCollection AddDurableTaskWorker(this IServiceCollection services)
    {
        services.AddHostedService<DurableTaskWorker>();
        return services;
    }
}
