using System.Runtime.CompilerServices;

namespace BotBottle.Dlp;

/// <summary>
/// Eleventh issue-16 round (<c>reach11</c>): BIP-39 phrases (https://github.com/bitcoin/bips/blob/master/bip-0039.mediawiki)
/// written as lists — a JSON array (<c>["abandon","ability",…]</c>, spaced, pretty-printed or JSON-escaped), a Python
/// list, a numbered list (<c>1. abandon\n2. ability</c>, <c>1) abandon 2) ability</c>), a Markdown bullet list, bare
/// commas or <c>|</c>. <see cref="ProbeSeedPhrase"/> accepts a blank, a line break or <c>, </c> between words only; this
/// walk takes any <em>glue</em> of up to <see cref="MaxListGlue"/> characters from quotes, commas, blanks, line breaks
/// (also the JSON escapes <c>\n</c>, <c>\r</c>, <c>\t</c>), digits, <c>.</c>, <c>)</c>, <c>-</c>, <c>*</c>, <c>|</c>,
/// <c>;</c> and <c>[</c> <c>]</c>-free backslashes, the same glue between every two words (digit runs compare equal,
/// so <c>9. </c> and <c>10. </c> are one glue). Since a list of wordlist words is an ordinary thing to write (tags,
/// keywords), a list is reported only when it is a whole phrase: exactly 12, 15, 18, 21 or 24 words, not ascending
/// (a slice of the sorted wordlist), whose BIP-39 checksum verifies. A list of 12 random wordlist words passes the
/// 4-bit checksum with a chance of 1 in 16; of 24 words, 1 in 256. Since r36 a whole list under a label naming a seed
/// phrase is reported without the checksum (<c>CryptoRules.SeedContext.cs</c>).
/// </summary>
internal static partial class CryptoRules
{
    /// <summary>The longest glue between two list words (<c>",\n            "</c>: a pretty-printed array nested five deep).</summary>
    private const int MaxListGlue = 16;

    /// <summary>Words the walk reads back from the probed word and forward from the list's start (a 24-word phrase and then some).</summary>
    private const int MaxListWords = 30;

    /// <summary>Is <paramref name="c"/> a character of a list's glue (escape letters apart)?</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsListGlue(char c) =>
        c is '"' or '\'' or ',' or ' ' or '\t' or '\r' or '\n' or '.' or ')' or '-' or '*' or '|' or ';' or '\\' || char.IsAsciiDigit(c);

    /// <summary>Is the letter at <paramref name="i"/> the second character of a JSON escape <c>\n</c>, <c>\r</c> or <c>\t</c>?</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsEscapeLetter(ReadOnlySpan<char> t, int i) => t[i] is 'n' or 'r' or 't' && i > 0 && t[i - 1] == '\\' && (i < 2 || t[i - 2] != '\\');

    /// <summary>
    /// Looks for a BIP-39 phrase written as a list around <paramref name="p"/> (a list word at or up to 16 characters
    /// after it): see the type's summary for the shapes. Returns the position where probing may continue (after the
    /// list, or after the word looked at).
    /// </summary>
    /// <param name="t">The text.</param>
    /// <param name="p">A position in or just before a list word.</param>
    /// <param name="start">Start of the phrase (its first word); valid when <paramref name="length"/> &gt; 0.</param>
    /// <param name="length">Length of the phrase (first word to last word), 0 when there is none.</param>
    /// <param name="validated">True when the phrase's checksum verified; false for a whole list under a label naming a seed phrase (<see cref="UnvalidatedPhrase"/>, r36).</param>
    /// <returns>The position after the words walked.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int ProbeSeedList(ReadOnlySpan<char> t, int p, out int start, out int length, out bool validated)
    {
        start = length = 0;
        validated = false;

        // The word at p, or the first one after it.
        int s = p;
        if (s < t.Length && char.IsAsciiLetterLower(t[s]))
        {
            while (s > 0 && p - s < 9 && char.IsAsciiLetterLower(t[s - 1]) && !IsEscapeLetter(t, s - 1))
            {
                s--;
            }
        }
        else
        {
            while (s < t.Length && s - p < MaxListGlue && !char.IsAsciiLetterLower(t[s]))
            {
                s++;
            }
        }

        if (s < t.Length && IsEscapeLetter(t, s))
        {
            s++; // the probe fell on a JSON escape ("\nabandon"): its letter is glue, the word follows (r36)
        }

        if (ListWord(t, s, out int e) < 0)
        {
            return Math.Max(p + 1, e);
        }

        // Back over glue and words to the list's first word (the glue between the probed word and the next one, or
        // the first glue found, is the list's), then forward over the whole list once.
        int sigStart = -1, sigEnd = -1;
        int next = GlueAfter(t, e);
        if (next > e && ListWord(t, next, out _) >= 0)
        {
            sigStart = e;
            sigEnd = next;
        }

        int first = s;
        for (int back = 0; back < MaxListWords; back++)
        {
            int g = GlueBefore(t, first);
            if (g == first || g == 0 || !char.IsAsciiLetterLower(t[g - 1]))
            {
                break;
            }

            int ps = g;
            while (ps > 0 && g - ps < 9 && char.IsAsciiLetterLower(t[ps - 1]) && !IsEscapeLetter(t, ps - 1))
            {
                ps--;
            }

            if (ListWord(t, ps, out int pe) < 0 || pe != g)
            {
                break;
            }

            if (sigStart < 0)
            {
                sigStart = g;
                sigEnd = first;
            }
            else if (!SameGlue(t, sigStart, sigEnd, g, first))
            {
                break;
            }

            first = ps;
        }

        if (sigStart < 0 || IsPhraseSeparator(t[sigStart..sigEnd]))
        {
            return e; // no list, or words glued as ProbeSeedPhrase reads them (its walk is the one for those)
        }

        Span<int> indexes = stackalloc int[MaxListWords];
        Span<int> starts = stackalloc int[MaxListWords];
        Span<int> ends = stackalloc int[MaxListWords];
        int count = 0, pos = first, lastEnd = e;
        while (count < MaxListWords)
        {
            int idx = ListWord(t, pos, out int we);
            if (idx < 0)
            {
                break;
            }

            indexes[count] = idx;
            starts[count] = pos;
            ends[count] = we;
            count++;
            lastEnd = we;
            int g = GlueAfter(t, we);
            if (g == we || !SameGlue(t, sigStart, sigEnd, we, g))
            {
                break;
            }

            pos = g;
        }

        // A whole phrase only: 12, 15, 18, 21 or 24 words (the walk stops at the list's ends, or past 24 words). One
        // word more than a phrase may be a wordlist word just before a numbered list whose glue reads the same ("note\n1.
        // junk\n2. symptom …": list numbers compare equal whatever their digits; r29): then, when the glue after that
        // word holds the number 1, the list without it (not in other lists: the review found 13-item tag arrays whose
        // last 12 passed the checksum).
        // (r36) Also when that first word is "seed" or "phrase", the end of the list's label ("seed phrase\nabandon\n…").
        int skip = count is 13 or 16 or 19 or 22 or 25 && (NumberedOne(t[ends[0]..starts[1]]) || IsLabelWord(indexes[0])) ? 1 : 0;
        if (count - skip is 12 or 15 or 18 or 21 or 24 && !IsAscending(indexes[skip..count]) && ChecksumOk(indexes[skip..count]))
        {
            start = starts[skip];
            length = ends[count - 1] - start;
            validated = true;
        }
        else if (UnvalidatedPhrase(t, starts[skip], indexes[skip..count]))
        {
            start = starts[skip];
            length = ends[count - 1] - start;
        }

        return Math.Max(e, lastEnd);
    }

