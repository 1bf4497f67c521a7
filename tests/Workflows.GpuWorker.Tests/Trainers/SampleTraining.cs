using System.Collections.Concurrent;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;
using Workflows.Testing;

namespace Workflows.GpuWorker.Tests.Trainers;

/// <summary>
/// The shipped sample data, exported once per test run by the platform's own inspector and exporter with each shipped
/// pipeline's dataset, validation and split settings, so trainers see exactly what a pipeline run hands them; and one
/// training run per pipeline, with its own hyperparameters but fewer epochs, shared by every test that reads its outputs.
/// </summary>
public sealed class SampleTraining : IAsyncLifetime
{
    public const string BreastCancer = "breast-cancer";
    public const string Digits = "digits";
    public const string Diabetes = "diabetes";

    private readonly TempDirectory _temp = new();
    private readonly Dictionary<string, string> _exports = [];
    private readonly ConcurrentDictionary<string, Lazy<Task<TrainerRun>>> _runs = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The shipped pipelines, for their training settings.</summary>
    public PipelineCatalog Catalog { get; } = PipelineCatalog.Load(RepositoryPaths.Pipelines);

    /// <summary>The export directory of a shipped pipeline's sample data.</summary>
    public string Export(string pipeline) => _exports[pipeline];

    /// <summary>A fresh directory for one test's trainer output.</summary>
    public string NewOutDirectory(string name) => _temp.Combine("out", $"{name}-{Guid.NewGuid():N}");

    /// <summary>
    /// The job the shared run of <paramref name="pipeline"/> trains: the pipeline's hyperparameters (for breast-cancer,
    /// with one of its sweep's combinations) and primary metric, with the epochs cut so the whole suite stays fast.
    /// </summary>
    public TrainerJob SharedJob(string pipeline)
    {
        var definition = Catalog.Find(pipeline)!;
        var hyperparameters = pipeline switch
        {
            BreastCancer => TrainerJob.From(definition.Training.Hyperparameters, ("epochs", 20), ("hiddenLayers", new[] { 64, 32 }), ("learningRate", 0.003), ("dropout", 0.2)),
            Digits => TrainerJob.From(definition.Training.Hyperparameters, ("epochs", 12)),
            _ => TrainerJob.From(definition.Training.Hyperparameters, ("epochs", 60)),
        };
        return new TrainerJob(definition.Training.Trainer, hyperparameters, Task: definition.Dataset.Task.ToString().ToLowerInvariant(), PrimaryMetric: definition.Evaluation.PrimaryMetric);
    }

    /// <summary>The shared run of <paramref name="pipeline"/>'s <see cref="SharedJob"/>, trained on first use.</summary>
    public Task<TrainerRun> TrainedAsync(string pipeline, CancellationToken cancellationToken) =>
        _runs.GetOrAdd(pipeline, name => new Lazy<Task<TrainerRun>>(() => Task.Run(
            () => TrainerProcess.RunAsync(SharedJob(name), Export(name), NewOutDirectory(name), _stopping.Token)))).Value.WaitAsync(cancellationToken);

    public async ValueTask InitializeAsync()
    {
        foreach (var pipeline in Catalog.Pipelines)
        {
            _exports[pipeline.Name] = await ExportAsync(pipeline, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var run in _runs.Values.Where(run => run.IsValueCreated))
        {
            await ((Task)run.Value).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
        _temp.Dispose();
    }

    private async Task<string> ExportAsync(PipelineDefinition pipeline, CancellationToken cancellationToken)
    {
        var source = Path.Combine(RepositoryPaths.Pipelines, "data", pipeline.Name.Replace('-', '_') + ".csv");
        var canonical = _temp.Combine(pipeline.Name + ".canonical.csv");
        var inspection = await DatasetInspector.InspectAsync(source, pipeline.Dataset, pipeline.Validation, null, canonical, cancellationToken);
        if (!inspection.Passed)
        {
            throw new InvalidOperationException($"{source} does not pass the {pipeline.Name} pipeline's validation:\n{inspection.Report.ToText()}");
        }

        var directory = _temp.Combine(pipeline.Name);
        await DatasetExporter.ExportAsync(canonical, inspection.Schema!, pipeline.Dataset, pipeline.Split, directory, cancellationToken);
        return directory;
    }
}
