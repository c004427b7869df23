using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace BotBottle.Dlp;

/// <summary>
/// r29 round: BIP-39 phrases (https://github.com/bitcoin/bips/blob/master/bip-0039.mediawiki) whose letters' case was
/// changed — in capitals (<c>BLOOD SKETCH STAGE …</c>, a recovery sheet typed with caps lock, <c>.upper()</c>), in title
/// case (<c>Purchase Next Slush …</c>), with a capital on the first word (<c>Vote shuffle penalty …</c>), in mixed case
/// (<c>crystal SOURCE curious ATHLETE …</c>), as lists (<c>["Desk", "Amount", …]</c>, <c>1. FIGURE\n2. TRAGIC</c>,
/// <c>AUNT,DUST,SCATTER,…</c>). The English wordlist is lower case and the phrase probe and the list walk read
/// <c>a</c>–<c>z</c> only (their vector tests and word keys are built on it), so the seed-break pass also stores the
/// capitals' positions, and a second seed-break bitmap with <c>A</c>–<c>Z</c> read as <c>a</c>–<c>z</c>
/// (<see cref="RunScanner.FoldedBreaksAt"/>) is computed block by block where a folded gate reads it
/// (<see cref="FoldedBits"/>). The folded gates are asked where a probe meets capitals (four or more within 64
/// characters; one to three when the lower-case bitmap without them holds a stretch long enough for a phrase), after a
/// lower-case walk of 4+ words short of a phrase (near a capital; 8+ words anywhere) or an unvalidated run, and after a
/// failed lower-case list walk; they read the text first (a wordlist word at the probe, or list glue after it). When
/// the stretch or list gate holds, a window of the text is copied with its capitals lower-cased and walked by the same
/// probe and list walk, and a phrase is reported at its place in the text as sent. Only phrases that hold a capital
/// are reported here (the others are the lower-case pass's), and only whole phrases whose BIP-39 checksum verifies
/// and that are their whole run of wordlist words (or all of it but one word, or its other words lower case): a
/// title-cased menu or shopping list of common words is an ordinary thing to write, and every 12–24-word window of a
/// long run would pass a 4–8-bit checksum too often.
/// </summary>
/// <remarks>
/// Cost: one more mask per 64 characters in the seed-break pass (the capitals) and a few register tests per probe;
/// the folded blocks and windows only where the gates hold. Each window is read once: a stretch's window is at most
/// <see cref="FoldedStretchMaxChars"/> characters, and the next folded attempt starts after it (with
/// <see cref="FoldedOverlapChars"/> of overlap when a stretch is cut, so that a phrase across the cut is read whole);
/// a list window reaches <see cref="FoldedListReach"/> characters each way and the next attempt starts after the
/// words walked.
/// </remarks>
public sealed partial class DlpEngine
{
    /// <summary>The longest stretch window copied at once (characters).</summary>
    private const int FoldedStretchMaxChars = 4096;

    /// <summary>Overlap between the windows of a stretch cut at <see cref="FoldedStretchMaxChars"/>: longer than a 24-word phrase (24 × 8 letters + 23 separators of up to 2 characters).</summary>
    private const int FoldedOverlapChars = 256;

    /// <summary>Characters copied each way around a probe that meets list glue: a 24-word list with the longest glue the list walk takes (16) is under 600.</summary>
    private const int FoldedListReach = 640;

    /// <summary>Lower-case wordlist words in a row, short of a phrase, after which the lower-case probe asks the folded stretch when a capital is near (a phrase with a capitalised word at an end or in the middle: the review found 4–7-word runs between capitals); from <see cref="FoldedLongRunWords"/> words on, without that test.</summary>
    private const int FoldedRunWords = 4;

    /// <summary>Lower-case wordlist words in a row after which the lower-case probe asks the folded stretch whether or not a capital is near.</summary>
    private const int FoldedLongRunWords = 8;

    /// <summary>Capitals among the 64 characters around a probe that ask the folded gates there (title case has one per word, about 9 in 64 characters; prose one or two).</summary>
    private const int FoldedMinCapitals = 4;

