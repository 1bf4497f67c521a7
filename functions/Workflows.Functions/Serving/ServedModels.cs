using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Onnx;
using Workflows.Orchestrations.Platform;
using Workflows.Orchestrations.Registry;

namespace Workflows.Functions.Serving;

/// <summary>
/// The model versions this host has loaded, each once: the first request for a version (or the router, when an alias
/// moves to it) loads it, concurrent requests wait for the same load, and later ones find it ready. A load fetches the
/// ONNX file from the artifact store into a local cache (named by its SHA-256, checked on the way), opens a session,
/// and warms it up with one call. Versions no alias names are unloaded once unused for a while.
/// </summary>
internal sealed class ServedModels : IAsyncDisposable
{
    /// <summary>A failed load is remembered this long before a request may try again, so a broken model cannot cause a load per request.</summary>
    private static readonly TimeSpan FailureMemory = TimeSpan.FromSeconds(5);

    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly ConcurrentDictionary<ModelKey, Lazy<Task<ServedModel?>>> _models = new();
    private readonly ModelRegistry _registry;
    private readonly IArtifactStore _artifacts;
    private readonly IServiceProvider _services;
    private readonly ServingOptions _options;
    private readonly string _cacheDirectory;
    private readonly ILogger _logger;
    private readonly ILogger _batchLogger;

    public ServedModels(ModelRegistry registry, IArtifactStore artifacts, IServiceProvider services, IOptions<ServingOptions> options, PlatformOptions platform, ILoggerFactory loggers)
    {
        _registry = registry;
        _artifacts = artifacts;
        _services = services;
        _options = options.Value;
        _cacheDirectory = _options.CacheDirectory is { Length: > 0 } cache ? Path.GetFullPath(cache) : Path.Combine(platform.DataDirectory, "serving", "models");
        _logger = loggers.CreateLogger<ServedModels>();
        _batchLogger = loggers.CreateLogger<MicroBatcher>();
    }

    /// <summary>The versions loaded now.</summary>
    public IReadOnlyList<ServedModel> Loaded =>
        [.. _models.Values.Where(e => e.IsValueCreated && e.Value.IsCompletedSuccessfully && e.Value.Result is not null).Select(e => e.Value.Result!)];

