using System.Text;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Tests.Datasets;

/// <summary>A temporary directory for one test's files, and the definitions most tests start from.</summary>
public sealed class DatasetFixture : IDisposable
{
    public DatasetFixture() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "workflows-datasets-tests", Guid.NewGuid().ToString("N")[..12]);

    public static DatasetDefinition Classification(IReadOnlyList<FeatureDefinition>? features = null, params string[] ignore) =>
        new("iris", DatasetFormat.Csv, ModelTask.Classification, "label", features, ignore, null, false);

    public static DatasetDefinition Regression() => new("prices", DatasetFormat.Csv, ModelTask.Regression, "price", null, [], null, false);

    public static ValidationRules Lenient() => new([], 1, 1.0, new Dictionary<string, double>(), new Dictionary<string, ValueRange>(), 1.0, null, 0, 0.2);

    public string Write(string name, string text) => WriteBytes(name, Encoding.UTF8.GetBytes(text));

    public string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string Canonical(string name) => Path.Combine(Root, name + ".canonical.csv");

    public Task<DatasetInspection> InspectAsync(string name, string text, DatasetDefinition? dataset = null, ValidationRules? rules = null, DatasetProfile? previous = null) =>
        InspectPathAsync(Write(name, text), dataset, rules, previous);

    public Task<DatasetInspection> InspectPathAsync(string path, DatasetDefinition? dataset = null, ValidationRules? rules = null, DatasetProfile? previous = null) =>
        DatasetInspector.InspectAsync(path, dataset ?? Classification(), rules ?? Lenient(), previous, Canonical(Path.GetFileName(path)), TestContext.Current.CancellationToken);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
