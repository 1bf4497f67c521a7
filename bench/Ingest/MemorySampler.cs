namespace Workflows.Bench.Ingest;

/// <summary>Samples the managed heap and the working set every 10 ms and keeps the peaks.</summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _peakManaged;
    private long _peakWorkingSet;

    public MemorySampler() => _sampling = Task.Run(SampleAsync);

    public async Task<(long PeakManaged, long PeakWorkingSet)> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        Sample();
        return (_peakManaged, _peakWorkingSet);
    }

    public void Dispose() => _stop.Dispose();

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void Sample()
    {
        _peakManaged = Math.Max(_peakManaged, GC.GetTotalMemory(false));
        _peakWorkingSet = Math.Max(_peakWorkingSet, Environment.WorkingSet);
    }
}
