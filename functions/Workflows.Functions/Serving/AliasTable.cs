using Workflows.Orchestrations.Registry;

namespace Workflows.Functions.Serving;

/// <summary>Where every alias pointed when the router last read them; immutable, swapped whole.</summary>
internal sealed class AliasTable
{
    private readonly Dictionary<string, PipelineAliases> _pipelines;

    private AliasTable(Dictionary<string, PipelineAliases> pipelines) => _pipelines = pipelines;

    public static AliasTable Empty { get; } = new([]);

    public static AliasTable From(IEnumerable<ModelAlias> aliases) =>
        new(aliases.GroupBy(a => a.Pipeline, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new PipelineAliases(g.ToDictionary(a => a.Alias, StringComparer.Ordinal)), StringComparer.Ordinal));

    public PipelineAliases? Find(string pipeline) => _pipelines.GetValueOrDefault(pipeline);

    /// <summary>Whether some alias of <paramref name="pipeline"/> names <paramref name="version"/>.</summary>
    public bool Names(string pipeline, int version) => _pipelines.TryGetValue(pipeline, out var aliases) && aliases.All.Values.Any(a => a.Version == version);
}

/// <summary>One pipeline's aliases.</summary>
internal sealed class PipelineAliases(IReadOnlyDictionary<string, ModelAlias> all)
{
    public IReadOnlyDictionary<string, ModelAlias> All { get; } = all;

    public ModelAlias? Production { get; } = all.GetValueOrDefault(ModelAliases.Production);

    public ModelAlias? Candidate { get; } = all.GetValueOrDefault(ModelAliases.Candidate);

    /// <summary>The routing in words, for logs.</summary>
    public string Describe() =>
        (Production is null ? "no production" : $"production v{Production.Version}")
        + (Candidate is null ? "" : Candidate.Shadow ? $", shadow v{Candidate.Version}" : $", canary v{Candidate.Version} at {Candidate.TrafficPercent}%");
}
