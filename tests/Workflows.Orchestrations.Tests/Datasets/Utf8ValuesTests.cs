using System.Globalization;
using System.Text;
using Workflows.Orchestrations.Datasets;

namespace Workflows.Orchestrations.Tests.Datasets;

public sealed class Utf8ValuesTests
{
    [Fact]
    public void The_fast_path_agrees_with_the_framework_on_value_and_canonical_text()
    {
        var random = new Random(7);
        var recognized = 0;
        for (var i = 0; i < 200_000; i++)
        {
            var text = RandomDecimal(random);
            var bytes = Encoding.ASCII.GetBytes(text);

            Assert.True(Utf8Values.TryParseDouble(bytes, out var value, out _, out var canonical), text);
            var expected = double.Parse(text, CultureInfo.InvariantCulture);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(value));
            // Sound, not complete: text it calls canonical is exactly the framework's; the rest is formatted, also right.
            Assert.True(!canonical || expected.ToString(CultureInfo.InvariantCulture) == text, text);
            recognized += canonical ? 1 : 0;
        }

        Assert.InRange(recognized, 100_000, 200_000); // most plain decimals take the copy path
    }

    [Theory]
    [InlineData("0.0001", true)]
    [InlineData("0.00001", false)]
    [InlineData("123456789012345", true)]
    [InlineData("1234567890123456", false)] // the framework writes it as is, but 16 digits need checking: formatted
    [InlineData("1.50", false)]
    [InlineData("01", false)]
    [InlineData("-0", true)]
    public void Canonical_text_is_recognized(string text, bool canonical)
    {
        Assert.True(Utf8Values.TryParseDouble(Encoding.ASCII.GetBytes(text), out var value, out _, out var isCanonical));
        Assert.Equal(canonical, isCanonical);
        Assert.True(!canonical || value.ToString(CultureInfo.InvariantCulture) == text);
    }

    private static string RandomDecimal(Random random)
    {
        var sign = random.Next(4) == 0 ? "-" : "";
        var integer = random.Next(3) switch
        {
            0 => "0",
            1 => random.NextInt64(1, 1000).ToString(CultureInfo.InvariantCulture),
            _ => random.NextInt64(1, 10_000_000_000_000_000).ToString(CultureInfo.InvariantCulture),
        };
        var fractionDigits = random.Next(0, 12);
        var fraction = string.Concat(Enumerable.Range(0, fractionDigits).Select(_ => (char)('0' + random.Next(10))));
        return fractionDigits == 0 ? sign + integer : $"{sign}{integer}.{fraction}";
    }
}
