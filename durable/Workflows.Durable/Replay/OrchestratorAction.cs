namespace Workflows.Durable.Replay;

/// <summary>Something orchestrator code asked for in an episode, to be committed with the episode.</summary>
internal abstract record OrchestratorAction(int TaskId)
{
    /// <summary>How the action reads in a non-determinism error.</summary>
    public abstract string Describe();
}

/// <summary>Schedule an activity.</summary>
internal sealed record ScheduleTaskAction(int TaskId, string Name, string? Input) : OrchestratorAction(TaskId)
{
    public override string Describe() => $"CallActivity('{Name}')";
}

/// <summary>Create a durable timer.</summary>
internal sealed record CreateTimerAction(int TaskId, DateTime FireAt) : OrchestratorAction(TaskId)
{
    public override string Describe() => "CreateTimer";
}

/// <summary>Start a sub-orchestration.</summary>
internal sealed record CreateSubOrchestrationAction(int TaskId, string Name, string InstanceId, string? Input) : OrchestratorAction(TaskId)
{
    public override string Describe() => $"CallSubOrchestrator('{Name}', instance '{InstanceId}')";
}
