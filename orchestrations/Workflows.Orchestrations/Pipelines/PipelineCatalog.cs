namespace Workflows.Orchestrations.Pipelines;

/// <summary>
/// Every pipeline in one folder: each <c>*.yaml</c> or <c>*.yml</c> file directly in it (sub-folders, such as
/// <c>data/</c>, are not read) holds one pipeline. Loading is all or nothing: errors from every file are reported
/// together, and two files declaring the same pipeline name are refused, naming both.
/// </summary>
public sealed class PipelineCatalog
{
    private PipelineCatalog(IReadOnlyList<PipelineDefinition> pipelines) => Pipelines = pipelines;

    /// <summary>The pipelines, ordered by file name.</summary>
    public IReadOnlyList<PipelineDefinition> Pipelines { get; }

    /// <summary>Loads every pipeline file in <paramref name="directory"/>; errors name the files under <paramref name="directory"/> as given.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="PipelineDefinitionException">Any file is invalid, or two files use one name.</exception>
    public static PipelineCatalog Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The pipeline folder '{directory}' does not exist.");
        }

        var files = Directory.EnumerateFiles(directory, "*", SearchOption.TopDirectoryOnly)
            .Where(IsPipelineFile)
            .Order(StringComparer.Ordinal);
        var errors = new List<PipelineDefinitionError>();
        var pipelines = new List<PipelineDefinition>();
        var byName = new Dictionary<string, LoadedPipeline>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in files)
        {
            var loaded = PipelineLoader.Read(File.ReadAllText(file), file, out var fileErrors);
            errors.AddRange(fileErrors);
            if (loaded is null)
            {
                continue;
            }

            if (byName.TryGetValue(loaded.Definition.Name, out var first))
            {
                errors.Add(new PipelineDefinitionError(
                    file,
                    loaded.NameLine,
                    loaded.NameColumn,
                    $"pipeline name '{loaded.Definition.Name}' is already used by {first.Definition.SourceFile}:{first.NameLine}:{first.NameColumn}"));
            }
            else
            {
                byName.Add(loaded.Definition.Name, loaded);
                pipelines.Add(loaded.Definition);
            }
        }

        return errors.Count == 0
            ? new PipelineCatalog(pipelines)
            : throw new PipelineDefinitionException(errors);
    }

    /// <summary>The pipeline with this name, ignoring case; null when there is none.</summary>
    public PipelineDefinition? Find(string name) =>
        Pipelines.FirstOrDefault(pipeline => pipeline.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static bool IsPipelineFile(string path) =>
        Path.GetExtension(path) is { } extension
        && (extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || extension.Equals(".yml", StringComparison.OrdinalIgnoreCase));
}
