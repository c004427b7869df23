using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// More decoding layers (issue 16), each found from a cheap candidate and rescanned with the full pipeline like the
/// base64 and hex layers of DlpEngine.Deep.cs:
/// <list type="bullet">
/// <item><b>base32</b> (RFC 4648 §6) in a body, path or query: a token run of 24+ characters of the base32 alphabet in
/// one case whose first 8 characters decode to printable text. Hooked in <c>CollectPiece</c> (the token runs the
/// classifier already produced); the host-name form stays in <c>ScanHost</c>.</item>
/// <item><b>raw deflate</b> (RFC 1951, no zlib/gzip header: PHP <c>gzdeflate</c>, Node <c>deflateRaw</c>,
/// <c>zlib.compressobj(wbits=-15)</c>) in base64: a token run of 28+ characters whose first byte is a final block
/// header (BFINAL 1; BTYPE fixed or dynamic) and whose first two literals are printable (fixed Huffman) or whose
/// dynamic header is in range, then inflated within the request's budget. Hooked in <c>CollectPiece</c>. bzip2 and
/// xz have no decoder in the base class library: DlpEngine.CompressedLayers.cs refuses them.</item>
/// <item><b>byte-array literals</b>: C/C++/Java/Python <c>0x41, 0x4b, …</c> (8+ elements). Found by the probe pass
/// (<c>ProbeScan</c>: every 44 characters; an array of 8+ elements is at least 40 characters with its separators,
/// and the probe looks back over the element it lands in). <c>\x41\x4b…</c> is the escape layer's.</item>
/// <item><b>Ascii85</b> (Adobe, <c>&lt;~ … ~&gt;</c>, PostScript Language Reference §3.13.3): found by one
/// vectorised search for <c>&lt;~</c> or <c>&amp;#</c> per layer of text (<see cref="ScanMarkedEncodings"/>, called from <c>ScanCore</c>).</item>
/// <item><b>string concatenation</b> (<c>"sk-proj-Ab" + "Cd…"</c>, also JSON-escaped): found from a token run that
/// starts or ends a literal next to <c>+</c> (one or two compares per run; a key split into pieces of which none is a
/// 16+ character run is not found), joined and rescanned (<see cref="ScanConcatenation"/>).</item>
/// <item><b>HTML character references</b> (<c>&amp;#65;&amp;#75;…</c>, <c>&amp;#x41;</c>): a segment with 4+ numeric
/// references, found by the same search (<see cref="ScanHtmlEntities"/>).</item>
/// </list>
/// </summary>
public sealed partial class DlpEngine
{
    private const int KindBase32 = 2;
    private const int KindRawDeflate = 3;

    private const int DeepMinBase32 = 24;
    private const int DeepMinRawDeflate = 28;
    private const int HexArrayMinBytes = 8;

    private static readonly SearchValues<char> Base32Upper = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    private static readonly SearchValues<char> Base32Lower = ContextRules.LowerBase32Chars;
    private static readonly SearchValues<char> HexOrDash = SearchValues.Create("0123456789abcdefABCDEF-");

    /// <summary>Adds a run that may be base32 of text or base64 of raw deflate data (see the type's remarks).</summary>
    private static void CollectOtherEncodings(ReadOnlySpan<char> piece, int s, int e, bool base64Collected, ref IntBuffer deep)
    {
        if (piece.Length >= DeepMinBase32 && (!piece.ContainsAnyExcept(Base32Upper) || !piece.ContainsAnyExcept(Base32Lower)) && (PrintableBase32Start(piece) || CompressedBase32Start(piece)))
        {
            deep.Add(s, (e << KindBits) | KindBase32);
        }
        else if (!base64Collected && piece.Length >= DeepMinRawDeflate && FinalBlockStart(piece[0], piece[1]) && piece.ContainsAnyExcept(HexOrDash) && RawDeflateStart(piece))
        {
            deep.Add(s, (e << KindBits) | KindRawDeflate);
        }

        // Not an else: a base58 run can also pass the raw-deflate start test, which then decodes it to nothing.
        if (!base64Collected && MayBeBase58(piece))
        {
            deep.Add(s, (e << KindBits) | KindBase58); // DlpEngine.Numbers.cs
        }
    }

