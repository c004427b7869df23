using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace BotBottle.Dlp;

/// <summary>
/// Decoders for the normalisation layers. Each reads <c>src</c> and writes the decoded text to <c>dst</c> together
/// with <c>map</c>: <c>map[j]</c> is the index in <c>src</c> where decoded character <c>j</c> came from, and
/// <c>map[length]</c> is <c>src.Length</c>, so a decoded span [s, e) came from src[map[s], map[e]).
/// </summary>
internal static class TextDecoders
{
    /// <summary>
    /// Is <paramref name="t"/>[<paramref name="i"/>] the letter of a JSON string's escaped line break or tab
    /// (<c>\n</c>, <c>\r</c>, <c>\t</c>: RFC 8259 §7), its backslash not itself escaped? Text in a JSON string
    /// (an LLM request's message, a file's content) separates its lines and cells so, and a value right after one
    /// starts after the letter: a boundary test that reads that letter as part of the value's word (a card number,
    /// an IBAN, a WIF key, a label after <c>\n</c>) would miss it (r32 round).
    /// </summary>
    public static bool IsEscapeLetterAt(ReadOnlySpan<char> t, int i) =>
        i >= 1 && i < t.Length && t[i] is 'n' or 'r' or 't' && t[i - 1] == '\\' && (i < 2 || t[i - 2] != '\\');

    /// <summary>True when <paramref name="text"/> has a valid <c>%XX</c> at <paramref name="i"/>.</summary>
    public static bool IsPercentEscape(ReadOnlySpan<char> text, int i) =>
        i + 2 < text.Length && text[i] == '%' && Base64Helpers.HexValue(text[i + 1]) >= 0 && Base64Helpers.HexValue(text[i + 2]) >= 0;

    /// <summary>
    /// True when <paramref name="text"/> has a <c>%uXXXX</c> at <paramref name="i"/> (either case of <c>u</c>): the
    /// non-standard form JavaScript's <c>escape()</c> writes for a UTF-16 code unit above 0xFF (ECMA-262 Annex B.2.1.1,
    /// <c>escape ( string )</c>), which Microsoft IIS and some WAF bypasses also accept for any unit (<c>%u0067</c>).
    /// Not RFC 3986 percent-encoding; decoded by <see cref="PercentDecode"/> to the code unit.
    /// </summary>
    public static bool IsPercentUEscape(ReadOnlySpan<char> text, int i) =>
        i + 5 < text.Length && text[i] == '%' && (text[i + 1] | 0x20) == 'u' && IsHex4(text.Slice(i + 2, 4));

    /// <summary>
    /// True when <paramref name="text"/> has a backslash escape that can hide a token character at
    /// <paramref name="i"/> (<c>\uXXXX</c>, <c>\xHH</c>, <c>\/</c>) or, with <paramref name="all"/>, any JSON escape
    /// (<c>\n</c>, <c>\"</c>…; needed when a known secret contains such characters).
    /// </summary>
    public static bool IsBackslashEscape(ReadOnlySpan<char> text, int i, bool all = false)
    {
        if (i + 1 >= text.Length || text[i] != '\\')
        {
            return false;
        }

        return text[i + 1] switch
        {
            'u' => (i + 5 < text.Length && IsHex4(text.Slice(i + 2, 4))) || BracedCodePoint(text, i, out _) > 0,
            'U' => LongCodePoint(text, i) >= 0,
            'x' => i + 3 < text.Length && Base64Helpers.HexValue(text[i + 2]) >= 0 && Base64Helpers.HexValue(text[i + 3]) >= 0,
            '/' => true,
            'n' or 'r' or 't' or 'b' or 'f' or '"' or '\\' => all,
            _ => false,
        };
    }

