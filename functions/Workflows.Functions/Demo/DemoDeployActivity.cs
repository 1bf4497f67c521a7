using Workflows.Durable;

namespace Workflows.Functions.Demo;

/// <summary>Names the deployed version after the winning trial.</summary>
public sealed class DemoDeployActivity : TaskActivity<DemoTrial, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, DemoTrial input) =>
        Task.FromResult($"demo-model:v{input.Number}-{context.InstanceId[..8]}");
}
