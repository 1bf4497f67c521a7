using System.CommandLine;
using Workflows.Functions.Cli;
using Workflows.Functions.Demo;

// The Workflows host and CLI.
var root = new RootCommand("Workflows: durable MLOps pipelines on PostgreSQL")
{
    DemoCommand.Create(),
    UpCommand.Create(),
    RunCommands.Run(),
    RunCommands.List(),
    DatasetCommands.List(),
    DatasetCommands.Ingest(),
    PipelineCommands.Create(),
};
return await root.Parse(args).InvokeAsync();