    /// <summary>
    /// <c>\u{H…}</c> at <paramref name="i"/> (ECMAScript 2015, Rust, Swift: hex digits in braces; ECMAScript allows
    /// leading zeros, Rust up to 6 digits) of a code point of the Basic Multilingual Plane, 1–8 digits read; returns
    /// the escape's length and the character, or 0.
    /// </summary>
    private static int BracedCodePoint(ReadOnlySpan<char> text, int i, out char decoded)
    {
        decoded = '\0';
        if (i + 4 >= text.Length || text[i + 1] != 'u' || text[i + 2] != '{')
        {
            return 0;
        }

        int v = 0, k = i + 3;
        for (; k < text.Length && k - i - 3 < 8 && Base64Helpers.HexValue(text[k]) is int h and >= 0; k++)
        {
            v = (v << 4) | h;
        }

        if (k == i + 3 || k >= text.Length || text[k] != '}' || (uint)v > 0xFFFF)
        {
            return 0;
        }

        decoded = (char)v;
        return k + 1 - i;
    }

    /// <summary>
    /// <c>\UXXXXXXXX</c> at <paramref name="i"/>: exactly eight hex digits of a Unicode scalar value (at most 0x10FFFF,
    /// not a surrogate), as Python string literals (Python Language Reference §2.4.1, "\Uxxxxxxxx: Character with 32-bit
    /// hex value xxxxxxxx"), C99/C++ universal character names (ISO/IEC 9899:1999 §6.4.3) and Go (The Go Programming
    /// Language Specification, "Rune literals") write it. Returns the code point, or −1.
    /// </summary>
    private static int LongCodePoint(ReadOnlySpan<char> text, int i)
    {
        if (i + 9 >= text.Length || text[i] != '\\' || text[i + 1] != 'U')
        {
            return -1;
        }

        int v = 0;
        for (int k = i + 2; k < i + 10; k++)
        {
            int h = Base64Helpers.HexValue(text[k]);
            if (h < 0)
            {
                return -1;
            }

            v = (v << 4) | h;
        }

        return (uint)v <= 0x10FFFF && v is < 0xD800 or > 0xDFFF ? v : -1;
    }

    private static bool IsHex4(ReadOnlySpan<char> s) =>
        Base64Helpers.HexValue(s[0]) >= 0 && Base64Helpers.HexValue(s[1]) >= 0 && Base64Helpers.HexValue(s[2]) >= 0 && Base64Helpers.HexValue(s[3]) >= 0;

    /// <summary>
    /// One round of percent-decoding (RFC 3986 §2.1), and JavaScript's <c>%uXXXX</c> (<see cref="IsPercentUEscape"/>). Consecutive escapes forming UTF-8 become the encoded characters;
    /// an escape that is not part of valid UTF-8 becomes the Latin-1 character of its byte. With
    /// <paramref name="plusIsSpace"/> (application/x-www-form-urlencoded) <c>+</c> becomes a space.
    /// <paramref name="dst"/> and <paramref name="map"/> need <c>src.Length</c> and <c>src.Length + 1</c> elements.
    /// </summary>
    public static int PercentDecode(ReadOnlySpan<char> src, Span<char> dst, Span<int> map, bool plusIsSpace)
    {
        int j = 0, i = 0;
        Span<byte> utf8 = stackalloc byte[4];
        while (i < src.Length)
        {
            char c = src[i];
            if (c == '%' && IsPercentUEscape(src, i))
            {
                // %uXXXX (JavaScript escape(), ECMA-262 Annex B.2.1.1): one UTF-16 code unit; a surrogate pair is two escapes.
                dst[j] = (char)((Base64Helpers.HexValue(src[i + 2]) << 12) | (Base64Helpers.HexValue(src[i + 3]) << 8)
                    | (Base64Helpers.HexValue(src[i + 4]) << 4) | Base64Helpers.HexValue(src[i + 5]));
                map[j++] = i;
                i += 6;
                continue;
            }

            if (c == '%' && IsPercentEscape(src, i))
            {
                int b = (Base64Helpers.HexValue(src[i + 1]) << 4) | Base64Helpers.HexValue(src[i + 2]);
                int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                if (need > 1)
                {
                    int got = 0;
                    while (got < need && IsPercentEscape(src, i + (3 * got)))
                    {
                        int k = i + (3 * got);
                        utf8[got++] = (byte)((Base64Helpers.HexValue(src[k + 1]) << 4) | Base64Helpers.HexValue(src[k + 2]));
                    }

                    if (got == need && Rune.DecodeFromUtf8(utf8[..need], out var rune, out int consumed) == System.Buffers.OperationStatus.Done && consumed == need)
                    {
                        int written = rune.EncodeToUtf16(dst[j..]);
                        for (int w = 0; w < written; w++)
                        {
                            map[j + w] = i;
                        }

                        j += written;
                        i += 3 * need;
                        continue;
                    }
                }

                dst[j] = (char)b;
                map[j++] = i;
                i += 3;
                continue;
            }

            dst[j] = plusIsSpace && c == '+' ? ' ' : c;
            map[j++] = i++;
        }

        map[j] = src.Length;
        return j;
    }

