using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Workflows.Functions.Api;
using Workflows.Functions.Hosting;
using Workflows.Orchestrations.Platform;

namespace Workflows.Functions.Cli;

/// <summary><c>wf up</c>: starts PostgreSQL (embedded unless configured) and the host, prints where everything is, serves until stopped.</summary>
public static class UpCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = $"Where the API listens (default {PlatformHost.DefaultUrl})" };
        var command = new Command("up", "Start the embedded services and the Workflows host, and serve until Ctrl+C") { urls };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var startupLogs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
            var configuration = WorkflowsHost.LoadConfiguration();
            await using var postgres = await WorkflowsHost.StartPostgresAsync(configuration, startupLogs.CreateLogger("Workflows.Up"), cancellationToken);
            var args = result.GetValue(urls) is { } u ? new[] { "--urls", u } : [];
            await using var app = Build(args, postgres.ConnectionString);
            await app.StartAsync(cancellationToken);
            PrintWhereEverythingIs(app);
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary>The host with a local API key when none is configured.</summary>
    public static WebApplication Build(string[] args, string connectionString) =>
        PlatformHost.Build(args, connectionString, builder =>
        {
            var configured = builder.Configuration.GetSection(ApiKeyOptions.SectionName).Get<ApiKeyOptions>()?.Keys.Count > 0
                || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ApiKeyOptions.EnvironmentVariable));
            if (!configured)
            {
                var key = LocalApiKey.Ensure(WorkflowsHost.DataDirectory);
                builder.Services.PostConfigure<ApiKeyOptions>(o => o.Keys.Add(key));
            }
        });

    public static void PrintWhereEverythingIs(WebApplication app)
    {
        var platform = app.Services.GetRequiredService<PlatformOptions>();
        var url = app.Urls.First();
        var table = new Table().HideHeaders().AddColumns("what", "where");
        table.AddRow("API", Markup.Escape($"{url}/api/runs"));
        table.AddRow("OpenAPI", Markup.Escape($"{url}/api/openapi.json"));
        table.AddRow("Pipelines", Markup.Escape($"{url}/api/pipelines  ({platform.PipelinesDirectory})"));
        table.AddRow("Drop folder", Markup.Escape(Path.Combine(platform.DropDirectory, "<dataset>")));
        table.AddRow("Data", Markup.Escape(platform.DataDirectory));
        table.AddRow("API key", Markup.Escape(File.Exists(LocalApiKey.PathIn(WorkflowsHost.DataDirectory)) ? LocalApiKey.PathIn(WorkflowsHost.DataDirectory) : "configured (workflows:api:keys or WORKFLOWS_API_KEYS)"));
        AnsiConsole.Write(new Panel(table).Header("Workflows is up"));
    }
}
