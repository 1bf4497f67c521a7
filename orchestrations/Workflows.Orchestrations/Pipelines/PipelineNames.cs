using System.Text.RegularExpressions;

namespace Workflows.Orchestrations.Pipelines;

/// <summary>
/// The form of pipeline and dataset names: lower-case letters, digits and '-'. They become folder names, artifact
/// paths, URLs and instance ids, so nothing else is accepted from any source (YAML, HTTP, drop folders, blobs).
/// </summary>
public static partial class PipelineNames
{
    public const string Pattern = "^[a-z0-9][a-z0-9-]*$";

    /// <summary>The longest name accepted.</summary>
    public const int MaxLength = 100;

    public static bool IsValid(string? name) => name is { Length: > 0 and <= MaxLength } && NameRegex().IsMatch(name);

    /// <summary>Throws <see cref="ArgumentException"/> naming the rule when <paramref name="name"/> is not a valid name.</summary>
    public static void Require(string? name, string what)
    {
        if (!IsValid(name))
        {
            throw new ArgumentException($"{what} name '{name}' is invalid: it must match {Pattern} (lower-case letters, digits and '-') and be at most {MaxLength} characters.");
        }
    }

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();
}
