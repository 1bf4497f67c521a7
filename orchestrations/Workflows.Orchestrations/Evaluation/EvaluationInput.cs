namespace Workflows.Orchestrations.Evaluation;

/// <summary>Checks shared by both tasks: a bad array fails up front with its name and the offending position, never as a silent NaN metric.</summary>
internal static class EvaluationInput
{
    public static void RequireRows(int rows, string name)
    {
        if (rows == 0)
        {
            throw new ArgumentException($"{name} is empty: there are no rows to evaluate", name);
        }
    }

    /// <summary>Every value finite; <paramref name="columns"/> &gt; 1 reads <paramref name="values"/> as row-major (rows, classes).</summary>
    public static void RequireFinite(ReadOnlySpan<double> values, int columns, string name)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                var at = columns == 1 ? $"{i}" : $"row {i / columns}, class {i % columns}";
                throw new ArgumentException($"{name}[{at}] is {values[i]}: every value must be a finite number", name);
            }
        }
    }
}
