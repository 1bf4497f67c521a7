using System.Collections.Concurrent;
using Workflows.Durable;

namespace Workflows.Functions.Demo;

/// <summary>
/// A stand-in for a training trial (real training on GPU workers arrives with the training plane): scores a learning
/// rate, and fails the first attempt of trial 2 with a transient error so the demo shows durable retries.
/// </summary>
public sealed class DemoTrainTrialActivity : TaskActivity<DemoTrial, DemoTrial>
{
    private static readonly ConcurrentDictionary<string, bool> FailedOnce = new();

    public override async Task<DemoTrial> RunAsync(TaskActivityContext context, DemoTrial input)
    {
        if (input.Number == 2 && FailedOnce.TryAdd(context.InstanceId, true))
        {
            throw new TimeoutException("GPU worker did not answer (injected transient failure; the retry policy runs it again)");
        }

        await Task.Delay(TimeSpan.FromMilliseconds(150), context.CancellationToken);
        var score = 1 - Math.Abs(Math.Log10(input.LearningRate) + 2.5) / 3;
        return input with { Score = Math.Round(score, 4) };
    }
}
