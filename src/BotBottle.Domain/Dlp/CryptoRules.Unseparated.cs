namespace BotBottle.Dlp;

/// <summary>
/// BIP-39 phrases (https://github.com/bitcoin/bips/blob/master/bip-0039.mediawiki) written without a separator the
/// other walks take: the words concatenated (<c>slushactionsmart…</c>), CamelCase (<c>SlushActionSmart…</c>), or as
/// host-name labels (<c>slush.action.smart….example.com</c>, <c>slush-action-smart-kidney.brush-….example.com</c>;
/// DNS lower-cases and splits what it carries into labels). A concatenated run is cut into words by a bounded search:
/// the BIP-39 spec says of its wordlist that "the first four letters [...] unambiguously identify the word" (checked
/// against the embedded list: no two of the 2048 words share their first four letters), so at each position at most
/// two words fit — the one 3-letter word that is those letters, if any, and the one longer word with those first four
/// letters. As the other walks, only a whole phrase is reported: 12, 15, 18, 21 or 24 words, not ascending, with a
/// valid checksum (1 in 16 for 12 random list words, 1 in 256 for 24).
/// </summary>
internal static partial class CryptoRules
{
    /// <summary>Letters of the shortest concatenated phrase the engine tries (12 words of 3 letters).</summary>
    internal const int ConcatenatedPhraseMinChars = 12 * 3;

    /// <summary>Letters of the longest: 24 words of 8 letters.</summary>
    internal const int ConcatenatedPhraseMaxChars = 24 * 8;

    /// <summary>Word boundaries the segmentation search may try for one run: it stops with no finding past this many.</summary>
    internal const int SegmentBudget = 512;

    /// <summary>
    /// Is the letter run <paramref name="run"/> (only ASCII letters, <see cref="ConcatenatedPhraseMinChars"/> to
    /// <see cref="ConcatenatedPhraseMaxChars"/> of them) a whole BIP-39 phrase written without separators? All
    /// lower-case, all upper-case, or CamelCase (an upper-case letter starts every word after the first and nowhere
    /// else; the words are then cut at the capitals). The search over cuts of a lower-case run visits at most
    /// <see cref="SegmentBudget"/> positions.
    /// </summary>
    internal static bool ConcatenatedPhrase(ReadOnlySpan<char> run)
    {
        int n = run.Length;
        if (n is < ConcatenatedPhraseMinChars or > ConcatenatedPhraseMaxChars)
        {
            return false;
        }

        Span<char> lower = stackalloc char[ConcatenatedPhraseMaxChars];
        int uppers = 0;
        for (int k = 0; k < n; k++)
        {
            char c = run[k];
            uppers += char.IsAsciiLetterUpper(c) ? 1 : 0;
            lower[k] = (char)(c | 0x20);
        }

        Span<int> indexes = stackalloc int[24];
        var text = lower[..n];
        if (uppers == 0 || uppers == n)
        {
            int budget = SegmentBudget;
            return Segment(text, 0, indexes, 0, ref budget);
        }

        // CamelCase: the capitals are the cuts.
        int count = 0, s = 0;
        for (int k = 1; k <= n; k++)
        {
            if (k < n && !char.IsAsciiLetterUpper(run[k]))
            {
                continue;
            }

            int idx = count < 24 ? WordIndex(text[s..k]) : -1;
            if (idx < 0)
            {
                return false;
            }

            indexes[count++] = idx;
            s = k;
        }

        return WholePhrase(indexes[..count]);
    }

    /// <summary>Depth-first search for cuts of <paramref name="t"/> from <paramref name="pos"/> into list words that make a whole phrase.</summary>
    private static bool Segment(ReadOnlySpan<char> t, int pos, Span<int> indexes, int count, ref int budget)
    {
        if (pos == t.Length)
        {
            return WholePhrase(indexes[..count]);
        }

        if (count == 24 || --budget < 0 || t.Length - pos < 3)
        {
            return false;
        }

        // The 3-letter word, then the one longer word with these first four letters (BIP-39: unique in 4 letters).
        int idx = WordIndex(t.Slice(pos, 3));
        if (idx >= 0)
        {
            indexes[count] = idx;
            if (Segment(t, pos + 3, indexes, count + 1, ref budget))
            {
                return true;
            }
        }

        for (int len = 4; len <= 8 && pos + len <= t.Length; len++)
        {
            idx = WordIndex(t.Slice(pos, len));
            if (idx >= 0)
            {
                indexes[count] = idx;
                return Segment(t, pos + len, indexes, count + 1, ref budget);
            }
        }

        return false;
    }

    /// <summary>12, 15, 18, 21 or 24 words, not a slice of the sorted list, with a valid checksum.</summary>
    private static bool WholePhrase(ReadOnlySpan<int> indexes) =>
        indexes.Length is 12 or 15 or 18 or 21 or 24 && !IsAscending(indexes) && ChecksumOk(indexes);

    /// <summary>
    /// A BIP-39 phrase in host-name labels: the host's elements between <c>.</c> and <c>-</c> (one word a label, or
    /// several hyphen-joined words a label), from the first element on a stretch of list words, whose first 12, 15,
    /// 18, 21 or 24 words are a whole phrase (the labels of the receiving domain may follow: <c>….keen.evil.com</c>).
    /// <paramref name="start"/> and <paramref name="length"/> span the phrase's words in <paramref name="h"/>.
    /// </summary>
    internal static bool HostPhrase(ReadOnlySpan<char> h, out int start, out int length)
    {
        start = length = 0;
        Span<int> indexes = stackalloc int[24];
        Span<int> ends = stackalloc int[24];
        int pos = 0, count = 0, first = 0;
        while (pos <= h.Length)
        {
            int e = pos;
            while (e < h.Length && h[e] is not ('.' or '-'))
            {
                e++;
            }

            int idx = e - pos is >= 3 and <= 8 ? WordIndex(h[pos..e]) : -1;
            if (idx >= 0 && count < 24)
            {
                if (count == 0)
                {
                    first = pos;
                }

                indexes[count] = idx;
                ends[count++] = e;
            }
            else
            {
                if (PhrasePrefix(indexes[..count], ends, first, out start, out length))
                {
                    return true;
                }

                count = 0;
                if (idx >= 0)
                {
                    first = pos;
                    indexes[count] = idx;
                    ends[count++] = e;
                }
            }

            pos = e + 1;
        }

        return PhrasePrefix(indexes[..count], ends, first, out start, out length);
    }

    private static bool PhrasePrefix(ReadOnlySpan<int> indexes, ReadOnlySpan<int> ends, int first, out int start, out int length)
    {
        for (int n = 24; n >= 12; n -= 3)
        {
            if (n <= indexes.Length && WholePhrase(indexes[..n]))
            {
                start = first;
                length = ends[n - 1] - first;
                return true;
            }
        }

        start = length = 0;
        return false;
    }
}
