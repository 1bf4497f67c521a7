using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Tests.Evaluation;

/// <summary>The gate's automatic checks and the approval check: each decision, and the words that explain it.</summary>
public sealed class ModelGateTests
{
    private static readonly EvaluationDefinition Definition = new("f1_macro",
        [new MetricThreshold("f1_macro", 0.9, null), new MetricThreshold("log_loss", null, 0.3)], MustBeatProduction: true, MinImprovement: 0.01);

    [Fact]
    public void A_candidate_that_meets_every_threshold_and_is_first_passes()
    {
        var decision = ModelGate.Decide(Definition, Metrics(0.93, 0.2), ProductionComparison.None);

        Assert.True(decision.Passed);
        Assert.Equal(["f1_macro 0.93 meets >= 0.9", "log_loss 0.2 meets <= 0.3", "not compared with production: nothing is in production yet"], decision.Checks.Select(c => c.Detail));
    }

    [Fact]
    public void A_missed_threshold_fails_and_the_summary_names_it()
    {
        var decision = ModelGate.Decide(Definition, Metrics(0.93, 0.45), ProductionComparison.None);

        Assert.False(decision.Passed);
        Assert.Equal("failed: log_loss 0.45 misses <= 0.3", decision.Summary);
    }

    [Fact]
    public void An_undefined_metric_fails_its_threshold()
    {
        var decision = ModelGate.Decide(Definition, new Dictionary<string, double?> { ["f1_macro"] = 0.95, ["log_loss"] = null }, ProductionComparison.None);

        Assert.False(decision.Passed);
        Assert.Contains("log_loss is undefined on the test split (needs <= 0.3)", decision.Summary);
    }

    [Theory]
    [InlineData(0.95, 0.93, true, "better by 0.02, beats it by more than 0.01")]
    [InlineData(0.94, 0.93, false, "better by 0.01, does not beat it by more than 0.01")]
    [InlineData(0.92, 0.93, false, "worse by 0.01, does not beat it by more than 0.01")]
    public void Must_beat_production_by_more_than_the_minimum_improvement(double candidate, double production, bool passes, string detail)
    {
        var decision = ModelGate.Decide(Definition, Metrics(candidate, 0.1), new ProductionComparison(4, Metrics(production, 0.1), null));

        var check = decision.Checks[^1];
        Assert.Equal((GateCheck.Production, passes), (check.Kind, check.Passed));
        Assert.Equal($"f1_macro {candidate:0.####} vs production v4 {production:0.####} on the same test split: {detail}", check.Detail);
    }

    [Fact]
    public void For_a_loss_lower_is_better()
    {
        var definition = Definition with { PrimaryMetric = "log_loss", Thresholds = [], MinImprovement = 0 };

        Assert.True(ModelGate.Decide(definition, Metrics(0.9, 0.1), new ProductionComparison(1, Metrics(0.9, 0.2), null)).Passed);
        Assert.False(ModelGate.Decide(definition, Metrics(0.9, 0.2), new ProductionComparison(1, Metrics(0.9, 0.2), null)).Passed);
    }

    [Fact]
    public void A_production_model_that_cannot_be_compared_is_said_so()
    {
        var decision = ModelGate.Decide(Definition, Metrics(0.93, 0.2), new ProductionComparison(2, null, "production v2 reads 31 features, the candidate 30"));

        Assert.True(decision.Passed);
        Assert.Equal("not compared with production: production v2 reads 31 features, the candidate 30", decision.Checks[^1].Detail);
    }

    [Fact]
    public void Approval_answers_and_their_absence()
    {
        var passed = ModelGate.Decide(Definition with { Thresholds = [] }, Metrics(0.93, 0.2), ProductionComparison.None);

        var approved = passed.With(ModelGate.Approval(new ApprovalEvent(true, "ana", "looks good"), TimeSpan.FromHours(1)));
        var rejected = passed.With(ModelGate.Approval(new ApprovalEvent(false, "bo", "too slow"), TimeSpan.FromHours(1)));
        var silent = passed.With(ModelGate.Approval(null, TimeSpan.FromMinutes(30)));

        Assert.True(approved.Passed);
        Assert.Equal("approved by ana: \"looks good\"", approved.Checks[^1].Detail);
        Assert.Equal("failed: rejected by bo: \"too slow\"", rejected.Summary);
        Assert.Equal("failed: no approval within 00:30:00: rejected", silent.Summary);
    }

    private static Dictionary<string, double?> Metrics(double f1, double logLoss) => new() { ["f1_macro"] = f1, ["log_loss"] = logLoss };
}
