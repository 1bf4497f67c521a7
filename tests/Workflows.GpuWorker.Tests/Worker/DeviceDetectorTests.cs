using Microsoft.Extensions.Logging.Abstractions;
using Workflows.GpuWorker.Protocol;

namespace Workflows.GpuWorker.Tests.Worker;

/// <summary>Which devices a worker offers: nvidia-smi's GPUs, the CPU, or the CUDA indexes its settings name.</summary>
public sealed class DeviceDetectorTests
{
    [Fact]
    public void Nvidia_smi_lines_become_cuda_devices_with_their_memory()
    {
        const string output = "0, NVIDIA H100 80GB HBM3, 81559\n1, NVIDIA A100-SXM4-40GB, 40960\n";

        var devices = DeviceDetector.ParseNvidiaSmi(output);

        Assert.Equal(
            [new WorkerDevice("cuda", 0, "NVIDIA H100 80GB HBM3", 81559), new WorkerDevice("cuda", 1, "NVIDIA A100-SXM4-40GB", 40960)],
            devices);
        Assert.All(devices, device => Assert.True(device.IsGpu));
    }

    [Fact]
    public void Blank_lines_windows_line_ends_and_unknown_memory_are_tolerated()
    {
        const string output = "\r\n0, Tesla T4, [N/A]\r\n\r\n   \r\n3, NVIDIA GeForce RTX 4090, 24564\r\n\r\n";

        var devices = DeviceDetector.ParseNvidiaSmi(output);

        Assert.Equal([new WorkerDevice("cuda", 0, "Tesla T4", null), new WorkerDevice("cuda", 3, "NVIDIA GeForce RTX 4090", 24564)], devices);
    }

    [Theory]
    [InlineData("")]
    [InlineData("No devices were found\n")]
    [InlineData("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n")]
    [InlineData("index, name, memory.total [MiB]\n")]
    [InlineData("0, Tesla T4\n")]
    public void Output_without_gpu_lines_lists_none(string output)
    {
        Assert.Empty(DeviceDetector.ParseNvidiaSmi(output));
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("CPU")]
    public async Task The_cpu_setting_offers_the_cpu_alone(string setting)
    {
        var devices = await DeviceDetector.DetectAsync(setting, NullLogger.Instance, TestContext.Current.CancellationToken);

        var cpu = Assert.Single(devices);
        Assert.Equal(new WorkerDevice("cpu", 0, $"{Environment.ProcessorCount} CPU cores", null), cpu);
        Assert.False(cpu.IsGpu);
    }

    [Fact]
    public async Task The_auto_setting_offers_something_to_run_on()
    {
        var devices = await DeviceDetector.DetectAsync("auto", NullLogger.Instance, TestContext.Current.CancellationToken);

        Assert.NotEmpty(devices);
        Assert.True(devices.All(d => d.IsGpu) || devices.Single().Kind == WorkerDevice.Cpu);
    }

    [Theory]
    [InlineData("gpu0")]
    [InlineData("0;1")]
    [InlineData("-1")]
    [InlineData("cuda:0")]
    [InlineData("")]
    [InlineData(" , ")]
    public async Task A_devices_setting_that_is_not_auto_cpu_or_indexes_is_refused_saying_what_is_expected(string setting)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => DeviceDetector.DetectAsync(setting, NullLogger.Instance, TestContext.Current.CancellationToken));

        Assert.Contains($"worker:devices is '{setting}'", error.Message);
        Assert.Contains("expected 'auto', 'cpu' or CUDA indexes such as '0,1'", error.Message);
    }

    [Fact]
    public async Task A_cuda_index_the_machine_does_not_have_is_refused_naming_it()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => DeviceDetector.DetectAsync("0,97", NullLogger.Instance, TestContext.Current.CancellationToken));

        Assert.Contains("names CUDA device(s) ", error.Message);
        Assert.Contains("97", error.Message);
        Assert.Contains("but nvidia-smi lists", error.Message);
    }
}
