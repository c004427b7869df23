namespace BotBottle.Dlp;

/// <summary>
/// Twelfth red-team round: BIP-39 phrases (https://github.com/bitcoin/bips/blob/master/bip-0039.mediawiki) whose
/// words are joined by <c>-</c>, <c>_</c> or <c>/</c> (<c>slush-action-smart-…</c>, a slug, a path, an identifier).
/// Those three are token characters, so such a phrase is one token run and neither <see cref="ProbeSeedPhrase"/>
/// (blanks, line breaks, <c>, </c>) nor <see cref="ProbeSeedList"/> (list glue outside runs) walks it. The engine
/// calls <see cref="JoinedPhrase"/> on a token run long enough for 12 words that starts with such a join
/// (<see cref="JoinedPhraseStart"/>); it reports, as the list walk does, only a whole phrase: a maximal stretch of
/// wordlist words with one separator, exactly 12, 15, 18, 21 or 24 words, not ascending, with a valid checksum
/// (a slug of ordinary words fails the wordlist at its first non-list word, and a stretch of 12 random list words
/// passes the checksum with a chance of 1 in 16).
/// </summary>
internal static partial class CryptoRules
{
    /// <summary>Is one of the first elements of the run at <paramref name="rs"/> a 3–8-letter lower-case word followed by <c>-</c>, <c>_</c> or <c>/</c> and a lower-case letter? (A few compares; most runs fail at their first character.)</summary>
    internal static bool JoinedPhraseStart(ReadOnlySpan<char> t, int rs, int re)
    {
        int i = rs, limit = Math.Min(re - 1, rs + 12);
        while (i < limit)
        {
            int s = i;
            while (i < limit && char.IsAsciiLetterLower(t[i]))
            {
                i++;
            }

            if (i >= limit || !(t[i] is '-' or '_' or '/'))
            {
                return false;
            }

            if (i - s is >= 3 and <= 8 && char.IsAsciiLetterLower(t[i + 1]))
            {
                return true;
            }

            i++;
        }

        return false;
    }

    /// <summary>
    /// The first whole BIP-39 phrase joined by one of <c>-</c>, <c>_</c>, <c>/</c> in the token run
    /// <paramref name="rs"/> … <paramref name="re"/> (see the type's summary); false when there is none.
    /// </summary>
    /// <param name="t">The text.</param>
    /// <param name="rs">Start of the token run.</param>
    /// <param name="re">End of the token run.</param>
    /// <param name="start">Start of the phrase.</param>
    /// <param name="length">Its length.</param>
    /// <param name="validated">True when its checksum verified; false for a whole phrase under a label naming a seed phrase (r36).</param>
    internal static bool JoinedPhrase(ReadOnlySpan<char> t, int rs, int re, out int start, out int length, out bool validated)
    {
        start = length = 0;
        validated = false;
        Span<int> indexes = stackalloc int[MaxListWords];
        int pos = rs < re && IsEscapeLetter(t, rs) ? rs + 1 : rs; // "\nabandon-ability-…" (r36)
        while (pos < re)
        {
            // The next element start: a lower-case letter with no letter or digit before it.
            while (pos < re && !(char.IsAsciiLetterLower(t[pos]) && (pos == 0 || !char.IsAsciiLetterOrDigit(t[pos - 1]) || IsEscapeLetter(t, pos - 1))))
            {
                pos++;
            }

            if (re - pos < (12 * 3) + 11)
            {
                return false;
            }

            int first = pos, count = 0, lastEnd = pos;
            char sep = '\0';
            while (count < MaxListWords)
            {
                int idx = ListWord(t, pos, out int we);
                if (idx < 0 || we > re)
                {
                    pos = Math.Max(pos + 1, we);
                    break;
                }

                indexes[count++] = idx;
                lastEnd = we;
                pos = we;
                if (we + 1 >= re || !char.IsAsciiLetterLower(t[we + 1]) || (sep == '\0' ? !(t[we] is '-' or '_' or '/') : t[we] != sep))
                {
                    break;
                }

                sep = t[we];
                pos = we + 1;
            }

            validated = count is 12 or 15 or 18 or 21 or 24 && !IsAscending(indexes[..count]) && ChecksumOk(indexes[..count]);
            if (validated || UnvalidatedPhrase(t, first, indexes[..count]))
            {
                start = first;
                length = lastEnd - first;
                return true;
            }

            pos = Math.Max(pos, first + 1);
        }

        return false;
    }
}
