namespace Workflows.Durable.TestWorker;

/// <summary>Orchestrations and activities that test worker processes and the tests themselves both register.</summary>
public static class SharedOrchestrations
{
    /// <summary>Five steps in sequence, each logged; the step named in <see cref="ChainInput.SlowStep"/> blocks for a long time.</summary>
    public const string Chain = "Chain";

    /// <summary>One logged step.</summary>
    public const string Step = "Step";

    public static DurableTaskRegistry AddShared(this DurableTaskRegistry registry, ActivityLog log) =>
        registry
            .AddOrchestratorFunc<ChainInput, int>(Chain, async (context, input) =>
            {
                var done = 0;
                for (var i = 1; i <= input.Steps; i++)
                {
                    done += await context.CallActivityAsync<int>(Step, new StepInput(context.InstanceId, $"step{i}", i == input.SlowStep));
                }

                return done;
            })
            .AddActivityFunc<StepInput, int>(Step, async (context, input) =>
            {
                await log.RecordAsync(input.InstanceId, input.Step, context.CancellationToken);
                if (input.Slow)
                {
                    // Long enough that the test kills this process while it runs.
                    await Task.Delay(TimeSpan.FromMinutes(5), context.CancellationToken);
                }

                return 1;
            });
}

public sealed record ChainInput(int Steps, int SlowStep = 0);

public sealed record StepInput(string InstanceId, string Step, bool Slow);
