using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Tests.Pipelines;

/// <summary>Each kind of mistake in a pipeline file is reported at its line and column, saying what was expected.</summary>
public sealed class PipelineLoaderErrorTests
{
    [Fact]
    public void An_unknown_key_is_reported_with_the_keys_that_are_allowed()
    {
        const string yaml = """
            name: p
            dataset: { task: classification, target: y }
            training:
              trainer: mlp
              learningrate: 0.1
            """;

        var error = SingleError(yaml);

        Assert.Equal(
            "pipelines/x.yaml:5:3: unknown key 'learningrate' under 'training' (expected one of: trainer, device, hyperparameters, sweep, maxParallelTrials, timeout, maxAttempts)",
            error.ToString());
    }

    [Fact]
    public void An_unknown_top_level_key_is_reported()
    {
        var error = SingleError("name: p\ndataset: { task: classification, target: y }\nschedul: \"0 0 * * * *\"\n");

        Assert.Equal((3, 1), (error.Line, error.Column));
        Assert.StartsWith("unknown key 'schedul' at the top level (expected one of: name, description, dataset,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_key_is_reported_at_the_mapping_that_lacks_it()
    {
        const string yaml = """
            name: p
            dataset:
              task: classification
            """;

        var error = SingleError(yaml);

        Assert.Equal((3, 3, "missing required key 'target' under 'dataset'"), (error.Line, error.Column, error.Message));
    }

    [Fact]
    public void A_file_without_name_and_dataset_reports_both()
    {
        var errors = Errors("description: nothing else\n");

        Assert.Equal(["missing required key 'name' at the top level", "missing required key 'dataset' at the top level"], errors.Select(error => error.Message));
        Assert.All(errors, error => Assert.Equal((1, 1), (error.Line, error.Column)));
    }

    [Theory]
    [InlineData("training: [mlp]", 4, 11, "expected a mapping for 'training', found a list")]
    [InlineData("validation: { minRows: ten }", 4, 24, "expected a whole number for 'validation.minRows', found 'ten'")]
    [InlineData("validation: { minRows: 0 }", 4, 24, "'validation.minRows' must be at least 1, found 0")]
    [InlineData("validation: { maxNullFraction: 1.5 }", 4, 32, "'validation.maxNullFraction' must be in [0, 1], found 1.5")]
    [InlineData("validation: { nullFractions: { age: -0.1 } }", 4, 37, "'validation.nullFractions.age' must be in [0, 1], found -0.1")]
    [InlineData("validation: { ranges: { age: { max: 1, min: 2 } } }", 4, 45, "'validation.ranges.age' has min 2 above max 1")]
    [InlineData("validation: { ranges: { age: {} } }", 4, 30, "'validation.ranges.age' needs 'min', 'max' or both")]
    [InlineData("validation: { labelClasses: [a, a] }", 4, 29, "'validation.labelClasses' lists 'a' more than once")]
    [InlineData("split: { seed: -1 }", 4, 16, "'split.seed' must be at least 0, found -1")]
    [InlineData("split: { test: 0 }", 4, 16, "'split.test' must be in (0, 1], found 0")]
    [InlineData("training: { timeout: soon }", 4, 22, "expected a duration such as 30s, 10m, 2h, 1d or 00:30:00 for 'training.timeout', found 'soon'")]
    [InlineData("training: { timeout: 0s }", 4, 22, "expected a duration greater than zero for 'training.timeout', found '0s'")]
    [InlineData("training: { trainer: xgboost }", 4, 22, "'xgboost' is not a valid 'training.trainer' (expected one of: mlp, cnn)")]
    [InlineData("training: { device: tpu }", 4, 21, "'tpu' is not a valid 'training.device' (expected one of: auto, cpu, cuda)")]
    [InlineData("training: { trainer: cnn }", 4, 22, "trainer 'cnn' needs dataset.format imageCsv (use 'mlp' for tabular data)")]
    [InlineData("training: { sweep: { lr: [] } }", 4, 26, "'training.sweep.lr' lists no values (a sweep key needs at least one)")]
    [InlineData("training: { sweep: { lr: 0.1 } }", 4, 26, "expected a list of values to try for 'training.sweep.lr', found '0.1'")]
    [InlineData("training: { sweep: {} }", 4, 20, "'training.sweep' has no keys (omit it for a single training run)")]
    [InlineData("evaluation: { primaryMetric: acuracy }", 4, 30, "unknown classification metric 'acuracy' (expected one of: accuracy, balanced_accuracy, f1_macro, f1_weighted, precision_macro, recall_macro, roc_auc, log_loss)")]
    [InlineData("evaluation: { thresholds: [{ metric: accuracy }] }", 4, 28, "'evaluation.thresholds[0]' needs 'min', 'max' or both")]
    [InlineData("evaluation: { thresholds: { accuracy: { min: 0.9, mean: 1 } } }", 4, 51, "unknown key 'mean' under 'evaluation.thresholds.accuracy' (expected one of: min, max)")]
    [InlineData("evaluation: { thresholds: [{ metric: accuracy, min: 0.8 }, { metric: accuracy, max: 1 }] }", 4, 70, "metric 'accuracy' has more than one threshold under 'evaluation.thresholds'")]
    [InlineData("deploy: { approval: maybe }", 4, 21, "'maybe' is not a valid 'deploy.approval' (expected one of: auto, manual)")]
    [InlineData("deploy: { approvalTimeout: 1h }", 4, 28, "'deploy.approvalTimeout' applies to approval: manual only")]
    [InlineData("deploy: { canaryPercent: 150 }", 4, 26, "'deploy.canaryPercent' must be in [0, 100], found 150")]
    [InlineData("deploy: { canaryPercent: 10, shadow: true }", 4, 38, "'deploy.shadow' and 'deploy.canaryPercent' exclude each other: a shadow model answers no traffic")]
    [InlineData("deploy: { canaryDuration: 5m }", 4, 27, "'deploy.canaryDuration' applies to a canary (canaryPercent above 0) or shadow deploy only")]
    [InlineData("monitoring: { methods: [psi, entropy] }", 4, 30, "'entropy' is not a valid 'monitoring.methods[1]' (expected one of: psi, ks, wasserstein, chiSquare)")]
    [InlineData("monitoring: { methods: [] }", 4, 24, "'monitoring.methods' lists no methods (expected some of: psi, ks, wasserstein, chiSquare)")]
    [InlineData("monitoring: { ksPValue: 0 }", 4, 25, "'monitoring.ksPValue' must be in (0, 1], found 0")]
    [InlineData("monitoring: { retrainOnDrift: sometimes }", 4, 31, "expected true or false for 'monitoring.retrainOnDrift', found 'sometimes'")]
    [InlineData("monitoring: { webhookUrl: /hooks/drift }", 4, 27, "'monitoring.webhookUrl' must be an absolute http or https URL, found '/hooks/drift'")]
    [InlineData("monitoring: { schedule: \"0 0 * * *\" }", 4, 25, "'monitoring.schedule' is not a valid NCRONTAB expression ({second} {minute} {hour} {day} {month} {day-of-week}): expected 6 fields ({second} {minute} {hour} {day} {month} {day-of-week}), found 5")]
    [InlineData("schedule: \"0 0 25 * * *\"", 4, 11, "'schedule' is not a valid NCRONTAB expression ({second} {minute} {hour} {day} {month} {day-of-week}): field 3 (hour): 25 is outside 0-23")]
    [InlineData("description: [a, b]", 4, 14, "expected a single value for 'description', found a list")]
    public void A_bad_value_is_reported_where_it_is_written(string line, int lineNumber, int column, string message)
    {
        var yaml = $"name: p\ndataset:\n  {{ task: classification, target: y }}\n{line}\n";

        var error = SingleError(yaml);

        Assert.Equal((lineNumber, column, message), (error.Line, error.Column, error.Message));
    }

    [Theory]
    [InlineData("name: Churn_Model", 1, 7, "'name' is 'Churn_Model' but must match ^[a-z0-9][a-z0-9-]*$ (lower-case letters, digits and '-', at most 100 characters)")]
    [InlineData("name: -churn", 1, 7, "'name' is '-churn' but must match ^[a-z0-9][a-z0-9-]*$ (lower-case letters, digits and '-', at most 100 characters)")]
    [InlineData("name: \"\"", 1, 7, "'name' is empty (expected a value)")]
    public void A_pipeline_name_must_be_lower_case_letters_digits_and_dashes(string nameLine, int line, int column, string message)
    {
        var error = SingleError(nameLine + "\ndataset: { task: classification, target: y }\n");

        Assert.Equal((line, column, message), (error.Line, error.Column, error.Message));
    }

    [Theory]
    [InlineData("{ task: classification, target: y, name: My Data }", 2, 51, "'dataset.name' is 'My Data' but must match")]
    [InlineData("{ task: clustering, target: y }", 2, 18, "'clustering' is not a valid 'dataset.task' (expected one of: classification, regression)")]
    [InlineData("{ task: classification, target: y, format: parquet }", 2, 53, "'parquet' is not a valid 'dataset.format' (expected one of: csv, imageCsv)")]
    [InlineData("{ task: classification, target: y, features: [a] }", 2, 56, "expected a mapping for 'dataset.features[0]', found 'a'")]
    [InlineData("{ task: classification, target: y, features: a }", 2, 55, "expected a list of {name, type} or a mapping of name: type for 'dataset.features', found 'a'")]
    [InlineData("{ task: classification, target: y, features: [] }", 2, 55, "'dataset.features' lists no columns (omit it to use every column that is not the target or ignored)")]
    [InlineData("{ task: classification, target: y, features: { a: text } }", 2, 60, "'text' is not a valid 'dataset.features.a' (expected one of: numeric, integer, boolean, categorical)")]
    [InlineData("{ task: classification, target: y, features: [{ name: a }] }", 2, 56, "missing required key 'type' under 'dataset.features[0]'")]
    [InlineData("{ task: classification, target: y, features: { a: numeric, y: numeric } }", 2, 69, "feature 'y' is the target; the target cannot also be a feature")]
    [InlineData("{ task: classification, target: y, features: [{ name: a, type: numeric }, { name: a, type: integer }] }", 2, 92, "feature 'a' is declared twice (first at line 2, column 64)")]
    [InlineData("{ task: classification, target: y, ignore: [id, y] }", 2, 58, "ignored column 'y' is the target; the target cannot be ignored")]
    [InlineData("{ task: classification, target: y, features: { id: integer }, ignore: [id] }", 2, 81, "ignored column 'id' is also declared as a feature")]
    [InlineData("{ task: classification, target: y, format: imageCsv }", 2, 53, "format imageCsv requires 'dataset.image' with height, width and channels")]
    [InlineData("{ task: classification, target: y, image: { height: 8, width: 8 } }", 2, 52, "'dataset.image' applies to format imageCsv only")]
    [InlineData("{ task: classification, target: y, format: imageCsv, image: { height: 8 } }", 2, 70, "missing required key 'width' under 'dataset.image'")]
    [InlineData("{ task: classification, target: y, format: imageCsv, image: { height: 8, width: 0 } }", 2, 90, "'dataset.image.width' must be at least 1, found 0")]
    [InlineData("{ task: classification, target: y, runOnNewVersion: yes please }", 2, 62, "expected true or false for 'dataset.runOnNewVersion', found 'yes please'")]
    public void Dataset_mistakes_are_reported_where_they_are_written(string dataset, int line, int column, string message)
    {
        var error = SingleError($"name: p\ndataset: {dataset}\n");

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_data_must_be_classified()
    {
        var error = SingleError("name: p\ndataset: { task: regression, target: y, format: imageCsv, image: { height: 8, width: 8 } }\n");

        Assert.Equal((2, 18, "format imageCsv supports task classification only"), (error.Line, error.Column, error.Message));
    }

    [Fact]
    public void Validation_and_test_shares_must_leave_rows_to_train_on()
    {
        const string yaml = """
            name: p
            dataset: { task: classification, target: y }
            split:
              validation: 0.5
              test: 0.5
            """;

        var error = SingleError(yaml);

        Assert.Equal((5, 9, "split.validation + split.test is 1 but must be below 1 (the rest trains)"), (error.Line, error.Column, error.Message));
    }

    [Theory]
    [InlineData("split: { stratify: true }", 4, 20, "'split.stratify' applies to classification only (dataset.task is regression)")]
    [InlineData("validation: { labelClasses: [a, b] }", 4, 29, "'validation.labelClasses' applies to classification only (dataset.task is regression)")]
    [InlineData("validation: { minRowsPerClass: 3 }", 4, 32, "'validation.minRowsPerClass' applies to classification only (dataset.task is regression)")]
    [InlineData("evaluation: { primaryMetric: accuracy }", 4, 30, "unknown regression metric 'accuracy' (expected one of: rmse, mae, mse, r2, mape)")]
    public void Classification_settings_are_refused_for_regression(string line, int lineNumber, int column, string message)
    {
        var error = SingleError($"name: p\ndataset: {{ task: regression, target: y }}\n\n{line}\n");

        Assert.Equal((lineNumber, column, message), (error.Line, error.Column, error.Message));
    }

    [Fact]
    public void Every_error_in_a_file_is_collected_in_position_order()
    {
        const string yaml = """
            name: Bad Name
            dataset:
              task: classification
              target: y
              colour: blue
            split: { validation: 2 }
            training:
              timeout: forever
              maxAttempts: 0
            schedule: "0 0 0 30 FEB MON-"
            """;

        var exception = Assert.Throws<PipelineDefinitionException>(() => PipelineLoader.Load(yaml, "pipelines/x.yaml"));

        Assert.Equal([(1, 7), (5, 3), (6, 22), (8, 12), (9, 16), (10, 11)], exception.Errors.Select(error => (error.Line, error.Column)));
        var lines = exception.Message.Split(Environment.NewLine);
        Assert.Equal("Invalid pipeline definitions (6 errors):", lines[0]);
        Assert.Equal(exception.Errors.Select(error => "  " + error), lines.Skip(1));
        Assert.Equal("  pipelines/x.yaml:10:11: 'schedule' is not a valid NCRONTAB expression ({second} {minute} {hour} {day} {month} {day-of-week}): field 6 (day-of-week): '' is neither a number in 0-7 nor a name SUN-SAT", lines[^1]);
    }

    [Fact]
    public void An_unknown_task_does_not_cause_follow_on_metric_errors()
    {
        var errors = Errors("name: p\ndataset: { task: regresion, target: y }\nevaluation: { primaryMetric: rmse }\n");

        Assert.Equal(["'regresion' is not a valid 'dataset.task' (expected one of: classification, regression)"], errors.Select(error => error.Message));
    }

    [Theory]
    [InlineData("name: p\ndataset: [\n", 3, 1)]
    [InlineData("name: p\n  dataset: x\n", 2, 10)]
    [InlineData("name: p\nname: q\n", 2, 1)]
    public void Broken_yaml_is_reported_at_its_position(string yaml, int line, int column)
    {
        var error = SingleError(yaml);

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith("invalid YAML: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        var error = SingleError("# nothing but a comment\n");

        Assert.Equal((1, 1, "the file is empty (expected a pipeline with at least 'name' and 'dataset')"), (error.Line, error.Column, error.Message));
    }

    [Fact]
    public void A_second_document_is_refused()
    {
        var error = SingleError("name: p\ndataset: { task: classification, target: y }\n---\nname: q\n");

        Assert.Equal((4, 1, "a second YAML document (expected one pipeline per file)"), (error.Line, error.Column, error.Message));
    }

    [Fact]
    public void A_top_level_list_is_refused()
    {
        var error = SingleError("- name: p\n");

        Assert.Equal((1, 1, "expected a mapping at the top level, found a list"), (error.Line, error.Column, error.Message));
    }

    private static PipelineDefinitionError SingleError(string yaml) => Assert.Single(Errors(yaml));

    private static IReadOnlyList<PipelineDefinitionError> Errors(string yaml)
    {
        var exception = Assert.Throws<PipelineDefinitionException>(() => PipelineLoader.Load(yaml, "pipelines/x.yaml"));
        Assert.All(exception.Errors, error => Assert.Equal("pipelines/x.yaml", error.File));
        return exception.Errors;
    }
}
