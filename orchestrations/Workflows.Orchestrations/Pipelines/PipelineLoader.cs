using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Workflows.Orchestrations.Pipelines;

/// <summary>
/// Loads one pipeline from one YAML file. Every problem in the file is reported, each with its line and column
/// and what was expected, in one <see cref="PipelineDefinitionException"/>.
/// </summary>
/// <remarks>
/// <para>
/// Keys are camelCase and mirror <see cref="PipelineDefinition"/>: top level <c>name</c> (required),
/// <c>description</c>, <c>dataset</c> (required), <c>validation</c>, <c>split</c>, <c>training</c>,
/// <c>evaluation</c>, <c>deploy</c>, <c>monitoring</c> and <c>schedule</c>. Unknown keys are errors, so a typo never
/// silently falls back to a default. Durations are <c>00:30:00</c> or a number and a unit: <c>500ms</c>,
/// <c>30s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>. Schedules are NCRONTAB (6 fields, seconds first).
/// </para>
/// <para>
/// Omitted values take these defaults (see <see cref="PipelineDefaults"/>): <c>dataset.name</c> = the pipeline name,
/// <c>dataset.format</c> csv, <c>dataset.features</c> inferred, <c>dataset.runOnNewVersion</c> false,
/// <c>dataset.image.channels</c> 1; validation <c>minRows</c> 10, <c>maxNullFraction</c> 0, <c>maxDuplicateRowFraction</c>
/// 0.05, <c>minRowsPerClass</c> 5, <c>driftWarningPsi</c> 0.1, no required columns, ranges or label classes;
/// split 0.15 validation, 0.15 test, seed 42, stratified for classification; training trainer <c>mlp</c>
/// (<c>cnn</c> for imageCsv), device <c>auto</c>, no sweep, <c>maxParallelTrials</c> 4, <c>timeout</c> 2h,
/// <c>maxAttempts</c> 3; evaluation primary metric <c>f1_macro</c> (classification) or <c>rmse</c> (regression),
/// no thresholds, must beat production by at least 0; deploy approval auto, <c>approvalTimeout</c> 1d (manual only),
/// canary 0%; monitoring (only when the section is present) hourly (<c>0 0 * * * *</c>), methods psi and ks, PSI 0.2,
/// KS p 0.05, Wasserstein 0.1, chi-square p 0.05, drifted feature share 0.3, 100 rows per window, retrain on drift,
/// cooldown 1h, one concurrent retrain, no webhook; no retraining schedule.
/// </para>
/// </remarks>
public static class PipelineLoader
{
    private static readonly IReadOnlyList<string> Keys =
        ["name", "description", "dataset", "validation", "split", "training", "evaluation", "deploy", "monitoring", "schedule"];

    /// <summary>Loads the pipeline in <paramref name="path"/>; errors name the file as given.</summary>
    /// <exception cref="PipelineDefinitionException">The file is invalid.</exception>
    public static PipelineDefinition LoadFile(string path) => Load(File.ReadAllText(path), path);

    /// <summary>Loads a pipeline from YAML text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="sourceFile">The file the text came from, for error messages and <see cref="PipelineDefinition.SourceFile"/>.</param>
    /// <exception cref="PipelineDefinitionException">The text is invalid.</exception>
    public static PipelineDefinition Load(string yaml, string sourceFile)
    {
        var loaded = Read(yaml, sourceFile, out var errors);
        return errors.Count == 0 && loaded is not null ? loaded.Definition : throw new PipelineDefinitionException(errors);
    }

    /// <summary>Reads a pipeline, collecting every error; the result is null when there are errors.</summary>
    internal static LoadedPipeline? Read(string yaml, string sourceFile, out IReadOnlyList<PipelineDefinitionError> errors)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceFile);
        var reader = new YamlReader(sourceFile);
        var loaded = Parse(yaml, reader) is { } root ? ReadPipeline(root, reader) : null;
        errors = reader.Errors.OrderBy(error => error.Line).ThenBy(error => error.Column).ToList();
        return errors.Count == 0 ? loaded : null;
    }

    private static YamlSection? Parse(string yaml, YamlReader reader)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException syntax)
        {
            reader.Error(syntax.Start, $"invalid YAML: {(syntax.InnerException ?? syntax).Message}");
            return null;
        }

        if (stream.Documents.Count == 0)
        {
            reader.Error(new Mark(0, 1, 1), "the file is empty (expected a pipeline with at least 'name' and 'dataset')");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            reader.Error(stream.Documents[1].RootNode, "a second YAML document (expected one pipeline per file)");
        }

        return reader.Section(stream.Documents[0].RootNode, "", Keys);
    }

    private static LoadedPipeline ReadPipeline(YamlSection root, YamlReader reader)
    {
        var name = PipelineRules.RequiredName(root, "name");
        var dataset = ReadDataset(root, name, out var task);
        var monitoring = root.Section("monitoring", MonitoringReader.Keys) is { } monitoringSection ? MonitoringReader.Read(monitoringSection) : null;
        var definition = new PipelineDefinition(
            name,
            root.Text("description"),
            dataset,
            ValidationReader.Read(root.SectionOrDefaults("validation", ValidationReader.Keys), task),
            SplitReader.Read(root.SectionOrDefaults("split", SplitReader.Keys), task),
            TrainingReader.Read(root.SectionOrDefaults("training", TrainingReader.Keys), dataset.Format),
            EvaluationReader.Read(root.SectionOrDefaults("evaluation", EvaluationReader.Keys), task),
            DeployReader.Read(root.SectionOrDefaults("deploy", DeployReader.Keys)),
            monitoring,
            PipelineRules.Cron(root, "schedule"),
            reader.File);
        var nameAt = root.Find("name")?.Start ?? root.Start;
        return new LoadedPipeline(definition, (int)nameAt.Line, (int)nameAt.Column);
    }

    private static DatasetDefinition ReadDataset(YamlSection root, string pipelineName, out ModelTask? task)
    {
        task = null;
        if (root.Find("dataset") is null)
        {
            root.ReportMissing("dataset");
        }

        // An invalid or missing dataset still yields a placeholder, so the other sections are checked too.
        return root.Section("dataset", DatasetReader.Keys) is { } section
            ? DatasetReader.Read(section, pipelineName, out task)
            : new DatasetDefinition(pipelineName, DatasetFormat.Csv, ModelTask.Classification, "", null, [], null, false);
    }
}
