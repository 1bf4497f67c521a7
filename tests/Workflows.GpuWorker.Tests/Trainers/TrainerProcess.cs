using System.Diagnostics;
using System.Text.Json;
using Workflows.Testing;

namespace Workflows.GpuWorker.Tests.Trainers;

/// <summary>
/// Runs a trainer as the worker does (<c>python script --job --data --out [--resume]</c>) and collects its JSON-lines
/// events as they arrive, so a test can wait for one (to send SIGTERM mid-training) or for the end.
/// </summary>
public sealed class TrainerProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<JsonElement> _events = [];
    private readonly List<string> _nonJsonLines = [];
    private readonly Task _readStdout;
    private readonly Task<string> _readStderr;
    private readonly SemaphoreSlim _arrived = new(0);

    private TrainerProcess(Process process, string outDirectory)
    {
        _process = process;
        OutDirectory = outDirectory;
        _readStdout = ReadEventsAsync();
        _readStderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>The trainers' sources, run in place so a test never runs a stale copy.</summary>
    public static string TrainersDirectory => Path.Combine(RepositoryPaths.Root, "gpu-worker", "trainers");

    public string OutDirectory { get; }

    /// <summary>Writes <paramref name="job"/> beside <paramref name="outDirectory"/> and starts the trainer it names.</summary>
    public static TrainerProcess Start(TrainerJob job, string dataDirectory, string outDirectory, string? resume = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        Directory.CreateDirectory(outDirectory);
        var jobFile = outDirectory.TrimEnd('/') + ".job.json";
        File.WriteAllText(jobFile, job.ToJson());
        return StartRaw(Script(job.Trainer), ["--job", jobFile, "--data", dataDirectory, "--out", outDirectory, .. resume is null ? Array.Empty<string>() : ["--resume", resume]], outDirectory);
    }

    /// <summary>The source of a trainer, by its name in trainers.json.</summary>
    public static string Script(string trainer) => Path.Combine(TrainersDirectory, trainer + ".py");

    /// <summary>Starts <paramref name="script"/> with these exact arguments, for tests of bad invocations.</summary>
    public static TrainerProcess StartRaw(string script, IEnumerable<string> arguments, string outDirectory)
    {
        var start = new ProcessStartInfo(TestPython.With("numpy", "torch"), [script, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return new TrainerProcess(Process.Start(start) ?? throw new InvalidOperationException("the trainer did not start"), outDirectory);
    }

    /// <summary>Runs a job to its end.</summary>
    public static Task<TrainerRun> RunAsync(TrainerJob job, string dataDirectory, string outDirectory, CancellationToken cancellationToken) =>
        RunAsync(job, dataDirectory, outDirectory, resume: null, cancellationToken);

    /// <summary>Runs a job to its end, resuming from <paramref name="resume"/> when it is not null.</summary>
    public static async Task<TrainerRun> RunAsync(TrainerJob job, string dataDirectory, string outDirectory, string? resume, CancellationToken cancellationToken)
    {
        using var trainer = Start(job, dataDirectory, outDirectory, resume);
        return await trainer.CompleteAsync(cancellationToken);
    }

    /// <summary>Waits for the first event (seen so far or still to come) that <paramref name="match"/> accepts.</summary>
    public async Task<JsonElement> WaitForEventAsync(Func<JsonElement, bool> match, CancellationToken cancellationToken)
    {
        for (var seen = 0; ; )
        {
            lock (_events)
            {
                for (; seen < _events.Count; seen++)
                {
                    if (match(_events[seen]))
                    {
                        return _events[seen];
                    }
                }
            }

            if (_readStdout.IsCompleted && seen == Count())
            {
                throw new InvalidOperationException($"the trainer ended without the awaited event:\n{(await CompleteAsync(cancellationToken)).Describe()}");
            }

            await _arrived.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Sends SIGTERM, as the worker does when it is told to stop or is itself shutting down.</summary>
    public async Task TerminateAsync(CancellationToken cancellationToken)
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(cancellationToken);
    }

    /// <summary>Waits for the process to exit and for all of its output.</summary>
    public async Task<TrainerRun> CompleteAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        await Task.WhenAll(_readStdout, _readStderr).WaitAsync(cancellationToken);
        var stderr = await _readStderr;
        lock (_events)
        {
            return new TrainerRun(_process.ExitCode, [.. _events], [.. _nonJsonLines], stderr, OutDirectory);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _arrived.Dispose();
    }

    private int Count()
    {
        lock (_events)
        {
            return _events.Count;
        }
    }

    /// <summary>An event is a JSON object with an "event" name; anything else on stdout breaks the protocol.</summary>
    private static JsonElement? Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("event", out var name) && name.ValueKind == JsonValueKind.String ? root.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task ReadEventsAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            var parsed = Parse(line);
            lock (_events)
            {
                if (parsed is { } element)
                {
                    _events.Add(element);
                }
                else
                {
                    _nonJsonLines.Add(line);
                }
            }

            _arrived.Release();
        }

        _arrived.Release();
    }
}
