namespace Workflows.Orchestrations.Pipelines;

/// <summary>
/// One or more pipeline files are invalid. <see cref="Errors"/> holds every problem found, not only the first, so
/// a user fixes them all in one pass; the message lists them one per line.
/// </summary>
public sealed class PipelineDefinitionException : Exception
{
    public PipelineDefinitionException(IReadOnlyList<PipelineDefinitionError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Every problem found, by file, then line and column.</summary>
    public IReadOnlyList<PipelineDefinitionError> Errors { get; }

    private static string Describe(IReadOnlyList<PipelineDefinitionError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var heading = errors.Count == 1 ? "Invalid pipeline definition:" : $"Invalid pipeline definitions ({errors.Count} errors):";
        return string.Join(Environment.NewLine, errors.Select(error => "  " + error).Prepend(heading));
    }
}
