namespace Workflows.Testing;

/// <summary>Finds the checkout the tests run from, so they can read the shipped <c>pipelines/</c> folder and the trainers' sources.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding Workflows.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The shipped pipeline definitions and, under <c>data/</c>, their sample data.</summary>
    public static string Pipelines => Path.Combine(Root, "pipelines");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Workflows.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Workflows.sln above {AppContext.BaseDirectory}.");
    }
}
