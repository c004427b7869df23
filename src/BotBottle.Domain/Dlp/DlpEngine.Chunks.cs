using System.Runtime.CompilerServices;

namespace BotBottle.Dlp;

/// <summary>
/// Ninth issue-16 round (<c>split9</c>): a key cut into pieces that are each too short for the hot path's token runs
/// (16+ characters), joined back by the layer encoding <c>concat</c>:
/// <list type="bullet">
/// <item><b>chunks with a separator</b>: equal-length pieces joined by the same group of one to three separator
/// characters — <c>"-".join(…)</c>, <c>":".join(…)</c>, <c>" ".join(…)</c>, lines folded at 8 or 20 columns
/// (<c>\n</c>, <c>\r\n</c>), <c>", "</c>, <c>/</c>, <c>|</c> — the last piece may be shorter (Python's
/// <c>textwrap.wrap</c> and <c>[s[i:i+n] for i in range(0, len(s), n)]</c> cut that way);</item>
/// <item><b>quoted pieces</b>: string literals of token characters with the same glue between each closing quote and
/// the next opening one — <c>"a" + "b"</c> with short pieces, <c>''.join(['a','b'])</c>, <c>["a","b"].join("")</c>
/// (ECMA-262 §23.1.3.18), <c>"a".concat("b")</c> (§22.1.3.5), C# <c>string.Concat("a", "b")</c>, C and Python
/// adjacent literals <c>"a" "b"</c>.</item>
/// </list>
/// Found from one place the engine already stops at: a vendor anchor in a token run of 16+ characters (<c>ghp_-R4nd-0mT0…</c>
/// is one token run with <c>-</c> in it; a folded line or quoted piece of 16+ characters that starts with the anchor).
/// Pieces with no such anchor in a token run (4- or 10-character pieces joined by a blank, <c>:</c> or a line break; a
/// Stripe key whose prefix is cut) are open: every trigger over the whole body that was measured cost more than the
/// 2 % budget (<c>split9</c>: a vector test at every probe, 8 % of the issues body; <c>split10</c>: lower-to-upper marks
/// in the seed-break pass, 2–4 %; a second load of the seed-break bitmap's dense windows, 11 %; docs/dlp-rules.md).
/// Each walk is bounded (<see cref="MaxChunkPieces"/> pieces of <see cref="MaxChunkPiece"/> characters) and the probe
/// pass skips what a walk covered, so the work stays linear in the body.
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>At most this many pieces are joined (a 40-character key cut one character a time needs 40).</summary>
    private const int MaxChunkPieces = 96;

    /// <summary>
    /// The longest piece (characters): longer ones are token runs the hot path reads whole. 48, not the 24 of the ninth
    /// round: a key folded into lines of 30 or 40 columns (<c>fold -w 40</c>; red team 12) has pieces up to a line long
    /// (<see cref="WholeLines"/>). Base64 wrapped at 64 or 76 columns (PEM, MIME) is the wrapped-blob decoder's.
    /// </summary>
    private const int MaxChunkPiece = 48;

    /// <summary>
    /// The longest piece of a stretch that is not made of whole lines: a token of 25+ characters beside a word on one
    /// line (<c>before glpat-… after</c>, a near miss the next word completes) is not a key cut into pieces.
    /// </summary>
    private const int MaxInlinePiece = 24;

    /// <summary>A failed vendor anchor this close to its run's end (characters) has its pieces walked (<see cref="ScanChunks"/>).</summary>
    private const int ChunkAnchorReach = 256;

    /// <summary>The longest separator group between two chunks (a line break and the indentation of a YAML block or a comment: <c>"\n    "</c>).</summary>
    private const int MaxChunkGlue = 8;

    /// <summary>The longest glue between two quoted pieces (<c>").concat("</c> is 10).</summary>
    private const int MaxQuotedGlue = 16;

    /// <summary>A character that may separate chunks (<see cref="ScanChunks"/>): blanks, line breaks and punctuation.</summary>
    private static bool IsChunkSeparator(char c) => c is ' ' or '\t' or '\n' or '\r' or ':' or '-' or '.' or ',' or '|' or ';' or '/' or '+';

    /// <summary>A data character of a chunk when <paramref name="sep"/> separates: a token character other than it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsChunkData(char c, char sep) => c != sep && RunScanner.IsTokenChar(c);

    /// <summary>
    /// Looks for pieces of a key around <paramref name="p"/> (at or after <paramref name="floor"/>): quoted pieces
    /// when <paramref name="p"/>'s piece is a string literal, else chunks with a separator (see the type's summary).
    /// Returns the end of what was walked (the caller's next floor), or −1 when there is no chain of pieces.
    /// </summary>
    private int ScanChunks(ReadOnlySpan<char> text, int p, int floor, ref ScanState st, in Layer layer)
    {
        // The token run at (or just after) p.
        int k = p;
        while (k < text.Length && k - p < 3 && !RunScanner.IsTokenChar(text[k]))
        {
            k++;
        }

        if (k >= text.Length || k < floor || !RunScanner.IsTokenChar(text[k]))
        {
            return -1;
        }

        int rs = k, re = k;
        while (rs > floor && k - rs <= MaxChunkPiece && RunScanner.IsTokenChar(text[rs - 1]))
        {
            rs--;
        }

        while (re < text.Length && re - k <= MaxChunkPiece && RunScanner.IsTokenChar(text[re]))
        {
            re++;
        }

        if (rs > 0 && re < text.Length && text[rs - 1] is '"' or '\'' && text[re] == text[rs - 1])
        {
            return re - rs <= 64 ? QuotedChunks(text, rs - 1, floor, ref st, layer) : -1;
        }

        // Chunks: the separator is the character after p's piece (or, for the last piece, the one before it). Pieces
        // are cut at it, so a token separator (ghp_-R4nd-0mT0) splits the run. A chain on the first side that finds
        // nothing does not stop the second: the '-' inside "sk-ant-api03-…" makes a chain of its own, and the key's
        // lines are the chain on the line-break side (red team 12: a key folded at 30 or 40 columns).
        int walked = -1, before = st.Added;
        for (int side = 0; side < 3; side++)
        {
            int ps = k, pe = k;
            char sep = '\0';
            if (side == 2)
            {
                // The line break that ends p's whole token run ("sk-ant-api03-…" at the text's start, folded at 40).
                while (pe < text.Length && pe - k <= MaxChunkPiece && RunScanner.IsTokenChar(text[pe]))
                {
                    pe++;
                }

                if (pe < text.Length && text[pe] is '\n' or '\r')
                {
                    sep = text[pe];
                }
            }
            else if (side == 0)
            {
                while (pe < text.Length && pe - k <= MaxChunkPiece && (char.IsAsciiLetterOrDigit(text[pe]) || text[pe] == '_'))
                {
                    pe++;
                }

                if (pe < text.Length && IsChunkSeparator(text[pe]))
                {
                    sep = text[pe];
                }
            }
            else
            {
                while (ps > floor && k - ps <= MaxChunkPiece && (char.IsAsciiLetterOrDigit(text[ps - 1]) || text[ps - 1] == '_'))
                {
                    ps--;
                }

                if (ps > 0 && IsChunkSeparator(text[ps - 1]))
                {
                    sep = text[ps - 1];
                }
            }

            if (sep != '\0')
            {
                int end = SeparatedChunks(text, k, sep, floor, ref st, layer);
                if (end >= 0 && st.Added > before)
                {
                    return end;
                }

                walked = Math.Max(walked, end);
            }
        }

        return walked;
    }

    /// <summary>
    /// Chunks separated by <paramref name="sep"/> (a group of separator characters starting with it, the
    /// same between every two pieces; up to <see cref="MaxChunkGlue"/>, a line break with indentation) around the data character at <paramref name="k"/>: walks back to the chain's first
    /// piece and forward to its last, then scans each stretch of equal-length pieces (2–<see cref="MaxChunkPiece"/>
    /// characters; the stretch's last piece may be shorter; <see cref="ScanChunkJoin"/>).
    /// A chain of two pieces needs pieces of 16+ (a line folded once), or <paramref name="anchored"/>: the chain starts at
    /// a credential prefix (<see cref="ScanShortPieces"/>: an AWS key id folded at 10, <c>AKIATSZJJV</c> / <c>3SDAZWYHZC</c>).
    /// Returns the chain's end, or −1 when the group does not repeat around <paramref name="k"/>.
    /// </summary>
    private int SeparatedChunks(ReadOnlySpan<char> text, int k, char sep, int floor, ref ScanState st, in Layer layer, bool anchored = false)
    {
        // The piece at k and the group after (or before) it.
        int ps = k, pe = k;
        while (ps > floor && k - ps <= MaxChunkPiece && IsChunkData(text[ps - 1], sep))
        {
            ps--;
        }

        while (pe < text.Length && pe - k <= MaxChunkPiece && IsChunkData(text[pe], sep))
        {
            pe++;
        }

        int g0, glen = 1;
        if (pe < text.Length && text[pe] == sep)
        {
            g0 = pe;
            while (glen < MaxChunkGlue && g0 + glen < text.Length && IsChunkSeparator(text[g0 + glen]) && !IsChunkData(text[g0 + glen], sep))
            {
                glen++;
            }
        }
        else if (ps > 0 && text[ps - 1] == sep)
        {
            // The group before the piece (the chain's last piece): back over it ("\r\n").
            g0 = ps - 1;
            while (glen < MaxChunkGlue && g0 > 0 && IsChunkSeparator(text[g0 - 1]) && !IsChunkData(text[g0 - 1], sep))
            {
                g0--;
                glen++;
            }
        }
        else
        {
            return -1;
        }

        var glue = text.Slice(g0, glen);
        if (glue.Length == 3 && glue[1] == glue[0] && glue[2] == glue[0])
        {
            return -1; // "---", "..." are rules and ellipses
        }

        // Back to the chain's first piece.
        int first = ps;
        if (g0 < ps)
        {
            // p's piece follows the group: the chain's walk starts one piece back.
            int b = g0;
            int bs = b;
            while (bs > floor && b - bs <= MaxChunkPiece && IsChunkData(text[bs - 1], sep))
            {
                bs--;
            }

            if (bs == b)
            {
                return -1;
            }

            first = bs;
        }

        for (int n = 0; n < MaxChunkPieces; n++)
        {
            int g = first - glen;
            if (g - 1 < floor || !text.Slice(g, glen).SequenceEqual(glue) || !IsChunkData(text[g - 1], sep))
            {
                break;
            }

            int bs = g;
            while (bs > floor && g - bs <= MaxChunkPiece && IsChunkData(text[bs - 1], sep))
            {
                bs--;
            }

            if (g - bs > MaxChunkPiece)
            {
                break;
            }

            first = bs;
        }

        // Forward over the chain, recording the pieces.
        Span<(int S, int E)> pieces = stackalloc (int, int)[MaxChunkPieces];
        int count = 0, at = first;
        while (count < MaxChunkPieces)
        {
            int e = at;
            while (e < text.Length && e - at <= MaxChunkPiece && IsChunkData(text[e], sep))
            {
                e++;
            }

            if (e == at || e - at > MaxChunkPiece)
            {
                break;
            }

            pieces[count++] = (at, e);
            if (e + glen >= text.Length || !text.Slice(e, glen).SequenceEqual(glue) || !IsChunkData(text[e + glen], sep))
            {
                break;
            }

            at = e + glen;
        }

        if (count < 2)
        {
            return -1;
        }

        int chainEnd = pieces[count - 1].E;

        // Stretches of equal-length pieces (the last may be shorter).
        for (int i = 0; i < count && !st.Full;)
        {
            int len = pieces[i].E - pieces[i].S, j = i + 1;
            while (j < count && pieces[j].E - pieces[j].S == len)
            {
                j++;
            }

            int stop = j < count && pieces[j].E - pieces[j].S < len ? j + 1 : j; // with the shorter last piece
            int n = stop - i;
            if (len >= 2 && n >= 2 && (n > 2 || len >= 16 || (anchored && i == 0)) && (len <= MaxInlinePiece || WholeLines(text, pieces[i..stop], sep)))
            {
                int added = st.Added;
                ScanChunkJoin(text, pieces[i..stop], ref st, layer);

                // A stretch glued to a word of the same length (`with ghp_ R4nd …`) or ending in a short word
                // (`… Hj3 and`) fails the rule's boundary: try it without its first piece, last piece, or both.
                for (int v = 1; v <= 3 && st.Added == added && !st.Full && n > 2; v++)
                {
                    int a = i + (v & 1), b = stop - (v >> 1);
                    if (b - a >= 2 && (len <= MaxInlinePiece || WholeLines(text, pieces[a..b], sep)))
                    {
                        ScanChunkJoin(text, pieces[a..b], ref st, layer);
                    }
                }
            }

            i = j;
        }

        return chainEnd;
    }

    /// <summary>
    /// Are <paramref name="pieces"/>, separated by line breaks, whole lines (the first after a line break or the text's
    /// start and blanks, the last before a line break or the text's end)? A key folded into lines of 25–48 columns
    /// (<c>fold -w 40</c>) is; a long token and the next word on one line is not (<see cref="MaxInlinePiece"/>).
    /// </summary>
    private static bool WholeLines(ReadOnlySpan<char> text, ReadOnlySpan<(int S, int E)> pieces, char sep)
    {
        if (sep is not ('\n' or '\r'))
        {
            return false;
        }

        int s = pieces[0].S;
        while (s > 0 && text[s - 1] is ' ' or '\t')
        {
            s--;
        }

        int e = pieces[^1].E;
        return (s == 0 || text[s - 1] is '\n' or '\r') && (e == text.Length || text[e] is '\n' or '\r');
    }

    /// <summary>
    /// Quoted pieces around the literal whose opening quote is at <paramref name="open"/>: string literals of token
    /// characters (up to 64) with the same glue (up to <see cref="MaxQuotedGlue"/> characters, no quote) between each
    /// closing quote and the next opening one. Walks back to the first and forward to the last, joins 3+ literals (the
    /// glue without <c>:</c>) and scans the join (<see cref="ScanChunkJoin"/>). Returns the last literal's end, or −1.
    /// <paramref name="minLiterals"/> is 2 when the first literal starts with a credential prefix (<see cref="ScanShortPieces"/>:
    /// <c>"AKIATSZJJV" + "3SDAZWYHZC"</c>); <paramref name="maxLiteral"/> is then 15 (short pieces only: a long literal
    /// after a prefix is read by the hot path's own <c>+</c> join).
    /// </summary>
    private int QuotedChunks(ReadOnlySpan<char> text, int open, int floor, ref ScanState st, in Layer layer, int minLiterals = 3, int maxLiteral = 64)
    {
        char q = text[open];
        int close = LiteralClose(text, open, q);
        if (close < 0)
        {
            return -1;
        }

        // The chain's glue: after this literal, or before it (the chain's last literal).
        int gs = close + 1, ge = GlueEnd(text, close, q);
        if (ge < 0)
        {
            ge = open;
            gs = GlueStart(text, open, q, floor);
            if (gs < 0)
            {
                return -1;
            }
        }

        var glue = Unparen(text[gs..ge]);
        if (glue.Length > 1 && glue.IndexOfAnyExcept(' ') < 0)
        {
            return -1;
        }

        // Back to the first literal.
        int first = open;
        for (int n = 0; n < MaxChunkPieces; n++)
        {
            int s = GlueStart(text, first, q, floor);
            if (s < 0 || !Unparen(text[s..first]).SequenceEqual(glue))
            {
                break;
            }

            first = LiteralOpen(text, s - 1, q, floor);
        }

        Span<(int S, int E)> pieces = stackalloc (int, int)[MaxChunkPieces];
        int count = 0, at = first, end = -1;
        while (count < MaxChunkPieces)
        {
            int c = LiteralClose(text, at, q);
            if (c < 0 || c - at - 1 > maxLiteral)
            {
                break;
            }

            pieces[count++] = (at + 1, c);
            end = c + 1;
            int e = GlueEnd(text, c, q);
            if (e < 0 || !Unparen(text[(c + 1)..e]).SequenceEqual(glue))
            {
                break;
            }

            at = e;
        }

        // Three or more: two literals are a JSON member's value and the next member's name (glue ", "), or a split the
        // hot path's own joins take (a 16+ piece next to '+', JSON array elements after a vendor prefix).
        if (count >= minLiterals && !glue.Contains(':'))
        {
            ScanChunkJoin(text, pieces[..count], ref st, layer);
        }

        return count >= 2 ? end : -1;
    }

    /// <summary>The opening quote of the literal after the glue that follows the closing quote <paramref name="close"/> (the glue up to <see cref="MaxQuotedGlue"/> characters without a quote), or −1.</summary>
    private static int GlueEnd(ReadOnlySpan<char> text, int close, char q)
    {
        int from = close + 1, limit = Math.Min(text.Length, from + MaxQuotedGlue + 1);
        int k = from < limit ? text[from..limit].IndexOfAny('"', '\'') : -1;
        return k >= 0 && text[from + k] == q && LiteralClose(text, from + k, q) >= 0 ? from + k : -1;
    }

    /// <summary>The start of the glue before the opening quote <paramref name="open"/> (just after the previous literal's closing quote), or −1.</summary>
    private static int GlueStart(ReadOnlySpan<char> text, int open, char q, int floor)
    {
        int from = Math.Max(floor, open - MaxQuotedGlue - 1);
        int k = from < open ? text[from..open].LastIndexOfAny('"', '\'') : -1;
        return k >= 0 && text[from + k] == q && LiteralOpen(text, from + k, q, floor) >= 0 ? from + k + 1 : -1;
    }

    /// <summary>The glue without one leading <c>)</c>: <c>"a".concat("b").concat("c")</c> glues its first two literals with <c>.concat(</c>, the next ones with <c>).concat(</c>.</summary>
    private static ReadOnlySpan<char> Unparen(ReadOnlySpan<char> g) => g.Length > 0 && g[0] == ')' ? g[1..] : g;

    /// <summary>The closing quote of a literal of 1–64 token characters opened at <paramref name="open"/>, or −1.</summary>
    private static int LiteralClose(ReadOnlySpan<char> text, int open, char q)
    {
        int e = open + 1;
        while (e < text.Length && e - open <= 65 && RunScanner.IsTokenChar(text[e]))
        {
            e++;
        }

        return e > open + 1 && e - open <= 65 && e < text.Length && text[e] == q ? e : -1;
    }

    /// <summary>The opening quote of a literal of 1–64 token characters closed at <paramref name="close"/>, or −1.</summary>
    private static int LiteralOpen(ReadOnlySpan<char> text, int close, char q, int floor)
    {
        int s = close;
        while (s > floor && close - s <= 64 && RunScanner.IsTokenChar(text[s - 1]))
        {
            s--;
        }

        return s < close && close - s <= 64 && s - 1 >= floor && text[s - 1] == q ? s - 1 : -1;
    }

    /// <summary>
    /// Joins <paramref name="pieces"/> and scans the join as a layer (<c>concat</c>) spanning from the first piece to the
    /// last, when it is 16–1,024 characters with a digit and a letter (a random key of 20+ base62 characters has a digit
    /// with a chance of 99.8 %; names and words seldom do) and nothing has been reported inside that span
    /// yet (the hot path's own joins — <c>"…" + "…"</c> with a long piece, JSON array elements — found it first). A
    /// join glued to a word on the left (<c>key ghp_ R4nd …</c> cut as <c>key</c>, …) is the caller's: its pieces differ
    /// in length from the next ones and are not in the stretch.
    /// </summary>
    private void ScanChunkJoin(ReadOnlySpan<char> text, ReadOnlySpan<(int S, int E)> pieces, ref ScanState st, in Layer layer)
    {
        int total = 0;
        bool digit = false, upper = false, lower = false;
        foreach (var (s, e) in pieces)
        {
            total += e - s;
            var piece = text[s..e];
            digit |= piece.ContainsAnyInRange('0', '9');
            upper |= piece.ContainsAnyInRange('A', 'Z');
            lower |= piece.ContainsAnyInRange('a', 'z');
        }

        int from = pieces[0].S, to = pieces[^1].E;
        if (total < 16 || total > SpelledMaxChars || !digit || !(upper || lower) || st.Full || st.Depth >= MaxDeepLayers || FoundWithin(ref st, layer, from, to - from))
        {
            return;
        }

        ScanJoinedPieces(text, pieces, total, from, to - from, ref st, layer);
    }

    /// <summary>Has a finding been reported (at the current location) that overlaps [<paramref name="start"/>, + <paramref name="length"/>) of this layer's text?</summary>
    private static bool FoundWithin(ref ScanState st, in Layer layer, int start, int length)
    {
        if (st.Seen is not { Count: > 0 } seen)
        {
            return false;
        }

        var (rs, rl) = layer.ToRoot(start, length);
        rs += st.Offset;
        foreach (var (_, _, s, l, loc) in seen)
        {
            if (loc.Equals(st.Location) && s < rs + rl && rs < s + l)
            {
                return true;
            }
        }

        return false;
    }
}
