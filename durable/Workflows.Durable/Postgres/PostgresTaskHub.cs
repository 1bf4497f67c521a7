using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Workflows.Durable.Postgres;

/// <summary>A task hub on PostgreSQL: its schema, stores and notification listener, shared by worker and client.</summary>
internal sealed class PostgresTaskHub : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _migration = new(1, 1);
    private volatile bool _migrated;

    public PostgresTaskHub(IOptions<DurableTaskOptions> options, ILoggerFactory loggerFactory, Microsoft.Extensions.Configuration.IConfiguration? configuration = null)
    {
        var settings = options.Value;
        settings.Validate();
        _logger = loggerFactory.CreateLogger("Workflows.Durable");
        Options = settings;
        Schema = new TaskHubSchema(settings.HubName);
        var connectionString = settings.StorageProvider.ConnectionString
            ?? configuration?.GetSection("ConnectionStrings")[settings.StorageProvider.ConnectionStringName]
            ?? throw new InvalidOperationException(
                $"No PostgreSQL connection string: set extensions:durableTask:storageProvider:connectionString or ConnectionStrings:{settings.StorageProvider.ConnectionStringName}.");
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // Every episode runs the same few statements: preparing them saves a parse and plan per call.
        builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        builder.ConnectionStringBuilder.ApplicationName ??= "workflows-durable";
        builder.ConnectionStringBuilder.KeepAlive = 15;
        // The orchestration lease: an episode's transaction holds its instance's row lock, and the server ends any
        // transaction of ours left idle this long (a hung or partitioned worker). All our transactions are short.
        var lease = (long)settings.StorageProvider.OrchestrationLeaseDuration.TotalMilliseconds;
        builder.ConnectionStringBuilder.Options = $"{builder.ConnectionStringBuilder.Options} -c idle_in_transaction_session_timeout={lease}".Trim();
        builder.UseLoggerFactory(loggerFactory);
        DataSource = builder.Build();
        Orchestrations = new OrchestrationStore(DataSource, Schema);
        Activities = new ActivityStore(DataSource, Schema);
        Instances = new InstanceStore(DataSource, Schema);
        Notifications = new NotificationListener(DataSource, Schema, settings.MaxConcurrentOrchestratorFunctions, _logger);
    }

    public DurableTaskOptions Options { get; }

    public TaskHubSchema Schema { get; }

    public NpgsqlDataSource DataSource { get; }

    public OrchestrationStore Orchestrations { get; }

    public ActivityStore Activities { get; }

    public InstanceStore Instances { get; }

    public NotificationListener Notifications { get; }

    /// <summary>Creates or migrates the hub's schema once per process.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_migrated)
        {
            return;
        }

        await _migration.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_migrated)
            {
                await Schema.MigrateAsync(DataSource, _logger, cancellationToken).ConfigureAwait(false);
                _migrated = true;
            }
        }
        finally
        {
            _migration.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Notifications.DisposeAsync().ConfigureAwait(false);
        await DataSource.DisposeAsync().ConfigureAwait(false);
        _migration.Dispose();
    }
}
