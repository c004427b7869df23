using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// Decoders of base85 (RFC 1924 and Ascii85, one group decoder) and of uuencode lines (red team 12 B23, B24, J03, B42,
/// J05), byte-yielding like base64 and hex. Ascii85 serves Adobe <c>&lt;~ … ~&gt;</c> blocks and undelimited blobs alike.
/// <list type="bullet">
/// <item><b>RFC 1924 base85</b> (RFC 1924 §4; Python <c>base64.b85encode</c>): digits
/// <c>0–9A–Za–z!#$%&amp;()*+-;&lt;=&gt;?@^_`{|}~</c> in that order are the values 0–84; five digits are a 32-bit
/// big-endian group, most significant digit first; a final group of k digits gives k − 1 bytes (padded with the highest
/// digit, as Python's decoder does).</item>
/// <item><b>uuencode</b> (POSIX.1-2017, <c>uuencode</c>, "Description of the uuencode format", historical algorithm):
/// each line is a length character (<c>0x20</c> + n, n ≤ 45 bytes) and 4 characters per 3 bytes, each character
/// <c>0x20</c> + a 6-bit value (GNU sharutils writes <c>`</c> for 0, which the decoding mask <c>&amp; 0x3F</c> reads as
/// 0 too).</item>
/// </list>
/// </summary>
internal static class Base85Decoders
{
    /// <summary>The RFC 1924 alphabet in value order (RFC 1924 §4).</summary>
    private const string Rfc1924Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";

    /// <summary>The RFC 1924 alphabet as a vectorised set.</summary>
    public static readonly SearchValues<char> Rfc1924Chars = SearchValues.Create(Rfc1924Alphabet);

    /// <summary>Ascii85's digits <c>!</c>–<c>u</c> and its <c>z</c> (four zero bytes; PostScript Language Reference 3rd ed. §3.13.3).</summary>
    public static readonly SearchValues<char> Ascii85Chars = SearchValues.Create("!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuz");

    private static readonly sbyte[] s_rfc1924 = BuildRfc1924();

    private static sbyte[] BuildRfc1924()
    {
        var t = new sbyte[128];
        Array.Fill(t, (sbyte)-1);
        for (int i = 0; i < Rfc1924Alphabet.Length; i++)
        {
            t[Rfc1924Alphabet[i]] = (sbyte)i;
        }

        return t;
    }

    /// <summary>The value (0–84) of an RFC 1924 base85 digit, or −1.</summary>
    public static int Rfc1924Value(char c) => c < 128 ? s_rfc1924[c] : -1;

    /// <summary>
    /// Decodes RFC 1924 base85 into <paramref name="dst"/> (room for 4/5 of the characters plus 4 bytes), skipping CR
    /// and LF (a wrapped blob) and stopping at any other character outside the alphabet, at a group whose value exceeds
    /// 2^32 − 1 (not base85) or when <paramref name="dst"/> is full. Returns the bytes written.
    /// </summary>
    public static int DecodeRfc1924(ReadOnlySpan<char> src, Span<byte> dst) => Decode85(src, dst, rfc1924: true);

    /// <summary>
    /// Decodes Ascii85 (PostScript Language Reference 3rd ed. §3.13.3: digits <c>!</c>–<c>u</c>, <c>z</c> = four zero
    /// bytes) into <paramref name="dst"/>, skipping blanks and line breaks and stopping at the first other character or
    /// when <paramref name="dst"/> is full; a group over 2^32 − 1 wraps (modulo 2^32). Returns the bytes written.
    /// </summary>
    public static int DecodeAscii85(ReadOnlySpan<char> src, Span<byte> dst) => Decode85(src, dst, rfc1924: false);