    /// <summary>The first 8 characters decode (base32) to 5 printable bytes.</summary>
    private static bool PrintableBase32Start(ReadOnlySpan<char> s)
    {
        Span<byte> b = stackalloc byte[5];
        if (Base32Decode(s[..8], b) != 5)
        {
            return false;
        }

        foreach (byte x in b)
        {
            if (!IsPrintable(x))
            {
                return Utf16Start(b); // DlpEngine.Utf16.cs: base32 of UTF-16 text (red team 11)
            }
        }

        return true;
    }

    /// <summary>
    /// The first byte the two base64 characters give is a final block header with BTYPE 01 or 10 (RFC 1951 §3.2.3):
    /// bit 0 (BFINAL) is bit 4 of the second character's value, BTYPE bits 1–2 are its bit 5 and the first's bit 0.
    /// Three quarters of random runs fail here, before anything is decoded.
    /// </summary>
    private static bool FinalBlockStart(char c0, char c1)
    {
        int v0 = Base64Helpers.B64Value(c0), v1 = Base64Helpers.B64Value(c1);
        int btype = ((v1 >> 5) & 1) | ((v0 & 1) << 1);
        return v0 >= 0 && v1 >= 0 && ((v1 >> 4) & 1) == 1 && btype is 1 or 2;
    }

