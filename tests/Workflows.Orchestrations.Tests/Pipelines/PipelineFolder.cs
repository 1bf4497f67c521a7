namespace Workflows.Orchestrations.Tests.Pipelines;

/// <summary>A temporary folder of pipeline files, deleted when the test ends.</summary>
internal sealed class PipelineFolder : IDisposable
{
    public PipelineFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "workflows-pipelines-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes a file and returns its path.</summary>
    public string Write(string relativePath, string content)
    {
        var path = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
