using System.Text.RegularExpressions;

namespace Workflows.Orchestrations.Registry;

/// <summary>The aliases the platform moves itself, and the rule for the names users choose.</summary>
public static partial class ModelAliases
{
    /// <summary>What serving answers with by default.</summary>
    public const string Production = "production";

    /// <summary>A model being staged: a canary (a share of traffic) or a shadow (copies of traffic).</summary>
    public const string Candidate = "candidate";

    /// <summary>Lower-case letters, digits and '-', starting with a letter; never all digits, so it cannot be mistaken for a version.</summary>
    public static bool IsValid(string alias) => NamePattern().IsMatch(alias);

    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    private static partial Regex NamePattern();
}