    /// <summary>Does <paramref name="glue"/> hold the number 1 alone (<c>\n1. </c>, <c> 1) </c>): a numbered list's first item after it?</summary>
    private static bool NumberedOne(ReadOnlySpan<char> glue)
    {
        int d = glue.IndexOfAnyInRange('0', '9');
        return d >= 0 && glue[d] == '1' && (d + 1 == glue.Length || !char.IsAsciiDigit(glue[d + 1])) && glue[(d + 1)..].IndexOfAnyInRange('0', '9') < 0;
    }

    /// <summary>The wordlist index of the word that starts at <paramref name="s"/> (3–8 letters a–z with no letter or digit on either side, a JSON escape letter before it apart), or -1; <paramref name="e"/> is where its letters end.</summary>
    private static int ListWord(ReadOnlySpan<char> t, int s, out int e)
    {
        e = s;
        if (s >= t.Length || (s > 0 && char.IsAsciiLetterOrDigit(t[s - 1]) && !IsEscapeLetter(t, s - 1)))
        {
            return -1;
        }

        ulong key = ScanWord(t, s, out e);
        return e < t.Length && char.IsAsciiLetterOrDigit(t[e]) ? -1 : Lookup(key);
    }

    /// <summary>The end of the glue from <paramref name="e"/> on (at most <see cref="MaxListGlue"/> characters; a JSON escape counts whole), <paramref name="e"/> when there is none.</summary>
    private static int GlueAfter(ReadOnlySpan<char> t, int e)
    {
        int i = e;
        while (i < t.Length && i - e < MaxListGlue)
        {
            char c = t[i];
            if (c == '\\' && i + 1 < t.Length && t[i + 1] is 'n' or 'r' or 't')
            {
                i += 2;
            }
            else if (IsListGlue(c))
            {
                i++;
            }
            else
            {
                break;
            }
        }

        return i - e <= MaxListGlue && i < t.Length && char.IsAsciiLetterLower(t[i]) ? i : e;
    }

    /// <summary>The start of the glue that ends at <paramref name="s"/> (at most <see cref="MaxListGlue"/> characters back), <paramref name="s"/> when there is none.</summary>
    private static int GlueBefore(ReadOnlySpan<char> t, int s)
    {
        int i = s;
        while (i > 0 && s - i < MaxListGlue)
        {
            if (IsEscapeLetter(t, i - 1))
            {
                i -= 2;
            }
            else if (IsListGlue(t[i - 1]))
            {
                i--;
            }
            else
            {
                break;
            }
        }

        return s - i <= MaxListGlue ? i : s;
    }

    /// <summary>Are two glues the same, digit runs compared as one digit (<c>9. </c> and <c>10. </c>)?</summary>
    private static bool SameGlue(ReadOnlySpan<char> t, int a, int ae, int b, int be)
    {
        while (a < ae && b < be)
        {
            bool da = char.IsAsciiDigit(t[a]), db = char.IsAsciiDigit(t[b]);
            if (da != db || (!da && t[a] != t[b]))
            {
                return false;
            }

            if (da)
            {
                while (a < ae && char.IsAsciiDigit(t[a]))
                {
                    a++;
                }

                while (b < be && char.IsAsciiDigit(t[b]))
                {
                    b++;
                }
            }
            else
            {
                a++;
                b++;
            }
        }

        return a == ae && b == be;
    }

    /// <summary>Is the glue one that <see cref="ProbeSeedPhrase"/> walks itself (a blank, tab or line break, after an optional <c>,</c> or <c>\r</c>)?</summary>
    private static bool IsPhraseSeparator(ReadOnlySpan<char> g) =>
        g.Length switch
        {
            1 => g[0] is ' ' or '\n' or '\t',
            2 => g[0] is ',' or '\r' && g[1] is ' ' or '\n' or '\t',
            _ => false,
        };
}