    /// <summary>Is there a capital in [<paramref name="p"/> − 64, <paramref name="p"/> + 64)? The lower-case probe's gate for a run of 4–7 words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool CapitalAround(ReadOnlySpan<ulong> capitals, int p) => (BitsFrom(capitals, Math.Max(0, p - 64), 0) | BitsFrom(capitals, p, 0)) != 0;

    /// <summary>
    /// The seed-stretch test (<see cref="InSeedStretch"/>) on the lower-case bitmap with the capitals' bits taken out:
    /// in registers, a close enough stand-in for the folded bitmap where a probe sees one to three capitals (a
    /// capitalised word inside a lower-case phrase) to spare prose, which fails it at a short word or punctuation, the
    /// folded bitmap's blocks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InSeedStretchWithoutCapitals(ReadOnlySpan<ulong> seedBreaks, ReadOnlySpan<ulong> capitals, int p, int length)
    {
        int breakAt = p + BitOperations.TrailingZeroCount(BitsFrom(seedBreaks, p) & ~BitsFrom(capitals, p, 0));
        int ahead = Math.Min(breakAt - p, length - p);
        ulong before = p >= 64 ? BitsFrom(seedBreaks, p - 64) & ~BitsFrom(capitals, p - 64, 0) : ulong.MaxValue;
        return ahead + BitOperations.LeadingZeroCount(before) >= SeedPhraseMinChars || p < 64;
    }

    /// <summary>The capitals in [<paramref name="p"/> − 32, <paramref name="p"/> + 32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CapitalsNear(ReadOnlySpan<ulong> capitals, int p) => BitOperations.PopCount(BitsFrom(capitals, Math.Max(0, p - 32), 0));

    /// <summary>
    /// The capitals' bitmap of a text (filled by the seed-break pass) and its case-folded seed-break bitmap, filled
    /// one 64-character block at a time when a folded gate first reads it (<see cref="RunScanner.FoldedBreaksAt"/>): most
    /// texts never need it, and filling it with the lower-case bitmap cost the pass as much again.
    /// </summary>
    private readonly ref struct FoldedBits
    {
        private readonly ReadOnlySpan<char> _text;
        private readonly Span<ulong> _breaks;
        private readonly Span<ulong> _filled;

        /// <param name="text">The text.</param>
        /// <param name="capitals">Its capitals' bitmap.</param>
        /// <param name="breaks">Room for the folded bitmap (one word per 64 characters).</param>
        /// <param name="filled">One bit per word of <paramref name="breaks"/> (cleared here).</param>
        public FoldedBits(ReadOnlySpan<char> text, ReadOnlySpan<ulong> capitals, Span<ulong> breaks, Span<ulong> filled)
        {
            _text = text;
            Capitals = capitals;
            _breaks = breaks;
            _filled = filled;
            filled.Clear();
        }

        /// <summary>Bit i: text position i is <c>A</c>–<c>Z</c>.</summary>
        public ReadOnlySpan<ulong> Capitals { get; }

        /// <summary>The folded bitmap, with words [<paramref name="fromWord"/>, <paramref name="toWord"/>] (clipped to the text) filled.</summary>
        public ReadOnlySpan<ulong> Breaks(int fromWord, int toWord)
        {
            for (int w = Math.Max(0, fromWord), last = Math.Min(_breaks.Length - 1, toWord); w <= last; w++)
            {
                ref ulong bits = ref _filled[w >> 6];
                if ((bits & (1UL << (w & 63))) == 0)
                {
                    _breaks[w] = RunScanner.FoldedBreaksAt(_text, w);
                    bits |= 1UL << (w & 63);
                }
            }

            return _breaks;
        }
    }

