using System.CommandLine;
using Spectre.Console;
using Workflows.Functions.Cli;
using Workflows.Functions.Demo;

// The Workflows host and CLI. Output to a file or pipe (CI logs) is plain text.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
}

var root = new RootCommand("Workflows: durable MLOps pipelines on PostgreSQL")
{
    DemoCommand.Create(),
    UpCommand.Create(),
    RunCommands.Run(),
    RunCommands.List(),
    DatasetCommands.List(),
    DatasetCommands.Ingest(),
    PipelineCommands.Create(),
    ModelCommands.List(),
    ModelCommands.SetAlias(),
    ModelCommands.Promote(),
    ModelCommands.Rollback(),
    DriftCommands.Create(),
};
return await root.Parse(args).InvokeAsync();
