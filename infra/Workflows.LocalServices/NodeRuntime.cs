namespace Workflows.LocalServices;

/// <summary>Finds the Node.js executable that runs npm-packaged servers such as Azurite.</summary>
internal static class NodeRuntime
{
    /// <summary>
    /// Returns the full path of <paramref name="executable"/>: a path as given, or a bare name looked up on
    /// <c>PATH</c>. Throws <see cref="EmbeddedAzuriteException"/> saying how to fix it when there is none.
    /// </summary>
    public static string Resolve(string executable) => Resolve(executable, Environment.GetEnvironmentVariable("PATH"));

    /// <summary>Resolves <paramref name="executable"/> as <see cref="Resolve(string)"/> does, against <paramref name="searchPath"/>.</summary>
    internal static string Resolve(string executable, string? searchPath)
    {
        if (executable.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(executable);
            return File.Exists(full)
                ? full
                : throw new EmbeddedAzuriteException(
                    $"Node.js not found: '{full}' does not exist. Set {nameof(EmbeddedAzuriteOptions)}.{nameof(EmbeddedAzuriteOptions.NodeExecutable)} to a Node.js 20 or later executable.");
        }

        var directories = (searchPath ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return directories.Select(directory => Path.Combine(directory, executable)).FirstOrDefault(File.Exists)
            ?? throw new EmbeddedAzuriteException(
                $"Node.js not found: no '{executable}' on PATH. Azurite runs on Node.js 20 or later: install it (for example " +
                $"'apt-get install nodejs'), or set {nameof(EmbeddedAzuriteOptions)}.{nameof(EmbeddedAzuriteOptions.NodeExecutable)} to its path.");
    }
}