    /// <param name="text">The text.</param>
    /// <param name="folded">Its capitals and case-folded seed-break bitmap.</param>
    /// <param name="p">The probe.</param>
    /// <param name="foldFloor">Where folded attempts may start; moved past a window read.</param>
    /// <param name="st">Scan state.</param>
    /// <param name="layer">The text's layer.</param>
    /// <param name="lists">Ask the list gate too (a probe near <see cref="FoldedMinCapitals"/>+ capitals, or after a failed lower-case list walk).</param>
    [MethodImpl(MethodImplOptions.NoInlining)] // called from three places in ProbeScan's loop: kept out of it
    private void FoldedSeedsAt(ReadOnlySpan<char> text, ref FoldedBits folded, int p, ref int foldFloor, ref ScanState st, in Layer layer, bool lists = true)
    {
        // As in the lower-case probe, the probed word must be a wordlist word (prose and code mostly fail here; a phrase
        // is longer than the probe stride, so one of its words is probed), or list glue must follow within a word's
        // length: both read the text, before any block of the folded bitmap is computed.
        bool word = FoldedWordAt(text, p);
        if (!word && !(lists && FoldedListGlueNear(text, p)))
        {
            return;
        }

        var foldBreaks = folded.Breaks((p - 64) >> 6, (p + 128) >> 6); // what the stretch and list gates read
        int foldAt = p + BitOperations.TrailingZeroCount(BitsFrom(foldBreaks, p));
        if (InSeedStretch(foldBreaks, p, foldAt, text.Length))
        {
            if (word)
            {
                foldFloor = ScanFoldedStretch(text, ref folded, p, foldFloor, ref st, layer);
            }
        }
        else if (lists && SeedListNear(text, foldBreaks, p, foldAt, FoldedListGluePairs))
        {
            foldFloor = ScanFoldedList(text, p, ref st, layer);
        }
    }

