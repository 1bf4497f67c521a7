using Microsoft.Extensions.Logging;
using Npgsql;
using Workflows.Durable.Postgres;

namespace Workflows.Orchestrations.Platform;

/// <summary>
/// The PostgreSQL schema of the platform's own data (datasets, ingestions, runs), beside the task hub's schema and
/// named after it, so one database can hold several isolated installations.
/// </summary>
public sealed class PlatformSchema
{
    private const string ScriptPrefix = "Workflows.Orchestrations.Scripts.platform-";

    public PlatformSchema(string hubName)
    {
        var hub = new TaskHubSchema(hubName);
        QuotedName = $"\"{hub.SchemaName}_platform\"";
    }

    /// <summary>The schema name quoted for SQL.</summary>
    public string QuotedName { get; }

    /// <summary>Replaces <c>{schema}</c> in a SQL text with the quoted schema name.</summary>
    public string Sql(string text) => text.Replace("{schema}", QuotedName, StringComparison.Ordinal);

    /// <summary>Creates or migrates the schema; safe to call from many processes at once.</summary>
    public Task MigrateAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken) =>
        new SchemaMigrator(QuotedName, typeof(PlatformSchema).Assembly, ScriptPrefix).MigrateAsync(dataSource, logger, cancellationToken);
}
