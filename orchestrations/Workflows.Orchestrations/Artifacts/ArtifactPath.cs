namespace Workflows.Orchestrations.Artifacts;

/// <summary>The one definition of a valid artifact path, shared by every store so that a path valid in one is valid in all.</summary>
internal static class ArtifactPath
{
    /// <summary>The longest path accepted (Azure's limit on blob names).</summary>
    public const int MaxLength = 1024;

    /// <summary>Segments starting with this belong to writes in flight (the file-system store's temp files).</summary>
    public const string ReservedSegmentPrefix = ".~";

    private const string Example = "Paths are '/'-separated relative names such as 'datasets/iris/v1/data.csv'.";

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="parameterName"/> when <paramref name="path"/> is not a valid object path.</summary>
    public static void Validate(string path, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(path, parameterName);
        var problem = path.Length == 0 ? "it is empty" : FindProblem(path, path.Split('/'));
        if (problem is not null)
        {
            throw new ArgumentException($"Artifact path '{path}' is invalid: {problem}. {Example}", parameterName);
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when <paramref name="prefix"/> cannot prefix a valid path. Empty lists
    /// everything; the last segment may be partial (or empty, after a trailing '/').
    /// </summary>
    public static void ValidatePrefix(string prefix, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(prefix, parameterName);
        var segments = prefix.Split('/');
        var problem = prefix.Length == 0 ? null : FindProblem(prefix, segments[..^1]) ?? FindCharacterProblem(segments[^1]);
        if (problem is not null)
        {
            throw new ArgumentException($"Artifact path prefix '{prefix}' is invalid: {problem}. {Example}", parameterName);
        }
    }

    /// <summary>Whether <paramref name="segment"/> can be one segment of a path, for example a file name.</summary>
    public static bool IsValidSegment(string segment) => segment.Length > 0 && FindProblem(segment, [segment]) is null;

    private static string? FindProblem(string path, IEnumerable<string> completeSegments)
    {
        if (path.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters";
        }

        if (path.StartsWith('/'))
        {
            return "it starts with '/' (paths are relative)";
        }

        foreach (var segment in completeSegments)
        {
            var problem = segment switch
            {
                "" => "it has an empty segment ('//' or a trailing '/')",
                "." or ".." => $"it has a '{segment}' segment",
                _ when segment.StartsWith(ReservedSegmentPrefix, StringComparison.Ordinal) => $"segment '{segment}' starts with '{ReservedSegmentPrefix}', which is reserved for writes in flight",
                _ => FindCharacterProblem(segment),
            };
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? FindCharacterProblem(string segment) =>
        segment.Contains('\\', StringComparison.Ordinal) ? "it contains a backslash (use '/')"
        : segment.Any(char.IsControl) ? "it contains a control character"
        : null;
}
