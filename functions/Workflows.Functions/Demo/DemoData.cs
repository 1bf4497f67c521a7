using System.Globalization;

namespace Workflows.Functions.Demo;

/// <summary>
/// The files and traffic of the main job, made from the shipped breast-cancer data: the pipeline definition with a
/// demo's timings, the data as a second scanner would measure it (sizes read 40% larger), a damaged copy, and rows of
/// live traffic by feature name.
/// </summary>
public sealed class DemoData
{
    public const string Pipeline = "breast-cancer";
    public const string Dataset = "breast-cancer";
    private const string Target = "diagnosis";

    /// <summary>Size measurements a recalibrated scanner reads larger: lengths by 1.4, areas by 1.96.</summary>
    private static readonly (string Kind, double Factor)[] Rescaled = [("radius", 1.4), ("perimeter", 1.4), ("area", 1.96)];

    private readonly string[] _header;
    private readonly string[][] _rows;

    private DemoData(string source)
    {
        var lines = File.ReadAllLines(source);
        Source = source;
        _header = lines[0].Split(',');
        _rows = [.. lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))];
    }

    /// <summary>The shipped data file.</summary>
    public string Source { get; }

    public static DemoData Load(string pipelinesDirectory) => new(Path.Combine(pipelinesDirectory, "data", "breast_cancer.csv"));

    /// <summary>
    /// Writes the demo's copy of the pipeline definitions: the shipped breast-cancer pipeline with its drift check every
    /// 5 seconds (instead of 15 minutes) on windows of 200 rows, a 5-second canary, and runs started by the demo rather
    /// than by each new data version (so the second version's run is the one drift starts).
    /// </summary>
    public static string WritePipelines(string shippedDirectory, string directory)
    {
        Directory.CreateDirectory(directory);
        var definition = File.ReadAllText(Path.Combine(shippedDirectory, $"{Pipeline}.yaml"));
        foreach (var (from, to) in new[]
        {
            ("runOnNewVersion: true", "runOnNewVersion: false"),
            ("canaryDuration: 10m", "canaryDuration: 5s"),
            ("schedule: \"0 */15 * * * *\"", "schedule: \"*/5 * * * * *\""),
            ("minWindowRows: 100", "minWindowRows: 200"),
            ("cooldown: 6h", "cooldown: 10m"),
        })
        {
            if (!definition.Contains(from, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The shipped {Pipeline}.yaml no longer has '{from}', which the demo changes to '{to}'.");
            }

            definition = definition.Replace(from, to, StringComparison.Ordinal);
        }

        File.WriteAllText(Path.Combine(directory, $"{Pipeline}.yaml"), definition);
        return directory;
    }

    /// <summary>The data as the second scanner measures it: the same patients and diagnoses, sizes read larger.</summary>
    public void WriteRescaled(string path) =>
        File.WriteAllLines(path, [string.Join(',', _header), .. _rows.Select(row => string.Join(',', Rescale(row)))]);

    /// <summary>The data with a text value in a numeric column (data row 3) and a short row (data row 5).</summary>
    public void WriteDamaged(string path)
    {
        var rows = _rows.Select(r => (string[])r.Clone()).ToArray();
        rows[2][0] = "not-a-number";
        rows[4] = rows[4][..^1];
        File.WriteAllLines(path, [string.Join(',', _header), .. rows.Select(r => string.Join(',', r))]);
    }

    /// <summary><paramref name="count"/> rows of live traffic (features by name, no diagnosis), as measured now or by the second scanner.</summary>
    public IReadOnlyList<Dictionary<string, double>> Traffic(int count, int seed, bool rescaled)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var row = _rows[random.Next(_rows.Length)];
            var values = rescaled ? Rescale(row) : row;
            return _header.Select((name, i) => (name, i)).Where(c => c.name != Target)
                .ToDictionary(c => c.name, c => double.Parse(values[c.i], CultureInfo.InvariantCulture));
        })];
    }

    private string[] Rescale(string[] row) => [.. row.Select((value, i) =>
        Rescaled.FirstOrDefault(r => _header[i].Contains(r.Kind, StringComparison.Ordinal)) is { Kind: not null } rule
            ? (double.Parse(value, CultureInfo.InvariantCulture) * rule.Factor).ToString("G6", CultureInfo.InvariantCulture)
            : value)];
}
