namespace Workflows.Durable;

/// <summary>
/// Runtime settings, bound from host.json's <c>extensions:durableTask</c> section with the names Durable Functions
/// uses there.
/// </summary>
public sealed class DurableTaskOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "extensions:durableTask";

    /// <summary>The task hub: a PostgreSQL schema of its own, so several hubs can share one database.</summary>
    public string HubName { get; set; } = "workflows";

    /// <summary>Activities one worker process runs at the same time.</summary>
    public int MaxConcurrentActivityFunctions { get; set; } = 10 * Environment.ProcessorCount;

    /// <summary>Orchestration episodes one worker process runs at the same time (each holds a database connection).</summary>
    public int MaxConcurrentOrchestratorFunctions { get; set; } = 4 * Environment.ProcessorCount;

    /// <summary>The PostgreSQL store's settings.</summary>
    public PostgresStorageOptions StorageProvider { get; set; } = new();

    /// <summary>Throws when a setting cannot work, naming it.</summary>
    public void Validate()
    {
        _ = new Postgres.TaskHubSchema(HubName);
        Require(MaxConcurrentActivityFunctions >= 1, "maxConcurrentActivityFunctions", "must be at least 1");
        Require(MaxConcurrentOrchestratorFunctions >= 1, "maxConcurrentOrchestratorFunctions", "must be at least 1");
        Require(StorageProvider.ActivityLeaseDuration >= TimeSpan.FromSeconds(1), "storageProvider.activityLeaseDuration", "must be at least one second");
        Require(StorageProvider.OrchestrationLeaseDuration >= TimeSpan.FromSeconds(1), "storageProvider.orchestrationLeaseDuration", "must be at least one second");
        Require(StorageProvider.MaxPollingInterval > TimeSpan.Zero, "storageProvider.maxPollingInterval", "must be positive");
        Require(StorageProvider.ActivityBatchSize >= 1, "storageProvider.activityBatchSize", "must be at least 1");
        Require(StorageProvider.OrchestrationBatchSize >= 1, "storageProvider.orchestrationBatchSize", "must be at least 1");
    }

    private static void Require(bool condition, string setting, string rule)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Setting extensions.durableTask.{setting} in host.json {rule}.");
        }
    }
}

/// <summary>Settings of the PostgreSQL store.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>A connection string; when absent, the connection string named <see cref="ConnectionStringName"/> is used.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The name of the connection string in configuration (<c>ConnectionStrings:NAME</c>).</summary>
    public string ConnectionStringName { get; set; } = "Postgres";

    /// <summary>How long an activity lease lasts without renewal; a dead worker's tasks are taken over after it.</summary>
    public TimeSpan ActivityLeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an orchestration episode may leave its transaction idle before the server ends it.</summary>
    public TimeSpan OrchestrationLeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest an idle dispatcher waits before looking for work again when no notification arrives.</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most activity tasks leased in one query.</summary>
    public int ActivityBatchSize { get; set; } = 32;

    /// <summary>
    /// The most instances one orchestration slot claims at once. Their episodes run one after another and commit in
    /// one transaction, which saves round trips and commits when many instances are ready; each stays atomic.
    /// </summary>
    public int OrchestrationBatchSize { get; set; } = 8;
}
