namespace Workflows.Orchestrations.Evaluation;

/// <summary>
/// ROC AUC as the trainers compute it: binary is the AUC of class 1; multiclass is the mean one-vs-rest AUC over the
/// classes that have both positive and negative rows; NaN when no class has both. Each AUC is the Mann-Whitney
/// statistic from average ranks, so tied scores count half a correct ordering; one sort per class, O(n log n).
/// </summary>
internal static class RocAuc
{
    /// <summary>The AUC of <paramref name="truth"/> (class indices) against row-major (rows, classes) <paramref name="probabilities"/>.</summary>
    public static double Compute(ReadOnlySpan<long> truth, ReadOnlySpan<double> probabilities, int classes)
    {
        var scores = new double[truth.Length];
        var positive = new bool[truth.Length];
        if (classes == 2)
        {
            return OneVsRest(truth, probabilities, classes, 1, scores, positive);
        }

        var sum = 0.0;
        var defined = 0;
        for (var c = 0; c < classes; c++)
        {
            var auc = OneVsRest(truth, probabilities, classes, c, scores, positive);
            if (!double.IsNaN(auc))
            {
                sum += auc;
                defined++;
            }
        }

        return defined == 0 ? double.NaN : sum / defined;
    }

    /// <summary>Class <paramref name="positiveClass"/> against the rest; <paramref name="scores"/> and <paramref name="positive"/> are scratch arrays of one row each.</summary>
    private static double OneVsRest(ReadOnlySpan<long> truth, ReadOnlySpan<double> probabilities, int classes, int positiveClass, double[] scores, bool[] positive)
    {
        long positives = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            scores[i] = probabilities[i * classes + positiveClass];
            positive[i] = truth[i] == positiveClass;
            positives += positive[i] ? 1 : 0;
        }

        long negatives = truth.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        Array.Sort(scores, positive);
        return (PositiveRankSum(scores, positive) - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>The sum of the positives' 1-based ranks in sorted <paramref name="scores"/>; tied scores share the mean of the ranks they span.</summary>
    private static double PositiveRankSum(double[] scores, bool[] positive)
    {
        var sum = 0.0;
        for (var start = 0; start < scores.Length;)
        {
            var end = start;
            long positivesInGroup = 0;
            for (; end < scores.Length && scores[end] == scores[start]; end++)
            {
                positivesInGroup += positive[end] ? 1 : 0;
            }

            // Ranks start + 1 … end, whose mean is (start + 1 + end) / 2.
            sum += positivesInGroup * ((start + 1 + end) / 2.0);
            start = end;
        }

        return sum;
    }
}
