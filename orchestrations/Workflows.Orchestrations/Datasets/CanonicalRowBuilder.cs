using System.Buffers;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Builds one canonical CSV row: fields joined by ',', '\n' at the end, a field quoted (quotes doubled) only when it holds
/// ',', '"', CR or LF.
/// </summary>
internal sealed class CanonicalRowBuilder
{
    private static readonly SearchValues<byte> NeedsQuoting = SearchValues.Create(",\"\r\n"u8);

    private byte[] _buffer = new byte[4096];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Separator() => Append(","u8);

    public void EndRow() => Append("\n"u8);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        Length += bytes.Length;
    }

    public void AppendText(ReadOnlySpan<byte> text)
    {
        if (text.IndexOfAny(NeedsQuoting) < 0)
        {
            Append(text);
            return;
        }

        Append("\""u8);
        foreach (var part in text.Split((byte)'"'))
        {
            if (part.Start.Value > 0)
            {
                Append("\"\""u8);
            }

            Append(text[part]);
        }

        Append("\""u8);
    }

    public Span<byte> GetSpan(int size)
    {
        if (Length + size > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(Length + size, _buffer.Length * 2));
        }

        return _buffer.AsSpan(Length);
    }

    public void Advance(int count) => Length += count;
}
