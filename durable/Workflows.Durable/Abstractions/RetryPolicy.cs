namespace Workflows.Durable;

/// <summary>
/// How an orchestrator retries a failed activity or sub-orchestration. Retries are durable: the wait between
/// attempts is a durable timer, so a retry survives process restarts.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>Creates a retry policy, validating every argument.</summary>
    /// <param name="maxNumberOfAttempts">Total attempts including the first; at least 1.</param>
    /// <param name="firstRetryInterval">Wait before the first retry; positive.</param>
    /// <param name="backoffCoefficient">Multiplier applied to the wait after each retry; at least 1.</param>
    /// <param name="maxRetryInterval">Cap on the wait between attempts; at least <paramref name="firstRetryInterval"/>.</param>
    /// <param name="retryTimeout">Give up once this much time has passed since the first attempt; positive.</param>
    public RetryPolicy(
        int maxNumberOfAttempts,
        TimeSpan firstRetryInterval,
        double backoffCoefficient = 1.0,
        TimeSpan? maxRetryInterval = null,
        TimeSpan? retryTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNumberOfAttempts, 1);
        if (firstRetryInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(firstRetryInterval), firstRetryInterval, "The first retry interval must be positive.");
        }

        if (double.IsNaN(backoffCoefficient) || backoffCoefficient < 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(backoffCoefficient), backoffCoefficient, "The backoff coefficient must be at least 1.");
        }

        if (maxRetryInterval is { } max && max < firstRetryInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRetryInterval), max, "The maximum retry interval must not be shorter than the first retry interval.");
        }

        if (retryTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retryTimeout), timeout, "The retry timeout must be positive.");
        }

        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval ?? TimeSpan.FromHours(1);
        RetryTimeout = retryTimeout;
    }

    /// <summary>Total attempts including the first.</summary>
    public int MaxNumberOfAttempts { get; }

    /// <summary>Wait before the first retry.</summary>
    public TimeSpan FirstRetryInterval { get; }

    /// <summary>Multiplier applied to the wait after each retry.</summary>
    public double BackoffCoefficient { get; }

    /// <summary>Cap on the wait between attempts (default one hour).</summary>
    public TimeSpan MaxRetryInterval { get; }

    /// <summary>Overall time limit for retrying, measured from the first attempt; none by default.</summary>
    public TimeSpan? RetryTimeout { get; }

    /// <summary>
    /// Decides whether a failure is worth retrying; all failures by default. It must be deterministic, since it
    /// runs in orchestrator code.
    /// </summary>
    public Func<TaskFailedException, bool> Handle { get; init; } = static _ => true;

    /// <summary>The wait after the given failed attempt (1-based).</summary>
    public TimeSpan GetDelayAfterAttempt(int attempt)
    {
        var ticks = FirstRetryInterval.Ticks * Math.Pow(BackoffCoefficient, attempt - 1);
        return ticks >= MaxRetryInterval.Ticks ? MaxRetryInterval : TimeSpan.FromTicks((long)ticks);
    }
}
