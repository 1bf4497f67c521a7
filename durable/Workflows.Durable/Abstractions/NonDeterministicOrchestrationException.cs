namespace Workflows.Durable;

/// <summary>
/// The orchestrator's code no longer matches the history it is replaying, for example because the code was
/// changed while instances were in flight. The instance fails with this error rather than continuing silently.
/// </summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    /// <summary>Creates the exception naming the expected and the actual action.</summary>
    public NonDeterministicOrchestrationException(int taskId, string expected, string actual)
        : base($"Non-deterministic orchestrator: at task #{taskId} the history expects {expected}, but the code now does {actual}. " +
               "Orchestrator code must not change the order or kind of the tasks it schedules while instances are running.")
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The action recorded in history.</summary>
    public string Expected { get; }

    /// <summary>The action the code performed during replay.</summary>
    public string Actual { get; }
}