    /// <summary>
    /// One round of backslash unescaping: JSON escapes (RFC 8259 §7: <c>\uXXXX</c>, <c>\/</c>, <c>\\</c>, <c>\"</c>,
    /// <c>\n</c>…), <c>\xHH</c>, <c>\u{H…}</c> (ECMAScript 2015) and <c>\UXXXXXXXX</c> (Python, C99, Go; <see cref="LongCodePoint"/>). Other backslashes are kept. Sizes as for <see cref="PercentDecode"/>.
    /// </summary>
    public static int Unescape(ReadOnlySpan<char> src, Span<char> dst, Span<int> map)
    {
        int j = 0, i = 0;
        while (i < src.Length)
        {
            char c = src[i];
            if (c == '\\' && i + 1 < src.Length)
            {
                char e = src[i + 1];
                int consumed = 0;
                char decoded = '\0';
                switch (e)
                {
                    case 'u' when i + 5 < src.Length && IsHex4(src.Slice(i + 2, 4)):
                        decoded = (char)((Base64Helpers.HexValue(src[i + 2]) << 12) | (Base64Helpers.HexValue(src[i + 3]) << 8)
                            | (Base64Helpers.HexValue(src[i + 4]) << 4) | Base64Helpers.HexValue(src[i + 5]));
                        consumed = 6;
                        break;
                    case 'x' when i + 3 < src.Length && Base64Helpers.HexValue(src[i + 2]) >= 0 && Base64Helpers.HexValue(src[i + 3]) >= 0:
                        decoded = (char)((Base64Helpers.HexValue(src[i + 2]) << 4) | Base64Helpers.HexValue(src[i + 3]));
                        consumed = 4;
                        break;
                    case 'u':
                        consumed = BracedCodePoint(src, i, out decoded); // \u{67}
                        break;
                    case 'U' when LongCodePoint(src, i) is int cp and >= 0:
                        // \U00000067 (Python, C99, Go): a supplementary code point becomes its surrogate pair.
                        if (cp > 0xFFFF)
                        {
                            dst[j] = char.ConvertFromUtf32(cp)[0];
                            map[j++] = i;
                            decoded = char.ConvertFromUtf32(cp)[1];
                        }
                        else
                        {
                            decoded = (char)cp;
                        }

                        consumed = 10;
                        break;
                    case '/' or '\\' or '"' or '\'':
                        decoded = e;
                        consumed = 2;
                        break;
                    case 'n':
                        decoded = '\n';
                        consumed = 2;
                        break;
                    case 'r':
                        decoded = '\r';
                        consumed = 2;
                        break;
                    case 't':
                        decoded = '\t';
                        consumed = 2;
                        break;
                    case 'b':
                        decoded = '\b';
                        consumed = 2;
                        break;
                    case 'f':
                        decoded = '\f';
                        consumed = 2;
                        break;
                }

                if (consumed > 0)
                {
                    dst[j] = decoded;
                    map[j++] = i;
                    i += consumed;
                    continue;
                }
            }

            dst[j] = c;
            map[j++] = i++;
        }

        map[j] = src.Length;
        return j;
    }

    /// <summary>Length of the Unicode-folded form of <paramref name="src"/> (see <see cref="UnicodeFold"/>).</summary>
    public static int FoldedLength(ReadOnlySpan<char> src)
    {
        int n = 0;
        for (int i = 0; i < src.Length; i++)
        {
            char c = src[i];
            if (c < 0x80)
            {
                n++;
                continue;
            }

            int cp = c;
            int width = 1;
            if (char.IsHighSurrogate(c) && i + 1 < src.Length && char.IsLowSurrogate(src[i + 1]))
            {
                cp = char.ConvertToUtf32(c, src[i + 1]);
                width = 2;
            }

            n += UnicodeFold.Map(cp, out string? folded) switch
            {
                UnicodeFold.Kind.Invisible => 0,
                UnicodeFold.Kind.Folded => folded!.Length,
                _ => width,
            };
            i += width - 1;
        }

        return n;
    }

