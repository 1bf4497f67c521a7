namespace Workflows.Orchestrations.Pipelines;

/// <summary>
/// The pipelines defined in a directory, loaded at start and on <see cref="Reload"/>. A reload that finds errors
/// keeps the pipelines loaded before and throws, so a typo in one file never takes running pipelines away.
/// </summary>
public sealed class PipelineDirectory
{
    private volatile PipelineCatalog _catalog;

    public PipelineDirectory(string directory)
    {
        Directory = directory;
        _catalog = PipelineCatalog.Load(directory);
    }

    /// <summary>The directory the definitions come from.</summary>
    public string Directory { get; }

    /// <summary>The pipelines as last loaded.</summary>
    public IReadOnlyList<PipelineDefinition> Pipelines => _catalog.Pipelines;

    /// <summary>A pipeline by name (case-insensitive), or null.</summary>
    public PipelineDefinition? Find(string name) => _catalog.Find(name);

    /// <summary>A pipeline by name, or an exception that lists the pipelines there are.</summary>
    public PipelineDefinition Get(string name) => Find(name) ?? throw new UnknownPipelineException(name, Pipelines.Select(p => p.Name));

    /// <summary>Loads the directory again; on errors the previous pipelines stay and the errors are thrown.</summary>
    public IReadOnlyList<PipelineDefinition> Reload()
    {
        _catalog = PipelineCatalog.Load(Directory);
        return _catalog.Pipelines;
    }
}

/// <summary>A run or trigger named a pipeline that is not defined.</summary>
public sealed class UnknownPipelineException(string name, IEnumerable<string> known)
    : InvalidOperationException($"There is no pipeline named '{name}'. Defined pipelines: {string.Join(", ", known.DefaultIfEmpty("(none)"))}.")
{
    public string PipelineName { get; } = name;
}
