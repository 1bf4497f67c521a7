using System.Text.Json.Serialization;

namespace Workflows.Orchestrations.Training;

/// <summary>Where a training job is in its life.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrainingJobState>))]
public enum TrainingJobState
{
    /// <summary>Waiting for a worker.</summary>
    Queued,

    /// <summary>A worker holds it while its lease lasts.</summary>
    Leased,

    /// <summary>Trained; its artifacts are stored.</summary>
    Succeeded,

    /// <summary>Failed for good: a non-retryable error, its attempts used up, or its deadline passed.</summary>
    Failed,

    /// <summary>Cancelled with its run.</summary>
    Cancelled,
}

/// <summary>Terminal states.</summary>
public static class TrainingJobStates
{
    public static bool IsTerminal(this TrainingJobState state) => state is TrainingJobState.Succeeded or TrainingJobState.Failed or TrainingJobState.Cancelled;
}
