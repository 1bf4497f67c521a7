using System.Text.Json;

namespace Workflows.LocalServices;

/// <summary>The npm package <c>azurite</c>, whose blob service <see cref="EmbeddedAzurite"/> runs with Node.js.</summary>
/// <param name="Directory">The package directory (holding <c>package.json</c> and <c>dist/</c>).</param>
/// <param name="Version">The package version.</param>
internal sealed record AzuriteInstallation(string Directory, string Version)
{
    private static readonly string[] _blobServerScriptParts = ["dist", "src", "blob", "main.js"];

    /// <summary>Gets the script behind the package's <c>azurite-blob</c> bin entry: the blob service alone.</summary>
    public string BlobServerScript => ScriptIn(Directory);

    /// <summary>
    /// Finds the package: the configured directory, else <c>WORKFLOWS_AZURITE_INSTALL</c>, else
    /// <c>infra/local/node_modules/azurite</c> found walking up from the application's base directory and from the
    /// current directory.
    /// </summary>
    public static AzuriteInstallation Locate(string? configuredDirectory) =>
        Locate(configuredDirectory, [AppContext.BaseDirectory, Environment.CurrentDirectory]);

    /// <summary>Finds the package as <see cref="Locate(string?)"/> does, searching upwards from <paramref name="searchStarts"/>.</summary>
    internal static AzuriteInstallation Locate(string? configuredDirectory, IReadOnlyList<string> searchStarts)
    {
        var explicitDirectory = configuredDirectory
            ?? NullIfEmpty(Environment.GetEnvironmentVariable(EmbeddedAzuriteOptions.InstallDirectoryEnvironmentVariable));
        if (explicitDirectory is not null)
        {
            var full = Path.GetFullPath(explicitDirectory);
            var nested = Path.Combine(full, "azurite");
            if (!File.Exists(ScriptIn(full)) && File.Exists(ScriptIn(nested)))
            {
                // Accept a node_modules directory as well as the package itself.
                full = nested;
            }

            if (!File.Exists(ScriptIn(full)))
            {
                throw new EmbeddedAzuriteException(
                    $"Azurite not found: '{ScriptIn(full)}' does not exist. The install directory (from " +
                    $"{(configuredDirectory is null ? EmbeddedAzuriteOptions.InstallDirectoryEnvironmentVariable : nameof(EmbeddedAzuriteOptions.InstallDirectory))}) " +
                    "must be the npm package 'azurite' or a node_modules directory holding it. To use the repository's copy instead, unset it and run ./wf setup.");
            }

            return new AzuriteInstallation(full, ReadVersion(full));
        }

        var starts = searchStarts.Distinct(StringComparer.Ordinal).ToList();
        var found = RepositorySearch.FindUpwards(starts, EmbeddedAzuriteOptions.RepositoryRelativeInstallDirectory, candidate => File.Exists(ScriptIn(candidate)));
        if (found is not null)
        {
            return new AzuriteInstallation(found, ReadVersion(found));
        }

        var expected = RepositorySearch.ExpectedLocation(starts, EmbeddedAzuriteOptions.RepositoryRelativeInstallDirectory);
        throw new EmbeddedAzuriteException(
            $"Azurite is not installed: expected the npm package in '{expected}' " +
            $"(searched upwards from {string.Join(" and ", starts.Select(s => $"'{s}'"))}). " +
            "Run ./wf setup in the repository root to install it, or set " +
            $"{EmbeddedAzuriteOptions.InstallDirectoryEnvironmentVariable} to the package directory.");
    }

    private static string ScriptIn(string packageDirectory) => Path.Combine([packageDirectory, .. _blobServerScriptParts]);

    private static string ReadVersion(string directory)
    {
        var packageJson = Path.Combine(directory, "package.json");
        if (File.Exists(packageJson))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(packageJson));
            if (document.RootElement.TryGetProperty("version", out var version) && version.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }

        return "unknown";
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
