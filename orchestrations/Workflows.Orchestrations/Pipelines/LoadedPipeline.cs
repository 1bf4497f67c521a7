namespace Workflows.Orchestrations.Pipelines;

/// <summary>A pipeline read from a file, with where its name is written, so a catalog can point at a clash.</summary>
internal sealed record LoadedPipeline(PipelineDefinition Definition, int NameLine, int NameColumn);