    /// <summary>
    /// The base64 decodes to the start of a final raw deflate block (RFC 1951 §3.2.3: BFINAL 1, BTYPE 01 or 10): for
    /// fixed Huffman codes (§3.2.6) the first two symbols are printable literals; for dynamic codes HLIT ≤ 29 and
    /// HDIST ≤ 29 (§3.2.7). Random bytes pass about 2 % of the time.
    /// </summary>
    private static bool RawDeflateStart(ReadOnlySpan<char> s)
    {
        Span<byte> b = stackalloc byte[6];
        if (Base64Helpers.DecodeLenient(s[..8], b) != 6 || (b[0] & 1) == 0)
        {
            return false;
        }

        ulong bits = 0;
        for (int i = 5; i >= 0; i--)
        {
            bits = (bits << 8) | b[i];
        }

        int btype = (int)(bits >> 1) & 3;
        if (btype == 2)
        {
            int hlit = (int)(bits >> 3) & 31, hdist = (int)(bits >> 8) & 31;
            return hlit <= 29 && hdist <= 29;
        }

        if (btype != 1)
        {
            return false;
        }

        // Fixed codes: literals 0–143 are the 8-bit codes 0x30–0xBF, sent most significant bit first.
        int pos = 3;
        for (int sym = 0; sym < 2; sym++)
        {
            int code = 0;
            for (int k = 0; k < 8; k++, pos++)
            {
                code = (code << 1) | (int)((bits >> pos) & 1);
            }

            int literal = code - 0x30;
            if (!IsPrintable(literal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Decodes a base32 or raw-deflate blob collected by <see cref="CollectOtherEncodings"/> and scans the text it holds.</summary>
    private void ScanOtherEncoding(ReadOnlySpan<char> text, int s, int e, int kind, ref ScanState st, in Layer layer)
    {
        var piece = text[s..e];
        if (kind == KindBase32)
        {
            byte[] b32 = ArrayPool<byte>.Shared.Rent((piece.Length * 5 / 8) + 1);
            try
            {
                int n = Base32Decode(piece, b32);
                if (!TryScanCompressedLayer(b32.AsSpan(0, n), s, e - s, DlpEncodings.Base32, deeper: false, ref st, layer))
                {
                    ScanDecoded(b32.AsSpan(0, n), s, e - s, DlpEncodings.Base32, ref st, layer);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(b32);
            }

            return;
        }

        int remaining = MaxInflatedPerScan - st.Inflated;
        if (remaining <= 0)
        {
            return;
        }

        byte[] bytes = ArrayPool<byte>.Shared.Rent((piece.Length * 3 / 4) + 3);
        byte[] inflated = ArrayPool<byte>.Shared.Rent(Math.Min(MaxInflatedBytes, remaining) + 1);
        try
        {
            int n = Base64Helpers.DecodeLenient(piece, bytes);
            int count = Inflate(bytes.AsSpan(0, n), Compression.Deflate, inflated, Math.Min(MaxInflatedBytes, remaining), out bool truncated);
            st.Inflated += count;
            string chain = (piece.IndexOfAny('-', '_') >= 0 ? DlpEncodings.Base64Url : DlpEncodings.Base64) + "+" + DlpEncodings.Compressed;
            if (truncated)
            {
                ReportCompressedUnscanned(ref st, layer, s, e - s, chain, count);
            }

            // Raw deflate has no header to say it is one: only what inflates to text is a layer (random bytes inflate to noise).
            ScanDecoded(inflated.AsSpan(0, count), s, e - s, chain, ref st, layer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<byte>.Shared.Return(inflated);
        }
    }

    // ---- byte-array literals (the probe pass) -----------------------------------------------------------------------

    /// <summary>
    /// The probe at <paramref name="p"/> may be inside an element <c>0x4b, </c> of a byte array: on its <c>0</c>,
    /// <c>x</c> or comma, on a quote of a quoted element (<c>"0x4b", </c>), on a space after a comma, or on a hex digit
    /// one or two characters after an <c>x</c>. Prose and code fail this with one or two comparisons (and the probe only
    /// asks when <see cref="ZeroXNear"/> found a <c>0x</c> near it).
    /// </summary>
    private static bool HexArrayProbe(ReadOnlySpan<char> t, int p) => t[p] switch
    {
        '0' or 'x' or 'X' or ',' or '"' or '\'' or '\\' => true, // a quote or an escaped quote around an element: "0x4b", (r32)
        ' ' => p > 0 && (t[p - 1] == ',' || char.IsAsciiHexDigit(t[p - 1])), // (r36: "0x67 0x68")
        var c => p >= 2 && char.IsAsciiHexDigit(c) && (t[p - 1] is 'x' or 'X' || t[p - 2] is 'x' or 'X'),
    };

    /// <summary>
    /// Is position <paramref name="p"/> inside a byte-array literal <c>0x41, 0x4b, …</c> (elements <c>0x</c>/<c>0X</c> and
    /// two hex digits, separated by a comma and optional spaces) of at least <see cref="HexArrayMinBytes"/> elements?
    /// The elements may also be quoted alike (r32 round: a JSON array of strings <c>["0x67", "0x68", …]</c>, Python
    /// <c>['0x67', …]</c>, or the JSON-escaped <c>[\"0x67\", …]</c> of a JSON document inside a string; see
    /// <see cref="NextHexElement"/>). Returns its bounds (first <c>0</c> to the last digit).
    /// </summary>
    private static bool HexArrayAt(ReadOnlySpan<char> t, int p, out int start, out int end)
    {
        start = end = 0;

        // The element the probe is in, or the one after the separator it landed on.
        int q = -1;
        for (int k = Math.Max(0, p - 3); k <= p + 6 && k + 3 < t.Length; k++)
        {
            if (IsHexElement(t, k))
            {
                q = k;
                if (k >= p - 3 && k <= p)
                {
                    break;
                }
            }
        }

        if (q < 0)
        {
            return false;
        }

        int s = q, count = 1;
        while (PreviousHexElement(t, s) is int prev and >= 0)
        {
            s = prev;
            count++;
        }

        int last = q;
        while (NextHexElement(t, last) is int next and >= 0)
        {
            last = next;
            count++;
        }

        (start, end) = (s, last + 4);
        return count >= HexArrayMinBytes && (s == 0 || !char.IsAsciiLetterOrDigit(t[s - 1])) && (end >= t.Length || !char.IsAsciiLetterOrDigit(t[end]));
    }

    private static bool IsHexElement(ReadOnlySpan<char> t, int k) =>
        k + 3 < t.Length && t[k] == '0' && t[k + 1] is 'x' or 'X' && char.IsAsciiHexDigit(t[k + 2]) && char.IsAsciiHexDigit(t[k + 3]);

    /// <summary>
    /// The element after the one at <paramref name="k"/> (", " then <c>0x..</c>; since r36 also one to three blanks alone between unquoted elements), or -1. Quoted elements (r32 round:
    /// <c>"0x67", "0x68"</c>, <c>'0x67', '0x68'</c>, JSON-escaped <c>\"0x67\", \"0x68\"</c>) chain only with elements
    /// quoted the same way: the closing quote after the element's two digits, the comma and up to 3 spaces, then the same
    /// opening quote before the next one and its closing quote after it.
    /// </summary>
    private static int NextHexElement(ReadOnlySpan<char> t, int k)
    {
        int i = k + 4;
        int quote = HexElementQuoteAt(t, i);
        i += quote;
        if (quote == 0 && i + 1 < t.Length && t[i] == ' ')
        {
            // (r36) blanks alone between unquoted elements: "0x67 0x68 0x70 …" (a byte list printed by a script)
            int b = i;
            while (i < t.Length && i - b < 3 && t[i] == ' ')
            {
                i++;
            }

            return IsHexElement(t, i) && (i + 4 >= t.Length || !char.IsAsciiHexDigit(t[i + 4])) ? i : -1;
        }

        if (i >= t.Length || t[i] != ',')
        {
            return -1;
        }

        int sep = ++i;
        while (i < t.Length && i - sep < 3 && t[i] == ' ')
        {
            i++;
        }

        if (quote > 0)
        {
            if (HexElementQuoteAt(t, i) != quote || t[i + quote - 1] != t[k + 4 + quote - 1])
            {
                return -1;
            }

            i += quote;
            if (HexElementQuoteAt(t, i + 4) != quote)
            {
                return -1; // the next element is not closed alike
            }
        }

        return IsHexElement(t, i) && (i + 4 >= t.Length || !char.IsAsciiHexDigit(t[i + 4])) ? i : -1;
    }

    /// <summary>
    /// The length of a quote around a byte-array element at <paramref name="i"/>: 1 for <c>"</c> or <c>'</c>, 2 for a
    /// JSON-escaped <c>\"</c>, 0 for none.
    /// </summary>
    private static int HexElementQuoteAt(ReadOnlySpan<char> t, int i) =>
        i >= t.Length ? 0 : t[i] is '"' or '\'' ? 1 : t[i] == '\\' && i + 1 < t.Length && t[i + 1] == '"' ? 2 : 0;

    /// <summary>The element before the one at <paramref name="k"/>, or -1 (quoted elements as <see cref="NextHexElement"/> reads them).</summary>
    private static int PreviousHexElement(ReadOnlySpan<char> t, int k)
    {
        int i = k - 1;
        int quote = i >= 0 && t[i] is '"' or '\'' ? (i >= 1 && t[i] == '"' && t[i - 1] == '\\' ? 2 : 1) : 0;
        i -= quote;
        int sep = i;
        while (i >= 0 && sep - i < 3 && t[i] == ' ')
        {
            i--;
        }

        if (quote == 0 && sep - i >= 1 && i >= 3 && char.IsAsciiHexDigit(t[i]))
        {
            int bare = i - 3; // (r36) blanks alone before this element: the one before ends at i
            return IsHexElement(t, bare) ? bare : -1;
        }

        if (i < 4 || t[i] != ',')
        {
            return -1;
        }

        int element = i - quote - 4;
        return element >= 0 && IsHexElement(t, element) && (quote == 0 || (HexElementQuoteAt(t, i - quote) == quote && t[i - 1] == t[k - 1])) ? element : -1;
    }

    private void ScanHexArray(ReadOnlySpan<char> text, int s, int e, ref ScanState st, in Layer layer)
    {
        if (st.Depth >= MaxDeepLayers)
        {
            return;
        }

        // Walked in the whole text: a quoted element's closing quote lies past e (HexArrayAt's end is the last digit).
        int length = e - s;
        Span<byte> bytes = length / 5 < 512 ? stackalloc byte[512] : new byte[(length / 5) + 1];
        int n = 0;
        for (int k = s; k >= 0 && k < e && n < bytes.Length; k = NextHexElement(text, k))
        {
            bytes[n++] = (byte)((Base64Helpers.HexValue(text[k + 2]) << 4) | Base64Helpers.HexValue(text[k + 3]));
        }

        ScanDecoded(bytes[..n], s, e - s, DlpEncodings.HexArray, ref st, layer);
    }

    // ---- Ascii85 ------------------------------------------------------------------------------------------------------

    /// <summary>The markers of <see cref="ScanMarkedEncodings"/>: an Adobe Ascii85 block, an HTML numeric character reference, a markup comment's <c>&lt;!</c> (r32).</summary>
    private static readonly SearchValues<string> s_encodingMarks = SearchValues.Create(["<~", "&#", "<!"], StringComparison.Ordinal);

    /// <summary>
    /// The first marker of <see cref="ScanMarkedEncodings"/> in <paramref name="text"/> (<c>&lt;~</c>, an Adobe Ascii85
    /// block; <c>&amp;#</c>, an HTML numeric character reference; <c>&lt;!</c>, which starts a markup comment), or -1:
    /// the same position as a search of <see cref="s_encodingMarks"/>. A two-character <c>IndexOfAny</c> first, which on
    /// text without <c>&lt;</c> or <c>&amp;</c> (JSON, prose, code) runs several times faster than the string search;
    /// when it stops at a <c>&lt;</c> or <c>&amp;</c> that starts no marker, the rest is the string search (three
    /// two-character strings since r32), which keeps its speed on markup, where a character search restarted at every
    /// tag was about 15 times slower (seventh speed round).
    /// </summary>
    private static int IndexOfEncodingMark(ReadOnlySpan<char> text)
    {
        int k = text.IndexOfAny('<', '&');
        if (k < 0 || (k + 1 < text.Length && (text[k] == '<' ? text[k + 1] is '~' or '!' : text[k + 1] == '#')))
        {
            return k;
        }

        int rest = text[(k + 1)..].IndexOfAny(s_encodingMarks);
        return rest < 0 ? -1 : k + 1 + rest;
    }

    /// <summary>
    /// Decodes every Adobe Ascii85 block (<c>&lt;~ … ~&gt;</c>; whitespace ignored, <c>z</c> for four zero bytes) of 10+
    /// characters and every text segment with 4+ HTML numeric character references (<see cref="ScanHtmlEntities"/>)
    /// in <paramref name="text"/> and scans what they hold, and rejoins the pieces of a token split by markup comments
    /// (<see cref="ScanCommentSplit"/>). One vectorised search for the three markers.
    /// </summary>
    private void ScanMarkedEncodings(ReadOnlySpan<char> text, ref ScanState st, in Layer layer)
    {
        int from = 0;
        while (from < text.Length && !st.Full && st.Depth < MaxDeepLayers)
        {
            int k = IndexOfEncodingMark(text[from..]);
            if (k < 0)
            {
                return;
            }

            int s = from + k;
            if (text[s] == '&')
            {
                from = ScanHtmlEntities(text, s, ref st, layer);
                continue;
            }

            if (text[s + 1] == '!')
            {
                from = ScanCommentSplit(text, s, ref st, layer); // DlpEngine.MarkupComments.cs: ghp_Ab<!-- -->Cd…
                continue;
            }

            int close = text[(s + 2)..].IndexOf("~>", StringComparison.Ordinal);
            int e = close < 0 ? text.Length : s + 2 + close + 2;
            var body = text[(s + 2)..(close < 0 ? text.Length : e - 2)];
            from = Math.Max(e, s + 2);
            if (body.Length < 10)
            {
                continue;
            }

            byte[] bytes = ArrayPool<byte>.Shared.Rent((body.Length * 4) + 4);
            try
            {
                int n = Base85Decoders.DecodeAscii85(body, bytes);
                ScanDecoded(bytes.AsSpan(0, n), s, e - s, DlpEncodings.Ascii85, ref st, layer);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
    }

    /// <summary>
    /// HTML character references around the <c>&amp;#</c> at <paramref name="at"/>: the segment (no whitespace, quotes
    /// or angle brackets; up to 64 KiB) is decoded — <c>&amp;#NNN;</c>, <c>&amp;#xHH;</c> (HTML Living Standard
    /// §13.2.5.72–80; the semicolon is optional there) and the five XML entities (<c>&amp;amp;</c> <c>&amp;lt;</c>
    /// <c>&amp;gt;</c> <c>&amp;quot;</c> <c>&amp;apos;</c>) — and scanned when it holds 4+ numeric references. Returns
    /// where the search goes on.
    /// </summary>
    private int ScanHtmlEntities(ReadOnlySpan<char> text, int at, ref ScanState st, in Layer layer)
    {
        int s = at;
        while (s > 0 && at - s < 256 && !IsEntitySegmentEnd(text[s - 1]))
        {
            s--;
        }

        int e = at;
        while (e < text.Length && e - s < 65536 && !IsEntitySegmentEnd(text[e]))
        {
            e++;
        }

        var segment = text[s..e];
        if (segment.Length < 16)
        {
            return at + 2;
        }

        char[] buffer = ArrayPool<char>.Shared.Rent(segment.Length);
        try
        {
            int n = 0, numeric = 0;
            for (int i = 0; i < segment.Length;)
            {
                if (segment[i] == '&' && TryEntity(segment[i..], out int consumed, out char c, out bool isNumeric))
                {
                    buffer[n++] = c;
                    numeric += isNumeric ? 1 : 0;
                    i += consumed;
                }
                else
                {
                    buffer[n++] = segment[i++];
                }
            }

            if (numeric >= 4)
            {
                ScanDecodedChars(buffer.AsSpan(0, n), s, e - s, DlpEncodings.HtmlEntity, ref st, layer);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }

        return Math.Max(e, at + 2);
    }

    /// <summary>A token run that starts a string literal right after <c>+</c> (<c>"…" + "&lt;run&gt;</c>): finds the left literal's closing quote and joins.</summary>
    private void ConcatenationBefore(ReadOnlySpan<char> text, int rs, ref ScanState st, in Layer layer)
    {
        char q = text[rs - 1];
        int k = rs - 2;
        if (text[k] == '\\')
        {
            k--;
        }

        while (k > 0 && text[k] == ' ')
        {
            k--;
        }

        if (k <= 1 || text[k] != '+')
        {
            return;
        }

        k--;
        while (k > 0 && text[k] == ' ')
        {
            k--;
        }

        if (text[k] == q && !st.Full && st.Depth < MaxDeepLayers)
        {
            ScanConcatenation(text, k, ref st, layer);
        }
    }

    /// <summary>A token run that ends a string literal followed by <c>+</c> (<c>"&lt;run&gt;" + "…"</c>).</summary>
    private void ConcatenationAfter(ReadOnlySpan<char> text, int re, ref ScanState st, in Layer layer)
    {
        int at = text[re] == '\\' ? re + 1 : re;
        if (at + 2 >= text.Length || text[at] is not ('"' or '\''))
        {
            return;
        }

        int k = at + 1;
        while (k < text.Length && text[k] == ' ')
        {
            k++;
        }

        if (k < text.Length && text[k] == '+' && !st.Full && st.Depth < MaxDeepLayers)
        {
            ScanConcatenation(text, at, ref st, layer);
        }
    }

    /// <summary>
    /// String literals joined with <c>+</c> (<c>"sk-proj-Ab" + "Cd…"</c>: JavaScript, Java, C#, Python; also inside a
    /// JSON string, <c>\" + \"</c>): the literals around the marker at <paramref name="at"/> (the closing quote of the
    /// left one) and every further <c>+ "…"</c> on the same line are joined and scanned as one layer (<c>concat</c>),
    /// the span running from the first literal's opening quote to the last one's closing quote. Literals are up to 512
    /// characters, the expression up to 64. Returns where the search goes on.
    /// </summary>
    private int ScanConcatenation(ReadOnlySpan<char> text, int at, ref ScanState st, in Layer layer)
    {
        char q = text[at];
        bool escaped = at > 0 && text[at - 1] == '\\';
        int quoteLen = escaped ? 2 : 1;

        // Back to the first literal of the chain: from a closing quote to its opening one, then over "+" to the
        // closing quote of the literal before, while there is one.
        int open = -1;
        for (int close = escaped ? at - 1 : at, pieces = 0; pieces < 64; pieces++)
        {
            int o = OpeningQuote(text, close, q, escaped);
            if (o < 0)
            {
                break;
            }

            open = o;
            int k = o - 1;
            while (k > 0 && text[k] is ' ' or '\t')
            {
                k--;
            }

            if (k <= 1 || text[k] != '+')
            {
                break;
            }

            k--;
            while (k > 0 && text[k] is ' ' or '\t')
            {
                k--;
            }

            if (text[k] != q || (escaped && text[k - 1] != '\\'))
            {
                break;
            }

            close = escaped ? k - 1 : k;
        }

        if (open < 0)
        {
            return at + 1;
        }

        // Forward from the first literal, joining while "+" and another literal follow.
        var joined = new List<(int S, int E)>();
        int i = open + quoteLen;
        for (int pieces = 0; pieces < 64; pieces++)
        {
            int le = ClosingQuote(text, i, q, escaped);
            if (le < 0)
            {
                break;
            }

            joined.Add((i, le));
            int j = le + quoteLen;
            while (j < text.Length && text[j] is ' ' or '\t')
            {
                j++;
            }

            if (j >= text.Length || text[j] != '+')
            {
                i = le + quoteLen;
                break;
            }

            j++;
            while (j < text.Length && text[j] is ' ' or '\t')
            {
                j++;
            }

            i = le + quoteLen;
            if (escaped ? !(j + 1 < text.Length && text[j] == '\\' && text[j + 1] == q) : !(j < text.Length && text[j] == q))
            {
                break;
            }

            i = j + quoteLen;
        }

        if (joined.Count < 2)
        {
            return Math.Max(i, at + 1);
        }

        int end = joined[^1].E + quoteLen;
        int total = 0;
        foreach (var (ps, pe) in joined)
        {
            total += pe - ps;
        }

        if (total >= MinimumFindingLength)
        {
            ScanJoinedPieces(text, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(joined), total, open, end - open, ref st, layer);
        }

        return Math.Max(end, at + 1);
    }

    /// <summary>
    /// Joins <paramref name="pieces"/> (ranges of <paramref name="text"/>, <paramref name="total"/> characters together)
    /// and scans the join as a <c>concat</c> layer spanning <paramref name="from"/> … +<paramref name="length"/> of this
    /// layer's text: quoted literals joined by code (<see cref="ScanConcatenation"/>) and chunks joined back
    /// (<see cref="ScanChunkJoin"/>).
    /// </summary>
    private void ScanJoinedPieces(ReadOnlySpan<char> text, ReadOnlySpan<(int S, int E)> pieces, int total, int from, int length, ref ScanState st, in Layer layer)
    {
        char[] chars = ArrayPool<char>.Shared.Rent(total);
        try
        {
            int n = 0;
            foreach (var (s, e) in pieces)
            {
                text[s..e].CopyTo(chars.AsSpan(n));
                n += e - s;
            }

            ScanDecodedChars(chars.AsSpan(0, n), from, length, DlpEncodings.Concat, ref st, layer);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>The opening quote (its backslash when <paramref name="escaped"/>) of the literal whose closing quote starts at <paramref name="close"/>, within 512 characters on the line; −1 if none.</summary>
    private static int OpeningQuote(ReadOnlySpan<char> text, int close, char q, bool escaped)
    {
        for (int o = close - 1; o >= 0 && close - o <= 512 && text[o] is not ('\n' or '\r'); o--)
        {
            if (text[o] == q && (!escaped || (o > 0 && text[o - 1] == '\\')))
            {
                return escaped ? o - 1 : o;
            }
        }

        return -1;
    }

    /// <summary>Where the literal whose content starts at <paramref name="from"/> closes (its backslash when <paramref name="escaped"/>), within 512 characters on the line; −1 if it does not.</summary>
    private static int ClosingQuote(ReadOnlySpan<char> text, int from, char q, bool escaped)
    {
        for (int e = from; e < text.Length && e - from <= 512 && text[e] is not ('\n' or '\r'); e++)
        {
            if (escaped ? text[e] == '\\' && e + 1 < text.Length && text[e + 1] == q : text[e] == q)
            {
                return e;
            }
        }

        return -1;
    }

    private static bool IsEntitySegmentEnd(char c) => c is ' ' or '\t' or '\r' or '\n' or '"' or '\'' or '<' or '>';

    /// <summary>One character reference at the start of <paramref name="s"/> (which starts with <c>&amp;</c>); BMP characters only.</summary>
    private static bool TryEntity(ReadOnlySpan<char> s, out int consumed, out char c, out bool numeric)
    {
        consumed = 0;
        c = '\0';
        numeric = false;
        if (s.Length >= 3 && s[1] == '#')
        {
            bool hex = s[2] is 'x' or 'X';
            int i = hex ? 3 : 2, value = 0, digits = 0;
            while (i < s.Length && digits < 7)
            {
                int d = hex ? Base64Helpers.HexValue(s[i]) : char.IsAsciiDigit(s[i]) ? s[i] - '0' : -1;
                if (d < 0)
                {
                    break;
                }

                value = (value * (hex ? 16 : 10)) + d;
                digits++;
                i++;
            }

            if (digits == 0 || value is 0 or > 0xFFFF || char.IsSurrogate((char)value))
            {
                return false;
            }

            consumed = i < s.Length && s[i] == ';' ? i + 1 : i;
            c = (char)value;
            numeric = true;
            return true;
        }

        foreach (var (name, ch) in s_xmlEntities)
        {
            if (s.StartsWith(name, StringComparison.Ordinal))
            {
                consumed = name.Length;
                c = ch;
                return true;
            }
        }

        return false;
    }

    private static readonly (string Name, char Char)[] s_xmlEntities = [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&apos;", '\'')];
}
