using System.Numerics;

namespace Workflows.Orchestrations.Scheduling;

/// <summary>The values one cron field allows, as a bit mask (every field's values fit in 0-63).</summary>
/// <param name="Mask">Bit <c>n</c> is set when value <c>n</c> is allowed.</param>
/// <param name="IsWildcard">
/// Whether the field was written starting with <c>*</c>. Cron uses this, not the set of values, to decide whether
/// day-of-month and day-of-week are both restricted (either may then match) or not (both must match).
/// </param>
internal readonly record struct CronValueSet(ulong Mask, bool IsWildcard)
{
    public bool Contains(int value) => value is >= 0 and < 64 && (Mask & (1UL << value)) != 0;

    /// <summary>The smallest allowed value at or above <paramref name="from"/>, or -1 when there is none.</summary>
    public int NextAtOrAfter(int from)
    {
        if (from >= 64)
        {
            return -1;
        }

        var remaining = Mask & (ulong.MaxValue << Math.Max(from, 0));
        return remaining == 0 ? -1 : BitOperations.TrailingZeroCount(remaining);
    }
}
