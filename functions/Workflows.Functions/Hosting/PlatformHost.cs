using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Workflows.Functions.Api;
using Workflows.Functions.Serving;
using Workflows.Functions.Triggers;
using Workflows.GpuWorker;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Alerts;
using Workflows.Orchestrations.Platform;
using Workflows.Orchestrations.Training;

namespace Workflows.Functions.Hosting;

/// <summary>
/// The Workflows host: the HTTP API, the drop and cron triggers, and the durable worker running the platform's
/// orchestrations, on one PostgreSQL. Settings come from host.json (Azure Functions' shape) and the environment.
/// </summary>
public static class PlatformHost
{
    /// <summary>The address the API listens on unless <c>urls</c> is configured: Azure Functions' local default port.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>Builds the host on a PostgreSQL connection string; <paramref name="configure"/> may change settings (tests do).</summary>
    public static WebApplication Build(string[] args, string connectionString, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // host.json, then the environment, then the command line: the later source wins.
        builder.Configuration.AddJsonFile("host.json", optional: false);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        builder.Logging.ClearProviders().AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.WebHost.UseUrls(builder.Configuration["urls"] ?? DefaultUrl);

        builder.Services.Configure<PlatformOptions>(builder.Configuration.GetSection(PlatformOptions.SectionName));
        builder.Services.PostConfigure<PlatformOptions>(o =>
        {
            o.DataDirectory = builder.Configuration[$"{PlatformOptions.SectionName}:dataDirectory"] is { Length: > 0 } data ? Path.GetFullPath(data) : WorkflowsHost.DataDirectory;
            o.PipelinesDirectory = builder.Configuration[$"{PlatformOptions.SectionName}:pipelinesDirectory"] is { Length: > 0 } pipelines ? Path.GetFullPath(pipelines) : WorkflowsHost.PipelinesDirectory;
        });
        builder.Services.Configure<DropOptions>(builder.Configuration.GetSection(DropOptions.SectionName));
        builder.Services.Configure<ApiKeyOptions>(builder.Configuration.GetSection(ApiKeyOptions.SectionName));
        builder.Services.Configure<TrainingOptions>(builder.Configuration.GetSection(TrainingOptions.SectionName));
        builder.Services.Configure<AlertOptions>(builder.Configuration.GetSection(AlertOptions.SectionName));
        builder.Services.Configure<WorkerOptions>(builder.Configuration.GetSection(EmbeddedWorker.SectionName));
        builder.Services.AddSingleton<EmbeddedWorkerToken>();
        if (builder.Configuration.GetSection(TrainingOptions.SectionName).Get<TrainingOptions>()?.EmbeddedWorker ?? new TrainingOptions().EmbeddedWorker)
        {
            builder.Services.AddHostedService<EmbeddedWorker>();
        }

        builder.AddDurableRuntime(connectionString, registry => registry.AddPlatformOrchestrations());
        var blobDrop = builder.Configuration.GetSection(BlobDropOptions.SectionName).Get<BlobDropOptions>() ?? new BlobDropOptions();
        builder.Services.AddPlatform(connectionString,
            sp => new FileSystemArtifactStore(sp.GetRequiredService<PlatformOptions>().ArtifactsDirectory),
            sp => sp.GetService<BlobDropContainer>()?.Store);
        if (!string.IsNullOrEmpty(blobDrop.ConnectionString))
        {
            builder.Services.AddSingleton(_ => new BlobDropContainer(new AzureBlobArtifactStore(AzureBlobOptions.FromConnectionString(blobDrop.ConnectionString, blobDrop.Container)), blobDrop.Container));
            builder.Services.AddHostedService<BlobDropWatcher>();
        }

        builder.Services.AddServing(builder.Configuration);
        builder.Services.AddSingleton<IngestionTrigger>();
        builder.Services.AddSingleton<ScheduleReconciler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ScheduleReconciler>());
        builder.Services.AddHostedService<DropFolderWatcher>();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseMiddleware<CredentialMiddleware>();
        app.MapOpenApi("/api/openapi.json");
        app.MapRunEndpoints();
        app.MapDatasetEndpoints();
        app.MapPipelineEndpoints();
        app.MapWorkerEndpoints();
        app.MapTrainingEndpoints();
        app.MapModelEndpoints();
        app.MapPredictionEndpoints();
        app.MapMonitoringEndpoints();
        return app;
    }
}