    /// <summary>
    /// A version with a reference taken for the caller (give it back with <see cref="ServedModel.Release"/>), loading it
    /// first if need be; null when the registry has no such version.
    /// </summary>
    /// <exception cref="ModelLoadException">The version exists but could not be loaded.</exception>
    public async ValueTask<ServedModel?> AcquireAsync(string pipeline, int version, CancellationToken cancellationToken)
    {
        var key = new ModelKey(pipeline, version);
        while (true)
        {
            var entry = _models.GetOrAdd(key, static (k, self) => new Lazy<Task<ServedModel?>>(() => self.LoadAsync(k)), this);
            var load = entry.Value;
            ServedModel? model;
            try
            {
                model = load.IsCompletedSuccessfully ? load.Result : await load.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new ModelLoadException($"Model '{pipeline}' v{version} could not be loaded: {e.Message}", e);
            }

            if (model is null)
            {
                // Not registered (yet): nothing to keep.
                _models.TryRemove(KeyValuePair.Create(key, entry));
                return null;
            }

            if (model.TryAcquire())
            {
                return model;
            }

            // Unloaded between the lookup and the acquire: load it again.
            _models.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    /// <summary>Loads a version in the background, if it is not loaded; a failure is logged.</summary>
    public void Preload(string pipeline, int version) => _ = PreloadAsync(pipeline, version);

    /// <summary>Loads a version, if it is not loaded, and waits for it; false when it could not be loaded (logged).</summary>
    public async Task<bool> PreloadAsync(string pipeline, int version)
    {
        try
        {
            var model = await AcquireAsync(pipeline, version, CancellationToken.None).ConfigureAwait(false);
            model?.Release();
            return model is not null;
        }
        catch (ModelLoadException)
        {
            return false;
        }
    }

    /// <summary>A version with a reference taken, only if it is loaded already; never waits.</summary>
    public bool TryAcquireLoaded(string pipeline, int version, out ServedModel? model)
    {
        model = _models.TryGetValue(new ModelKey(pipeline, version), out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully ? entry.Value.Result : null;
        if (model?.TryAcquire() == true)
        {
            return true;
        }

        model = null;
        return false;
    }

    /// <summary>Unloads the versions that <paramref name="named"/> says no alias names and that have gone unused for <see cref="ServingOptions.EvictAfter"/>.</summary>
    public void Sweep(Func<string, int, bool> named)
    {
        var now = Environment.TickCount64;
        foreach (var (key, entry) in _models)
        {
            if (entry.IsValueCreated && entry.Value.IsCompletedSuccessfully && entry.Value.Result is { } model
                && !named(key.Pipeline, key.Version) && now - model.LastUsed >= _options.EvictAfter.TotalMilliseconds
                && _models.TryRemove(KeyValuePair.Create(key, entry)))
            {
                _logger.LogModelEvicted(key.Pipeline, key.Version, TimeSpan.FromMilliseconds(now - model.LastUsed));
                model.Retire();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        var loaded = Loaded;
        _models.Clear();
        foreach (var model in loaded)
        {
            model.Retire();
        }

        await Task.WhenAll(loaded.Select(m => m.Unloaded)).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    private async Task<ServedModel?> LoadAsync(ModelKey key)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var version = await _registry.GetAsync(key.Pipeline, key.Version, CancellationToken.None).ConfigureAwait(false);
            if (version is null)
            {
                return null;
            }

            var schema = new ModelSchema(await ReadManifestAsync(version.ManifestPath).ConfigureAwait(false));
            var file = await CacheFileAsync(version).ConfigureAwait(false);
            var runtime = _services.GetRequiredService<OnnxRuntime>();
            var session = runtime.CreateSession(file, new OnnxSessionOptions { IntraOpThreads = _options.IntraOpThreads, InterOpThreads = 1 });
            OnnxBatchScorer? scorer = null;
            try
            {
                CheckSignature(session, schema, version);
                scorer = new OnnxBatchScorer(runtime, session, schema.FeatureCount, schema.OutputWidth, _options.MaxBatchRows);
                // The first call pays for ORT's lazy set-up; a request should not.
                schema.Fill.CopyTo(scorer.Input);
                scorer.Score(1);
                var batcher = new MicroBatcher(scorer, _options.QueueCapacity, _options.MaxBatchDelay, _batchLogger, $"{key.Pipeline} v{key.Version}");
                _logger.LogModelLoaded(key.Pipeline, key.Version, session.Inputs[0].ToString(), session.Outputs[0].ToString(), session.ExecutionProvider, clock.Elapsed.TotalMilliseconds);
                return new ServedModel(key.Pipeline, key.Version, schema, session, scorer, batcher);
            }
            catch
            {
                scorer?.Dispose();
                session.Dispose();
                throw;
            }
        }
        catch (Exception e)
        {
            _logger.LogModelLoadFailed(e, key.Pipeline, key.Version);
            _ = ForgetFailureAsync(key);
            throw;
        }
    }

    private async Task ForgetFailureAsync(ModelKey key)
    {
        await Task.Delay(FailureMemory).ConfigureAwait(false);
        if (_models.TryGetValue(key, out var entry) && entry.IsValueCreated && entry.Value.IsFaulted)
        {
            _models.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    private async Task<ExportManifest> ReadManifestAsync(string path)
    {
        var stream = await _artifacts.OpenReadAsync(path, CancellationToken.None).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"The model's manifest {_artifacts.Describe(path)} is missing.");
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync<ExportManifest>(stream, ManifestJson).ConfigureAwait(false)
                ?? throw new InvalidDataException($"The model's manifest {_artifacts.Describe(path)} is empty.");
        }
    }

    /// <summary>The model file in the local cache, fetched and its SHA-256 checked when it is not there yet.</summary>
    private async Task<string> CacheFileAsync(ModelVersion version)
    {
        var directory = Path.Combine(_cacheDirectory, version.Pipeline);
        var file = Path.Combine(directory, $"{version.ModelSha256}.onnx");
        if (File.Exists(file))
        {
            return file;
        }

        Directory.CreateDirectory(directory);
        var partial = $"{file}.{Guid.NewGuid():N}.part";
        try
        {
            var source = await _artifacts.OpenReadAsync(version.ModelPath, CancellationToken.None).ConfigureAwait(false)
                ?? throw new FileNotFoundException($"The model file {_artifacts.Describe(version.ModelPath)} is missing.");
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (source.ConfigureAwait(false))
            {
                var target = File.Create(partial);
                await using (target.ConfigureAwait(false))
                {
                    var buffer = new byte[81920];
                    int read;
                    while ((read = await source.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                    {
                        sha.AppendData(buffer, 0, read);
                        await target.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
                    }
                }
            }

            var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (!string.Equals(hash, version.ModelSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"The model file {_artifacts.Describe(version.ModelPath)} has SHA-256 {hash}; version {version.Version} was registered with {version.ModelSha256}.");
            }

            File.Move(partial, file, overwrite: true);
            return file;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>Checks the model takes one float32 input of the manifest's width and gives one float32 output of the schema's width.</summary>
    private static void CheckSignature(OnnxSession session, ModelSchema schema, ModelVersion version)
    {
        var what = $"Model '{version.Pipeline}' v{version.Version}";
        if (session.Inputs is not [{ ElementType: OnnxElementType.Float, Shape: [_, var width] }] || (width >= 0 && width != schema.FeatureCount))
        {
            throw new InvalidDataException($"{what} takes {string.Join(", ", session.Inputs)}; serving feeds one float32 input of shape [batch, {schema.FeatureCount}].");
        }

        var fits = session.Outputs is [{ ElementType: OnnxElementType.Float, Shape: var shape }]
            && (shape is [_] ? schema.OutputWidth == 1 : shape is [_, var columns] && (columns < 0 || columns == schema.OutputWidth));
        if (!fits)
        {
            throw new InvalidDataException($"{what} gives {string.Join(", ", session.Outputs)}; serving reads one float32 output of shape [batch, {schema.OutputWidth}]{(schema.OutputWidth == 1 ? " or [batch]" : "")}.");
        }
    }

    private readonly record struct ModelKey(string Pipeline, int Version);
}
