using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Workflows.GpuWorker.Protocol;

namespace Workflows.GpuWorker;

/// <summary>Finds the devices a worker offers: CUDA GPUs as nvidia-smi lists them, else the CPU.</summary>
public static class DeviceDetector
{
    /// <summary>The devices named by <paramref name="setting"/> (<c>auto</c>, <c>cpu</c>, or CUDA indexes such as <c>0,1</c>).</summary>
    public static async Task<IReadOnlyList<WorkerDevice>> DetectAsync(string setting, ILogger logger, CancellationToken cancellationToken)
    {
        var cpu = new WorkerDevice(WorkerDevice.Cpu, 0, $"{Environment.ProcessorCount} CPU cores", null);
        if (string.Equals(setting, "cpu", StringComparison.OrdinalIgnoreCase))
        {
            return [cpu];
        }

        var gpus = await QueryGpusAsync(logger, cancellationToken).ConfigureAwait(false);
        if (string.Equals(setting, "auto", StringComparison.OrdinalIgnoreCase))
        {
            return gpus.Count > 0 ? gpus : [cpu];
        }

        var wanted = setting.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(index => int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : throw NotUnderstood())
            .ToList();
        if (wanted.Count == 0)
        {
            // An empty setting would offer no device at all: the worker would start, serve nothing and say nothing.
            throw NotUnderstood();
        }

        var missing = wanted.Where(i => gpus.All(g => g.Index != i)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"worker:devices names CUDA device(s) {string.Join(", ", missing)}, but nvidia-smi lists {(gpus.Count == 0 ? "none" : string.Join(", ", gpus.Select(g => g.Index)))}.");
        }

        return [.. gpus.Where(g => wanted.Contains(g.Index))];

        ArgumentException NotUnderstood() => new($"worker:devices is '{setting}': expected 'auto', 'cpu' or CUDA indexes such as '0,1'.");
    }

    /// <summary>nvidia-smi's GPUs; none when it is not installed or fails (a CPU-only machine).</summary>
    private static async Task<IReadOnlyList<WorkerDevice>> QueryGpusAsync(ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi", ["--query-gpu=index,name,memory.total", "--format=csv,noheader,nounits"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                logger.LogWarning("nvidia-smi exited with {ExitCode}; offering the CPU only", process.ExitCode);
                return [];
            }

            return ParseNvidiaSmi(output);
        }
        catch (Win32Exception)
        {
            return [];
        }
    }

    /// <summary>Parses nvidia-smi's CSV: <c>index, name, memory.total</c> per line.</summary>
    internal static IReadOnlyList<WorkerDevice> ParseNvidiaSmi(string csv) =>
        [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(',', StringSplitOptions.TrimEntries))
            .Where(fields => fields.Length >= 3 && int.TryParse(fields[0], CultureInfo.InvariantCulture, out _))
            .Select(fields => new WorkerDevice(WorkerDevice.Cuda, int.Parse(fields[0], CultureInfo.InvariantCulture), fields[1],
                long.TryParse(fields[2], CultureInfo.InvariantCulture, out var memory) ? memory : null))];
}