    /// <summary>
    /// Unicode folding: compatibility characters whose NFKC form is ASCII become that ASCII (full-width letters,
    /// mathematical alphanumerics, ligatures, no-break spaces…); invisible characters (format characters such as
    /// zero-width space/joiner, soft hyphen, BOM, bidi controls, tag characters; combining marks; Hangul fillers) are
    /// removed. <paramref name="dst"/> needs <see cref="FoldedLength"/> elements and <paramref name="map"/> one more.
    /// </summary>
    public static int Fold(ReadOnlySpan<char> src, Span<char> dst, Span<int> map)
    {
        int j = 0;
        for (int i = 0; i < src.Length; i++)
        {
            char c = src[i];
            if (c < 0x80)
            {
                dst[j] = c;
                map[j++] = i;
                continue;
            }

            int cp = c;
            int width = 1;
            if (char.IsHighSurrogate(c) && i + 1 < src.Length && char.IsLowSurrogate(src[i + 1]))
            {
                cp = char.ConvertToUtf32(c, src[i + 1]);
                width = 2;
            }

            switch (UnicodeFold.Map(cp, out string? folded))
            {
                case UnicodeFold.Kind.Invisible:
                    break;
                case UnicodeFold.Kind.Folded:
                    foreach (char f in folded!)
                    {
                        dst[j] = f;
                        map[j++] = i;
                    }

                    break;
                default:
                    for (int w = 0; w < width; w++)
                    {
                        dst[j] = src[i + w];
                        map[j++] = i + w;
                    }

                    break;
            }

            i += width - 1;
        }

        map[j] = src.Length;
        return j;
    }
}

/// <summary>
/// The compatibility-folding table: built once, lazily, from the runtime's NFKC normalisation (Unicode Standard Annex
/// #15) over the BMP and the supplementary blocks that hold letter and digit look-alikes (Mathematical Alphanumeric
/// Symbols U+1D400–1D7FF, Enclosed Alphanumeric Supplement U+1F100–1F1FF). Only mappings whose result is entirely
/// ASCII are kept, since every credential format is ASCII. Where the runtime cannot normalise (globalization-invariant
/// mode without normalisation data) the table falls back to the full-width forms U+FF01–FF5E and the no-break spaces.
/// </summary>
internal static class UnicodeFold
{
    public enum Kind
    {
        Unchanged,
        Folded,
        Invisible,
    }

    private static readonly Lazy<(FrozenDictionary<int, string> Map, byte[] BmpKinds)> s_table = new(Build);

    /// <summary>True when <paramref name="c"/> (a UTF-16 unit ≥ 0x80) may fold or vanish; surrogates always answer true.</summary>
    public static bool IsTrigger(char c) => char.IsSurrogate(c) || s_table.Value.BmpKinds[c] != (byte)Kind.Unchanged;

    public static Kind Map(int codePoint, out string? folded)
    {
        folded = null;
        var table = s_table.Value;
        var kind = codePoint < 0x10000 ? (Kind)table.BmpKinds[codePoint] : IsInvisible(codePoint) ? Kind.Invisible : table.Map.ContainsKey(codePoint) ? Kind.Folded : Kind.Unchanged;
        if (kind == Kind.Folded)
        {
            folded = table.Map[codePoint];
        }

        return kind;
    }

