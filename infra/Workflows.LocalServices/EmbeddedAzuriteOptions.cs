namespace Workflows.LocalServices;

/// <summary>
/// Settings for an <see cref="EmbeddedAzurite"/> blob service: where it keeps its data, which Azurite and Node.js
/// run it, and where it listens.
/// </summary>
public sealed record EmbeddedAzuriteOptions
{
    /// <summary>Environment variable that names the <c>azurite</c> npm package directory (or a <c>node_modules</c> holding it).</summary>
    public const string InstallDirectoryEnvironmentVariable = "WORKFLOWS_AZURITE_INSTALL";

    /// <summary>Where the npm package sits, relative to the repository root.</summary>
    public const string RepositoryRelativeInstallDirectory = "infra/local/node_modules/azurite";

    /// <summary>Gets the directory Azurite keeps its blobs and metadata in (<c>--location</c>); created when missing and reused across starts.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>
    /// Gets the <c>azurite</c> package directory (holding <c>dist/src/blob/main.js</c>), or a <c>node_modules</c>
    /// directory holding it. When null, the <c>WORKFLOWS_AZURITE_INSTALL</c> environment variable is used, else the
    /// first <c>infra/local/node_modules/azurite</c> found walking up from <see cref="AppContext.BaseDirectory"/>
    /// and from the current directory.
    /// </summary>
    public string? InstallDirectory { get; init; }

    /// <summary>Gets the Node.js executable: a path, or a name looked up on <c>PATH</c>.</summary>
    public string NodeExecutable { get; init; } = "node";

    /// <summary>Gets the loopback TCP port of the blob service; 0 (the default) picks a free one at each start.</summary>
    public int Port { get; init; }

    /// <summary>Gets how long to wait for the blob service to answer HTTP.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how long Azurite may take to close after SIGTERM before it is killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
