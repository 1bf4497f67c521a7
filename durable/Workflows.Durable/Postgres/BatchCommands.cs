using Npgsql;

namespace Workflows.Durable.Postgres;

/// <summary>Builds the commands the stores send together in one round trip.</summary>
internal static class BatchCommands
{
    /// <summary>A batch command with named parameters; a value that is already a parameter is added as is.</summary>
    public static NpgsqlBatchCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter(name, value ?? DBNull.Value));
        }

        return command;
    }
}
