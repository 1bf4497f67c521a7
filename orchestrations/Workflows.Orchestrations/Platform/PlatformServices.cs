using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Workflows.Durable;
using Workflows.Orchestrations.Activities;
using Workflows.Orchestrations.Alerts;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Monitoring;
using Workflows.Orchestrations.Onnx;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Registry;
using Workflows.Orchestrations.Runs;
using Workflows.Orchestrations.Training;

namespace Workflows.Orchestrations.Platform;

/// <summary>Registers the platform's orchestrations, activities and stores.</summary>
public static class PlatformServices
{
    /// <summary>The orchestrators and activities of the pipeline spine.</summary>
    public static DurableTaskRegistry AddPlatformOrchestrations(this DurableTaskRegistry registry) => registry
        .AddOrchestrator<IngestionOrchestrator>()
        .AddOrchestrator<PipelineRunOrchestrator>()
        .AddOrchestrator<ScheduleOrchestrator>()
        .AddOrchestrator<TrainingJobOrchestrator>()
        .AddOrchestrator<DriftMonitorOrchestrator>()
        .AddActivity<InspectSourceActivity>()
        .AddActivity<RegisterVersionActivity>()
        .AddActivity<QuarantineSourceActivity>()
        .AddActivity<StartRunsForNewVersionActivity>()
        .AddActivity<ResolveDatasetActivity>()
        .AddActivity<ValidateForPipelineActivity>()
        .AddActivity<ExportDatasetActivity>()
        .AddActivity<RecordStageActivity>()
        .AddActivity<StartScheduledRunActivity>()
        .AddActivity<RecordIngestionFailureActivity>()
        .AddActivity<PlanTrainingActivity>()
        .AddActivity<EnqueueTrainingJobActivity>()
        .AddActivity<CheckTrainingJobActivity>()
        .AddActivity<EvaluateCandidateActivity>()
        .AddActivity<RegisterModelActivity>()
        .AddActivity<RecordGateActivity>()
        .AddActivity<DeployModelActivity>()
        .AddActivity<FinishStagedDeployActivity>()
        .AddActivity<RecordBaselineActivity>()
        .AddActivity<PublishAlertActivity>()
        .AddActivity<CheckDriftActivity>()
        .AddActivity<StartRetrainActivity>();

    /// <summary>
    /// The stores and services on PostgreSQL (<paramref name="connectionString"/>), the artifact store and the drop
    /// sources. The platform schema is named after the durable task hub and migrated by <see cref="PlatformInitializer"/>.
    /// </summary>
    public static IServiceCollection AddPlatform(this IServiceCollection services, string connectionString, Func<IServiceProvider, IArtifactStore> artifacts, Func<IServiceProvider, IArtifactStore?> dropContainer)
    {
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<PlatformOptions>>().Value);
        services.AddSingleton(sp => new PlatformSchema(sp.GetRequiredService<IOptions<DurableTaskOptions>>().Value.HubName));
        services.AddSingleton(_ => new PlatformDataSource(NpgsqlDataSource.Create(connectionString)));
        services.AddSingleton(sp => new DatasetStore(sp.GetRequiredService<PlatformDataSource>().DataSource, sp.GetRequiredService<PlatformSchema>()));
        services.AddSingleton(sp => new RunStore(sp.GetRequiredService<PlatformDataSource>().DataSource, sp.GetRequiredService<PlatformSchema>()));
        services.AddSingleton(sp => new PipelineDirectory(sp.GetRequiredService<PlatformOptions>().PipelinesDirectory));
        services.AddSingleton(artifacts);
        services.AddSingleton(sp => new IngestionSources(sp.GetRequiredService<PlatformOptions>(), dropContainer(sp)));
        services.AddSingleton<PipelineRunLauncher>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TrainingOptions>>().Value);
        services.AddSingleton<ChangeSignal>();
        services.AddSingleton(sp => new TrainingJobStore(sp.GetRequiredService<PlatformDataSource>().DataSource, sp.GetRequiredService<PlatformSchema>(), sp.GetRequiredService<ChangeSignal>()));
        services.AddSingleton(sp => new ModelRegistry(sp.GetRequiredService<PlatformDataSource>().DataSource, sp.GetRequiredService<PlatformSchema>()));
        services.AddSingleton(sp => new AlertOutbox(sp.GetRequiredService<PlatformDataSource>().DataSource, sp.GetRequiredService<PlatformSchema>()));
        services.AddSingleton(sp => new DriftReportStore(sp.GetRequiredService<PlatformDataSource>().DataSource, sp.GetRequiredService<PlatformSchema>()));
        services.AddSingleton(sp => new FeedbackStore(sp.GetRequiredService<PlatformDataSource>().DataSource, sp.GetRequiredService<PlatformSchema>()));
        services.AddSingleton(sp => new PredictionWindowReader(sp.GetRequiredService<PlatformDataSource>().DataSource, sp.GetRequiredService<PlatformSchema>()));
        services.AddOnnxRuntime();
        services.AddSingleton<ModelScorer>();
        services.AddHostedService<PlatformInitializer>();
        // After the initializer: hosted services start in order, and the dispatcher reads the migrated schema.
        services.AddHostedService<AlertDispatcher>();
        return services;
    }
}

/// <summary>The platform's own connection pool, kept apart from the durable runtime's.</summary>
public sealed class PlatformDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}

/// <summary>Migrates the platform schema when the host starts, before any trigger fires.</summary>
public sealed class PlatformInitializer(PlatformDataSource dataSource, PlatformSchema schema, PipelineDirectory pipelines, ILogger<PlatformInitializer> logger) : Microsoft.Extensions.Hosting.IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await schema.MigrateAsync(dataSource.DataSource, logger, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Pipelines loaded from {Directory}: {Pipelines}", pipelines.Directory, string.Join(", ", pipelines.Pipelines.Select(p => p.Name)));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
