using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Workflows.Orchestrations.Pipelines;

/// <summary>
/// Reads values out of one file's YAML nodes, recording every problem at the node's position instead of stopping
/// at the first, so a single load reports all of a file's errors.
/// </summary>
/// <param name="file">The file, as errors name it.</param>
internal sealed class YamlReader(string file)
{
    private readonly List<PipelineDefinitionError> _errors = [];

    public string File { get; } = file;

    public IReadOnlyList<PipelineDefinitionError> Errors => _errors;

    public void Error(Mark at, string message) => _errors.Add(new PipelineDefinitionError(File, (int)at.Line, (int)at.Column, message));

    public void Error(YamlNode at, string message) => Error(at.Start, message);

    /// <summary>Opens a mapping whose keys must come from <paramref name="allowedKeys"/>; null (with an error) when <paramref name="node"/> is no mapping.</summary>
    public YamlSection? Section(YamlNode node, string path, IReadOnlyList<string> allowedKeys) =>
        Expect<YamlMappingNode>(node, path, "a mapping") is { } mapping ? new YamlSection(this, mapping, path, allowedKeys) : null;

    /// <summary>A mapping with keys of the user's choosing (column names, hyperparameters), as (key, value) pairs.</summary>
    public IReadOnlyList<(YamlScalarNode Key, YamlNode Value)> Entries(YamlNode node, string path)
    {
        if (Expect<YamlMappingNode>(node, path, "a mapping") is not { } mapping)
        {
            return [];
        }

        var entries = new List<(YamlScalarNode, YamlNode)>();
        foreach (var (key, value) in mapping.Children)
        {
            if (Text(key, $"a key of '{path}'") is not null)
            {
                entries.Add(((YamlScalarNode)key, value));
            }
        }

        return entries;
    }

    public IReadOnlyList<YamlNode> Items(YamlNode node, string path, string expected = "a list") =>
        Expect<YamlSequenceNode>(node, path, expected)?.Children.ToList() ?? [];

    public string? Text(YamlNode node, string path)
    {
        if (Expect<YamlScalarNode>(node, path, "a single value") is not { } scalar)
        {
            return null;
        }

        if (IsNull(scalar) || string.IsNullOrWhiteSpace(scalar.Value))
        {
            Error(node, $"'{path}' is empty (expected a value)");
            return null;
        }

        return scalar.Value;
    }

    public IReadOnlyList<string>? TextList(YamlNode node, string path)
    {
        var texts = Items(node, path).Select((item, i) => Text(item, $"{path}[{i}]")).ToList();
        return texts.Contains(null) ? null : texts.Select(text => text!).ToList();
    }

    public double? Number(YamlNode node, string path, NumberBounds bounds)
    {
        if (Text(node, path) is not { } text)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
        {
            Error(node, $"expected a number for '{path}', found '{text}'");
            return null;
        }

        return ExpectWithin(node, path, number, bounds);
    }

    public int? Integer(YamlNode node, string path, NumberBounds bounds)
    {
        if (Text(node, path) is not { } text)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            Error(node, $"expected a whole number for '{path}', found '{text}'");
            return null;
        }

        return ExpectWithin(node, path, number, bounds) is null ? null : number;
    }

    public bool? Flag(YamlNode node, string path) => Text(node, path) switch
    {
        null => null,
        var text when text.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        var text when text.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        var text => ErrorAndNull<bool>(node, $"expected true or false for '{path}', found '{text}'"),
    };

    public TimeSpan? Duration(YamlNode node, string path)
    {
        if (Text(node, path) is not { } text)
        {
            return null;
        }

        if (!DurationText.TryParse(text, out var duration))
        {
            Error(node, $"expected {DurationText.Expected} for '{path}', found '{text}'");
            return null;
        }

        if (duration <= TimeSpan.Zero)
        {
            Error(node, $"expected a duration greater than zero for '{path}', found '{text}'");
            return null;
        }

        return duration;
    }

    /// <summary>One of a fixed set of words, matched ignoring case; the error lists the choices.</summary>
    public bool TryChoice<T>(YamlNode node, string path, IReadOnlyDictionary<string, T> choices, out T value)
    {
        value = default!;
        if (Text(node, path) is not { } text)
        {
            return false;
        }

        var match = choices.FirstOrDefault(choice => choice.Key.Equals(text, StringComparison.OrdinalIgnoreCase));
        if (match.Key is null)
        {
            Error(node, $"'{text}' is not a valid '{path}' (expected one of: {string.Join(", ", choices.Keys)})");
            return false;
        }

        value = match.Value;
        return true;
    }

    /// <summary>Whether a scalar is YAML's null (<c>~</c>, <c>null</c> or nothing), which only a plain scalar can be.</summary>
    public static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private T? Expect<T>(YamlNode node, string path, string expected)
        where T : YamlNode
    {
        if (node is T typed)
        {
            return typed;
        }

        var where = path.Length == 0 ? "at the top level" : $"for '{path}'";
        Error(node, $"expected {expected} {where}, found {Describe(node)}");
        return null;
    }

    private double? ExpectWithin(YamlNode node, string path, double number, NumberBounds bounds)
    {
        if (bounds.Contains(number))
        {
            return number;
        }

        Error(node, $"'{path}' must be {bounds.Describe()}, found {number.ToString(CultureInfo.InvariantCulture)}");
        return null;
    }

    private T? ErrorAndNull<T>(YamlNode node, string message)
        where T : struct
    {
        Error(node, message);
        return null;
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar when IsNull(scalar) => "nothing",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "an alias",
    };
}
