using System.Buffers;
using System.Runtime.CompilerServices;

namespace BotBottle.Dlp;

/// <summary>
/// Keys spelled out one character at a time (sixth issue-16 round), found from the classifier's
/// <see cref="Candidate.Spelled"/> blocks (<see cref="RunScanner.SpelledMarks"/>: a 64-character block with 10+
/// isolated token characters or digit runs; ordinary text has a few) and rescanned as a layer like the other decoders:
/// <list type="bullet">
/// <item><b>a separator between every character</b> (encoding <c>separated</c>): one data character, then the same
/// group of one to four separator characters (blank, tab, <c>.</c>, <c>,</c>, <c>:</c>, <c>;</c>, <c>|</c>, <c>*</c>,
/// <c>-</c>, <c>_</c>, <c>+</c>, <c>/</c>, and quotes since the ninth round: a character list
/// <c>['g','h','p',…]</c>, <c>["g", "h", …]</c>), repeated: <c>g.h.p._.A…</c>, <c>g h p _ A …</c>, <c>g. h. p.</c>. Token
/// separators (<c>g-_h-_p</c>, <c>g--h--p</c>, a pattern starting one character into a run) keep the stretch one token
/// run and are found at run level (<see cref="SeparatedInRun"/>);</item>
/// <item><b>character codes</b> (encoding <c>char-codes</c>): 16+ decimal (<c>103</c>) or hex (<c>0x7</c>; lists of <c>0x</c> and two hex digits are the byte-array layer's) numbers
/// in the printable ASCII range separated by commas or semicolons, optionally with blanks — <c>String.fromCharCode(103,104,…)</c>
/// (ECMA-262 §22.1.2.1), a JSON or Python list of code points, <c>bytes([…])</c>;</item>
/// <item><b>three-digit octal escapes</b> (encoding <c>escape</c>): <c>\147\150\160…</c> as <c>printf</c> (POSIX
/// printf(1): <c>\ddd</c>), <c>echo -e</c>, C and Python write them, 4+ escapes in a segment.</item>
/// </list>
/// Each decoder walks the structure once; the block cursor skips what it consumed, so a long structure is walked once.
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>Data characters a spelled-out key needs before its collapsed text is scanned.</summary>
    private const int SpelledMinChars = 16;

    /// <summary>The fewest digits of a payment card number the card rule reports (ISO/IEC 7812-1 allows 8–19).</summary>
    private const int CardMinDigits = 13;

    /// <summary>The longest collapsed text scanned at once (every credential format is shorter; a longer spelled-out stretch is scanned in pieces).</summary>
    private const int SpelledMaxChars = 1024;

    /// <summary>Data characters two consecutive pieces of a long spelled-out stretch share (longer than any credential format).</summary>
    private const int SpelledOverlap = 128;

    /// <summary>
    /// Looks for a spelled-out key, a list of character codes or octal escapes starting in the 64-character block at
    /// <paramref name="b"/> (at or after <paramref name="floor"/>, which it moves past what it walked).
    /// </summary>
    private void ScanSpelled(ReadOnlySpan<char> text, int b, ref ScanState st, in Layer layer, ref int floor)
    {
        int end = Math.Min(text.Length, b + 64);
        int qpUntil = 0; // the end of a stretch walked for quoted-printable without enough escapes: not walked again from this block
        for (int i = Math.Max(b, floor); i < end && !st.Full && st.Depth < MaxDeepLayers;)
        {
            char c = text[i];
            int next = -1;
            if (c == '\\')
            {
                next = OctalEscapes(text, i, floor, ref st, layer);
            }
            else if (char.IsAsciiDigit(c) && (i == 0 || !char.IsAsciiLetterOrDigit(text[i - 1])))
            {
                // Both: "65 75 73 …" is a list of decimal codes and, read as hex pairs, a dump line (DlpEngine.HexDumps.cs).
                next = Math.Max(HexDumpAt(text, i, floor, ref st, layer), CharCodeList(text, i, floor, ref st, layer));
                if (next < 0)
                {
                    next = OdCharsAt(text, i, floor, ref st, layer); // DlpEngine.OdChars.cs
                }
            }
            else if (char.IsAsciiDigit(c) && i >= 2 && text[i - 1] == 'n' && text[i - 2] == '\\')
            {
                // an od -c line inside a JSON string starts after an escaped line break (DlpEngine.OdChars.cs)
                next = OdCharsAt(text, i, floor, ref st, layer);
            }
            else if (c == '=' && i >= qpUntil && IsQpEscape(text, i))
            {
                // DlpEngine.Archives.cs: =67=68=70=5F… (RFC 2045 §6.7). A stretch with too few escapes is not skipped: "d=103,104,…"
                // (a code list in a query or form field) starts like the escape "=10" and is the next decoders' (fifth reach round).
                int qp = QuotedPrintableAt(text, i, floor, ref st, layer, out bool decoded);
                if (decoded)
                {
                    next = qp;
                }
                else
                {
                    qpUntil = qp;
                }
            }

            if (next < 0 && RunScanner.IsTokenChar(c) && (i == 0 || !RunScanner.IsTokenChar(text[i - 1])) && i + 1 < text.Length && !RunScanner.IsTokenChar(text[i + 1]))
            {
                next = SpreadAt(text, i, floor, ref st, layer);
            }

            i = Math.Max(i + 1, next);
            floor = Math.Max(floor, next);
        }
    }

    /// <summary>A separator character of a spelled-out key (<see cref="ScanSpelled"/>).</summary>
    private static bool IsSpreadSeparator(char c) => c is ' ' or '\t' or '.' or ',' or ':' or ';' or '|' or '*' or '-' or '_' or '+' or '/' or '\'' or '"';

    /// <summary>
    /// The separator group length (1–4; 4 is <c>", "</c> of a quoted character list, ninth round) of a stretch <c>x g y g z g w</c> starting at the data character
    /// <paramref name="at"/> (three repeats of the same group <c>g</c> after it), or 0.
    /// </summary>
    private static int SpreadGroup(ReadOnlySpan<char> t, int at)
    {
        for (int len = 1; len <= 4; len++)
        {
            int step = len + 1;
            if (at + (3 * step) >= t.Length)
            {
                return 0;
            }

            var g = t.Slice(at + 1, len);
            bool ok = true;
            foreach (char c in g)
            {
                ok &= IsSpreadSeparator(c);
            }

            for (int r = 1; ok && r <= 3; r++)
            {
                ok = IsSpreadData(t[at + (r * step)]) && (r == 3 || t.Slice(at + (r * step) + 1, len).SequenceEqual(g));
            }

            if (ok)
            {
                return len;
            }
        }

        return 0;
    }

    /// <summary>A data character of a spelled-out key: a token character or a dot (never a blank, quote or line break).</summary>
    private static bool IsSpreadData(char c) => RunScanner.IsTokenChar(c) || c == '.';

    /// <summary>
    /// A spelled-out key around the data character at <paramref name="at"/> (<see cref="SpreadGroup"/>): walks back
    /// to the first data character with the same group before it, collapses (<see cref="CollapseSpread"/>) and scans.
    /// Returns where the walk ended, or −1 when there is no such stretch.
    /// </summary>
    private int SpreadAt(ReadOnlySpan<char> text, int at, int floor, ref ScanState st, in Layer layer)
    {
        int len = SpreadGroup(text, at);
        if (len == 0)
        {
            return -1;
        }

        var g = text.Slice(at + 1, len);
        int s = at;
        // Not back past what an earlier block walked (floor): a long stretch is walked once, not once per block.
        while (s - len - 1 >= floor && text.Slice(s - len, len).SequenceEqual(g) && IsSpreadData(text[s - len - 1]))
        {
            s -= len + 1;
        }

        // The collapse walks the whole stretch forward (in overlapping pieces past SpelledMaxChars), so it ends past
        // `at` and the caller's floor moves beyond everything walked here.
        return Math.Max(CollapseSpread(text, s, len, ref st, layer), at + 1);
    }

    /// <summary>
    /// Joins the data characters of a spelled-out stretch that starts at the data character <paramref name="at"/> and
    /// whose separator group is the <paramref name="len"/> characters after it: every (<paramref name="len"/> + 1)-th
    /// character while the group repeats, up to <see cref="SpelledMaxChars"/>. 16+ characters with a letter (digits
    /// alone would make card-length numbers of any spaced digit list) are scanned as a layer (encoding
    /// <c>separated</c>) spanning the stretch. Returns the stretch's end.
    /// </summary>
    private int CollapseSpread(ReadOnlySpan<char> text, int at, int len, ref ScanState st, in Layer layer)
    {
        // Walk first (most stretches are short: nothing to copy), then copy every (len + 1)-th character. A stretch of
        // more than SpelledMaxChars data characters is scanned in pieces that overlap by SpelledOverlap, so a key
        // across a piece's end is whole in the next one, and the walk goes on to the stretch's end: one pass over it.
        var g = text.Slice(at + 1, len);
        int step = len + 1;
        int start = at;
        while (true)
        {
            int n = 0, k = start;
            bool letter = false, more = false;
            while (true)
            {
                letter |= char.IsAsciiLetter(text[k]);
                n++;
                int nx = k + step;
                if (nx >= text.Length || !text.Slice(k + 1, len).SequenceEqual(g) || !IsSpreadData(text[nx]))
                {
                    k++;
                    break;
                }

                if (n == SpelledMaxChars)
                {
                    more = true;
                    k = nx;
                    break;
                }

                k = nx;
            }

            if (n >= SpelledMinChars && letter && !st.Full && st.Depth < MaxDeepLayers)
            {
                char[] chars = ArrayPool<char>.Shared.Rent(n);
                try
                {
                    for (int i = 0; i < n; i++)
                    {
                        chars[i] = text[start + (i * step)];
                    }

                    int added = st.Added;
                    ScanDecodedChars(chars.AsSpan(0, n), start, k - start, DlpEncodings.Separated, ref st, layer);

                    // A stretch glued to a word takes the word's neighbouring character (`the key is A K I A …`
                    // collapses to `sAKIA…`, `… L E and` to `…LEa`), which fails the rule's boundary: when the collapse
                    // found nothing, scan it again without the glued first character, last character, or both (at most
                    // three more scans of this piece; seventh round). The placement `lorA.K.I.A…` is whole in the first
                    // collapse, so nothing is trimmed before it is tried.
                    int head = start == at && at > 0 && RunScanner.IsTokenChar(text[at - 1]) ? 1 : 0;
                    int tail = !more && k < text.Length && RunScanner.IsTokenChar(text[k]) ? 1 : 0;
                    for (int v = 1; v <= 3 && (head | tail) != 0 && st.Added == added && !st.Full; v++)
                    {
                        int from = (v & 1) * head, to = n - ((v >> 1) * tail);
                        if ((v == 1 && head == 0) || (v == 2 && tail == 0) || (v == 3 && (head & tail) == 0) || to - from < SpelledMinChars)
                        {
                            continue;
                        }

                        ScanDecodedChars(chars.AsSpan(from, to - from), start + (from * step), ((to - 1 - from) * step) + 1, DlpEncodings.Separated, ref st, layer);
                    }
                }
                finally
                {
                    ArrayPool<char>.Shared.Return(chars);
                }
            }

            if (!more)
            {
                return k;
            }

            start += (SpelledMaxChars - SpelledOverlap) * step;
        }
    }

    /// <summary>
    /// Is <paramref name="c"/> the fourth character of a common credential prefix (<see cref="s_shortPiecePrefixes"/>:
    /// <c>_</c> of <c>ghp_</c>, <c>h</c> of <c>github_pat_</c>, <c>A</c> of <c>AKIA</c>, <c>l</c> of <c>sk_live_</c> …)? A
    /// token run whose 7th and 8th characters are neither cannot start with one of them interleaved
    /// (<see cref="CheckInterleaved"/>), from its first character or its second.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InterleavedFourth(char c) => c < 128 && ((InterleavedHeads.Fourth[c >> 6] >> (c & 63)) & 1) != 0;

    /// <summary>
    /// A token run (32+ characters) that starts with a credential prefix whose characters alternate with noise
    /// (<c>gbhapa_bRfbe7…</c>: every other character, from the run's first or its second, spells <c>ghp_Rb7…</c>; red
    /// team 12, K24). The noise is any token character, so the run has no repeated separator group for
    /// <see cref="SeparatedInRun"/>. The prefixes are the first four characters of the common credential prefixes
    /// (<see cref="s_shortPiecePrefixes"/>). A run whose characters come in equal pairs (<c>AAKKIIAA…</c>) has the
    /// doubled transform's shape, which <see cref="HandleCipher"/> undoes; read as interleaved it would make a prefix of
    /// every doubled word, and a doubled prefix before a plain tail (which that transform's tests keep clean) a key. Else
    /// every other character from the prefix to the run's end is joined (<see cref="CollapseInterleaved"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CheckInterleaved(ReadOnlySpan<char> text, int rs, int re, ref ScanState st, in Layer layer)
    {
        if (text[rs] == text[rs + 1] && text[rs + 2] == text[rs + 3] && text[rs + 4] == text[rs + 5] && text[rs + 6] == text[rs + 7])
        {
            return;
        }

        for (int o = 0; o < 2; o++)
        {
            if (InterleavedFourth(text[rs + o + 6]) && InterleavedPrefix(text, rs + o))
            {
                CollapseInterleaved(text, rs + o, re, ref st, layer);
                return;
            }
        }
    }

    /// <summary>Are the characters at <paramref name="at"/>, +2, +4 and +6 the first four of a common credential prefix?</summary>
    private static bool InterleavedPrefix(ReadOnlySpan<char> text, int at)
    {
        ulong key = text[at] | ((ulong)text[at + 2] << 16) | ((ulong)text[at + 4] << 32) | ((ulong)text[at + 6] << 48);
        foreach (ulong head in InterleavedHeads.Keys)
        {
            if (key == head)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The first four characters of each common credential prefix (<see cref="s_shortPiecePrefixes"/>), packed as four
    /// UTF-16 code units in one 64-bit key. A nested class, so the list is read only after
    /// <see cref="s_shortPiecePrefixes"/> has been set (static fields of a partial class's files initialise in no set order).
    /// </summary>
    private static class InterleavedHeads
    {
        public static readonly ulong[] Keys = s_shortPiecePrefixes
            .Select(p => p.Prefix[0] | ((ulong)p.Prefix[1] << 16) | ((ulong)p.Prefix[2] << 32) | ((ulong)p.Prefix[3] << 48))
            .Distinct()
            .ToArray();

        /// <summary>The prefixes' fourth characters as a set of ASCII code points (two 64-bit words; the prefixes are ASCII).</summary>
        public static readonly ulong[] Fourth = s_shortPiecePrefixes
            .Aggregate(new ulong[2], (set, p) =>
            {
                set[p.Prefix[3] >> 6] |= 1UL << (p.Prefix[3] & 63);
                return set;
            });
    }

    /// <summary>
    /// Joins every other character of the token run from <paramref name="at"/> (the first character of an interleaved
    /// credential prefix, <see cref="CheckInterleaved"/>) to <paramref name="re"/>, at most <see cref="SpelledMaxChars"/>,
    /// and scans the join as a layer (encoding <c>separated</c>: one character of noise between the key's characters)
    /// spanning the run. Only a rule that matches the joined characters reports anything: a vendor token's format and,
    /// where it has one, its checksum.
    /// </summary>
    private void CollapseInterleaved(ReadOnlySpan<char> text, int at, int re, ref ScanState st, in Layer layer)
    {
        int n = Math.Min((re - at + 1) / 2, SpelledMaxChars);
        if (n < SpelledMinChars || st.Full)
        {
            return;
        }

        char[] chars = ArrayPool<char>.Shared.Rent(n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                chars[i] = text[at + (2 * i)];
            }

            ScanDecodedChars(chars.AsSpan(0, n), at, Math.Min(re, at + (2 * n)) - at, DlpEncodings.Separated, ref st, layer);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>
    /// Does the token run <paramref name="rs"/> … <paramref name="re"/> (31+ characters) hold a key with a token
    /// separator group of one or two characters between its characters (<c>g-h-p-_…</c>, <c>g-_h-_p</c>,
    /// <c>g--h--p</c>), from its first or second character? A few compares per long run. Returns the stretch's first
    /// data character and group length, or −1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SeparatedInRun(ReadOnlySpan<char> text, int rs, int re, out int len)
    {
        len = 0;
        if (re - rs < 31)
        {
            return -1;
        }

        int at = IsTokenSeparator(text[rs + 1]) || IsTokenSeparator(text[rs + 2]) ? SeparatedInRunSlow(text, rs, out len) : -1;
        return at < 0 && IsTokenSeparator(text[re - 2]) ? SeparatedAtRunEnd(text, rs, re, out len) : at;
    }

    /// <summary>
    /// A stretch with a token separator group of one or two characters that ends the run (<c>my-key-is-A-K-I-A-…-E</c>:
    /// the run starts with words, so the checks at its start miss it; seventh round). Walks back from the run's end to
    /// the stretch's first data character — the last character of a glued word, which <see cref="CollapseSpread"/>
    /// drops when the collapse finds nothing — or returns −1. The walk stays inside the run, which is checked once.
    /// </summary>
    private static int SeparatedAtRunEnd(ReadOnlySpan<char> text, int rs, int re, out int len)
    {
        char c = text[re - 2], d = text[re - 3];
        if (text[re - 4] == c && text[re - 6] == c && text[re - 8] == c)
        {
            len = 1;
        }
        else if (IsTokenSeparator(d) && text[re - 5] == c && text[re - 6] == d && text[re - 8] == c && text[re - 9] == d)
        {
            len = 2;
        }
        else
        {
            len = 0;
            return -1;
        }

        int step = len + 1, s = re - 1;
        while (s - step >= rs && text[s - 1] == c && (len == 1 || text[s - 2] == d))
        {
            s -= step;
        }

        return s;
    }

    private static bool IsTokenSeparator(char c) => c is '-' or '_' or '+' or '/';

    private static int SeparatedInRunSlow(ReadOnlySpan<char> text, int rs, out int len)
    {
        len = 0;

        for (int o = 0; o <= 1; o++)
        {
            int a = rs + o;
            char c = text[a + 1];
            if (c is not ('-' or '_' or '+' or '/'))
            {
                continue;
            }

            if (text[a + 3] == c && text[a + 5] == c && text[a + 7] == c)
            {
                len = 1;
                return a;
            }

            char d = text[a + 2];
            if (d is '-' or '_' or '+' or '/' && text[a + 4] == c && text[a + 5] == d && text[a + 7] == c && text[a + 8] == d)
            {
                len = 2;
                return a;
            }
        }

        return -1;
    }

    /// <summary>
    /// Three-digit octal escapes (<c>\147\150\160</c>, first digit 0–3) around the backslash at <paramref name="at"/>:
    /// the segment (to the next blank, quote or line break; up to 4 KiB) is decoded — each <c>\ddd</c> to its byte,
    /// other characters kept — and scanned (encoding <c>escape</c>) when it holds 4+ escapes. Returns the segment's end,
    /// or −1 when the backslash starts no octal escape.
    /// </summary>
    private int OctalEscapes(ReadOnlySpan<char> text, int at, int floor, ref ScanState st, in Layer layer)
    {
        int w = OctalAt(text, at);
        if (w == 0)
        {
            return -1;
        }

        int s = at;
        while (s - w >= floor && at - s < 4096 && OctalAt(text, s - w) == w)
        {
            s -= w;
        }

        char[] buffer = ArrayPool<char>.Shared.Rent(SpelledMaxChars);
        int[] starts = ArrayPool<int>.Shared.Rent(SpelledMaxChars);
        try
        {
            // A segment longer than one piece (SpelledMaxChars decoded characters or 4 KiB of text) is decoded in pieces
            // that overlap by SpelledOverlap decoded characters, so a key across a piece's end is whole in the next one
            // (seventh round: the next piece started where the last ended). Each piece moves on by 896+ characters.
            while (true)
            {
                int k = DecodeOctal(text, s, buffer.AsSpan(0, SpelledMaxChars), starts, ref st, layer, out int n);
                if (k >= text.Length || text[k] is ' ' or '\t' or '\r' or '\n' or '"' or '\'' || n <= SpelledOverlap || st.Full || st.Depth >= MaxDeepLayers)
                {
                    return k;
                }

                s = starts[n - SpelledOverlap];
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
            ArrayPool<int>.Shared.Return(starts);
        }
    }

    /// <summary>
    /// Decodes one piece of the segment starting at <paramref name="s"/> (see <see cref="OctalEscapes"/>) into
    /// <paramref name="chars"/> (<paramref name="starts"/>: where each decoded character came from; <paramref name="n"/>:
    /// how many) and scans it; returns the piece's end.
    /// </summary>
    private int DecodeOctal(ReadOnlySpan<char> text, int s, Span<char> chars, Span<int> starts, ref ScanState st, in Layer layer, out int n)
    {
        int escapes = 0, k = s;
        n = 0;
        while (k < text.Length && n < chars.Length && k - s < 4096 && text[k] is not (' ' or '\t' or '\r' or '\n' or '"' or '\''))
        {
            starts[n] = k;
            if (OctalAt(text, k) is int ow and > 0)
            {
                int d = k + ow - 3;
                chars[n++] = (char)(((text[d] - '0') << 6) | ((text[d + 1] - '0') << 3) | (text[d + 2] - '0'));
                escapes++;
                k += ow;
            }
            else
            {
                chars[n++] = text[k++];
            }
        }

        // 13+ characters: a 15-digit card number in escapes is shorter than SpelledMinChars (fifth reach round).
        if (escapes >= 4 && n >= CardMinDigits)
        {
            ScanDecodedChars(chars[..n], s, k - s, DlpEncodings.Escape, ref st, layer);
        }

        return k;
    }

    /// <summary>The length of a three-digit octal escape at <paramref name="k"/>: 4 (<c>\147</c>), 5 when its backslash is itself escaped (<c>\\147</c> inside a JSON string), or 0.</summary>
    private static int OctalAt(ReadOnlySpan<char> t, int k)
    {
        if (k < 0 || k + 3 >= t.Length || t[k] != '\\')
        {
            return 0;
        }

        int d = t[k + 1] == '\\' ? k + 2 : k + 1;
        return d + 2 < t.Length && t[d] is >= '0' and <= '3' && t[d + 1] is >= '0' and <= '7' && t[d + 2] is >= '0' and <= '7' ? d + 3 - k : 0;
    }

    /// <summary>
    /// A list of character codes starting at the digit <paramref name="at"/>: numbers (decimal, or hex with
    /// <c>0x</c>) separated by a comma or a semicolon and optional blanks. Each stretch of 16+ consecutive elements in the printable
    /// ASCII range (32–126) is decoded to its characters and scanned (encoding <c>char-codes</c>), spanning those
    /// elements; pixel data and coordinates rarely have 16 printable values in a row, and when they do the text they
    /// make matches no rule. Returns the list's end, or −1 when no list of 4+ elements starts here.
    /// </summary>
    private int CharCodeList(ReadOnlySpan<char> text, int at, int floor, ref ScanState st, in Layer layer)
    {
        // Most digits in a candidate block start no list: an element then a comma, or nothing is walked. Elements of
        // "0x" and two hex digits are the byte-array layer's (DlpEngine.Decoders.cs: HexArrayAt), found by the probe pass.
        if (CodeElement(text, at, out int firstEnd) < 0 || firstEnd >= text.Length || (text[at + 1] is 'x' or 'X' && firstEnd - at == 4))
        {
            return -1;
        }

        // The separator: a comma or a semicolon (and optional blanks; sixth reach round: "103;104;112;…", a CSV cell or
        // a form value), or blanks alone between decimal numbers (od -An -tu1, a byte list printed by a shell loop:
        // "103 104 112 95 …"). One separator throughout the list.
        char sep = text[firstEnd];
        if (sep is not (',' or ';') && !(sep == ' ' && text[at + 1] is not ('x' or 'X') && SpacedCodeNext(text, firstEnd) >= 0))
        {
            return -1;
        }

        // Back to the list's first element (a block may start in the middle of a list), at most 4 KiB.
        int from = at;
        while (PreviousCodeElement(text, at, sep) is int prev and >= 0 && prev >= floor && from - prev <= 4096 && CodeElement(text, prev, out _) >= 0)
        {
            at = prev;
        }

        char[] buffer = ArrayPool<char>.Shared.Rent(SpelledMaxChars);
        int[] starts = ArrayPool<int>.Shared.Rent(SpelledMaxChars);
        try
        {
            return WalkCodeList(text, at, sep, buffer.AsSpan(0, SpelledMaxChars), starts, ref st, layer);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
            ArrayPool<int>.Shared.Return(starts);
        }
    }

    /// <summary>
    /// Decodes the code list starting at <paramref name="at"/> (see <see cref="CharCodeList"/>) into <paramref name="chars"/>,
    /// scanning each printable stretch; a stretch longer than <paramref name="chars"/> is scanned in pieces that overlap by
    /// <see cref="SpelledOverlap"/> characters (<paramref name="starts"/>: each decoded character's element), so a key
    /// across a piece's end is whole in the next one.
    /// </summary>
    private int WalkCodeList(ReadOnlySpan<char> text, int at, char sep, Span<char> chars, Span<int> starts, ref ScanState st, in Layer layer)
    {
        int k = at, n = 0, elements = 0, runStart = at, end = at, max = 0, previous = -1, descents = 0;
        Span<ulong> seen = stackalloc ulong[4]; // the byte values met (a Solana keypair's 64 bytes: SolanaKeypair)
        while (true)
        {
            int value = CodeElement(text, k, out int ee);
            if (value < 0)
            {
                break;
            }

            elements++;
            end = ee;
            if (elements <= 64)
            {
                // a Solana keypair's shape: only the first 64 elements are looked at (a longer list is not one)
                max = Math.Max(max, value);
                descents += value < previous ? 1 : 0;
                previous = value;
                if (value <= 255)
                {
                    seen[value >> 6] |= 1UL << (value & 63);
                }
            }

            if (value is >= 32 and <= 126)
            {
                if (n == chars.Length)
                {
                    // A full piece: scan it, then keep its last SpelledOverlap characters (seventh round: a key across
                    // the 1,024th element was cut in two).
                    FlushCodes(chars[..n], runStart, k, ref st, layer);
                    chars[(n - SpelledOverlap)..n].CopyTo(chars);
                    starts[(n - SpelledOverlap)..n].CopyTo(starts);
                    n = SpelledOverlap;
                    runStart = starts[0];
                }

                if (n == 0)
                {
                    runStart = k;
                }

                starts[n] = k;
                chars[n++] = (char)value;
            }
            else
            {
                FlushCodes(chars[..n], runStart, k, ref st, layer);
                n = 0;
            }

            // ", " (or the blanks of a spaced list) then the next element
            int j = ee;
            if (sep == ' ')
            {
                j = SpacedCodeNext(text, ee);
                if (j < 0)
                {
                    break;
                }

                k = j;
                continue;
            }

            if (j >= text.Length || text[j] != sep)
            {
                break;
            }

            j++;
            while (j < text.Length && j - ee < 4 && text[j] is ' ' or '\t')
            {
                j++;
            }

            if (j >= text.Length || !char.IsAsciiDigit(text[j]))
            {
                break;
            }

            k = j;
        }

        FlushCodes(chars[..n], runStart, end, ref st, layer);
        if (elements == 64 && max <= 255 && sep == ',' && _solanaRule >= 0 && descents is >= 8 and <= 55 // not sorted: random bytes go down about half the time
            && System.Numerics.BitOperations.PopCount(seen[0]) + System.Numerics.BitOperations.PopCount(seen[1]) + System.Numerics.BitOperations.PopCount(seen[2]) + System.Numerics.BitOperations.PopCount(seen[3]) >= 32
            && CryptoRules.SolanaKeypairContext(text, at, end, out int ks, out int ke))
        {
            ReportRule(ref st, layer, _rules[_solanaRule], ks, ke - ks, DlpEncodings.Plain, "[64 bytes]", ke - ks); // r24 reach round
        }

        return elements >= 4 ? end : -1;
    }

    private void FlushCodes(ReadOnlySpan<char> chars, int s, int e, ref ScanState st, in Layer layer)
    {
        // A letter, as for spelled-out stretches: a list of values 48–57 (ages, scores, readings) decodes to digits
        // alone, which made card numbers.
        if (chars.Length >= SpelledMinChars && (chars.IndexOfAnyInRange('a', 'z') >= 0 || chars.IndexOfAnyInRange('A', 'Z') >= 0) && !st.Full && st.Depth < MaxDeepLayers)
        {
            ScanDecodedChars(chars, s, e - s, DlpEncodings.CharCodes, ref st, layer);
        }
    }

    /// <summary>
    /// In a list of decimal codes separated by blanks alone (the separator a space in <see cref="CharCodeList"/>):
    /// the start of the next element after the element ending at <paramref name="ee"/> — one to three spaces, then a
    /// digit (od's <c>-tu1</c> right-aligns its columns; a line feed right after an element, then blanks, continues the
    /// list onto the next line, as od wraps it) — or −1.
    /// </summary>
    private static int SpacedCodeNext(ReadOnlySpan<char> t, int ee)
    {
        int j = ee;
        while (j < t.Length && j - ee < 3 && t[j] == ' ')
        {
            j++;
        }

        if (j < t.Length && t[j] == '\n' && j - ee <= 1)
        {
            // od -An -tu1 wraps every 16 bytes: the next line's blanks, then its first element
            int k = j + 1;
            while (k < t.Length && k - j <= 3 && t[k] == ' ')
            {
                k++;
            }

            return k < t.Length && char.IsAsciiDigit(t[k]) ? k : -1;
        }

        return j > ee && j < t.Length && char.IsAsciiDigit(t[j]) ? j : -1;
    }

    /// <summary>The start of the element before the one at <paramref name="k"/> (<c>…, </c> before it, or blanks alone when <paramref name="sep"/> is a space), or −1.</summary>
    private static int PreviousCodeElement(ReadOnlySpan<char> t, int k, char sep)
    {
        int j = k - 1;
        while (j >= 0 && k - j <= 3 && t[j] is ' ' or '\t') // at most 3 blanks, as WalkCodeList: a longer back-walk than forward walk never moves the floor
        {
            j--;
        }

        if (sep == ' ')
        {
            j++; // the element ends right before the blanks
            if (j == k || j < 1 || t[j..k].ContainsAnyExcept(' '))
            {
                return -1;
            }
        }
        else if (j < 1 || t[j] != sep)
        {
            return -1;
        }

        int e = j, s = j;
        while (s > 0 && e - s < 4 && char.IsAsciiHexDigit(t[s - 1]))
        {
            s--;
        }

        if (s >= 2 && t[s - 1] is 'x' or 'X' && t[s - 2] == '0')
        {
            s -= 2;
        }

        return s < e && (s == 0 || !char.IsAsciiLetterOrDigit(t[s - 1])) ? s : -1;
    }

    /// <summary>One element of a code list at <paramref name="k"/>: 1–3 decimal digits, or <c>0x</c> and 1–2 hex digits, not followed by a letter, digit or dot. Its value, or −1.</summary>
    private static int CodeElement(ReadOnlySpan<char> t, int k, out int end)
    {
        end = k;
        int value = 0, i = k;
        if (k + 2 < t.Length && t[k] == '0' && t[k + 1] is 'x' or 'X')
        {
            for (i = k + 2; i < t.Length && i - k < 4 && char.IsAsciiHexDigit(t[i]); i++)
            {
                value = (value << 4) | Base64Helpers.HexValue(t[i]);
            }

            if (i == k + 2)
            {
                return -1;
            }
        }
        else
        {
            for (; i < t.Length && i - k < 3 && char.IsAsciiDigit(t[i]); i++)
            {
                value = (value * 10) + (t[i] - '0');
            }
        }

        if (i == k || (i < t.Length && (char.IsAsciiLetterOrDigit(t[i]) || t[i] == '.')))
        {
            return -1;
        }

        end = i;
        return value;
    }

    /// <summary>
    /// Do the first 8 characters of a base64 run decode to UTF-16 text (printable ASCII, zero, printable, zero… or, big-
    /// endian, zero first; optionally after a byte order mark)? PowerShell's <c>-EncodedCommand</c> and
    /// <c>[Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes(…))</c> write little-endian text that way
    /// (about_PowerShell_exe: "a base-64-encoded string version of a command"; .NET <c>Encoding.Unicode</c> is UTF-16
    /// little-endian); <c>iconv -t UTF-16BE | base64</c> and Java's <c>getBytes("UTF-16")</c> (FE FF, then big-endian)
    /// write the other order (red team 11).
    /// </summary>
    /// <remarks>
    /// Little-endian "a 0 b | 0 c 0" (a, b, c &lt; 0x80) makes characters 2 and 4 'A' or 'B' and 'A'; big-endian
    /// "0 a 0 | b 0 c" makes characters 0 and 3 'A'; a byte order mark (FF FE or FE FF first) makes characters 0 and 1
    /// "//" or "/v" (base64url "__", "_v"): two compares reject nearly every other run before anything is decoded. The
    /// compares are inlined into the caller (every token run of 16+ and every path piece reaches here); the decoding,
    /// with its stack buffer, is a call of its own (<see cref="Utf16Base64Decodes"/>).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Utf16Base64Start(ReadOnlySpan<char> s) =>
        s.Length >= DeepMinBase64 && ((s[4] == 'A' && s[2] is 'A' or 'B') || (s[0] == 'A' && s[3] == 'A') || (s[0] is '/' or '_' && s[1] is 'v' or '/' or '_'))
        && Utf16Base64Decodes(s);

    /// <summary>The rest of <see cref="Utf16Base64Start"/>: the first 8 characters decode to 6 bytes that start UTF-16 text.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Utf16Base64Decodes(ReadOnlySpan<char> s)
    {
        Span<byte> b = stackalloc byte[6];
        return Base64Helpers.DecodeLenient(s[..8], b) == 6 && Utf16Start(b); // DlpEngine.Utf16.cs
    }

    /// <summary>
    /// When decoded base64 <paramref name="bytes"/> are UTF-16LE text (every second byte of the first 16 is zero), scans
    /// the text they hold (encoding <c>base64+utf16</c>) and returns true.
    /// </summary>
    private bool TryScanUtf16(ReadOnlySpan<byte> bytes, int s, int length, string enc, ref ScanState st, in Layer layer)
    {
        if (bytes.Length < 2 * SpelledMinChars)
        {
            return false;
        }

        for (int i = 1; i < 16; i += 2)
        {
            if (bytes[i] != 0)
            {
                return false;
            }
        }

        int n = bytes.Length / 2;
        char[] chars = ArrayPool<char>.Shared.Rent(n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                chars[i] = (char)(bytes[2 * i] | (bytes[(2 * i) + 1] << 8));
            }

            string chain = enc + "+" + DlpEncodings.Utf16;
            if (_userPasswordRule >= 0 && n <= 400 && !chars.AsSpan(0, n).ContainsAnyExceptInRange((char)0, (char)0x7F))
            {
                // The user:password check plain base64 gets (seventh round): base64 of UTF-16LE "user:password" is
                // what [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes("user:pass")) writes.
                Span<byte> narrow = stackalloc byte[n];
                for (int i = 0; i < n; i++)
                {
                    narrow[i] = (byte)chars[i];
                }

                CheckEncodedUserPassword(narrow, s, length, chain, ref st, layer); // DlpEngine.Authorization.cs
            }

            ScanDecodedChars(chars.AsSpan(0, n), s, length, chain, ref st, layer);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }

        return true;
    }
}
