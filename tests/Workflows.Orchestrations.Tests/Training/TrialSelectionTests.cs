using System.Text.Json;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Training;

namespace Workflows.Orchestrations.Tests.Training;

/// <summary>Which trial of a sweep is the best one.</summary>
public sealed class TrialSelectionTests
{
    [Fact]
    public void Higher_is_better_picks_the_highest_value()
    {
        var best = TrialSelection.Best([Trial(0, 0.81), Trial(1, 0.93), Trial(2, 0.88)], "f1_macro", lowerIsBetter: false);

        Assert.Equal(1, best?.Trial);
    }

    [Fact]
    public void Lower_is_better_picks_the_lowest_value()
    {
        var best = TrialSelection.Best([Trial(0, 41.5, "rmse"), Trial(1, 39.2, "rmse"), Trial(2, 52.0, "rmse")], "rmse", lowerIsBetter: true);

        Assert.Equal(1, best?.Trial);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_tie_goes_to_the_lowest_trial_whatever_order_the_trials_come_in(bool lowerIsBetter)
    {
        var best = TrialSelection.Best([Trial(3, 0.9), Trial(1, 0.9), Trial(2, 0.9)], "f1_macro", lowerIsBetter);

        Assert.Equal(1, best?.Trial);
    }

    [Fact]
    public void Failed_and_cancelled_trials_do_not_count_however_good_their_metric()
    {
        var best = TrialSelection.Best(
            [Trial(0, 0.99, state: TrainingJobState.Failed), Trial(1, 0.7), Trial(2, 0.98, state: TrainingJobState.Cancelled)], "f1_macro", lowerIsBetter: false);

        Assert.Equal(1, best?.Trial);
    }

    [Fact]
    public void Trials_without_the_metric_or_with_a_value_that_is_not_finite_do_not_count()
    {
        var best = TrialSelection.Best(
            [Trial(0, 0.99, metric: "accuracy"), Trial(1, double.NaN), Trial(2, double.PositiveInfinity), Trial(3, 0.6), Trial(4, null)], "f1_macro", lowerIsBetter: false);
        var lowest = TrialSelection.Best([Trial(0, double.NegativeInfinity, "rmse"), Trial(1, double.NaN, "rmse"), Trial(2, 12.5, "rmse")], "rmse", lowerIsBetter: true);

        Assert.Equal(3, best?.Trial);
        Assert.Equal(2, lowest?.Trial);
    }

    [Fact]
    public void No_trial_to_choose_gives_null()
    {
        Assert.Null(TrialSelection.Best([], "f1_macro", lowerIsBetter: false));
        Assert.Null(TrialSelection.Best([Trial(0, 0.9, state: TrainingJobState.Failed), Trial(1, double.NaN), Trial(2, null)], "f1_macro", lowerIsBetter: false));
    }

    /// <summary>A trial that reported <paramref name="value"/> for <paramref name="metric"/>; no result at all when the value is null.</summary>
    private static TrainingJobOutcome Trial(int trial, double? value, string metric = "f1_macro", TrainingJobState state = TrainingJobState.Succeeded) => new(
        $"job-{trial}", trial, state, 1, new Dictionary<string, JsonElement>(),
        value is { } v ? new TrainingResult(new Dictionary<string, double> { [metric] = v }, 1, 1, 0, null, null, "cpu", new Dictionary<string, string>()) : null,
        state == TrainingJobState.Succeeded ? null : "error");
}
