namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Population stability index between two binnings of the same edges: sum over bins of (q - p) ln(q / p), with shares
/// floored at 1e-4 so that an empty bin does not make it infinite. Rule of thumb: below 0.1 stable, above 0.25 shifted.
/// </summary>
internal static class PopulationStability
{
    private const double Floor = 1e-4;

    public static double Index(IReadOnlyList<long> expected, IReadOnlyList<long> actual)
    {
        double expectedTotal = expected.Sum();
        double actualTotal = actual.Sum();
        if (expectedTotal == 0 || actualTotal == 0)
        {
            return 0;
        }

        var psi = 0.0;
        for (var i = 0; i < expected.Count; i++)
        {
            var p = Math.Max(expected[i] / expectedTotal, Floor);
            var q = Math.Max(actual[i] / actualTotal, Floor);
            psi += (q - p) * Math.Log(q / p);
        }

        return psi;
    }
}
