using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Durable;
using Workflows.Functions.Hosting;

namespace Workflows.Functions.Demo;

/// <summary>
/// <c>wf demo</c>: starts PostgreSQL (embedded unless configured) and the durable worker, runs the demo pipeline,
/// approves it like an operator would, and prints each step from the durable history.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var trials = new Option<int>("--trials") { Description = "Training trials to fan out", DefaultValueFactory = _ => 4 };
        var rows = new Option<int>("--rows") { Description = "Rows in the generated data set", DefaultValueFactory = _ => 10_000 };
        var command = new Command("demo", "Run a durable demo pipeline on embedded PostgreSQL and print its history") { trials, rows };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(trials), result.GetValue(rows), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int trials, int rows, CancellationToken cancellationToken)
    {
        if (trials is < 1 or > 100 || rows < 0)
        {
            await Console.Error.WriteLineAsync("--trials must be between 1 and 100 and --rows must not be negative.");
            return 2;
        }

        var builder = WorkflowsHost.CreateBuilder([]);
        using var startupLogs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        await using var postgres = await WorkflowsHost.StartPostgresAsync(builder.Configuration, startupLogs.CreateLogger("Workflows.Demo"), cancellationToken);
        builder.AddDurableRuntime(postgres.ConnectionString, registry => registry
            .AddOrchestrator<DemoPipelineOrchestrator>()
            .AddActivity<DemoIngestActivity>()
            .AddActivity<DemoValidateActivity>()
            .AddActivity<DemoTrainTrialActivity>()
            .AddActivity<DemoDeployActivity>());
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        try
        {
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            var request = new DemoRequest("demo-regression", rows, trials, TimeSpan.FromMinutes(1));
            var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(DemoPipelineOrchestrator), request, cancellationToken: cancellationToken);
            Console.WriteLine($"Started pipeline instance {id} on {(postgres.IsEmbedded ? "embedded" : "external")} PostgreSQL, task hub '{client.HubName}'.");

            await ApproveWhenAskedAsync(client, id, cancellationToken);
            var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cancellationToken);
            var history = await client.GetInstanceHistoryAsync(id, cancellationToken);

            Console.WriteLine();
            Console.WriteLine($"Instance {id}: {done.RuntimeStatus} in {(done.CompletedAt - done.CreatedAt)?.TotalSeconds:F2} s, {history.Count} history events");
            HistoryReport.Write(history, Console.Out);
            if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed || done.ReadOutputAs<DemoOutcome>() is not { DeployedVersion: { } version } outcome)
            {
                Console.WriteLine($"The pipeline did not deploy: {done.FailureDetails?.ToString() ?? done.SerializedOutput}");
                return 1;
            }

            Console.WriteLine();
            Console.WriteLine($"Data set {outcome.Dataset.Name}: {outcome.Dataset.Rows} rows, sha256 {outcome.Dataset.Sha256[..16]}…");
            Console.WriteLine($"Best trial #{outcome.Best.Number} (learning rate {outcome.Best.LearningRate}, score {outcome.Best.Score}); approved by {outcome.Approval.By}; deployed {version}");
            return 0;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Plays the operator: watches the custom status and approves when the pipeline asks.</summary>
    private static async Task ApproveWhenAskedAsync(DurableTaskClient client, string id, CancellationToken cancellationToken)
    {
        string? lastStage = null;
        while (await client.GetInstanceAsync(id, cancellationToken: cancellationToken) is { IsRunning: true } instance)
        {
            var stage = instance.ReadCustomStatusAs<System.Text.Json.JsonElement?>()?.GetProperty("stage").GetString();
            if (stage != lastStage && stage is not null)
            {
                Console.WriteLine($"  stage: {stage}");
                lastStage = stage;
            }

            if (stage == "awaiting approval")
            {
                await client.RaiseEventAsync(id, "Approval", new DemoApproval("demo operator", Approved: true), cancellationToken);
                Console.WriteLine("  approval sent");
                return;
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
