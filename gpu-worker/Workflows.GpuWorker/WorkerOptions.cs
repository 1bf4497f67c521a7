namespace Workflows.GpuWorker;

/// <summary>A worker's settings; bound from the <c>worker</c> section (appsettings, WORKFLOWS_WORKER__* variables, <c>--worker:key value</c>).</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "worker";

    /// <summary>The Workflows host, for example <c>http://127.0.0.1:7071</c>.</summary>
    public string HostUrl { get; set; } = "";

    /// <summary>The worker token the host accepts.</summary>
    public string Token { get; set; } = "";

    /// <summary>This worker's name in the pool; its slots are named after it. Default: machine name and process id.</summary>
    public string Name { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary><c>auto</c> (every GPU nvidia-smi lists, else the CPU), <c>cpu</c>, or CUDA indexes such as <c>0,1</c>.</summary>
    public string Devices { get; set; } = "auto";

    /// <summary>CPU threads a trainer may use; 0 means every core.</summary>
    public int Threads { get; set; }

    /// <summary>The Python interpreter that runs trainers. Default: WORKFLOWS_PYTHON, else <c>python3</c>.</summary>
    public string Python { get; set; } = Environment.GetEnvironmentVariable("WORKFLOWS_PYTHON") is { Length: > 0 } python ? python : "python3";

    /// <summary>Where the trainers and their registry (<c>trainers.json</c>) are. Default: <c>trainers/</c> beside the agent.</summary>
    public string TrainersDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "trainers");

    /// <summary>Scratch space for jobs: a directory per attempt, deleted when it ends.</summary>
    public string WorkDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "workflows-worker");

    /// <summary>How long a lease request waits at the host for a job.</summary>
    public TimeSpan LeaseWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a trainer asked to stop (SIGTERM) may take to write its checkpoint before it is killed.</summary>
    public TimeSpan StopGracePeriod { get; set; } = TimeSpan.FromSeconds(20);
}
