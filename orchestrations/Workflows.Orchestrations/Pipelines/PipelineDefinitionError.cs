namespace Workflows.Orchestrations.Pipelines;

/// <summary>One problem in a pipeline file, at the position a text editor would show (1-based line and column).</summary>
/// <param name="File">The file, as it was given to the loader.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record PipelineDefinitionError(string File, int Line, int Column, string Message)
{
    /// <summary>The compiler-style form <c>file:line:column: message</c>, which editors and CI logs link to.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}
