using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Orchestrations.Registry;

namespace Workflows.Functions.Serving;

/// <summary>
/// Picks the loaded model that answers each request from the pipeline's aliases: production, or the candidate for its
/// canary share, plus a shadow copy when the candidate is a shadow. The aliases are re-read when this host moves one
/// (<see cref="ModelRegistry.Changed"/>) and every <see cref="ServingOptions.AliasRefreshInterval"/> for moves made by
/// other hosts, for the pipelines this host has served. A new alias target is loaded before the new table is
/// published, so a deploy swaps models without a slow or failed request; a request keeps the model it was routed to.
/// </summary>
internal sealed class PredictionRouter(ModelRegistry registry, ServedModels models, IOptions<ServingOptions> options, ILogger<PredictionRouter> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, byte> _active = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile AliasTable _table = AliasTable.Empty;

    /// <summary>The aliases as last read.</summary>
    public AliasTable Table => _table;

    /// <summary>
    /// The model that answers a request to the pipeline's production endpoint, with a reference held; null when the
    /// pipeline has nothing in production.
    /// </summary>
    public async ValueTask<RouteChoice?> RouteAsync(string pipeline, CancellationToken cancellationToken)
    {
        var aliases = await AliasesAsync(pipeline, a => a?.Production is not null, cancellationToken).ConfigureAwait(false);
        if (aliases?.Production is not { } production)
        {
            return null;
        }

        var candidate = aliases.Candidate;
        var (version, route) = candidate is { Shadow: false, TrafficPercent: > 0 } && Random.Shared.Next(100) < candidate.TrafficPercent
            ? (candidate.Version, ServingRoutes.Canary)
            : (production.Version, ServingRoutes.Production);
        var model = await models.AcquireAsync(pipeline, version, cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return null;
        }

        ServedModel? shadow = null;
        if (candidate is { Shadow: true } && !models.TryAcquireLoaded(pipeline, candidate.Version, out shadow))
        {
            // Shadows never hold up the answer: this request goes without one while the candidate loads.
            models.Preload(pipeline, candidate.Version);
        }

        return new RouteChoice(model, route, shadow);
    }

    /// <summary>The version a number or alias names now; null when it names none.</summary>
    public async ValueTask<int?> ResolveAsync(string pipeline, string versionOrAlias, CancellationToken cancellationToken)
    {
        if (int.TryParse(versionOrAlias, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        var aliases = await AliasesAsync(pipeline, a => a?.All.ContainsKey(versionOrAlias) == true, cancellationToken).ConfigureAwait(false);
        return aliases?.All.GetValueOrDefault(versionOrAlias)?.Version;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before reading, so a move during the read is not missed.
            var changed = registry.Changed.WaitAsync(options.Value.AliasRefreshInterval, stoppingToken);
            // Nothing to read until this host serves a pipeline; versions asked for by number are still swept.
            if (!_active.IsEmpty || models.Loaded.Count > 0)
            {
                try
                {
                    await RefreshAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    logger.LogRefreshFailed(e);
                }
            }

            try
            {
                await changed.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The pipeline's aliases; read now when the pipeline is new to this host or <paramref name="satisfied"/> says the
    /// table lacks what the request needs (the move may be too recent for the timer).
    /// </summary>
    private async ValueTask<PipelineAliases?> AliasesAsync(string pipeline, Func<PipelineAliases?, bool> satisfied, CancellationToken cancellationToken)
    {
        var aliases = _table.Find(pipeline);
        var known = _active.ContainsKey(pipeline);
        if (!known || !satisfied(aliases))
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
            aliases = _table.Find(pipeline);
        }

        if (!known && aliases is not null)
        {
            // Only pipelines with aliases are kept fresh: requests for names that do not exist add nothing.
            _active.TryAdd(pipeline, 0);
        }

        return aliases;
    }

    /// <summary>Reads every alias, loads what the served pipelines' aliases route to, then publishes the table and unloads what nothing names.</summary>
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var table = AliasTable.From(await registry.AliasesAsync(null, cancellationToken).ConfigureAwait(false));
            var before = _table;
            var loads = new List<Task>();
            foreach (var pipeline in _active.Keys)
            {
                if (table.Find(pipeline) is { } aliases)
                {
                    loads.AddRange(new[] { aliases.Production, aliases.Candidate }.OfType<ModelAlias>().Select(a => models.PreloadAsync(pipeline, a.Version)));
                }
            }

            await Task.WhenAll(loads).ConfigureAwait(false);
            _table = table;
            foreach (var pipeline in _active.Keys)
            {
                var now = table.Find(pipeline)?.Describe();
                if (now is not null && now != before.Find(pipeline)?.Describe())
                {
                    logger.LogRoutesChanged(pipeline, now);
                }
            }

            models.Sweep(table.Names);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    public override void Dispose()
    {
        _refreshing.Dispose();
        base.Dispose();
    }
}
