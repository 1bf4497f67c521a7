namespace Workflows.Durable;

/// <summary>The runtime's untyped view of an orchestrator.</summary>
public interface ITaskOrchestrator
{
    /// <summary>The type the orchestration input is deserialized into.</summary>
    Type InputType { get; }

    /// <summary>Runs the orchestrator with an already deserialized input.</summary>
    Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}

/// <summary>
/// Base class for orchestrators. Orchestrator code is replayed from history, so it must be deterministic:
/// use <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/>, <see cref="TaskOrchestrationContext.NewGuid"/>
/// and activities for anything that reads the outside world, and never <c>ConfigureAwait(false)</c>.
/// </summary>
/// <typeparam name="TInput">The orchestration input.</typeparam>
/// <typeparam name="TOutput">The orchestration output.</typeparam>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    /// <inheritdoc />
    public Type InputType => typeof(TInput);

    /// <summary>The orchestration's code.</summary>
    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);

    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input) =>
        await RunAsync(context, (TInput)input!);
}
