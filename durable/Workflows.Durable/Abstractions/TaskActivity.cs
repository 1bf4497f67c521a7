namespace Workflows.Durable;

/// <summary>The runtime's untyped view of an activity.</summary>
public interface ITaskActivity
{
    /// <summary>The type the activity input is deserialized into.</summary>
    Type InputType { get; }

    /// <summary>Runs the activity with an already deserialized input.</summary>
    Task<object?> RunAsync(TaskActivityContext context, object? input);
}

/// <summary>
/// Base class for activities: the units of real work (I/O, computation) that orchestrators schedule.
/// Activities are created from dependency injection for every execution, so they can take services.
/// </summary>
/// <remarks>
/// Activities run at least once: a worker that dies before its result is committed leaves the task to be
/// leased again by another worker, so an activity must be safe to repeat.
/// </remarks>
/// <typeparam name="TInput">The activity input.</typeparam>
/// <typeparam name="TOutput">The activity output.</typeparam>
public abstract class TaskActivity<TInput, TOutput> : ITaskActivity
{
    /// <inheritdoc />
    public Type InputType => typeof(TInput);

    /// <summary>The activity's code.</summary>
    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input);

    async Task<object?> ITaskActivity.RunAsync(TaskActivityContext context, object? input) =>
        await RunAsync(context, (TInput)input!).ConfigureAwait(false);
}
