using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Workflows.Durable.Postgres;

/// <summary>
/// A task hub's PostgreSQL schema: its name, and the migrations that create it. Migrations are versioned,
/// embedded scripts applied in order under a transaction-scoped advisory lock, so many processes can start
/// at once against one database and exactly one of them migrates.
/// </summary>
public sealed partial class TaskHubSchema
{
    private const string ScriptPrefix = "Workflows.Durable.Scripts.schema-";

    /// <summary>Creates the schema description for a hub name (letters, digits and underscores; starts with a letter).</summary>
    public TaskHubSchema(string hubName)
    {
        if (string.IsNullOrEmpty(hubName) || !HubNamePattern().IsMatch(hubName))
        {
            throw new ArgumentException(
                $"Task hub name '{hubName}' is invalid: use 1-48 letters, digits or underscores, starting with a letter (it names a PostgreSQL schema).",
                nameof(hubName));
        }

        HubName = hubName;
        SchemaName = hubName.ToLowerInvariant();
        QuotedName = $"\"{SchemaName}\"";
    }

    /// <summary>The hub name as configured.</summary>
    public string HubName { get; }

    /// <summary>The PostgreSQL schema that holds the hub's tables.</summary>
    public string SchemaName { get; }

    /// <summary>The schema name quoted for SQL.</summary>
    public string QuotedName { get; }

    /// <summary>The LISTEN/NOTIFY channel that announces new work.</summary>
    public string WorkChannel => $"{SchemaName}.work";

    /// <summary>The LISTEN/NOTIFY channel that announces finished instances.</summary>
    public string CompletionChannel => $"{SchemaName}.done";

    /// <summary>Replaces <c>{schema}</c> in a SQL text with the quoted schema name.</summary>
    public string Sql(string text) => text.Replace("{schema}", QuotedName, StringComparison.Ordinal);

    /// <summary>Creates or migrates the schema; safe to call from many processes at once.</summary>
    public Task MigrateAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken) =>
        new SchemaMigrator(QuotedName, typeof(TaskHubSchema).Assembly, ScriptPrefix).MigrateAsync(dataSource, logger, cancellationToken);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,47}$")]
    private static partial Regex HubNamePattern();
}
