using System.Text;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Counts of at most 10,000 distinct values; a value first seen after that only adds to an overflow count. Lookups
/// decode the UTF-8 bytes into a reused char buffer, so a value already counted costs no allocation.
/// </summary>
internal sealed class CategoryCounter
{
    public const int MaxTracked = 10_000;
    public const int MaxReported = 100;

    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private char[] _chars = new char[256];

    public CategoryCounter() => _lookup = _counts.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Values not tracked because 10,000 distinct ones were already.</summary>
    public long Overflow { get; private set; }

    public int Tracked => _counts.Count;

    public void Add(ReadOnlySpan<byte> utf8)
    {
        var text = Decode(utf8);
        if (_lookup.TryGetValue(text, out var count))
        {
            _lookup[text] = count + 1;
        }
        else if (_counts.Count < MaxTracked)
        {
            _counts.Add(text.ToString(), 1);
        }
        else
        {
            Overflow++;
        }
    }

    /// <summary>Whether the value is one of <paramref name="allowed"/> (an ordinal set).</summary>
    public bool IsIn(HashSet<string>.AlternateLookup<ReadOnlySpan<char>> allowed, ReadOnlySpan<byte> utf8) => allowed.Contains(Decode(utf8));

    public long CountOf(string value) => _counts.GetValueOrDefault(value);

    /// <summary>All tracked values, most frequent first, ties by ordinal value.</summary>
    public IReadOnlyList<CategoryCount> MostFrequent(int limit) =>
        _counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(limit)
            .Select(p => new CategoryCount(p.Key, p.Value)).ToArray();

    private ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8)
    {
        if (_chars.Length < utf8.Length)
        {
            _chars = new char[Math.Max(utf8.Length, _chars.Length * 2)];
        }

        return _chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, _chars));
    }
}
