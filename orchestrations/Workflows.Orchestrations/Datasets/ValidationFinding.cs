namespace Workflows.Orchestrations.Datasets;

/// <summary>One rule's verdict on a file, with where it happened.</summary>
/// <param name="Rule">The rule's name, one of <see cref="ValidationRuleNames"/>.</param>
/// <param name="Severity">Error (rejects the file) or warning.</param>
/// <param name="Column">The column concerned; null for whole-file findings.</param>
/// <param name="Rows">1-based data row numbers, the first 20 at most.</param>
/// <param name="Count">How many rows or values in all.</param>
/// <param name="Message">What is wrong and, where it helps, how to fix it.</param>
public sealed record ValidationFinding(
    string Rule,
    FindingSeverity Severity,
    string? Column,
    IReadOnlyList<long> Rows,
    long Count,
    string Message)
{
    /// <summary>Row numbers kept per finding; the count goes on.</summary>
    public const int MaxSampleRows = 20;
}