    /// <summary>
    /// The base-85 group decoder both alphabets share: five digits are a 32-bit big-endian group, most significant digit
    /// first; a final group of k digits gives k − 1 bytes, padded with the highest digit (84).
    /// </summary>
    private static int Decode85(ReadOnlySpan<char> src, Span<byte> dst, bool rfc1924)
    {
        int n = 0, count = 0;
        ulong acc = 0;
        foreach (char c in src)
        {
            if (c is '\r' or '\n' || (!rfc1924 && c is ' ' or '\t' or '\f'))
            {
                continue;
            }

            if (!rfc1924 && c == 'z' && count == 0)
            {
                if (n + 4 > dst.Length)
                {
                    return n;
                }

                dst.Slice(n, 4).Clear();
                n += 4;
                continue;
            }

            int v = rfc1924 ? Rfc1924Value(c) : c is >= '!' and <= 'u' ? c - '!' : -1;
            if (v < 0)
            {
                break;
            }

            acc = (acc * 85) + (uint)v;
            if (++count == 5)
            {
                if ((rfc1924 && acc > uint.MaxValue) || n + 4 > dst.Length)
                {
                    return n;
                }

                WriteGroup((uint)acc, 4, dst, ref n);
                (acc, count) = (0, 0);
            }
        }

        if (count > 1 && n + count - 1 <= dst.Length)
        {
            for (int pad = count; pad < 5; pad++)
            {
                acc = (acc * 85) + 84;
            }

            if (!rfc1924 || acc <= uint.MaxValue)
            {
                WriteGroup((uint)acc, count - 1, dst, ref n);
            }
        }

        return n;
    }

    /// <summary>Writes the first <paramref name="bytes"/> bytes of a big-endian 32-bit group.</summary>
    private static void WriteGroup(uint group, int bytes, Span<byte> dst, ref int n)
    {
        for (int b = 0; b < bytes; b++)
        {
            dst[n++] = (byte)(group >> (24 - (8 * b)));
        }
    }

    /// <summary>The characters of a uuencoded line: <c>0x20</c>–<c>0x60</c>.</summary>
    public static readonly SearchValues<char> UuChars = SearchValues.Create(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`");

    /// <summary>Trailing characters an editor or a copy may drop from a uuencoded line (its last group's zero values written as spaces).</summary>
    public const int UuTrimmedChars = 2;

    /// <summary>
    /// The byte count a uuencoded line (without its line break) declares when it is one: a length character
    /// <c>!</c>–<c>M</c> (1–45 bytes) followed by 4·⌈n/3⌉ characters of <c>0x20</c>–<c>0x60</c>, of which up to
    /// <see cref="UuTrimmedChars"/> trailing ones may be missing (trailing blanks trimmed); else −1.
    /// </summary>
    public static int UuLineBytes(ReadOnlySpan<char> line)
    {
        if (line.Length < 2 || line[0] is < '!' or > 'M')
        {
            return -1;
        }

        int n = line[0] - ' ';
        int expected = 1 + (4 * ((n + 2) / 3));
        if (line.Length > expected || line.Length < expected - UuTrimmedChars || line[1..].ContainsAnyExcept(UuChars))
        {
            return -1;
        }

        return n;
    }

    /// <summary>
    /// Decodes one uuencoded line that <see cref="UuLineBytes"/> accepted into <paramref name="dst"/> (room for its
    /// declared byte count); missing trailing characters are read as spaces (0). Returns the bytes written.
    /// </summary>
    public static int DecodeUuLine(ReadOnlySpan<char> line, Span<byte> dst)
    {
        int n = Math.Min(line[0] - ' ', dst.Length), k = 0;
        for (int i = 1; k < n; i += 4)
        {
            int v = 0;
            for (int q = 0; q < 4; q++)
            {
                v = (v << 6) | (i + q < line.Length ? (line[i + q] - ' ') & 0x3F : 0);
            }

            for (int b = 0; b < 3 && k < n; b++)
            {
                dst[k++] = (byte)(v >> (16 - (8 * b)));
            }
        }

        return k;
    }
}
