using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Workflows.Durable;

namespace Workflows.Functions.Demo;

/// <summary>Generates the demo's data set and addresses it by the SHA-256 of its content, as ingestion will.</summary>
public sealed class DemoIngestActivity : TaskActivity<DemoRequest, DemoDataset>
{
    public override Task<DemoDataset> RunAsync(TaskActivityContext context, DemoRequest input)
    {
        var csv = new StringBuilder("x,y\n");
        for (var i = 0; i < input.Rows; i++)
        {
            var x = i / (double)input.Rows;
            csv.Append(CultureInfo.InvariantCulture, $"{x:F6},{(3 * x) + 1:F6}\n");
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(csv.ToString())));
        return Task.FromResult(new DemoDataset(input.Dataset, hash, input.Rows));
    }
}
