using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Workflows.LocalServices;

/// <summary>
/// Decides where PostgreSQL comes from: an external server when a connection string is configured, else an
/// <see cref="EmbeddedPostgres"/> started for the caller.
/// </summary>
/// <remarks>
/// Precedence: the connection string passed in (typically configuration's <c>ConnectionStrings:Postgres</c>), then
/// the <c>WORKFLOWS_POSTGRES_CONNECTION</c> environment variable, then the embedded server.
/// </remarks>
public static class PostgresConnectionResolver
{
    /// <summary>The environment variable holding an external server's Npgsql connection string.</summary>
    public const string ConnectionStringEnvironmentVariable = "WORKFLOWS_POSTGRES_CONNECTION";

    /// <summary>The configuration key a host reads and passes to <see cref="ResolveAsync"/>.</summary>
    public const string ConfigurationKey = "ConnectionStrings:Postgres";

    /// <summary>Returns the configured external server's connection string, or null when none is configured.</summary>
    /// <param name="configuredConnectionString">A connection string from configuration; wins over the environment variable.</param>
    /// <returns>The connection string, or null.</returns>
    public static string? GetConfiguredConnectionString(string? configuredConnectionString = null)
    {
        if (!string.IsNullOrWhiteSpace(configuredConnectionString))
        {
            return configuredConnectionString;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(ConnectionStringEnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? null : fromEnvironment;
    }

    /// <summary>
    /// Uses the configured external server when there is one (nothing is started), else starts an embedded server
    /// with <paramref name="embeddedOptions"/>.
    /// </summary>
    /// <param name="configuredConnectionString">A connection string from configuration, or null to consult the environment.</param>
    /// <param name="embeddedOptions">How to run the embedded server when no external one is configured.</param>
    /// <param name="logger">Receives progress messages; none when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A handle exposing the connection string; disposing it stops an embedded server and leaves an external one alone.</returns>
    public static async Task<PostgresConnection> ResolveAsync(
        string? configuredConnectionString,
        EmbeddedPostgresOptions embeddedOptions,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embeddedOptions);
        logger ??= NullLogger.Instance;
        var external = GetConfiguredConnectionString(configuredConnectionString);
        if (external is not null)
        {
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(external);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"The configured PostgreSQL connection string is not valid: {ex.Message}", nameof(configuredConnectionString), ex);
            }

            logger.UsingExternalServer(builder.Host, builder.Port);
            return new PostgresConnection(builder.ConnectionString, server: null);
        }

        var server = await EmbeddedPostgres.StartAsync(embeddedOptions, logger, cancellationToken).ConfigureAwait(false);
        return new PostgresConnection(server.ConnectionString, server);
    }
}
