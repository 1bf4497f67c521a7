using System.Text.Json;

namespace Workflows.GpuWorker;

/// <summary>
/// The trainers a worker can run, from <c>trainers.json</c> in its trainers directory: a name, the script that
/// honours the trainer contract, and a description.
/// </summary>
public sealed class TrainerRegistry
{
    public const string FileName = "trainers.json";

    private readonly IReadOnlyDictionary<string, TrainerEntry> trainers;

    private TrainerRegistry(string directory, IReadOnlyDictionary<string, TrainerEntry> trainers)
    {
        Directory = directory;
        this.trainers = trainers;
    }

    public string Directory { get; }

    public IEnumerable<string> Names => trainers.Keys.Order(StringComparer.Ordinal);

    public static TrainerRegistry Load(string directory)
    {
        var file = Path.Combine(directory, FileName);
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"The trainer registry {file} does not exist: set worker:trainersDirectory to the folder with trainers.json.", file);
        }

        var entries = JsonSerializer.Deserialize<Dictionary<string, TrainerEntry>>(File.ReadAllText(file), new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidDataException($"{file} is empty.");
        return new TrainerRegistry(directory, entries);
    }

    /// <summary>The script of trainer <paramref name="name"/>; an unknown name throws, listing the known ones.</summary>
    public string ScriptOf(string name) => trainers.TryGetValue(name, out var entry)
        ? Path.Combine(Directory, entry.Script)
        : throw new UnknownTrainerException($"Unknown trainer '{name}': this worker has {string.Join(", ", Names)}.");
}

/// <summary>One trainer in the registry.</summary>
public sealed record TrainerEntry(string Script, string? Description);

/// <summary>A job names a trainer the worker does not have: retrying will not help.</summary>
public sealed class UnknownTrainerException(string message) : Exception(message);
