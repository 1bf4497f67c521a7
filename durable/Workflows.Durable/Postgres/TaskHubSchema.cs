using System.Reflection;
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
    public async Task MigrateAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended('workflows.durable.migrate', 0))", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, Sql("""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.schema_versions (
                version text PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now());
            """), cancellationToken).ConfigureAwait(false);

        var applied = new HashSet<string>(StringComparer.Ordinal);
        using (var command = new NpgsqlCommand(Sql("SELECT version FROM {schema}.schema_versions"), connection, transaction))
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetString(0));
            }
        }

        foreach (var (version, script) in Scripts())
        {
            if (applied.Contains(version))
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, Sql(script), cancellationToken).ConfigureAwait(false);
            using var record = new NpgsqlCommand(Sql("INSERT INTO {schema}.schema_versions (version) VALUES (@version)"), connection, transaction);
            record.Parameters.AddWithValue("version", version);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Logs.SchemaMigrated(logger, SchemaName, version);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The embedded schema scripts in version order.</summary>
    private static IEnumerable<(string Version, string Script)> Scripts()
    {
        var assembly = typeof(TaskHubSchema).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ScriptPrefix, StringComparison.Ordinal))
            .Select(name => (Version: name[ScriptPrefix.Length..^".sql".Length], Resource: name))
            .OrderBy(s => Version.Parse(s.Version))
            .Select(s => (s.Version, ReadResource(assembly, s.Resource)));
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,47}$")]
    private static partial Regex HubNamePattern();
}
