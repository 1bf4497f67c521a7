using Workflows.Testing;

namespace Workflows.GpuWorker.Tests.Worker;

/// <summary>The worker's trainers, from trainers.json: a missing registry or an unknown name says what to do.</summary>
public sealed class TrainerRegistryTests
{
    [Fact]
    public void The_shipped_registry_has_the_mlp_and_cnn_trainers_and_their_scripts_exist()
    {
        var registry = TrainerRegistry.Load(Path.Combine(RepositoryPaths.Root, "gpu-worker", "trainers"));

        Assert.Equal(["cnn", "mlp"], registry.Names);
        Assert.True(File.Exists(registry.ScriptOf("mlp")), registry.ScriptOf("mlp"));
        Assert.True(File.Exists(registry.ScriptOf("cnn")), registry.ScriptOf("cnn"));
    }

    [Fact]
    public void A_directory_without_trainers_json_is_refused_naming_the_file_and_the_setting()
    {
        using var directory = new TempDirectory();

        var error = Assert.Throws<FileNotFoundException>(() => TrainerRegistry.Load(directory.Path));

        Assert.Equal(directory.Combine("trainers.json"), error.FileName);
        Assert.Contains(directory.Combine("trainers.json"), error.Message);
        Assert.Contains("worker:trainersDirectory", error.Message);
    }

    [Fact]
    public void A_script_is_found_beside_the_registry()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.Combine("trainers.json"), """{"xgb": {"script": "boost/xgb.py", "description": "Gradient boosting."}, "linear": {"script": "linear.py"}}""");

        var registry = TrainerRegistry.Load(directory.Path);

        Assert.Equal(directory.Combine("boost/xgb.py"), registry.ScriptOf("xgb"));
        Assert.Equal(directory.Path, registry.Directory);
    }

    [Fact]
    public void An_unknown_trainer_is_refused_listing_the_known_ones_in_order()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.Combine("trainers.json"), """{"xgb": {"script": "xgb.py"}, "linear": {"script": "linear.py"}, "mlp": {"script": "mlp.py"}}""");
        var registry = TrainerRegistry.Load(directory.Path);

        var error = Assert.Throws<UnknownTrainerException>(() => registry.ScriptOf("transformer"));

        Assert.Equal("Unknown trainer 'transformer': this worker has linear, mlp, xgb.", error.Message);
        Assert.Throws<UnknownTrainerException>(() => registry.ScriptOf("MLP"));
    }

    [Fact]
    public void An_empty_registry_file_is_refused()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.Combine("trainers.json"), "null");

        var error = Assert.Throws<InvalidDataException>(() => TrainerRegistry.Load(directory.Path));

        Assert.Contains("is empty", error.Message);
    }
}
