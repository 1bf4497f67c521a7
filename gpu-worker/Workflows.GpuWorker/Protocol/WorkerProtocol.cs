using System.Text.Json;

namespace Workflows.GpuWorker.Protocol;

// The HTTP protocol between workers and the host (/api/worker/...), as JSON in the web shape (camelCase). Workers
// authenticate with `Authorization: Bearer <worker token>`; every call about a job names the lease it holds.

/// <summary>A device a worker offers: one job runs per device at a time.</summary>
/// <param name="Kind"><c>cuda</c> or <c>cpu</c>.</param>
/// <param name="Index">The CUDA device index (0 for the CPU).</param>
/// <param name="Name">The GPU's name, or the CPU's.</param>
/// <param name="MemoryMiB">GPU memory, when known.</param>
public sealed record WorkerDevice(string Kind, int Index, string Name, long? MemoryMiB)
{
    public const string Cuda = "cuda";
    public const string Cpu = "cpu";

    public bool IsGpu => Kind == Cuda;
}

/// <summary>A worker asks for a job it can run on <paramref name="Devices"/>, waiting up to <paramref name="WaitSeconds"/> for one.</summary>
public sealed record LeaseRequest(string WorkerId, string Name, IReadOnlyList<WorkerDevice> Devices, int CpuCores, string Version, int WaitSeconds);

/// <summary>What a trainer is asked to do: the content of its <c>job.json</c> (the worker adds <c>threads</c>).</summary>
public sealed record TrainerJob(
    string JobId,
    string RunId,
    int Trial,
    string Trainer,
    string Task,
    string Device,
    IReadOnlyDictionary<string, JsonElement> Hyperparameters,
    int Seed,
    int CheckpointEvery,
    string PrimaryMetric,
    int? Threads = null);

/// <summary>A leased job.</summary>
/// <param name="JobId">The job.</param>
/// <param name="LeaseId">Names the lease in every later call about the job.</param>
/// <param name="Attempt">This lease's attempt number, from 1.</param>
/// <param name="MaxAttempts">Attempts the job may use.</param>
/// <param name="Job">The trainer's job file.</param>
/// <param name="DataFiles">The training-ready export's files, to fetch from <c>/api/worker/jobs/{id}/data/{file}</c>.</param>
/// <param name="CheckpointEpoch">Set when an earlier attempt left a checkpoint (fetch it from <c>/api/worker/jobs/{id}/checkpoint</c>) and resume from it.</param>
/// <param name="HeartbeatSeconds">How often to heartbeat.</param>
/// <param name="LeaseSeconds">How long the lease lasts without a heartbeat.</param>
public sealed record LeasedJob(string JobId, Guid LeaseId, int Attempt, int MaxAttempts, TrainerJob Job, IReadOnlyList<string> DataFiles, int? CheckpointEpoch, double HeartbeatSeconds, double LeaseSeconds);

/// <summary>A trainer's latest progress, as its JSON lines told it.</summary>
public sealed record TrainerProgress(string Phase, int? Epoch, int? Epochs, long? Step, double? Loss, IReadOnlyDictionary<string, double>? Metrics, double? SamplesPerSecond);

/// <summary>A heartbeat: the lease is alive and this is how far the trainer is.</summary>
public sealed record HeartbeatRequest(Guid LeaseId, TrainerProgress? Progress);

/// <summary>The host's answer: go on, or stop (<c>cancelled</c>, <c>lease-lost</c>, <c>deadline</c>, <c>ended</c>).</summary>
public sealed record HeartbeatReply(bool Continue, string? Reason);

/// <summary>What the trainer reported when it finished.</summary>
/// <param name="Metrics">Validation metrics of the best epoch.</param>
/// <param name="BestEpoch">The epoch whose weights were exported.</param>
/// <param name="EpochsRun">Epochs trained in all, counting those before a resume.</param>
/// <param name="StartEpoch">The epoch this attempt started from: 0, or the checkpoint's epoch when it resumed.</param>
/// <param name="SamplesPerSecond">Training throughput of this attempt.</param>
/// <param name="TrainSeconds">Time this attempt spent training.</param>
/// <param name="Device">The device, as the trainer named it.</param>
public sealed record TrainerSummary(IReadOnlyDictionary<string, double> Metrics, int BestEpoch, int EpochsRun, int StartEpoch, double? SamplesPerSecond, double? TrainSeconds, string? Device);

/// <summary>The job is done and its artifacts are uploaded.</summary>
public sealed record CompleteRequest(Guid LeaseId, TrainerSummary Result);

/// <summary>The job failed (<paramref name="Retryable"/>: another attempt may succeed) or was interrupted by the worker stopping.</summary>
public sealed record FailRequest(Guid LeaseId, string Error, bool Retryable, bool Interrupted);

/// <summary>The artifacts a worker uploads to <c>/api/worker/jobs/{id}/artifacts/{name}</c>.</summary>
public static class JobArtifacts
{
    public const string Checkpoint = "checkpoint.pt";
    public const string Model = "model.onnx";
    public const string ModelManifest = "model.json";
    public const string Metrics = "metrics.json";

    /// <summary>What a finished trainer leaves for the platform.</summary>
    public static IReadOnlyList<string> Final { get; } = [Model, ModelManifest, Metrics];

    public static bool IsKnown(string name) => name == Checkpoint || Final.Contains(name);

    /// <summary>The header that carries the lease id on uploads and downloads.</summary>
    public const string LeaseHeader = "X-Lease-Id";
}
