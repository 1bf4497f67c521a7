namespace Workflows.Orchestrations.Training;

/// <summary>How training jobs are leased and watched; bound from host.json's <c>workflows:training</c> section.</summary>
public sealed class TrainingOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "workflows:training";

    /// <summary>How long a lease lasts without a heartbeat; a worker that stops heartbeating loses its job after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often workers are asked to heartbeat; well inside <see cref="LeaseDuration"/>.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a TrainingJob orchestration looks at its job (lost leases, the deadline) while it waits.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest a lease request waits for a job before it answers that there is none.</summary>
    public TimeSpan LongPollTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>A trainer writes a checkpoint every this many epochs.</summary>
    public int CheckpointEvery { get; set; } = 5;

    /// <summary>Tokens workers authenticate with (<c>Authorization: Bearer</c>); WORKFLOWS_WORKER_TOKENS adds more, comma-separated.</summary>
    public List<string> WorkerTokens { get; set; } = [];

    /// <summary>Whether the host runs one worker in-process, the local default; a deployment with a worker pool turns it off.</summary>
    public bool EmbeddedWorker { get; set; } = true;
}
