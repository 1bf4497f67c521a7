using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Orchestrations.Onnx;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Onnx;

public sealed class OnnxRuntimeLoadingTests
{
    [Fact]
    public void The_npm_library_loads_at_C_API_11_and_passes_the_self_test()
    {
        var runtime = TestOnnx.Runtime;

        Assert.Equal("1.30.0", runtime.Version);
        Assert.Equal(11u, OnnxRuntime.ApiVersion);
        Assert.EndsWith(OrtLibrary.NpmRelativePath, runtime.LibraryPath, StringComparison.Ordinal);
        Assert.Contains(OnnxRuntime.CpuProvider, runtime.AvailableProviders);
        OrtSelfTest.Run(runtime.Api); // again, explicitly: every probed slot answers as expected
    }

    [Fact]
    public void Missing_library_at_a_configured_path_names_the_path_and_the_setting()
    {
        var error = Assert.Throws<FileNotFoundException>(() => OnnxRuntime.Load(new OnnxRuntimeOptions { LibraryPath = "/nowhere/libonnxruntime.so.1" }));

        Assert.Contains("/nowhere/libonnxruntime.so.1", error.Message, StringComparison.Ordinal);
        Assert.Contains("workflows:onnxRuntime:libraryPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_library_named_by_the_environment_variable_names_the_variable()
    {
        var error = Assert.Throws<FileNotFoundException>(() => OrtLibrary.Locate(new OnnxRuntimeOptions(), "/nowhere/else.so", []));

        Assert.Contains("/nowhere/else.so", error.Message, StringComparison.Ordinal);
        Assert.Contains(OnnxRuntimeOptions.LibraryPathVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_variable_is_honoured_and_the_setting_wins_over_it()
    {
        var npm = TestOnnx.Runtime.LibraryPath;

        Assert.Equal(npm, OrtLibrary.Locate(new OnnxRuntimeOptions(), npm, []));
        Assert.Throws<FileNotFoundException>(() => OrtLibrary.Locate(new OnnxRuntimeOptions { LibraryPath = "/nowhere/x.so" }, npm, []));
    }

    [Fact]
    public void A_search_that_finds_nothing_lists_every_path_tried_and_says_to_run_wf_setup()
    {
        using var temp = new TempDirectory();
        var start = Directory.CreateDirectory(temp.Combine("a", "b")).FullName;

        var error = Assert.Throws<FileNotFoundException>(() => OrtLibrary.Locate(new OnnxRuntimeOptions(), null, [start]));

        Assert.Contains("./wf setup", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(start, OrtLibrary.NpmRelativePath), error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(temp.Path, OrtLibrary.NpmRelativePath), error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine("/", OrtLibrary.NpmRelativePath), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_search_finds_the_npm_copy_from_the_test_directory()
    {
        Assert.Equal(Path.Combine(RepositoryPaths.Root, OrtLibrary.NpmRelativePath), OrtLibrary.Locate(new OnnxRuntimeOptions(), null, [AppContext.BaseDirectory]));
    }

    [Fact]
    public void A_file_that_is_not_ONNX_Runtime_fails_to_load_clearly()
    {
        using var temp = new TempDirectory();
        var bogus = temp.Combine("libonnxruntime.so.1");
        File.WriteAllText(bogus, "not a shared library");

        var error = Assert.ThrowsAny<Exception>(() => OnnxRuntime.Load(new OnnxRuntimeOptions { LibraryPath = bogus }));

        Assert.Contains(bogus, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddOnnxRuntime_binds_the_workflows_onnxRuntime_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["workflows:onnxRuntime:libraryPath"] = TestOnnx.Runtime.LibraryPath,
            ["workflows:onnxRuntime:logLevel"] = "Error",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddOnnxRuntime().BuildServiceProvider();

        var runtime = services.GetRequiredService<OnnxRuntime>();

        Assert.Equal(TestOnnx.Runtime.LibraryPath, runtime.LibraryPath);
        Assert.Equal(OnnxLogLevel.Error, services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OnnxRuntimeOptions>>().Value.LogLevel);
    }
}
