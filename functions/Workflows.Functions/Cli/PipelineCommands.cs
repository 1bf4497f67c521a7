using System.CommandLine;
using Spectre.Console;
using Workflows.Functions.Hosting;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Functions.Cli;

/// <summary><c>wf pipelines validate [FILE]</c>: checks definitions locally, without a host.</summary>
public static class PipelineCommands
{
    public static Command Create()
    {
        var file = new Argument<FileInfo?>("FILE") { Description = "One definition (default: every file in the pipelines directory)", Arity = ArgumentArity.ZeroOrOne };
        var validate = new Command("validate", "Check pipeline definitions; every error with file, line and column") { file };
        validate.SetAction(result =>
        {
            try
            {
                var pipelines = result.GetValue(file) is { } one
                    ? [PipelineLoader.LoadFile(one.FullName)]
                    : PipelineCatalog.Load(WorkflowsHost.PipelinesDirectory).Pipelines;
                foreach (var pipeline in pipelines)
                {
                    AnsiConsole.MarkupLine($"[green]ok[/] {Markup.Escape(pipeline.Name)} ({Markup.Escape(pipeline.SourceFile)})");
                }

                return 0;
            }
            catch (PipelineDefinitionException ex)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
                return 1;
            }
        });
        return new Command("pipelines", "Pipeline definitions") { validate };
    }
}
