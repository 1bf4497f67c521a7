using System.Globalization;
using System.Text;

namespace Workflows.Bench.Ingest;

/// <summary>
/// A seeded CSV of about the requested size: an id, six numeric columns (integers, 2–6 decimals, negatives, a few
/// empty), two categorical columns (12 and 500 values), a boolean, and a 5-class label that depends on the features.
/// </summary>
internal static class SyntheticCsv
{
    private static readonly string[] Colors = ["red", "green", "blue", "cyan", "magenta", "yellow", "black", "white", "orange", "purple", "brown", "grey"];

    public static async Task WriteAsync(string path, long approximateBytes, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        await using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        await file.WriteAsync("id,age,income,score,temperature,ratio,visits,color,city,member,label\n".AsMemory(), cancellationToken);
        var row = new StringBuilder(256);
        long written = 0;
        for (long id = 1; written < approximateBytes; id++)
        {
            row.Clear();
            var age = random.Next(18, 90);
            var income = Math.Round(random.NextDouble() * 150_000, 2);
            var score = Math.Round((random.NextDouble() * 2) - 1, 6);
            var color = random.Next(Colors.Length);
            row.Append(CultureInfo.InvariantCulture, $"{id},{age},{income},{score},{Math.Round(15 + (random.NextDouble() * 20), 3)},");
            row.Append(random.Next(50) == 0 ? "" : Math.Round(random.NextDouble(), 4).ToString(CultureInfo.InvariantCulture));
            row.Append(CultureInfo.InvariantCulture, $",{random.Next(1000)},{Colors[color]},city{random.Next(500)},{(random.Next(2) == 0 ? "true" : "false")},");
            row.Append("class").Append(((age / 20) + color + (score > 0 ? 1 : 0)) % 5).Append('\n');
            written += row.Length;
            await file.WriteAsync(row, cancellationToken);
        }
    }
}
