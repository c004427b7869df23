using BotBottle.Dlp;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The probe pass tests each probe for the start of a delimited-hex pattern (<see cref="DlpEngine.DelimitedHexNear"/>)
/// and looks no further at a probe that reads "no" there, so the test must answer, bit for bit, what its definition
/// says. Since the eleventh speed round a 64-bit XOR of the characters three apart answers "no" before the vector test
/// for most probes; this holds both together, at every position of generated texts, to a one-character-at-a-time
/// reference (a <c>:</c>, space or <c>-</c> at the probe or one of the two characters after it, with the same
/// character three on and hex digits two before and two after it), with repeats three apart of every kind (the same
/// delimiter, the same letter or digit, non-ASCII characters) and texts that end inside the XOR's reach.
/// </summary>
public class ProbeNearTests
{
    /// <summary>Hex digits of both cases, the three delimiters, other ASCII, and non-ASCII whose low byte is a hex digit or a delimiter.</summary>
    private const string Alphabet = "0123456789abcdefABCDEF0000xxXX:::   ---ghzGHZ.,;_/\n\t\0\u0130\u0161\u0178\u0120\u012D\u013A\u0141\u00E9\u4E2D\uFF10\u0230\u0158\u203A\u0120";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Delimited_hex_test_gives_the_documented_answer_at_every_position(int seed)
    {
        var random = new Random(seed);
        foreach (int length in new[] { 1, 5, 6, 7, 8, 9, 13, 16, 17, 64, 127, 500 })
        {
            for (int n = 0; n < 40; n++)
            {
                var chars = new char[length];
                for (int i = 0; i < length; i++)
                {
                    // Mostly hex pairs between delimiters ("3f:a0:…", "de-ad-…"), the other classes mixed in, and
                    // characters repeated three on (the XOR's zero lanes) without a delimiter.
                    chars[i] = random.Next(4) switch
                    {
                        0 => Alphabet[random.Next(Alphabet.Length)],
                        1 when i >= 3 => chars[i - 3],
                        _ => (i % 3) == 2 ? ":- "[(i / 30) % 3] : "0123456789abcdef"[random.Next(16)],
                    };
                }

                var text = new string(chars);
                for (int p = 0; p < length; p++)
                {
                    bool got = DlpEngine.DelimitedHexNear(text, p);
                    Assert.True(got == ReferenceHex(text, p), $"seed {seed}, length {length}, p {p}: delimited hex {got}; text: {Escape(text)}");
                }
            }
        }
    }

    /// <summary><see cref="DlpEngine.DelimitedHexNear"/> by its definition; near the text's edges (the first two and the last eight characters), its edge rule (a hex digit or a delimiter at the probe).</summary>
    private static bool ReferenceHex(string t, int p)
    {
        if (p < 2 || p + 9 > t.Length)
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

    private static string Escape(string s) => string.Concat(s.Select(c => c is >= ' ' and < '\u007f' ? c.ToString() : $"\\u{(int)c:X4}"));
}
