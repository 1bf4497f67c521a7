using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Tests.Pipelines;

/// <summary>A folder of pipeline files loads as a whole or not at all.</summary>
public sealed class PipelineCatalogTests
{
    private static string Pipeline(string name, string task = "classification") =>
        $"name: {name}\ndataset: {{ task: {task}, target: y }}\n";

    [Fact]
    public void Yaml_and_yml_files_directly_in_the_folder_load_and_sub_folders_are_skipped()
    {
        using var folder = new PipelineFolder();
        folder.Write("b.yaml", Pipeline("beta"));
        folder.Write("a.yml", Pipeline("alpha", "regression"));
        folder.Write("notes.txt", "not a pipeline");
        folder.Write("data/c.yaml", "this: is not: valid: yaml");

        var catalog = PipelineCatalog.Load(folder.Path);

        Assert.Equal(["alpha", "beta"], catalog.Pipelines.Select(pipeline => pipeline.Name));
        Assert.Equal(ModelTask.Regression, catalog.Find("ALPHA")!.Dataset.Task);
        Assert.Equal(Path.Combine(folder.Path, "b.yaml"), catalog.Find("beta")!.SourceFile);
        Assert.Null(catalog.Find("gamma"));
    }

    [Fact]
    public void Two_files_with_one_name_are_refused_naming_both()
    {
        using var folder = new PipelineFolder();
        var first = folder.Write("first.yaml", Pipeline("churn"));
        var second = folder.Write("second.yaml", "# the same pipeline again\n" + Pipeline("churn"));

        var exception = Assert.Throws<PipelineDefinitionException>(() => PipelineCatalog.Load(folder.Path));

        var error = Assert.Single(exception.Errors);
        Assert.Equal((second, 2, 7), (error.File, error.Line, error.Column));
        Assert.Equal($"pipeline name 'churn' is already used by {first}:1:7", error.Message);
    }

    [Fact]
    public void Errors_from_every_file_are_reported_together()
    {
        using var folder = new PipelineFolder();
        var bad = folder.Write("bad.yaml", Pipeline("bad") + "training: { device: tpu }\nsplit: { test: 2 }\n");
        folder.Write("good.yaml", Pipeline("good"));
        var worse = folder.Write("worse.yml", "name: worse\n");

        var exception = Assert.Throws<PipelineDefinitionException>(() => PipelineCatalog.Load(folder.Path));

        Assert.Equal(
            [(bad, 3), (bad, 4), (worse, 1)],
            exception.Errors.Select(error => (error.File, error.Line)));
        Assert.Contains($"{worse}:1:1: missing required key 'dataset' at the top level", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_folder_is_an_empty_catalog_and_a_missing_one_is_an_error()
    {
        using var folder = new PipelineFolder();

        Assert.Empty(PipelineCatalog.Load(folder.Path).Pipelines);
        Assert.Throws<DirectoryNotFoundException>(() => PipelineCatalog.Load(Path.Combine(folder.Path, "missing")));
    }
}
