using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Monitoring;

/// <summary>The chi-square test of one categorical column against the baseline's shares, and its unseen and missing values.</summary>
internal static class CategoricalDrift
{
    private const int MaxUnseenNames = 20;

    public static FeatureDrift Evaluate(LiveCategoricalColumn live, CategoricalBaseline? baseline, DriftSettings settings, bool insufficientWindow)
    {
        // Live category -> baseline category, or -1 when the baseline never saw it (or saw it with a zero share).
        var known = new Dictionary<string, int>(StringComparer.Ordinal);
        if (baseline is not null)
        {
            for (var i = 0; i < baseline.Categories.Count; i++)
            {
                if (baseline.Shares[i] > 0)
                {
                    known.TryAdd(baseline.Categories[i], i);
                }
            }
        }

        var map = new int[live.Categories.Count];
        for (var i = 0; i < map.Length; i++)
        {
            map[i] = known.TryGetValue(live.Categories[i], out var at) ? at : -1;
        }

        var observed = new long[baseline?.Categories.Count ?? 0];
        var unseenCounts = new long[map.Length];
        long missing = 0, unseen = 0;
        foreach (var code in live.Codes)
        {
            if (code < 0 || code >= map.Length)
            {
                missing++;
            }
            else if (map[code] >= 0)
            {
                observed[map[code]]++;
            }
            else
            {
                unseen++;
                unseenCounts[code]++;
            }
        }

        var rows = live.Codes.Length;
        var present = rows - missing;
        var quality = new DataQuality(rows, missing, NumericDrift.Rate(missing, rows), 0, 0, unseen, NumericDrift.Rate(unseen, present), UnseenNames(live, unseenCounts));
        if (baseline is null)
        {
            return new FeatureDrift(live.Name, FeatureKind.Categorical, false, false, [], quality, "the baseline has no categories for this column");
        }

        if (!settings.Runs(DriftMethod.ChiSquare))
        {
            return new FeatureDrift(live.Name, FeatureKind.Categorical, false, false, [], quality, "chi-square is not enabled");
        }

        var shares = new double[baseline.Shares.Count];
        for (var i = 0; i < shares.Length; i++)
        {
            shares[i] = baseline.Shares[i];
        }

        var result = ChiSquareTest.GoodnessOfFit(observed, shares);
        var knownRows = present - unseen;
        var judged = !insufficientWindow && knownRows >= settings.MinWindowRows && result.DegreesOfFreedom > 0;
        var test = new DriftTestResult(DriftMethod.ChiSquare, result.Statistic, result.PValue, settings.ChiSquarePValue,
            judged && result.PValue < settings.ChiSquarePValue, result.DegreesOfFreedom);
        var note = judged ? null
            : insufficientWindow ? "insufficient data: the window is smaller than the minimum"
            : result.DegreesOfFreedom == 0 ? "fewer than two categories to compare after pooling rare ones"
            : $"insufficient data: {knownRows} rows in known categories, fewer than {settings.MinWindowRows}";
        return new FeatureDrift(live.Name, FeatureKind.Categorical, judged, test.Drifted, [test], quality, note);
    }

    private static IReadOnlyList<string> UnseenNames(LiveCategoricalColumn live, long[] unseenCounts)
    {
        var names = new List<(string Name, long Count)>();
        for (var i = 0; i < unseenCounts.Length; i++)
        {
            if (unseenCounts[i] > 0)
            {
                names.Add((live.Categories[i], unseenCounts[i]));
            }
        }

        names.Sort((a, b) => b.Count != a.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a.Name, b.Name));
        var top = new string[Math.Min(MaxUnseenNames, names.Count)];
        for (var i = 0; i < top.Length; i++)
        {
            top[i] = names[i].Name;
        }

        return top;
    }
}
