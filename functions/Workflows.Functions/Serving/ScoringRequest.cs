namespace Workflows.Functions.Serving;

/// <summary>
/// One request's rows waiting in a <see cref="MicroBatcher"/>'s queue; <see cref="Completion"/> gets its outputs
/// (Rows × the model's output width), or the exception the batch failed with.
/// </summary>
/// <param name="Features">The encoded rows, Rows × the model's input width.</param>
/// <param name="Rows">How many rows.</param>
internal sealed record ScoringRequest(float[] Features, int Rows)
{
    /// <summary>Completes, off the batcher's thread, when the request's batch was scored.</summary>
    public TaskCompletionSource<float[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
