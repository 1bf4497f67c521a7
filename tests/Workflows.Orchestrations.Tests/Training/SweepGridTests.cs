using System.Text.Json;
using Workflows.Orchestrations.Training;

namespace Workflows.Orchestrations.Tests.Training;

/// <summary>How hyperparameters, a run's overrides and the sweep grid become trials.</summary>
public sealed class SweepGridTests
{
    private static readonly Dictionary<string, JsonElement> Defaults = new()
    {
        ["epochs"] = Value(30),
        ["learningRate"] = Value(0.001),
        ["dropout"] = Value(0.1),
    };

    [Fact]
    public void Without_a_sweep_there_is_one_set_the_definitions_values_under_the_overrides()
    {
        var sets = SweepGrid.Expand(Defaults, new Dictionary<string, JsonElement> { ["epochs"] = Value(5), ["batchSize"] = Value(64) }, sweep: null);

        var set = Assert.Single(sets);
        Assert.Equal("""{"epochs":5,"learningRate":0.001,"dropout":0.1,"batchSize":64}""", Text(set));
    }

    [Fact]
    public void Without_overrides_or_a_sweep_the_set_is_the_definitions_and_the_definition_is_not_changed()
    {
        var sets = SweepGrid.Expand(Defaults, overrides: null, sweep: new Dictionary<string, IReadOnlyList<JsonElement>>());

        Assert.Equal("""{"epochs":30,"learningRate":0.001,"dropout":0.1}""", Text(Assert.Single(sets)));
        Assert.Equal(3, Defaults.Count);
    }

    [Fact]
    public void A_sweep_is_the_cartesian_product_in_definition_order_with_the_last_key_varying_fastest()
    {
        var sweep = new Dictionary<string, IReadOnlyList<JsonElement>>
        {
            ["learningRate"] = [Value(0.01), Value(0.001)],
            ["hiddenLayers"] = [Value(new[] { 64 }), Value(new[] { 64, 32 }), Value(new[] { 128 })],
        };

        var sets = SweepGrid.Expand(Defaults, overrides: null, sweep);

        Assert.Equal(
            [
                "0.01 [64]", "0.01 [64,32]", "0.01 [128]",
                "0.001 [64]", "0.001 [64,32]", "0.001 [128]",
            ],
            sets.Select(set => $"{set["learningRate"].GetRawText()} {set["hiddenLayers"].GetRawText()}"));
        Assert.All(sets, set => Assert.Equal(("30", "0.1"), (set["epochs"].GetRawText(), set["dropout"].GetRawText())));
    }

    [Fact]
    public void An_override_of_a_swept_key_pins_it_and_the_other_axes_still_vary()
    {
        var sweep = new Dictionary<string, IReadOnlyList<JsonElement>>
        {
            ["learningRate"] = [Value(0.01), Value(0.001)],
            ["dropout"] = [Value(0.5), Value(0.2), Value(0.4)],
        };

        var sets = SweepGrid.Expand(Defaults, new Dictionary<string, JsonElement> { ["learningRate"] = Value(0.05) }, sweep);

        Assert.Equal(["0.05 0.5", "0.05 0.2", "0.05 0.4"], sets.Select(set => $"{set["learningRate"].GetRawText()} {set["dropout"].GetRawText()}"));
    }

    [Fact]
    public void Overrides_that_pin_every_swept_key_leave_one_set()
    {
        var sweep = new Dictionary<string, IReadOnlyList<JsonElement>> { ["dropout"] = [Value(0.5), Value(0.2)] };

        var sets = SweepGrid.Expand(Defaults, new Dictionary<string, JsonElement> { ["dropout"] = Value(0.3) }, sweep);

        Assert.Equal("0.3", Assert.Single(sets)["dropout"].GetRawText());
    }

    [Fact]
    public void Each_set_is_its_own_dictionary()
    {
        var sweep = new Dictionary<string, IReadOnlyList<JsonElement>> { ["dropout"] = [Value(0.5), Value(0.2)] };

        var sets = SweepGrid.Expand(Defaults, overrides: null, sweep);

        Assert.NotSame(sets[0], sets[1]);
        Assert.Equal(["0.5", "0.2"], sets.Select(set => set["dropout"].GetRawText()));
    }

    private static JsonElement Value<T>(T value) => JsonSerializer.SerializeToElement(value);

    private static string Text(IReadOnlyDictionary<string, JsonElement> set) => JsonSerializer.Serialize(set);
}
