namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// A field as the first pass parsed it as a real number (see <see cref="Utf8Values.TryParseDouble"/>), handed to the
/// profiling of the same cell so that the text is parsed once. Not <see cref="Parsed"/>: not tried, or not a number;
/// the profiling then parses the field itself. <see cref="Exact"/>: a short decimal, so a whole <see cref="Value"/> is
/// exactly the long the text says.
/// </summary>
/// <remarks>A double and a byte of flags: 16 bytes, returned in registers, once per cell.</remarks>
internal readonly struct ParsedNumber
{
    private const byte ParsedFlag = 1;
    private const byte IntegerFlag = 2;
    private const byte CanonicalFlag = 4;
    private const byte ExactFlag = 8;

    private readonly byte _flags;

    public ParsedNumber(bool parsed, double value, bool isInteger, bool isCanonical, bool exact)
    {
        Value = value;
        _flags = (byte)((parsed ? ParsedFlag : 0) | (isInteger ? IntegerFlag : 0) | (isCanonical ? CanonicalFlag : 0) | (exact ? ExactFlag : 0));
    }

    public static ParsedNumber None => default;

    public double Value { get; }

    public bool Parsed => (_flags & ParsedFlag) != 0;

    public bool IsInteger => (_flags & IntegerFlag) != 0;

    public bool IsCanonical => (_flags & CanonicalFlag) != 0;

    public bool Exact => (_flags & ExactFlag) != 0;
}
