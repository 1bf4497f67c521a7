namespace Workflows.Orchestrations.Evaluation;

/// <summary>
/// The per-class table of a confusion matrix and the averages over it, as scikit-learn defines them: macro averages
/// over the classes present in the truth or the predictions (a class that is neither says nothing about the model),
/// balanced accuracy over the classes present in the truth, the weighted F1 by support.
/// </summary>
internal sealed record ClassTable(
    IReadOnlyList<ClassMetrics> PerClass,
    double Accuracy,
    double BalancedAccuracy,
    double MacroPrecision,
    double MacroRecall,
    double MacroF1,
    double WeightedF1)
{
    /// <summary>The table of <paramref name="confusion"/> (rows true, columns predicted) with one row per label.</summary>
    public static ClassTable From(long[][] confusion, IReadOnlyList<string> labels)
    {
        var classes = confusion.Length;
        var perClass = new ClassMetrics[classes];
        long rows = 0, correct = 0;
        double balanced = 0, precisionSum = 0, recallSum = 0, f1Sum = 0, weightedF1 = 0;
        int inTruth = 0, present = 0;
        for (var c = 0; c < classes; c++)
        {
            long support = 0, predicted = 0;
            for (var other = 0; other < classes; other++)
            {
                support += confusion[c][other];
                predicted += confusion[other][c];
            }

            var precision = Ratio(confusion[c][c], predicted);
            var recall = Ratio(confusion[c][c], support);
            var f1 = Ratio(2 * precision * recall, precision + recall);
            perClass[c] = new ClassMetrics(labels[c], precision, recall, f1, support);
            rows += support;
            correct += confusion[c][c];
            weightedF1 += f1 * support;
            if (support > 0)
            {
                balanced += recall;
                inTruth++;
            }

            if (support + predicted > 0)
            {
                precisionSum += precision;
                recallSum += recall;
                f1Sum += f1;
                present++;
            }
        }

        return new ClassTable(
            perClass,
            Ratio(correct, rows),
            Ratio(balanced, inTruth),
            Ratio(precisionSum, present),
            Ratio(recallSum, present),
            Ratio(f1Sum, present),
            Ratio(weightedF1, rows));
    }

    /// <summary>0 where the denominator is 0, as scikit-learn's zero_division=0 reports it.</summary>
    private static double Ratio(double numerator, double denominator) => denominator > 0 ? numerator / denominator : 0;
}
