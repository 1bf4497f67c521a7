using System.CommandLine;
using Workflows.Functions.Demo;

// The Workflows host. Commands arrive with later issues (HTTP triggers, pipelines, workers); for now the
// end-to-end demo of the durable runtime on embedded PostgreSQL.
var root = new RootCommand("Workflows: durable MLOps pipelines on PostgreSQL")
{
    DemoCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
