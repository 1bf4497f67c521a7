using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Workflows.Durable.Postgres;

/// <summary>
/// Creates or migrates one PostgreSQL schema from versioned scripts embedded in an assembly (resources named
/// <c>PREFIX{version}.sql</c>, applied in version order, each once). Released scripts are never edited; later changes
/// go in new files. Runs under a transaction-scoped advisory lock, so many processes can start at once against one
/// database and exactly one of them migrates; a failed script leaves the schema as it was.
/// </summary>
/// <param name="quotedSchema">The schema name quoted for SQL; replaces <c>{schema}</c> in the scripts.</param>
/// <param name="assembly">The assembly holding the scripts.</param>
/// <param name="scriptPrefix">The resource name prefix before the version.</param>
public sealed class SchemaMigrator(string quotedSchema, Assembly assembly, string scriptPrefix)
{
    /// <summary>Applies the scripts not applied yet.</summary>
    public async Task MigrateAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended('workflows.migrate', 0))", cancellationToken).ConfigureAwait(false);
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
            Logs.SchemaMigrated(logger, quotedSchema, version);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private string Sql(string text) => text.Replace("{schema}", quotedSchema, StringComparison.Ordinal);

    /// <summary>The embedded scripts in version order.</summary>
    private IEnumerable<(string Version, string Script)> Scripts() =>
        assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(scriptPrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => (Version: name[scriptPrefix.Length..^".sql".Length], Resource: name))
            .OrderBy(s => Version.Parse(s.Version))
            .Select(s => (s.Version, ReadResource(s.Resource)));

    private string ReadResource(string name)
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
}
