namespace Workflows.Durable.TestWorker;

/// <summary>Orchestrations and activities that test worker processes and the tests themselves both register.</summary>
public static class SharedOrchestrations
{
    /// <summary>Steps in sequence, each logged; the step numbered <see cref="ChainInput.SlowStep"/> blocks on its first attempt.</summary>
    public const string Chain = "Chain";

    /// <summary>One logged step.</summary>
    public const string Step = "Step";

    /// <param name="registry">The registry to add to.</param>
    /// <param name="log">Where executions are recorded.</param>
    /// <param name="stallEpisodes">
    /// Test hook for crash tests: the orchestrator blocks inside its episode after step 2 (logged as "episode"),
    /// so the test can kill the process while it holds the instance's transaction. Real orchestrators never block.
    /// </param>
    public static DurableTaskRegistry AddShared(this DurableTaskRegistry registry, ActivityLog log, bool stallEpisodes = false) =>
        registry
            .AddOrchestratorFunc<ChainInput, int>(Chain, async (context, input) =>
            {
                var done = 0;
                for (var i = 1; i <= input.Steps; i++)
                {
                    if (stallEpisodes && i == 3)
                    {
                        log.RecordAsync(context.InstanceId, "episode", CancellationToken.None).GetAwaiter().GetResult();
                        Thread.Sleep(TimeSpan.FromMinutes(5));
                    }

                    done += await context.CallActivityAsync<int>(Step, new StepInput(context.InstanceId, $"step{i}", i == input.SlowStep));
                }

                return done;
            })
            .AddActivityFunc<StepInput, int>(Step, async (context, input) =>
            {
                await log.RecordAsync(input.InstanceId, input.Step, context.CancellationToken);
                if (input.Slow && context.Attempt == 1)
                {
                    // Long enough that the test kills this process while it runs; the retry after take-over is quick.
                    await Task.Delay(TimeSpan.FromMinutes(5), context.CancellationToken);
                }

                return 1;
            });
}

public sealed record ChainInput(int Steps, int SlowStep = 0);

public sealed record StepInput(string InstanceId, string Step, bool Slow);
