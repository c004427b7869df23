using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BotBottle.Dlp;

/// <summary>
/// Eleventh issue-16 round (<c>reach11</c>): BIP-39 phrases written as lists (<see cref="CryptoRules.ProbeSeedList"/>),
/// reached from the probe pass without a pass of their own. A list's glue holds seed breaks (a quote, a digit, <c>.</c>,
/// <c>)</c>, <c>-</c>, <c>|</c>), so its probes fail the seed-stretch test; at such a probe the first break ahead is
/// read from the bitmap the stretch test reads, and only when it is within a word's length and one of those characters
/// is the list walk called (<see cref="SeedListNear"/>). Words glued by bare commas make no break at all: the phrase
/// walk stops at the comma, and the list walk is called there (<see cref="SeedListAfterWalk"/>).
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>
    /// Bit <c>(c &amp; 127) &lt;&lt; 7 | (n &amp; 127)</c> is set for the pairs (break character <c>c</c>, character
    /// after it <c>n</c>) that list glue starts with: a quote before <c>,</c> or a lower-case letter, <c>\"</c>,
    /// <c>\n</c>, a digit before <c>.</c> or <c>)</c>, and <c>.</c> <c>)</c> <c>-</c> <c>*</c> <c>|</c> before a blank.
    /// </summary>
    private static readonly ulong[] ListGluePairs = BuildListGluePairs(folded: false);

    /// <summary><see cref="ListGluePairs"/> with a quote before a capital too: the gate of a list read on the case-folded bitmap (r29, <c>DlpEngine.FoldedSeeds.cs</c>).</summary>
    private static readonly ulong[] FoldedListGluePairs = BuildListGluePairs(folded: true);

    private static ulong[] BuildListGluePairs(bool folded)
    {
        var bits = new ulong[128 * 128 / 64];
        void Set(char c, char n)
        {
            int i = (c << 7) | n;
            bits[i >> 6] |= 1UL << (i & 63);
        }

        foreach (char quote in "\"'")
        {
            Set(quote, ',');
            for (char l = 'a'; l <= 'z'; l++)
            {
                Set(quote, l);
                if (folded)
                {
                    Set(quote, char.ToUpperInvariant(l));
                }
            }
        }

        Set('\\', '"');
        Set('\\', 'n');
        Set('\\', 't'); // r36: words one per JSON-escaped line or tab
        Set('\\', 'r');
        for (char d = '0'; d <= '9'; d++)
        {
            Set(d, '.');
            Set(d, ')');
        }

        foreach (char g in ".)-*|")
        {
            Set(g, ' ');
        }

        return bits;
    }

    /// <summary>
    /// The gate at a probe that failed the seed-stretch test: the first seed break at or after <paramref name="p"/>,
    /// <paramref name="q"/> (read once for both), is within 9 characters (a word's length) and, with the character after it, starts list glue
    /// (<see cref="ListGluePairs"/>; one table bit and no data-dependent branch before it, since most probes fail here),
    /// and then <see cref="SeedListGlueAt"/> holds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SeedListNear(ReadOnlySpan<char> text, ReadOnlySpan<ulong> breaks, int p, int q, ulong[] pairs)
    {
        if (q + 2 >= text.Length)
        {
            return false;
        }

        ref char at = ref Unsafe.Add(ref MemoryMarshal.GetReference(text), q);
        int pair = ((at & 127) << 7) | (Unsafe.Add(ref at, 1) & 127);
        ulong bit = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(pairs), pair >> 6) >> (pair & 63);
        return ((bit & 1) != 0) & (q - p <= 9) && SeedListGlueAt(text, breaks, q);
    }

    /// <summary>
    /// Is the seed break <paramref name="q"/> list glue as lists are written: a quoted word and a comma after
    /// <c>",</c> / <c>', </c> / <c>",\n    "</c> (JSON and Python arrays, compact, spaced or pretty-printed: a closing
    /// quote, the next string's opening quote within 16 characters, and that string a word followed by a comma), or an
    /// opening quote after a comma, blank or line break whose string is a word followed by a comma — a JSON object's
    /// <c>"key":</c> is not; <c>\",</c> / <c>,\"</c> (an array inside a JSON string); a list number (<c>2. </c>,
    /// <c>2) </c>) after a line break, blank or escaped <c>\n</c>; <c>\n2</c> / <c>\n-</c> (a numbered or bullet list
    /// inside a JSON string); a bullet (<c>- </c>, <c>* </c>) at a line start; <c> | </c>. Lists numbered past 9 are
    /// reached from their first nine lines.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool SeedListGlueAt(ReadOnlySpan<char> text, ReadOnlySpan<ulong> breaks, int q)
    {
        if (q < 2)
        {
            return false;
        }

        char c = text[q], n = text[q + 1];
        switch (c)
        {
            case '"' or '\'':
                if (n == ',')
                {
                    int o = q + 1 + BitOperations.TrailingZeroCount(BitsFrom(breaks, q + 1));
                    return o - q <= 16 && o < text.Length && text[o] == c && QuotedWordThenComma(text, breaks, o);
                }

                return text[q - 1] is ',' or ' ' or '\n' && QuotedWordThenComma(text, breaks, q);
            case '\\':
                // \n2. / \n- : a numbered or bullet list inside a JSON string; \n, \t, \r\n before a word: words one per
                // escaped line (r36; the list walk takes the escape as glue, ProbeSeedPhrase reads its letter as a word's)
                return n == '"' ? text[q + 2] == ',' || text[q - 1] == ','
                    : char.IsAsciiDigit(text[q + 2]) || text[q + 2] is '-' or '*' || (char.IsAsciiLetterLower(text[q + 2]) && char.IsAsciiLetterLower(text[q - 1]))
                    || (n == 'r' && text[q + 2] == '\\');
            case >= '0' and <= '9':
                return text[q - 1] is '\n' or ' ' || AfterEscapedBreak(text, q);
            case '.' or ')':
                return char.IsAsciiDigit(text[q - 1]);
            case '-' or '*':
                return text[q - 1] == '\n' || AfterEscapedBreak(text, q);
            case '|':
                return text[q - 1] == ' ';
            default:
                return false;
        }
    }

    /// <summary>Is the string opened by the quote at <paramref name="o"/> a word (up to 8 characters) closed by the same quote and followed by a comma?</summary>
    private static bool QuotedWordThenComma(ReadOnlySpan<char> text, ReadOnlySpan<ulong> breaks, int o)
    {
        int r = o + 1 + BitOperations.TrailingZeroCount(BitsFrom(breaks, o + 1));
        return r - o <= 9 && r + 1 < text.Length && text[r] == text[o] && text[r + 1] == ',';
    }

    /// <summary>Is the character before <paramref name="q"/> the <c>n</c> of a JSON-escaped line break (<c>\n2. </c>, <c>\n- </c> inside a string)?</summary>
    private static bool AfterEscapedBreak(ReadOnlySpan<char> text, int q) => text[q - 1] == 'n' && text[q - 2] == '\\';

    /// <summary>
    /// After the phrase walk stopped at <paramref name="after"/> without a phrase: is a bare comma there, with a
    /// lower-case letter after it (<c>abandon,ability,…</c>)?
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SeedListAfterWalk(ReadOnlySpan<char> text, int after) =>
        after + 1 < text.Length && text[after] == ',' && char.IsAsciiLetterLower(text[after + 1]);

    /// <summary>Walks a BIP-39 list at <paramref name="p"/> and reports a whole phrase whose checksum verifies (or, unvalidated, one under a label naming a seed phrase); returns the end of a reported list, else <paramref name="p"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ScanSeedList(ReadOnlySpan<char> text, int p, ref ScanState st, in Layer layer)
    {
        int after = CryptoRules.ProbeSeedList(text, p, out int s, out int len, out bool validated);
        if (len > 0)
        {
            ReportRule(ref st, layer, _rules[_seedRule], s, len, DlpEncodings.Plain, "seed phrase of BIP-39 words (a list)", 0, validated);
            return after;
        }

        // Nothing reported: the probe grid goes on unchanged (the walk may have looked up to 16 characters past p for a
        // word; moving the next probe past that could step over another pattern the grid would meet).
        return p;
    }
}