    private static bool IsInvisible(int cp)
    {
        if (cp is 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800)
        {
            return true; // Hangul fillers and the braille blank render as nothing
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        return category is UnicodeCategory.Format or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark;
    }

    private static (FrozenDictionary<int, string>, byte[]) Build()
    {
        var map = new Dictionary<int, string>();
        var kinds = new byte[65536];
        bool normalizationWorks;
        try
        {
            normalizationWorks = "\uFF21".Normalize(NormalizationForm.FormKC) == "A";
        }
        catch (PlatformNotSupportedException)
        {
            normalizationWorks = false;
        }

        void Set(int cp, Kind kind)
        {
            if (cp < 0x10000)
            {
                kinds[cp] = (byte)kind;
            }
        }

        void Consider(int cp)
        {
            if (IsInvisible(cp))
            {
                Set(cp, Kind.Invisible);
                return;
            }

            if (!normalizationWorks)
            {
                return;
            }

            string s = char.ConvertFromUtf32(cp);
            string n;
            try
            {
                n = s.Normalize(NormalizationForm.FormKC);
            }
            catch (ArgumentException)
            {
                return;
            }

            if (n != s && n.Length > 0 && System.Text.Ascii.IsValid(n))
            {
                map[cp] = n;
                Set(cp, Kind.Folded);
            }
        }

        for (int cp = 0x80; cp < 0x10000; cp++)
        {
            if (cp is < 0xD800 or > 0xDFFF)
            {
                Consider(cp);
            }
        }

        if (normalizationWorks)
        {
            for (int cp = 0x1D400; cp < 0x1D800; cp++)
            {
                Consider(cp);
            }

            for (int cp = 0x1F100; cp < 0x1F200; cp++)
            {
                Consider(cp);
            }
        }
        else
        {
            for (int cp = 0xFF01; cp <= 0xFF5E; cp++)
            {
                map[cp] = ((char)(cp - 0xFEE0)).ToString();
                Set(cp, Kind.Folded);
            }

            foreach (int cp in new[] { 0xA0, 0x2007, 0x202F, 0x3000 })
            {
                map[cp] = " ";
                Set(cp, Kind.Folded);
            }
        }

        // Homoglyphs: Cyrillic and Greek letters that render like an ASCII letter (Unicode Technical Standard #39,
        // confusables.txt, https://www.unicode.org/Public/security/latest/confusables.txt, entries whose prototype is one
        // ASCII letter). NFKC keeps them, so "АKIA" with a Cyrillic А would otherwise hide an AWS key.
        foreach (var (from, to) in s_confusables)
        {
            if (kinds[from] == (byte)Kind.Unchanged)
            {
                map[from] = to.ToString();
                Set(from, Kind.Folded);
            }
        }

        return (map.ToFrozenDictionary(), kinds);
    }

    /// <summary>Cyrillic and Greek letters and their ASCII look-alikes (UTS #39 confusables.txt).</summary>
    private static readonly (char From, char To)[] s_confusables =
    [
        ('\u0410', 'A'), ('\u0412', 'B'), ('\u0415', 'E'), ('\u041A', 'K'), ('\u041C', 'M'), ('\u041D', 'H'), ('\u041E', 'O'),
        ('\u0420', 'P'), ('\u0421', 'C'), ('\u0422', 'T'), ('\u0425', 'X'), ('\u0405', 'S'), ('\u0406', 'I'), ('\u0408', 'J'),
        ('\u04AE', 'Y'), ('\u051A', 'Q'), ('\u051C', 'W'), ('\u0430', 'a'), ('\u0435', 'e'), ('\u043E', 'o'), ('\u0440', 'p'),
        ('\u0441', 'c'), ('\u0443', 'y'), ('\u0445', 'x'), ('\u0455', 's'), ('\u0456', 'i'), ('\u0458', 'j'), ('\u04BB', 'h'),
        ('\u043A', 'k'), ('\u0501', 'd'), ('\u051B', 'q'), ('\u051D', 'w'), ('\u04CF', 'l'), ('\u0391', 'A'), ('\u0392', 'B'), ('\u0395', 'E'),
        ('\u0396', 'Z'), ('\u0397', 'H'), ('\u0399', 'I'), ('\u039A', 'K'), ('\u039C', 'M'), ('\u039D', 'N'), ('\u039F', 'O'),
        ('\u03A1', 'P'), ('\u03A4', 'T'), ('\u03A5', 'Y'), ('\u03A7', 'X'), ('\u03BF', 'o'), ('\u03BD', 'v'), ('\u03B1', 'a'),
        ('\u03C1', 'p'), ('\u03B9', 'i'), ('\u03C5', 'u'),
    ];
}
