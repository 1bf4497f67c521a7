using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Workflows.Orchestrations.Pipelines;

/// <summary>
/// A mapping with a fixed set of keys (one section of a pipeline file). Unknown keys are reported when it is
/// opened; the accessors return a fallback for an absent key, and for an invalid value after reporting it.
/// </summary>
internal sealed class YamlSection
{
    private readonly Dictionary<string, YamlNode> _values = new(StringComparer.Ordinal);

    public YamlSection(YamlReader reader, YamlMappingNode mapping, string path, IReadOnlyList<string> allowedKeys)
    {
        Reader = reader;
        Path = path;
        Start = mapping.Start;
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (reader.Text(keyNode, $"a key {Where}") is not { } key)
            {
                continue;
            }

            if (!allowedKeys.Contains(key, StringComparer.Ordinal))
            {
                reader.Error(keyNode, $"unknown key '{key}' {Where} (expected one of: {string.Join(", ", allowedKeys)})");
                continue;
            }

            _values[key] = value;
        }
    }

    /// <summary>An absent optional section: every accessor returns its fallback.</summary>
    private YamlSection(YamlReader reader, string path, Mark start)
    {
        Reader = reader;
        Path = path;
        Start = start;
    }

    public YamlReader Reader { get; }

    /// <summary>The dotted path of this section (<c>training</c>, <c>dataset.image</c>); empty at the top level.</summary>
    public string Path { get; }

    public Mark Start { get; }

    private string Where => Path.Length == 0 ? "at the top level" : $"under '{Path}'";

    public static YamlSection Absent(YamlReader reader, string path, Mark start) => new(reader, path, start);

    public YamlNode? Find(string key) => _values.GetValueOrDefault(key);

    public string PathOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public void ReportMissing(string key) => Reader.Error(Start, $"missing required key '{key}' {Where}");

    public void ReportAt(string key, string message) => Reader.Error(Find(key)?.Start ?? Start, message);

    public YamlSection? Section(string key, IReadOnlyList<string> allowedKeys) =>
        Find(key) is { } node ? Reader.Section(node, PathOf(key), allowedKeys) : null;

    /// <summary>The section under <paramref name="key"/>, or an empty one when it is absent or invalid, so its defaults apply.</summary>
    public YamlSection SectionOrDefaults(string key, IReadOnlyList<string> allowedKeys) =>
        Section(key, allowedKeys) ?? Absent(Reader, PathOf(key), Find(key)?.Start ?? Start);

    public string? Text(string key) => Find(key) is { } node ? Reader.Text(node, PathOf(key)) : null;

    public string RequiredText(string key)
    {
        if (Find(key) is null)
        {
            ReportMissing(key);
        }

        return Text(key) ?? "";
    }

    public IReadOnlyList<string>? TextList(string key) => Find(key) is { } node ? Reader.TextList(node, PathOf(key)) : null;

    public double Number(string key, double fallback, NumberBounds bounds) => OptionalNumber(key, bounds) ?? fallback;

    public double? OptionalNumber(string key, NumberBounds bounds) => Find(key) is { } node ? Reader.Number(node, PathOf(key), bounds) : null;

    public int Integer(string key, int fallback, NumberBounds bounds) =>
        (Find(key) is { } node ? Reader.Integer(node, PathOf(key), bounds) : null) ?? fallback;

    public bool Flag(string key, bool fallback) => (Find(key) is { } node ? Reader.Flag(node, PathOf(key)) : null) ?? fallback;

    public TimeSpan Duration(string key, TimeSpan fallback) => (Find(key) is { } node ? Reader.Duration(node, PathOf(key)) : null) ?? fallback;

    public T Choice<T>(string key, IReadOnlyDictionary<string, T> choices, T fallback) =>
        Find(key) is { } node && Reader.TryChoice(node, PathOf(key), choices, out var value) ? value : fallback;

    public T RequiredChoice<T>(string key, IReadOnlyDictionary<string, T> choices, T placeholder)
    {
        if (Find(key) is null)
        {
            ReportMissing(key);
        }

        return Choice(key, choices, placeholder);
    }
}
