using System.CommandLine;
using Spectre.Console;

namespace Workflows.Functions.Cli;

/// <summary>What the CLI commands that talk to a host share: the <c>--url</c> option and error reporting.</summary>
public static class CliCommand
{
    public static Option<string?> UrlOption() => new("--url") { Description = "The host's base URL (default: WORKFLOWS_URL or http://127.0.0.1:7071)" };

    /// <summary>Runs <paramref name="action"/> with a client for the host; host errors become a message and exit code 1.</summary>
    public static async Task<int> WithHostAsync(string? url, Func<HostClient, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        using var host = new HostClient(url, apiKey: null);
        try
        {
            return await action(host, cancellationToken);
        }
        catch (Exception ex) when (ex is HostUnavailableException or HostRequestException)
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
            return 1;
        }
    }
}
