using BotBottle.Dlp;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The probe pass tests each probe for the start of a delimited-hex pattern and of a <c>0x</c> array with one window of
/// 16 characters narrowed to bytes (<see cref="DlpEngine.ProbeNear"/>, tenth speed round). A probe that reads
/// "no" there is never looked at again, so the window must answer, bit for bit, what the two tests' definitions say:
/// this holds it, at every position of generated texts, to a one-character-at-a-time reference of
/// <see cref="DlpEngine.DelimitedHexNear"/> (a <c>:</c>, space or <c>-</c> at the probe or one of the two characters
/// after it, with the same character three on and hex digits two before and two after it) and of
/// <see cref="DlpEngine.ZeroXNear"/> (a <c>0</c> before <c>x</c> or <c>X</c>, starting three before the probe to six
/// after it), including characters above 0x7F whose low byte is a hex digit, a delimiter, <c>0</c> or <c>x</c>.
/// </summary>
public class ProbeNearTests
{
    /// <summary>Hex digits of both cases, the three delimiters, <c>0x</c> parts, other ASCII, and non-ASCII whose low byte is one of those (a narrow without the cap would misread them).</summary>
    private const string Alphabet = "0123456789abcdefABCDEF0000xxXX:::   ---ghzGHZ.,;_/\n\t\0\u0130\u0161\u0178\u0120\u012D\u013A\u0141\u00E9\u4E2D\uFF10\u0230\u0158";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Window_test_gives_the_documented_answers_at_every_position(int seed)
    {
        var random = new Random(seed);
        foreach (int length in new[] { 1, 5, 13, 16, 17, 64, 127, 500 })
        {
            for (int n = 0; n < 20; n++)
            {
                var chars = new char[length];
                for (int i = 0; i < length; i++)
                {
                    // Mostly hex pairs between delimiters ("3f:a0:…", "0x41, 0x4b"), with the other classes mixed in.
                    chars[i] = random.Next(3) == 0 ? Alphabet[random.Next(Alphabet.Length)] : (i % 3) == 2 ? ":- "[(i / 30) % 3] : "0123456789abcdefx"[random.Next(17)];
                }

                var text = new string(chars);
                for (int p = 0; p < length; p++)
                {
                    DlpEngine.ProbeNear(text, p, out bool hex, out bool zeroX);
                    Assert.True(hex == ReferenceHex(text, p), $"seed {seed}, length {length}, p {p}: delimited hex {hex}; text: {Escape(text)}");
                    Assert.True(zeroX == ReferenceZeroX(text, p), $"seed {seed}, length {length}, p {p}: 0x {zeroX}; text: {Escape(text)}");
                }
            }
        }
    }

    /// <summary><see cref="DlpEngine.DelimitedHexNear"/> by its definition; near the text's edges, its edge rule (a hex digit or a delimiter at the probe).</summary>
    private static bool ReferenceHex(string t, int p)
    {
        if (p < 2 || p + 6 > t.Length)
        {
            return p < t.Length && (char.IsAsciiHexDigit(t[p]) || t[p] is ':' or ' ' or '-');
        }

        for (int q = p; q <= p + 2; q++)
        {
            if (t[q] is ':' or ' ' or '-' && t[q + 3] == t[q] && char.IsAsciiHexDigit(t[q - 2]) && char.IsAsciiHexDigit(t[q - 1])
                && char.IsAsciiHexDigit(t[q + 1]) && char.IsAsciiHexDigit(t[q + 2]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><see cref="DlpEngine.ZeroXNear"/> by its definition; near the text's edges, true (the array test that follows checks bounds).</summary>
    private static bool ReferenceZeroX(string t, int p)
    {
        if (p < 3 || p + 13 > t.Length)
        {
            return true;
        }

        for (int k = p - 3; k <= p + 6; k++)
        {
            if (t[k] == '0' && t[k + 1] is 'x' or 'X')
            {
                return true;
            }
        }

        return false;
    }

    private static string Escape(string s) => string.Concat(s.Select(c => c is >= ' ' and < '\u007f' ? c.ToString() : $"\\u{(int)c:X4}"));
}
