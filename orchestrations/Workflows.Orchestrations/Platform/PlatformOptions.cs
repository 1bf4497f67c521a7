namespace Workflows.Orchestrations.Platform;

/// <summary>Where the platform keeps local state; bound from host.json's <c>workflows</c> section.</summary>
public sealed class PlatformOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "workflows";

    /// <summary>The data directory: drop folder, scratch space, and the filesystem artifact store by default.</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>The directory of pipeline definitions.</summary>
    public string PipelinesDirectory { get; set; } = "pipelines";

    /// <summary>Files dropped in <c>drop/&lt;dataset&gt;/</c> become versions of that dataset.</summary>
    public string DropDirectory => Path.Combine(DataDirectory, "drop");

    /// <summary>Accepted drop files are moved here, by dataset.</summary>
    public string ProcessedDirectory => Path.Combine(DataDirectory, "processed");

    /// <summary>Scratch space for activities; a subdirectory per ingestion or run.</summary>
    public string WorkDirectory => Path.Combine(DataDirectory, "work");

    /// <summary>The filesystem artifact store's root, when no blob store is configured.</summary>
    public string ArtifactsDirectory => Path.Combine(DataDirectory, "artifacts");
}
