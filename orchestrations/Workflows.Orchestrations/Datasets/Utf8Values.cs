using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Parses and canonicalizes values straight from UTF-8 field bytes. The common decimal forms take a fast exact path
/// (Clinger's: a mantissa below 2^53 divided by an exact power of ten is correctly rounded); anything else falls back to
/// the framework's invariant parser, so results always equal <c>double.Parse(text, CultureInfo.InvariantCulture)</c>.
/// </summary>
internal static class Utf8Values
{
    private const ulong MaxExactMantissa = 1UL << 53;
    private const int MaxFastDigits = 18;

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>Leading and trailing ASCII spaces and tabs removed: "1, 2" is common and means 2.</summary>
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> value) =>
        NeedsTrim(value) ? value.Trim(" \t"u8) : value; // most values have nothing to trim

    /// <summary>Whether <see cref="Trim"/> would remove anything.</summary>
    public static bool NeedsTrim(ReadOnlySpan<byte> value) => !value.IsEmpty && (IsSpaceOrTab(value[0]) || IsSpaceOrTab(value[^1]));

    /// <summary>
    /// Parses a real number. <paramref name="isInteger"/>: the text is a plain whole number that fits a long.
    /// <paramref name="isCanonical"/>: the text is exactly what <see cref="FormatDouble"/> writes for the value.
    /// </summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value, out bool isInteger, out bool isCanonical)
    {
        var number = ParseDouble(text);
        (value, isInteger, isCanonical) = (number.Value, number.IsInteger, number.IsCanonical);
        return number.Parsed;
    }

    /// <summary>As <see cref="TryParseDouble"/>, with the outcome as one value.</summary>
    public static ParsedNumber ParseDouble(ReadOnlySpan<byte> text)
    {
        if (TryParseFast(text, out var value, out var isInteger, out var isCanonical))
        {
            return new ParsedNumber(true, value, isInteger, isCanonical, exact: true);
        }

        isInteger = TryParseLongSlow(text, out _);
        var parsed = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        return new ParsedNumber(parsed, value, isInteger, false, exact: false);
    }

    /// <summary>Parses a whole number; <paramref name="isCanonical"/> when the text is its canonical form.</summary>
    public static bool TryParseLong(ReadOnlySpan<byte> text, out long value, out bool isCanonical) =>
        TryParseLong(text, ParsedNumber.None, out value, out isCanonical);

    /// <summary>As <see cref="TryParseLong(ReadOnlySpan{byte}, out long, out bool)"/>, reusing the text's parse as a real number when it has one.</summary>
    public static bool TryParseLong(ReadOnlySpan<byte> text, ParsedNumber parsed, out long value, out bool isCanonical)
    {
        if (!parsed.Parsed && TryParseFast(text, out var real, out var isInteger, out var canonical))
        {
            parsed = new ParsedNumber(true, real, isInteger, canonical, exact: true);
        }

        if (parsed is { Exact: true, IsInteger: true })
        {
            value = (long)parsed.Value;
            isCanonical = parsed.IsCanonical && !text.SequenceEqual("-0"u8); // the long is 0
            return true;
        }

        isCanonical = false;
        return TryParseLongSlow(text, out value);
    }

    /// <summary>true/false, yes/no, 1/0 in any case; <paramref name="isWord"/> when it was not 1/0.</summary>
    public static bool TryParseBoolean(ReadOnlySpan<byte> text, out bool value, out bool isWord)
    {
        isWord = text.Length > 1;
        if (text.SequenceEqual("1"u8) || Ascii.EqualsIgnoreCase(text, "true"u8) || Ascii.EqualsIgnoreCase(text, "yes"u8))
        {
            value = true;
            return true;
        }

        value = false;
        return text.SequenceEqual("0"u8) || Ascii.EqualsIgnoreCase(text, "false"u8) || Ascii.EqualsIgnoreCase(text, "no"u8);
    }

    /// <summary>Writes the shortest text that round-trips (invariant culture); "1.0" and "1" both become "1".</summary>
    public static int FormatDouble(double value, Span<byte> destination)
    {
        value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        return written;
    }

    public static int FormatLong(long value, Span<byte> destination)
    {
        value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        return written;
    }

    private static bool IsSpaceOrTab(byte b) => b is (byte)' ' or (byte)'\t';

    private static bool TryParseLongSlow(ReadOnlySpan<byte> text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>
    /// [-]digits[.digits] with at most 18 digits and a mantissa of at most 2^53; anything else (exponents, '+',
    /// spaces, long mantissas) goes the slow way. One pass over the bytes, which also decides whether the text is
    /// canonical (see <see cref="IsCanonical"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per numeric cell: its out values then stay in registers
    internal static bool TryParseFast(ReadOnlySpan<byte> text, out double value, out bool isInteger, out bool isCanonical)
    {
        value = 0;
        isInteger = false;
        isCanonical = false;
        var length = text.Length;
        ref var first = ref MemoryMarshal.GetReference(text);
        var i = length > 0 && first == (byte)'-' ? 1 : 0;
        var integerStart = i;
        ulong mantissa = 0;
        uint digit;
        while (i < length && (digit = (uint)(Unsafe.Add(ref first, i) - '0')) <= 9)
        {
            mantissa = (mantissa * 10) + digit;
            i++;
        }

        var integerDigits = i - integerStart;
        var fractionDigits = 0;
        var fractionLeadingZeros = 0;
        var wholeIsZero = false;
        if (i < length && Unsafe.Add(ref first, i) == (byte)'.')
        {
            var fractionStart = ++i;
            var mantissaBeforeFraction = mantissa;
            while (i < length && (digit = (uint)(Unsafe.Add(ref first, i) - '0')) <= 9)
            {
                mantissa = (mantissa * 10) + digit;
                i++;
            }

            fractionDigits = i - fractionStart;
            if (fractionDigits == 0)
            {
                return false;
            }

            // Zeros right after the point are not significant when the whole part is 0.
            if (mantissaBeforeFraction == 0)
            {
                wholeIsZero = true;
                var zero = fractionStart;
                while (zero < i && Unsafe.Add(ref first, zero) == (byte)'0')
                {
                    zero++;
                }

                fractionLeadingZeros = zero - fractionStart;
            }
        }

        if (i != length || integerDigits == 0 || integerDigits + fractionDigits > MaxFastDigits || mantissa > MaxExactMantissa)
        {
            return false;
        }

        value = fractionDigits == 0 ? mantissa : mantissa / PowersOfTen[fractionDigits];
        if (integerStart == 1)
        {
            value = -value;
        }

        isInteger = fractionDigits == 0;
        isCanonical = IsCanonical(
            leadingZero: integerDigits > 1 && Unsafe.Add(ref first, integerStart) == (byte)'0',
            integerDigits, fractionDigits, wholeIsZero, fractionLeadingZeros, trailingZero: Unsafe.Add(ref first, length - 1) == (byte)'0', isInteger);
        return true;
    }

    /// <summary>
    /// Whether the digits are exactly what the shortest round-trip formatting writes: no redundant zeros, at most 15
    /// significant digits (those round-trip, so no shorter text exists), and in the range .NET writes without an exponent
    /// (below 1e15, and 1e-4 or more).
    /// </summary>
    private static bool IsCanonical(bool leadingZero, int integerDigits, int fractionDigits, bool wholeIsZero, int fractionLeadingZeros, bool trailingZero, bool isInteger)
    {
        if (leadingZero)
        {
            return false;
        }

        if (isInteger)
        {
            // As a whole number the text is canonical for Integer columns; in Numeric columns the limit is 15 digits.
            return integerDigits <= 15;
        }

        if (trailingZero || fractionLeadingZeros > 3)
        {
            return false;
        }

        var significant = wholeIsZero ? fractionDigits - fractionLeadingZeros : integerDigits + fractionDigits;
        return significant <= 15;
    }
}