    /// <summary>Reads the folded stretch around <paramref name="p"/> (not before <paramref name="floor"/>); returns where the next folded attempt may start.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ScanFoldedStretch(ReadOnlySpan<char> text, ref FoldedBits folded, int p, int floor, ref ScanState st, in Layer layer)
    {
        int fs = StretchStart(ref folded, p, Math.Max(floor, p - (FoldedStretchMaxChars / 2)));
        int limit = Math.Min(text.Length, fs + FoldedStretchMaxChars);
        int fe = StretchEnd(ref folded, p, limit);
        int resume = fe == limit && limit < text.Length ? fe - FoldedOverlapChars : fe;
        if (fe - fs < SeedPhraseMinChars || !text[fs..fe].ContainsAnyInRange('A', 'Z'))
        {
            return resume; // too short, or all lower case: the lower-case pass's
        }

        // One character of context each side, so that a word glued to a digit or a letter before the stretch reads as
        // it does in the text.
        int ws = Math.Max(0, fs - 1), we = Math.Min(text.Length, fe + 1);
        char[] buffer = ArrayPool<char>.Shared.Rent(we - ws);
        try
        {
            var window = buffer.AsSpan(0, we - ws);
            LowerCaseLetters(text[ws..we], window);
            int seedFloor = 0;
            for (int q = Math.Min(ProbeStride - 1, window.Length - 1); q < window.Length && !st.Full;)
            {
                int next = q + ProbeStride;
                if (SeedProbePoint(window, q) is int pt and >= 0)
                {
                    int after = CryptoRules.ProbeSeedPhrase(window, pt, seedFloor, out int s, out int len, out bool validated, out int runWords);
                    if (len > 0)
                    {
                        // The checksummed window must be the whole run of wordlist words, or all of it but one word at an
                        // end ("Seed Spray Diesel …"), or the run's other words lower case (prose before a capitalised
                        // phrase: "… next year Junk Symptom …"): every 12–24-word window of a long run of capitalised
                        // common words (a menu, a shopping list) passes a 4–8-bit checksum too often (the review: 91 % of
                        // 30-word runs).
                        if ((validated || CryptoRules.SeedLabelBefore(text, ws + s)) && text.Slice(ws + s, len).ContainsAnyInRange('A', 'Z')
                            && (runWords - Words(window.Slice(s, len)) <= 1 || CapitalisedWordsAround(text, window, ws, s, len) <= 1))
                        {
                            ReportRule(ref st, layer, _rules[_seedRule], ws + s, len, DlpEncodings.Plain, "seed phrase of BIP-39 words (letters' case changed)", 0, validated);
                        }
                    }
                    else if (SeedListAfterWalk(window, after))
                    {
                        after = Math.Max(after, FoldedListIn(text, window, ws, pt, ref st, layer)); // AUNT,DUST,SCATTER,…
                    }

                    seedFloor = Math.Max(seedFloor, after);
                    next = Math.Max(next, after + ProbeStride - 1);
                }

                q = next;
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }

        return resume;
    }

    /// <summary>Reads a list around <paramref name="p"/> on a folded window; returns where the next folded attempt may start (after the words walked).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ScanFoldedList(ReadOnlySpan<char> text, int p, ref ScanState st, in Layer layer)
    {
        int ws = Math.Max(0, p - FoldedListReach), we = Math.Min(text.Length, p + FoldedListReach);
        char[] buffer = ArrayPool<char>.Shared.Rent(we - ws);
        try
        {
            var window = buffer.AsSpan(0, we - ws);
            LowerCaseLetters(text[ws..we], window);
            return Math.Max(p + 1, FoldedListIn(text, window, ws, p - ws, ref st, layer));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The list walk (<see cref="CryptoRules.ProbeSeedList"/>) at <paramref name="p"/> of a folded
    /// <paramref name="window"/> that starts at <paramref name="ws"/> in <paramref name="text"/>: a whole phrase that
    /// holds a capital is reported. Returns the end of the words walked, in <paramref name="text"/>'s positions.
    /// </summary>
    private int FoldedListIn(ReadOnlySpan<char> text, ReadOnlySpan<char> window, int ws, int p, ref ScanState st, in Layer layer)
    {
        int after = CryptoRules.ProbeSeedList(window, p, out int s, out int len, out bool validated);
        if (len > 0 && text.Slice(ws + s, len).ContainsAnyInRange('A', 'Z'))
        {
            ReportRule(ref st, layer, _rules[_seedRule], ws + s, len, DlpEncodings.Plain, "seed phrase of BIP-39 words (a list, letters' case changed)", 0, validated);
        }

        return ws + after;
    }

    /// <summary>
    /// Is the word at <paramref name="p"/> (or right after the one or two separator characters there, as
    /// <see cref="SeedProbePoint"/> reads it), its letters' case folded, a 3–8-letter wordlist word standing alone?
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool FoldedWordAt(ReadOnlySpan<char> text, int p)
    {
        int q = p;
        while (q < text.Length && q <= p + 2 && !char.IsAsciiLetter(text[q]))
        {
            if (text[q] is not (' ' or ',' or '\n' or '\r' or '\t'))
            {
                return false;
            }

            q++;
        }

        if (q >= text.Length || q > p + 2 || !char.IsAsciiLetter(text[q]))
        {
            return false;
        }

        int ws = q, we = q;
        while (ws > 0 && q - ws < 9 && char.IsAsciiLetter(text[ws - 1]))
        {
            ws--;
        }

        while (we < text.Length && we - q < 9 && char.IsAsciiLetter(text[we]))
        {
            we++;
        }

        if (we - ws is < 3 or > 8 || (ws > 0 && char.IsAsciiDigit(text[ws - 1])) || (we < text.Length && char.IsAsciiLetterOrDigit(text[we])))
        {
            return false;
        }

        Span<char> word = stackalloc char[8];
        LowerCaseLetters(text[ws..we], word);
        return CryptoRules.WordIndex(word[..(we - ws)]) >= 0;
    }

    /// <summary>
    /// The words of the run around the window [<paramref name="s"/>, <paramref name="s"/> + <paramref name="len"/>) of
    /// the folded <paramref name="window"/> (wordlist words joined by up to three blanks, commas or line breaks, walked
    /// each way from the window) that hold a capital in <paramref name="text"/> (the window starts at
    /// <paramref name="ws"/> there).
    /// </summary>
    private static int CapitalisedWordsAround(ReadOnlySpan<char> text, ReadOnlySpan<char> window, int ws, int s, int len)
    {
        int count = 0;
        for (int at = s, guard = 0; guard < 32; guard++)
        {
            int e = at;
            while (e > 0 && at - e < 3 && window[e - 1] is ' ' or ',' or '\t' or '\r' or '\n')
            {
                e--;
            }

            int b = e;
            while (b > 0 && e - b < 9 && char.IsAsciiLetterLower(window[b - 1]))
            {
                b--;
            }

            if (e == at || e - b is < 3 or > 8 || (b > 0 && char.IsAsciiLetterOrDigit(window[b - 1])) || CryptoRules.WordIndex(window[b..e]) < 0)
            {
                break;
            }

            count += text.Slice(ws + b, e - b).ContainsAnyInRange('A', 'Z') ? 1 : 0;
            at = b;
        }

        for (int at = s + len, guard = 0; guard < 32; guard++)
        {
            int b = at;
            while (b < window.Length && b - at < 3 && window[b] is ' ' or ',' or '\t' or '\r' or '\n')
            {
                b++;
            }

            int e = b;
            while (e < window.Length && e - b < 9 && char.IsAsciiLetterLower(window[e]))
            {
                e++;
            }

            if (b == at || e - b is < 3 or > 8 || (e < window.Length && char.IsAsciiLetterOrDigit(window[e])) || CryptoRules.WordIndex(window[b..e]) < 0)
            {
                break;
            }

            count += text.Slice(ws + b, e - b).ContainsAnyInRange('A', 'Z') ? 1 : 0;
            at = e;
        }

        return count;
    }

    /// <summary>Words (runs of ASCII letters) in <paramref name="span"/>.</summary>
    private static int Words(ReadOnlySpan<char> span)
    {
        int words = 0;
        bool inWord = false;
        foreach (char c in span)
        {
            bool letter = char.IsAsciiLetter(c);
            words += letter && !inWord ? 1 : 0;
            inWord = letter;
        }

        return words;
    }

    /// <summary>
    /// Does list glue (<see cref="FoldedListGluePairs"/>: the first character at or after <paramref name="p"/>, within
    /// 10, that is neither an ASCII letter nor a blank, with the one after it) follow? The folded list gate's first test
    /// read on the text.
    /// </summary>
    private static bool FoldedListGlueNear(ReadOnlySpan<char> text, int p)
    {
        for (int q = p, end = Math.Min(text.Length - 1, p + 10); q < end; q++)
        {
            char c = text[q];
            if (char.IsAsciiLetter(c) || c is ' ' or '\t' or '\r' or '\n' or ',')
            {
                continue;
            }

            int pair = ((c & 127) << 7) | (text[q + 1] & 127);
            return c < 128 && ((FoldedListGluePairs[pair >> 6] >> (pair & 63)) & 1) != 0;
        }

        return false;
    }

    /// <summary>The start of the break-free stretch that holds <paramref name="p"/>: after the last set bit before it, not before <paramref name="floor"/>.</summary>
    private static int StretchStart(ref FoldedBits folded, int p, int floor)
    {
        int w = p >> 6;
        ulong m = folded.Breaks(w, w)[w] & ((1UL << (p & 63)) - 1);
        while (m == 0)
        {
            if (w == 0 || (w << 6) <= floor)
            {
                return floor;
            }

            w--;
            m = folded.Breaks(w, w)[w];
        }

        return Math.Max(floor, (w << 6) + 64 - BitOperations.LeadingZeroCount(m));
    }

    /// <summary>The first set bit at or after <paramref name="p"/>, or <paramref name="limit"/> when there is none before it.</summary>
    private static int StretchEnd(ref FoldedBits folded, int p, int limit)
    {
        for (int at = p; at < limit; at = (at | 63) + 1)
        {
            ulong m = folded.Breaks(at >> 6, at >> 6)[at >> 6] >> (at & 63);
            if (m != 0)
            {
                return Math.Min(limit, at + BitOperations.TrailingZeroCount(m));
            }
        }

        return limit;
    }

    /// <summary>Copies <paramref name="source"/> with <c>A</c>–<c>Z</c> lower-cased (ASCII only; every other character as it is).</summary>
    private static void LowerCaseLetters(ReadOnlySpan<char> source, Span<char> destination)
    {
        if (Ascii.ToLower(source, destination, out int done) == OperationStatus.Done)
        {
            return;
        }

        for (int k = done; k < source.Length; k++)
        {
            char c = source[k];
            destination[k] = c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;
        }
    }
}
