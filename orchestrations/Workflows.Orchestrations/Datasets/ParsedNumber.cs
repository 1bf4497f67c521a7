namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// A field as the first pass parsed it as a real number (see <see cref="Utf8Values.TryParseDouble"/>), handed to the
/// profiling of the same cell so that the text is parsed once. Not <see cref="Parsed"/>: not tried, or not a number;
/// the profiling then parses the field itself. <see cref="Exact"/>: a short decimal, so a whole <see cref="Value"/> is
/// exactly the long the text says.
/// </summary>
internal readonly record struct ParsedNumber(bool Parsed, double Value, bool IsInteger, bool IsCanonical, bool Exact)
{
    public static ParsedNumber None => default;
}
