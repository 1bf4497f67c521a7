using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NpgsqlTypes;
using Workflows.Orchestrations.Platform;

namespace Workflows.Functions.Serving;

/// <summary>
/// Logs a sample of what serving answered to prediction_log, for monitoring, entirely off the request path: requests
/// put rows in a bounded channel and never wait for it (a full channel drops the row and counts it, reported as one
/// warning per interval), and this background writer takes what is there, up to <see cref="ServingOptions.LogBatchRows"/>
/// rows at a time, and writes them with one binary COPY.
/// </summary>
internal sealed class PredictionLog : BackgroundService
{
    private readonly Channel<PredictionLogEntry> _queue;
    private readonly PlatformDataSource _dataSource;
    private readonly ServingOptions _options;
    private readonly ILogger _logger;
    private readonly DropCounter _drops;
    private readonly string _copy;
    private long _written;

    public PredictionLog(PlatformDataSource dataSource, PlatformSchema schema, IOptions<ServingOptions> options, ILogger<PredictionLog> logger)
    {
        _dataSource = dataSource;
        _options = options.Value;
        _logger = logger;
        _queue = Channel.CreateBounded<PredictionLogEntry>(new BoundedChannelOptions(_options.LogQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _drops = new DropCounter("prediction_log rows", "the log queue was full (raise workflows:serving:logQueueCapacity, or lower sampleRate)", _options.DropReportInterval, logger);
        _copy = schema.Sql("COPY {schema}.prediction_log (prediction_id, pipeline, version, route, features, output_json) FROM STDIN (FORMAT BINARY)");
    }

    /// <summary>Rows written so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Rows dropped so far (the queue was full, or a write failed).</summary>
    public long Dropped => _drops.Total;

    /// <summary>Whether to log a request: true for <see cref="ServingOptions.SampleRate"/> of them, at random.</summary>
    public bool Sample() => _options.SampleRate >= 1 || (_options.SampleRate > 0 && Random.Shared.NextDouble() < _options.SampleRate);

    /// <summary>Queues a request's rows; never waits (drops and counts what does not fit).</summary>
    public void Write(string pipeline, int version, string route, ModelSchema schema, float[] features, float[] outputs, Guid[] predictionIds)
    {
        var inputWidth = schema.FeatureCount;
        var outputWidth = schema.OutputWidth;
        for (var row = 0; row < predictionIds.Length; row++)
        {
            var entry = new PredictionLogEntry(predictionIds[row], pipeline, version, route,
                features.AsSpan(row * inputWidth, inputWidth).ToArray(), outputs.AsSpan(row * outputWidth, outputWidth).ToArray(), schema.ClassLabels);
            if (!_queue.Writer.TryWrite(entry))
            {
                _drops.Add();
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PredictionLogEntry>(_options.LogBatchRows);
        var reader = _queue.Reader;
        try
        {
            while (true)
            {
                // Wakes at least once per drop-report interval, so drops are reported even when nothing else happens.
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    wait.CancelAfter(_options.DropReportInterval);
                    try
                    {
                        await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                    }
                }

                _drops.ReportIfDue();
                while (batch.Count < _options.LogBatchRows && reader.TryRead(out var entry))
                {
                    batch.Add(entry);
                }

                if (batch.Count > 0)
                {
                    await WriteAsync(batch, stoppingToken).ConfigureAwait(false);
                    batch.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Stopping: what is queued still goes out, within a few seconds.
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        batch.Clear();
        while (reader.TryRead(out var entry))
        {
            batch.Add(entry);
            if (batch.Count == _options.LogBatchRows || !reader.TryPeek(out _))
            {
                await WriteAsync(batch, drain.Token).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }

    private async Task WriteAsync(List<PredictionLogEntry> batch, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await _dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var import = await connection.BeginBinaryImportAsync(_copy, cancellationToken).ConfigureAwait(false);
                await using (import.ConfigureAwait(false))
                {
                    var json = new ArrayBufferWriter<byte>(256);
                    foreach (var entry in batch)
                    {
                        await import.StartRowAsync(cancellationToken).ConfigureAwait(false);
                        await import.WriteAsync(entry.PredictionId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                        await import.WriteAsync(entry.Pipeline, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                        await import.WriteAsync(entry.Version, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                        await import.WriteAsync(entry.Route, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                        await import.WriteAsync(entry.Features, NpgsqlDbType.Array | NpgsqlDbType.Real, cancellationToken).ConfigureAwait(false);
                        await import.WriteAsync(OutputJson(entry, json), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                    }

                    await import.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            Interlocked.Add(ref _written, batch.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWriteFailed(e, batch.Count);
            _drops.Add(batch.Count);
        }
    }

    /// <summary><c>{"label": "benign", "probabilities": {"benign": 0.97, ...}}</c>, or <c>{"value": 12.5}</c>.</summary>
    private static string OutputJson(PredictionLogEntry entry, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (entry.ClassLabels is { } labels)
            {
                json.WriteString("label", labels[PredictionResult.ArgMax(entry.Outputs)]);
                json.WriteStartObject("probabilities");
                for (var c = 0; c < labels.Count; c++)
                {
                    json.WriteNumber(labels[c], entry.Outputs[c]);
                }

                json.WriteEndObject();
            }
            else
            {
                json.WriteNumber("value", entry.Outputs[0]);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
