using System.Text.Json;
using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Pipelines;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Evaluation;

/// <summary>
/// Our metrics against scikit-learn's (Debian's python3-sklearn) on generated predictions: continuous and heavily tied
/// scores, binary and up to 10 classes, classes never true or never predicted, and regression targets with zeros or no
/// variance. Every case goes to Python in one process; doubles cross as JSON exactly, so the bound is 1e-9.
/// </summary>
public sealed class ScikitLearnParityTests
{
    private const double Tolerance = 1e-9;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string Script => Path.Combine(RepositoryPaths.Root, "tests", "Workflows.Orchestrations.Tests", "Evaluation", "sklearn_reference.py");

    [Fact]
    public async Task Classification_and_regression_metrics_match_scikit_learn()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(2));
        ClassificationCase[] classification =
        [
            ClassificationCase.Generate("binary", seed: 1, rows: 500, classes: 2),
            ClassificationCase.Generate("binary, scores in tenths", seed: 2, rows: 400, classes: 2, quantize: true),
            ClassificationCase.Generate("3 classes, integer weights", seed: 3, rows: 300, classes: 3, quantize: true),
            ClassificationCase.Generate("10 classes", seed: 4, rows: 1000, classes: 10),
            ClassificationCase.Generate("5 classes, 4 never true, 3 never predicted", seed: 5, rows: 200, classes: 5, trueClasses: 4, unlikelyClass: 3),
            ClassificationCase.Generate("one class in the truth", seed: 6, rows: 50, classes: 3, trueClasses: 1),
        ];
        RegressionCase[] regression =
        [
            RegressionCase.Generate("normal", seed: 7, rows: 1000),
            new("zeros in the target", [0, 1, 2, 0, -3.5], [0.5, 1, 2.5, 0, -3]),
            new("constant target, perfect", [3, 3, 3, 3], [3, 3, 3, 3]),
            new("constant target", [3, 3, 3, 3], [3, 3, 2, 3]),
        ];
        var input = JsonSerializer.Serialize(new
        {
            classification = classification.Select(c => new { truth = c.Truth, probabilities = c.Rows() }),
            regression = regression.Select(c => new { truth = c.Truth, predictions = c.Predictions }),
        }, Json);

        var output = await PythonScript.RunAsync(["numpy", "sklearn"], [Script], input, timeout.Token);

        var reference = JsonSerializer.Deserialize<References>(output, Json)!;
        var problems = new List<string>();
        for (var i = 0; i < classification.Length; i++)
        {
            var ours = ClassificationMetrics.Compute(classification[i].Truth, classification[i].Probabilities, classification[i].Labels);
            Compare(classification[i].Name, ours, reference.Classification[i], problems);
        }

        for (var i = 0; i < regression.Length; i++)
        {
            CompareScalars(regression[i].Name, RegressionMetrics.Compute(regression[i].Truth, regression[i].Predictions), reference.Regression[i].Metrics, problems);
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static void Compare(string name, EvaluationReport ours, Reference expected, List<string> problems)
    {
        CompareScalars(name, ours, expected.Metrics, problems);
        for (var c = 0; c < ours.PerClass!.Count; c++)
        {
            var row = ours.PerClass[c];
            double[] values = [row.Precision, row.Recall, row.F1, row.Support];
            for (var column = 0; column < values.Length; column++)
            {
                Check($"{name}: per class {c} column {column}", values[column], expected.PerClass[c][column], problems);
            }
        }

        var (matrix, expectedMatrix) = (JsonSerializer.Serialize(ours.ConfusionMatrix), JsonSerializer.Serialize(expected.ConfusionMatrix));
        if (matrix != expectedMatrix)
        {
            problems.Add($"{name}: confusion matrix {matrix} != {expectedMatrix}");
        }

        // calibration_curve returns the non-empty bins only.
        var filled = ours.Calibration!.Bins.Where(bin => bin.Count > 0).ToList();
        if (filled.Count != expected.Calibration.Observed.Length)
        {
            problems.Add($"{name}: {filled.Count} non-empty calibration bins, scikit-learn {expected.Calibration.Observed.Length}");
            return;
        }

        for (var bin = 0; bin < filled.Count; bin++)
        {
            Check($"{name}: calibration bin {bin} mean confidence", filled[bin].MeanConfidence, expected.Calibration.MeanConfidence[bin], problems);
            Check($"{name}: calibration bin {bin} observed", filled[bin].ObservedFrequency, expected.Calibration.Observed[bin], problems);
        }
    }

    private static void CompareScalars(string name, EvaluationReport ours, Dictionary<string, double?> expected, List<string> problems)
    {
        foreach (var metric in KnownMetrics.For(ours.Task))
        {
            Check($"{name}: {metric}", ours.Metric(metric), expected[metric], problems);
        }
    }

    private static void Check(string what, double? ours, double? expected, List<string> problems)
    {
        var agree = (ours, expected) switch
        {
            (null, null) => true,
            ({ } a, { } b) => Math.Abs(a - b) <= Tolerance,
            _ => false,
        };
        if (!agree)
        {
            problems.Add($"{what}: ours {ours?.ToString("R") ?? "null"}, scikit-learn {expected?.ToString("R") ?? "null"}");
        }
    }

    private sealed record References(Reference[] Classification, Reference[] Regression);

    private sealed record Reference(Dictionary<string, double?> Metrics, double[][] PerClass, long[][] ConfusionMatrix, CalibrationReference Calibration);

    private sealed record CalibrationReference(double[] Observed, double[] MeanConfidence);

    private sealed record RegressionCase(string Name, double[] Truth, double[] Predictions)
    {
        /// <summary>Targets around 100 and predictions with a bias and noise, both normal.</summary>
        public static RegressionCase Generate(string name, int seed, int rows)
        {
            var random = new Random(seed);
            var truth = new double[rows];
            var predictions = new double[rows];
            for (var i = 0; i < rows; i++)
            {
                truth[i] = 100 + 20 * Normal(random);
                predictions[i] = truth[i] + 3 + 15 * Normal(random);
            }

            return new RegressionCase(name, truth, predictions);
        }

        private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
