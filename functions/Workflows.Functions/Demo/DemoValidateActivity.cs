using Workflows.Durable;

namespace Workflows.Functions.Demo;

/// <summary>Refuses an empty data set, with an error that names it.</summary>
public sealed class DemoValidateActivity : TaskActivity<DemoDataset, bool>
{
    public override Task<bool> RunAsync(TaskActivityContext context, DemoDataset input) =>
        input.Rows > 0
            ? Task.FromResult(true)
            : throw new InvalidDataException($"Data set '{input.Name}' ({input.Sha256[..12]}) has no rows.");
}
