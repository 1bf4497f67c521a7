using System.Text.Json;

namespace Workflows.GpuWorker.Tests.Trainers;

/// <summary>How a trainer process ended: its exit code, every event it printed, what else reached stdout, and stderr.</summary>
public sealed record TrainerRun(int ExitCode, IReadOnlyList<JsonElement> Events, IReadOnlyList<string> NonJsonLines, string Stderr, string OutDirectory)
{
    /// <summary>The events with this name, in order.</summary>
    public IReadOnlyList<JsonElement> Named(string name) => [.. Events.Where(e => e.GetProperty("event").GetString() == name)];

    /// <summary>The one event with this name.</summary>
    public JsonElement Single(string name) => Named(name) is [var only] ? only : throw new InvalidOperationException($"expected one '{name}' event:\n{Describe()}");

    /// <summary>A parsed output file of the run.</summary>
    public JsonElement ReadJson(string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(OutDirectory, file))).RootElement;

    /// <summary>Exit 0, only JSON events on stdout, "started" first and "completed" last.</summary>
    public TrainerRun AssertCompleted()
    {
        Assert.True(ExitCode == 0 && NonJsonLines.Count == 0, Describe());
        Assert.Equal("started", Events[0].GetProperty("event").GetString());
        Assert.Equal("completed", Events[^1].GetProperty("event").GetString());
        return this;
    }

    /// <summary>Exit 2, and a last event that is a non-retryable error whose message contains every one of <paramref name="phrases"/>.</summary>
    public string AssertBadSpec(params string[] phrases)
    {
        Assert.True(ExitCode == 2 && NonJsonLines.Count == 0, Describe());
        var error = Events[^1];
        Assert.Equal("error", error.GetProperty("event").GetString());
        Assert.False(error.GetProperty("retryable").GetBoolean());
        var message = error.GetProperty("message").GetString()!;
        Assert.All(phrases, phrase => Assert.Contains(phrase, message, StringComparison.Ordinal));
        Assert.Contains(message, Stderr, StringComparison.Ordinal);
        return message;
    }

    /// <summary>Everything a failure message needs to explain the run.</summary>
    public string Describe() =>
        $"exit {ExitCode}\nevents:\n{string.Join('\n', Events.Select(e => e.GetRawText()))}\nnon-JSON stdout:\n{string.Join('\n', NonJsonLines)}\nstderr:\n{Stderr}";
}
