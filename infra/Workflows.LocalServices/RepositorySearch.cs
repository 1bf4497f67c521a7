namespace Workflows.LocalServices;

/// <summary>
/// Finds what a fresh clone installs under the repository (npm packages in <c>infra/local</c>) from wherever the
/// code runs: a test's <c>bin</c> folder, a published host, or the repository root.
/// </summary>
internal static class RepositorySearch
{
    /// <summary>
    /// Walks up from each of <paramref name="starts"/> and returns the first <c>directory/relativePath</c> that
    /// <paramref name="isMatch"/> accepts, or null.
    /// </summary>
    public static string? FindUpwards(IEnumerable<string> starts, string relativePath, Func<string, bool> isMatch)
    {
        foreach (var start in starts)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, relativePath);
                if (isMatch(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Returns <paramref name="relativePath"/> inside the repository found above <paramref name="starts"/>, for error messages.</summary>
    public static string ExpectedLocation(IEnumerable<string> starts, string relativePath) =>
        FindUpwards(starts, "Workflows.sln", File.Exists) is { } solution
            ? Path.Combine(Path.GetDirectoryName(solution)!, relativePath)
            : $"<repository>/{relativePath}";
}
