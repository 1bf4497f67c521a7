using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Durable;
using Workflows.LocalServices;

namespace Workflows.Functions.Hosting;

/// <summary>
/// Builds the Workflows host: configuration from host.json (the Azure Functions shape) and the environment,
/// PostgreSQL (an external server when ConnectionStrings:Postgres or WORKFLOWS_POSTGRES_CONNECTION is set, else the
/// embedded one under the data directory), and the durable runtime.
/// </summary>
public static class WorkflowsHost
{
    /// <summary>The data directory: WORKFLOWS_DATA_DIR, else .data under the repository (or the current directory).</summary>
    public static string DataDirectory =>
        Environment.GetEnvironmentVariable("WORKFLOWS_DATA_DIR") is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(RepositoryRoot ?? Environment.CurrentDirectory, ".data");

    /// <summary>The pipeline definitions: WORKFLOWS_PIPELINES_DIR, else pipelines/ under the repository (or the current directory).</summary>
    public static string PipelinesDirectory =>
        Environment.GetEnvironmentVariable("WORKFLOWS_PIPELINES_DIR") is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(RepositoryRoot ?? Environment.CurrentDirectory, "pipelines");

    /// <summary>The repository this host runs from, when it runs from one.</summary>
    public static string? RepositoryRoot => FindRepositoryRoot();

    /// <summary>Starts PostgreSQL as configured (embedded: under <paramref name="dataDirectory"/>, by default <see cref="DataDirectory"/>); dispose the result to stop an embedded server.</summary>
    public static async Task<PostgresConnection> StartPostgresAsync(IConfiguration configuration, ILogger logger, CancellationToken cancellationToken, string? dataDirectory = null) =>
        await PostgresConnectionResolver.ResolveAsync(
            configuration.GetConnectionString("Postgres"),
            new EmbeddedPostgresOptions { DataDirectory = Path.Combine(dataDirectory ?? DataDirectory, "postgres") },
            logger,
            cancellationToken);

    /// <summary>host.json (the Azure Functions shape) and the environment, as the host reads them.</summary>
    public static IConfiguration LoadConfiguration() =>
        new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("host.json", optional: false).AddEnvironmentVariables().Build();

    /// <summary>Adds the durable runtime on the given PostgreSQL, with host.json's settings.</summary>
    public static void AddDurableRuntime(this IHostApplicationBuilder builder, string connectionString, Action<DurableTaskRegistry> register)
    {
        builder.Services.AddDurableTask(register).AddDurableTaskWorker();
        builder.Services.PostConfigure<DurableTaskOptions>(o => o.StorageProvider.ConnectionString ??= connectionString);
    }

    private static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Workflows.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        return null;
    }
}
