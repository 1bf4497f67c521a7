namespace Workflows.Orchestrations.Datasets;

/// <summary>Why a CSV file cannot be parsed any further, and where.</summary>
/// <param name="Rule">The finding's rule: <see cref="ValidationRuleNames.Encoding"/> or <see cref="ValidationRuleNames.Structure"/>.</param>
/// <param name="Message">What is wrong, with the byte offset where it helps.</param>
/// <param name="Row">The row index where it happened: 0 is the header, 1 the first data row.</param>
/// <param name="Line">The 1-based physical line where that row starts.</param>
/// <param name="Field">The 0-based field index, when known.</param>
internal sealed record CsvFormatError(string Rule, string Message, long Row, long Line, int? Field);
