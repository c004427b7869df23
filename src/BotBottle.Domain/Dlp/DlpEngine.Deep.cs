using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BotBottle.Dlp;

/// <summary>
/// Layered decoding (issue 16): blobs that decode to text are decoded and scanned again with the full pipeline, up to
/// <see cref="MaxDeepLayers"/> layers deep, so base64 of a card number in a query, hex of a key in a path, base64 of hex,
/// hex with <c>:</c>/<c>-</c>/space delimiters and chains of several layers are seen. The finding's
/// <see cref="DlpFinding.Encoding"/> names the chain (outermost first, e.g. <c>base64+hex</c>) and its span covers the
/// outermost encoded text.
/// <para>
/// The fast path stays fast: candidates come from the token runs the vectorised classifier already produced, and a
/// run is decoded only when its first quanta decode to printable text (base64: 6 bytes from 8 characters; hex: 4
/// bytes); random blobs, hashes, images and identifiers fail that test after a few characters. Delimited hex and
/// BIP-39 phrases are found by probing every <see cref="ProbeStride"/> characters: both are longer than the stride,
/// so every occurrence contains a probe point, and a probe costs a character test for most positions.
/// </para>
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>Decoding layers explored below the text as sent (base64, hex, delimited hex, host labels), at most.</summary>
    public const int MaxDeepLayers = 4;

    private const int DeepMinBase64 = 16;
    private const int DeepMinHex = 24;

    /// <summary>The longest piece of a path-like run decoded from a '/' to the run's end (characters; <see cref="CollectDeep"/>).</summary>
    private const int PathBlobMax = 4096;

    /// <summary>How far into a token run a path's blob may start to be decoded to the run's end (characters; <see cref="CollectDeep"/>).</summary>
    private const int PathPrefixMax = 64;
    private const int DelimitedHexMinPairs = 12;

    /// <summary>Within this many characters of the text's end (and in its first two) <see cref="DelimitedHexNear"/> answers by its edge rule and <see cref="DelimitedHexAt"/> also looks back.</summary>
    private const int DelimitedHexEdge = 9;

    /// <summary>Probe stride: not longer than the shortest delimited hex worth decoding (15 pairs = 44 chars) or BIP-39 phrase (47 chars).</summary>
    private const int ProbeStride = 44;

    private const int KindBase64 = 0;
    private const int KindHex = 1;

    /// <summary>Bits of a collected blob's second entry that hold its kind (<c>end &lt;&lt; KindBits | kind</c>).</summary>
    private const int KindBits = 3;
    private const int KindMask = (1 << KindBits) - 1;

    /// <summary>Adds decodable blobs among <paramref name="runs"/> to <paramref name="deep"/> as (start, end·2 + kind).</summary>
    /// <remarks>
    /// <paramref name="slashBits"/>: the classifier's bitmap of '/' positions in <paramref name="text"/>.
    /// <paramref name="wrappedUntil"/>: the end of the last wrapped blob collected (0 at the start of a text; the caller
    /// keeps it across chunks), whose later lines are not collected again (<see cref="CollectPiece"/>).
    /// </remarks>
    private static void CollectDeep(ReadOnlySpan<char> text, ReadOnlySpan<int> runs, ReadOnlySpan<ulong> slashBits, ref IntBuffer deep, ref int wrappedUntil)
    {
        for (int r = 0; r < runs.Length; r += 2)
        {
            int rs = runs[r], re = runs[r + 1];
            if (re - rs < DeepMinBase64)
            {
                continue;
            }

            int before = deep.Count;
            CollectPiece(text, rs, re, ref deep, ref wrappedUntil);
            bool whole = deep.Count != before;

            // Paths: "/v1/cards/<blob>" is one run; its pieces after each '/' are tried too (at most 8).
            int slash = RunScanner.NextBit(slashBits, rs, re);
            for (int tries = 0; slash >= 0 && tries < 8; tries++)
            {
                int ps = slash + 1;
                int next = RunScanner.NextBit(slashBits, ps, re);
                int pe = next < 0 ? re : next;
                if (pe - ps >= DeepMinBase64 && pe - ps < re - rs)
                {
                    CollectPiece(text, ps, pe, ref deep, ref wrappedUntil);
                }

                // A base64 blob holds '/' itself ("/u/H4sIAAAA…/…"): when another '/' follows, the run was not collected
                // whole, and the piece starts within PathPrefixMax of the run (a path's first segments), the piece
                // through to the run's end (at most PathBlobMax characters) too, as base64 whose first bytes are text
                // or compressed data's magic (fifth reach round: gzip in a URL path). Only base64: the other decoders'
                // start tests on 4 KiB pieces of binary blobs cost more than everything else together.
                // A path's own segments are mostly lower-case words and numbers ("repos", "issues", "123"): base64 of
                // gzip or of text has a capital in its first segment almost always, so only such a segment is tested.
                if (!whole && next >= 0 && ps - rs <= PathPrefixMax && re - ps >= DeepMinBase64 && text[ps..pe].ContainsAnyInRange('A', 'Z'))
                {
                    int pe2 = Math.Min(re, ps + PathBlobMax);
                    var rest = text[ps..pe2];
                    if (PrintableBase64Start(rest) || CompressedBase64Start(rest))
                    {
                        deep.Add(ps, (WithPadding(text, pe2) << KindBits) | KindBase64);
                    }
                }

                slash = next;
            }
        }
    }

    private static void CollectPiece(ReadOnlySpan<char> text, int s, int e, ref IntBuffer deep, ref int wrappedUntil)
    {
        // A run right after a JSON-escaped line break or tab starts with its letter ("…\nYWRtaW46…"): the blob starts
        // after it, or every quantum decodes one character out of step (r33 round: base64 of user:password on the line
        // after another in a JSON string). A wrapped blob's later lines (below) start so too and keep their test.
        int runStart = s;
        if (TextDecoders.IsEscapeLetterAt(text, s) && e - s > DeepMinBase64)
        {
            s++;
        }

        var piece = text[s..e];

        // A later line of a wrapped blob already collected (joined from an earlier line by WrappedEnd) is not a blob of
        // its own: decoded alone it is a fragment cut at line breaks, which read "P:System.Foo." from the middle of
        // base64 XML documentation as user:password and 16 digits cut out of a longer number as a card number.
        int b = runStart - LinePrefixLength(text, runStart); // an indented or decorated line of a wrapped blob (WrappedEnd)

        bool inBlob = e <= wrappedUntil && b > 0 && (text[b - 1] is '\n' or '\r' || (b == runStart && text[b - 1] == '\\') || (b < runStart && b > 1 && text[b - 1] == 'n' && text[b - 2] == '\\'));
        if (!inBlob && piece.Length >= DeepMinHex && ((piece[0] is >= '2' and <= '7' && PrintableHexStart(piece)) || (piece[0] is >= '0' and <= '7' or 'f' or 'F' && MayStartUtf16Hex(piece) && Utf16HexStart(piece)) || CompressedHexStart(piece) || ByteCipherHexStart(piece)) && !piece.ContainsAnyExcept(HexDigits))
        {
            int end = WrappedEnd(text, s, e, hex: true);
            wrappedUntil = Math.Max(wrappedUntil, end);
            deep.Add(s, (end << KindBits) | KindHex);
        }

        bool base64 = PrintableBase64Start(piece) || CompressedBase64Start(piece) || Utf16Base64Start(piece) || ArchiveBase64Start(piece);
        if (base64 && !inBlob)
        {
            int end = WrappedEnd(text, s, e, hex: false);
            wrappedUntil = Math.Max(wrappedUntil, end);
            deep.Add(s, (WithPadding(text, end) << KindBits) | KindBase64);
        }

        CollectOtherEncodings(piece, s, e, base64, ref deep);
    }

    /// <summary>
    /// The end of a blob wrapped into lines, as <c>base64</c> (coreutils: 76 columns), <c>openssl base64</c> (64),
    /// MIME (RFC 2045 §6.8: 76) and <c>xxd -p</c> (60 hex digits) write it: when the run [s, e) is a whole line of 16+
    /// characters (a multiple of 4 for base64, even for hex) and the following lines have the same length in the same
    /// alphabet (the last one may be shorter), the blob runs to the end of the last of them; otherwise <paramref name="e"/>.
    /// A line break is LF or CRLF, real or JSON-escaped (<c>\n</c>, <c>\r\n</c>: base64 file contents in a JSON string, as
    /// the GitHub contents API writes them). Lines may be indented alike (blanks or tabs, as the first line is after its
    /// line break: a YAML block scalar). Called for runs already chosen for decoding only; the decoders skip the line
    /// breaks and the indentation.
    /// </summary>
    private static int WrappedEnd(ReadOnlySpan<char> text, int s, int e, bool hex)
    {
        int width = e - s;
        if (LineBreakLength(text, e) == 0 || width < 16 || width % (hex ? 2 : 4) != 0 || (s > 0 && text[s - 1] is not ('\n' or '\r' or '"' or '\'' or ' ' or '\t' or '=' or ':' or '>') && !TextDecoders.IsEscapeLetterAt(text, s - 1)))
        {
            return e;
        }

        // The first line's indentation or decoration, when it starts a line (a YAML block scalar, an indented Markdown code
        // block, `base64 f | sed 's/^/  /'`: r27 red team; "> " quoted, "# " / "// " commented, "001 " numbered: r28):
        // every following line must carry the same prefix (digits may differ), which the decoders skip.
        int indent = LinePrefixLength(text, s);

        // A continuation line (the line before has the same width in the same alphabet) comes here only when the blob's
        // earlier lines were not collected (their first bytes are not text): it joins the rest of the blob from here.
        // Lines inside a joined blob are not collected again (CollectPiece: wrappedUntil), so each line is walked once.
        int end = e;
        while (end < text.Length && end - s < MaxWrappedBlob)
        {
            int br = LineBreakLength(text, end);
            if (br == 0)
            {
                break;
            }

            int ls = end + br;
            for (int k = 0; k < indent; k++, ls++)
            {
                char p = text[s - indent + k];
                if (ls >= text.Length || (text[ls] != p && !(char.IsAsciiDigit(p) && char.IsAsciiDigit(text[ls]))))
                {
                    return end;
                }
            }

            int le = ls;
            while (le < text.Length && le - ls <= width && (hex ? char.IsAsciiHexDigit(text[le]) : Base64Helpers.B64Value(text[le]) >= 0))
            {
                le++;
            }

            if (le == ls || le - ls > width || (le < text.Length && text[le] is not ('\n' or '\r' or '=' or '"' or '\'' or '<' or ' ' or '\\')))
            {
                break;
            }

            if (le < text.Length && text[le] == '=' && !IsPaddingEnd(text, le))
            {
                break; // "email=dev@…", "always-auth=true": the next line of an .npmrc, not the blob's last line (r33)
            }

            end = le;
            if (le - ls < width)
            {
                break; // the last, shorter line
            }
        }

        return end;
    }

    /// <summary>Is <paramref name="i"/> (an <c>=</c>) base64 padding: one or two <c>=</c>, then the text's end, a line break, a quote, a blank, <c>&lt;</c> or a backslash?</summary>
    private static bool IsPaddingEnd(ReadOnlySpan<char> text, int i)
    {
        int k = i + 1;
        if (k < text.Length && text[k] == '=')
        {
            k++;
        }

        return k >= text.Length || text[k] is '\n' or '\r' or '"' or '\'' or '<' or ' ' or '\\' or ',' or '}' or ';' or '&';
    }

    /// <summary>
    /// The length of the prefix before a wrapped blob's first character <paramref name="s"/> on its line (at most 16;
    /// 0 when there is none or the line holds anything else before <paramref name="s"/>): blanks and tabs (indentation),
    /// and the decorations of quoted, commented and numbered lines — <c>&gt; </c> (an e-mail reply, RFC 3676 §4.5),
    /// <c># </c>, <c>// </c>, <c>-- </c>, <c>; </c>, <c> * </c>, <c>| </c>, <c>001 </c>, <c>1: </c> — ending in a blank
    /// or tab unless it is only <c>&gt;</c>s. A line starts after LF, CR, a quote, a JSON-escaped <c>\n</c> or at the text's start.
    /// </summary>
    private static int LinePrefixLength(ReadOnlySpan<char> text, int s)
    {
        int p = 0;
        while (p < s && p < 16 && text[s - p - 1] is ' ' or '\t' or '>' or '#' or '/' or '-' or ';' or '*' or '|' or ':' or '.' or (>= '0' and <= '9'))
        {
            p++;
        }

        while (p > 0 && !(p == s || text[s - p - 1] is '\n' or '\r' or '"' || (s - p >= 2 && text[s - p - 2] == '\\' && text[s - p - 1] == 'n')))
        {
            p--; // the decoration must reach back to a line's start: drop what lies after other text on the line
        }

        if (p > 0 && text[s - 1] is not (' ' or '\t' or '>'))
        {
            return 0; // "//YnVp…", "1YnVp…": the decoration would be part of the run
        }

        return p;
    }

    /// <summary>Characters of the line break at <paramref name="i"/>: LF, CRLF, or JSON's escaped <c>\n</c> / <c>\r\n</c>; 0 when there is none.</summary>
    private static int LineBreakLength(ReadOnlySpan<char> text, int i)
    {
        if (i >= text.Length)
        {
            return 0;
        }

        if (text[i] == '\n')
        {
            return 1;
        }

        if (text[i] == '\r')
        {
            return i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 0;
        }

        if (text[i] != '\\' || i + 1 >= text.Length)
        {
            return 0;
        }

        if (text[i + 1] == 'n')
        {
            return 2;
        }

        return text[i + 1] == 'r' && i + 3 < text.Length && text[i + 2] == '\\' && text[i + 3] == 'n' ? 4 : 0;
    }

    /// <summary>The longest wrapped blob joined for decoding (characters): 1 MiB of base64 lines, enough for any key file.</summary>
    private const int MaxWrappedBlob = 1 << 20;

    /// <summary>
    /// Base64 of a gzip member (<c>1f 8b 08</c>, RFC 1952 §2.3.1: "H4sI") or of a zlib stream (CMF <c>78</c>, RFC 1950
    /// §2.2: "eJ", "eN", "eA", "eF" for the four FLEVEL values) or of a zstd frame (<c>28 b5 2f fd</c>, RFC 8878 §3.1.1:
    /// "KLUv/", base64url "KLUv_"): compress-then-encode, a common way to carry data out.
    /// </summary>
    private static bool CompressedBase64Start(ReadOnlySpan<char> s) =>
        s.Length >= 24 && (s.StartsWith("H4sI", StringComparison.Ordinal) || (s[0] == 'e' && s[1] is 'J' or 'N' or 'A' or 'F') || (s.StartsWith("KLUv", StringComparison.Ordinal) && s[4] is '/' or '_'));

    /// <summary>Inflated bytes scanned per compressed blob, at most: enough for any credential, bounded against bombs.</summary>
    private const int MaxInflatedBytes = 256 * 1024;

    /// <summary>Inflated bytes per scan (one request, every blob and layer together), at most: the CPU a request can cost.</summary>
    internal const int MaxInflatedPerScan = 1024 * 1024;

    /// <summary>
    /// The finding for compressed data that could not be scanned whole (more than <see cref="MaxInflatedBytes"/> in one
    /// blob, or past the request's <see cref="MaxInflatedPerScan"/>): what was not read may hold anything, so it is
    /// reported rather than let through. Not a token rule: nothing in the text matches it.
    /// </summary>
    public const string CompressedUnscannedId = "compressed-data-unscanned";

    /// <summary>
    /// When <paramref name="bytes"/> is a gzip member or a zlib stream (valid header), inflates at most
    /// <paramref name="limit"/> bytes into a pooled array (the caller returns it) and returns the count;
    /// <paramref name="truncated"/> says more data followed. Not compressed: returns 0 and <paramref name="inflated"/> is
    /// null. A corrupt stream yields what inflated before the fault.
    /// </summary>
    private static int TryInflate(ReadOnlySpan<byte> bytes, int limit, out byte[]? inflated, out bool truncated)
    {
        inflated = null;
        truncated = false;
        bool gzip = bytes.Length >= 18 && bytes[0] == 0x1f && bytes[1] == 0x8b && bytes[2] == 8;
        bool zlib = bytes.Length >= 8 && (bytes[0] & 0x0F) == 8 && (bytes[0] >> 4) <= 7 && ((bytes[0] << 8) | bytes[1]) % 31 == 0 && (bytes[1] & 0x20) == 0;
        if (!gzip && !zlib)
        {
            return 0;
        }

        inflated = ArrayPool<byte>.Shared.Rent(Math.Max(limit, 1) + 1);
        return Inflate(bytes, gzip ? Compression.Gzip : Compression.Zlib, inflated, limit, out truncated);
    }

    /// <summary>
    /// Inflates <paramref name="bytes"/> when they are a gzip member or a zlib stream (within the request's inflate
    /// budget, <see cref="MaxInflatedBytes"/> per blob) and scans what they hold whatever it is (binary before a secret
    /// must not hide it; a tar archive is binary around its files), reporting <see cref="CompressedUnscannedId"/> when the
    /// budget cuts it short. Findings span [<paramref name="s"/>, <paramref name="s"/> + <paramref name="length"/>) of
    /// the text; their encoding is <paramref name="outer"/>+compressed (just compressed when null).
    /// </summary>
    /// <returns>False when the bytes are not a gzip or zlib stream, or their header inflates to nothing (nothing was scanned).</returns>
    private bool TryInflateAndScan(ReadOnlySpan<byte> bytes, int s, int length, string? outer, ref ScanState st, in Layer layer)
    {
        int count = TryInflate(bytes, Math.Min(MaxInflatedBytes, MaxInflatedPerScan - st.Inflated), out var inflated, out bool truncated);
        if (inflated is not null && count == 0 && !truncated)
        {
            // A header that starts no stream (text whose first two bytes pass zlib's check, "x^…", "HK…"): not compressed
            // data, so scanned as the caller scans other bytes rather than dropped.
            ArrayPool<byte>.Shared.Return(inflated);
            return false;
        }

        if (inflated is null)
        {
            return false;
        }

        try
        {
            st.Inflated += count;
            string chain = outer is null ? DlpEncodings.Compressed : outer + "+" + DlpEncodings.Compressed;
            if (truncated)
            {
                ReportCompressedUnscanned(ref st, layer, s, length, chain, count);
            }

            ScanDecoded(inflated.AsSpan(0, count), s, length, chain, ref st, layer, anyBytes: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(inflated);
        }

        return true;
    }

    /// <summary>The compressed formats the engine inflates: gzip (RFC 1952), zlib (RFC 1950), raw deflate (RFC 1951).</summary>
    private enum Compression
    {
        Gzip,
        Zlib,
        Deflate,
    }

    /// <summary>
    /// Inflates <paramref name="src"/> (in <paramref name="format"/>) into <paramref name="dst"/>, at most
    /// <paramref name="limit"/> bytes, and returns the count; <paramref name="truncated"/> says more data followed. A
    /// corrupt stream yields what inflated before the fault.
    /// </summary>
    private static int Inflate(ReadOnlySpan<byte> src, Compression format, byte[] dst, int limit, out bool truncated)
    {
        truncated = false;
        int n = 0;
        try
        {
            using var input = new MemoryStream(src.ToArray(), writable: false);
            using System.IO.Stream inflater = format switch
            {
                Compression.Gzip => new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress),
                Compression.Zlib => new System.IO.Compression.ZLibStream(input, System.IO.Compression.CompressionMode.Decompress),
                _ => new System.IO.Compression.DeflateStream(input, System.IO.Compression.CompressionMode.Decompress),
            };
            int read;
            while (n < limit && (read = inflater.Read(dst, n, limit - n)) > 0)
            {
                n += read;
            }

            truncated = n >= limit && inflater.Read(dst, n, 1) > 0;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or NotSupportedException)
        {
            // keep what inflated before the fault
        }

        return n;
    }

    /// <summary>Reports <see cref="CompressedUnscannedId"/>: a blob at [s, s + length) inflated past what is read of it.</summary>
    private static void ReportCompressedUnscanned(ref ScanState st, in Layer layer, int s, int length, string chain, int inflatedCount) =>
        Report(ref st, layer, DlpFinding.TokenPatternsDetector, CompressedUnscannedId, s, length, chain,
            $"Compressed data that cannot be scanned whole ({inflatedCount / 1024} KiB inflated of more; at most {MaxInflatedBytes / 1024} KiB per blob and {MaxInflatedPerScan / 1024} KiB per request are read)");

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private static bool IsPrintable(int b) => b is (>= 0x20 and < 0x7F) or 0x09 or 0x0A or 0x0D;

    /// <summary>The first 4 bytes the hex decodes to are printable ASCII.</summary>
    private static bool PrintableHexStart(ReadOnlySpan<char> s)
    {
        for (int i = 0; i < 8; i += 2)
        {
            if (!IsPrintable((Base64Helpers.HexValue(s[i]) << 4) | Base64Helpers.HexValue(s[i + 1])))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True when the blob at <paramref name="s"/> is a path piece (after a <c>/</c>, <see cref="CollectDeep"/>) of a
    /// longer base64 run: 48+ base64 characters (JSON's <c>\u002B</c> / <c>\u002F</c> / <c>\/</c> count as one) right
    /// before the <c>/</c>, or a run that is itself text's base64 (its first quanta decode to printable ASCII). Such a
    /// piece is cut out of a blob at one of its <c>/</c> characters, not a blob of its own, and the whole-blob
    /// <c>encoded-user-password</c> rule must not read it (minified JavaScript's <c>a?s:t</c> decoded from the middle of
    /// a base64 file); so is a piece of a line of a wrapped blob (the line before, real or after an escaped <c>\n</c>,
    /// ends in base64). A URL path's pieces before the blob are short words (<c>v1/auth/…</c>). Called only for blobs
    /// about to be checked as user:password.
    /// </summary>
    private static bool IsPieceOfBlob(ReadOnlySpan<char> text, int s)
    {
        if (s < 2 || text[s - 1] != '/')
        {
            return false;
        }

        int rs = s - 1, count = 0;
        while (rs > 0 && count < 48)
        {
            int lineBreak = EscapedOrRealLineBreakBefore(text, rs);
            if (lineBreak > 0)
            {
                // a line break, real or JSON-escaped (once or more): a line of a wrapped blob when the line before ends in base64
                int b = rs - lineBreak;
                while ((lineBreak = EscapedOrRealLineBreakBefore(text, b)) > 0)
                {
                    b -= lineBreak;
                }

                if (b > 0 && Base64Helpers.B64Value(text[b - 1]) >= 0)
                {
                    return true;
                }

                break;
            }

            // the escapes first: the "u002B" of \u002B is made of base64 letters, and read as such the walk stopped at its backslash
            int escape = JsonEscapedBase64CharBefore(text, rs);
            if (escape > 0)
            {
                rs -= escape;
            }
            else if (Base64Helpers.B64Value(text[rs - 1]) >= 0)
            {
                rs--;
            }
            else
            {
                break;
            }

            count++;
        }

        return count >= 48 || (count > 1 && PrintableBase64Start(text[rs..]));
    }

    /// <summary>
    /// The length of the line break that ends right before <paramref name="i"/>: a real <c>\r</c> or <c>\n</c> (1), or
    /// <c>\n</c> / <c>\r</c> written as a JSON escape with one backslash or more (<c>\\n</c> is a file's escaped line
    /// break quoted once more, in an LLM request's message); 0 when there is none.
    /// </summary>
    private static int EscapedOrRealLineBreakBefore(ReadOnlySpan<char> text, int i)
    {
        if (i <= 0)
        {
            return 0;
        }

        if (text[i - 1] is '\n' or '\r')
        {
            return 1;
        }

        return text[i - 1] is 'n' or 'r' ? BackslashesBefore(text, i - 1) is var n && n > 0 ? n + 1 : 0 : 0;
    }

    /// <summary>
    /// The length of a JSON-escaped base64 character that ends right before <paramref name="i"/>: <c>\u002B</c> /
    /// <c>\u002F</c> (System.Text.Json writes <c>+</c> so; RFC 8259 §7) or <c>\/</c>, each with one backslash or more
    /// (an escaped escape, from a JSON document quoted in another); 0 when there is none.
    /// </summary>
    private static int JsonEscapedBase64CharBefore(ReadOnlySpan<char> text, int i)
    {
        if (i >= 2 && text[i - 1] == '/' && text[i - 2] == '\\')
        {
            return 1 + BackslashesBefore(text, i - 1);
        }

        if (i >= 6 && (text[(i - 5)..i].Equals("u002B", StringComparison.OrdinalIgnoreCase) || text[(i - 5)..i].Equals("u002F", StringComparison.OrdinalIgnoreCase)))
        {
            int n = BackslashesBefore(text, i - 5);
            return n > 0 ? 5 + n : 0;
        }

        return 0;
    }

    /// <summary>How many backslashes stand right before <paramref name="i"/>.</summary>
    private static int BackslashesBefore(ReadOnlySpan<char> text, int i)
    {
        int k = i;
        while (k > 0 && text[k - 1] == '\\')
        {
            k--;
        }

        return i - k;
    }

    /// <summary>
    /// The first two quanta (8 characters, 6 bytes) decode to printable ASCII; two of them may be NUL (SASL PLAIN's
    /// separators, RFC 4616 §2: <c>AUTH PLAIN AHJvb3QA…</c>, an empty authorization identity and a short user; r23 reach
    /// round).
    /// </summary>
    private static bool PrintableBase64Start(ReadOnlySpan<char> s)
    {
        if (s.Length < DeepMinBase64)
        {
            return false;
        }

        int nul = 0;
        for (int q = 0; q < 8; q += 4)
        {
            int a = Base64Helpers.B64Value(s[q]), b = Base64Helpers.B64Value(s[q + 1]), c = Base64Helpers.B64Value(s[q + 2]), d = Base64Helpers.B64Value(s[q + 3]);
            if (a < 0 || b < 0 || c < 0 || d < 0)
            {
                return false;
            }

            int v = (a << 18) | (b << 12) | (c << 6) | d;
            for (int shift = 16; shift >= 0; shift -= 8)
            {
                int octet = (v >> shift) & 0xFF;
                if (!IsPrintable(octet) && (octet != 0 || ++nul > 2))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Decodes each collected blob and scans the text it holds, one layer deeper.</summary>
    private void ScanDeep(ReadOnlySpan<char> text, ReadOnlySpan<int> deep, ref ScanState st, in Layer layer)
    {
        for (int k = 0; k < deep.Length && !st.Full; k += 2)
        {
            int s = deep[k], e = deep[k + 1] >> KindBits;
            int kind = deep[k + 1] & KindMask;
            if (kind == KindBase58)
            {
                ScanBase58(text[s..e], s, ref st, layer); // DlpEngine.Numbers.cs
                continue;
            }

            if (kind is KindBase32 or KindRawDeflate)
            {
                ScanOtherEncoding(text, s, e, kind, ref st, layer);
                continue;
            }

            bool hex = kind == KindHex;
            var piece = text[s..e];
            byte[] bytes = ArrayPool<byte>.Shared.Rent(hex ? (piece.Length / 2) + 1 : (piece.Length * 3 / 4) + 3);
            try
            {
                int n = piece.IndexOfAny('\n', '\r', '\\') >= 0 ? DecodeLines(piece, LinePrefixLength(text, s), hex, bytes) : hex ? DecodeHexBytes(piece, 1, bytes) : Base64Helpers.DecodeLenient(piece, bytes);
                string enc = hex ? DlpEncodings.Hex : piece.IndexOfAny('-', '_') >= 0 ? DlpEncodings.Base64Url : DlpEncodings.Base64;
                if (!hex && TryScanUtf16(bytes.AsSpan(0, n), s, e - s, enc, ref st, layer))
                {
                    continue; // DlpEngine.Spelled.cs: PowerShell -EncodedCommand
                }

                if (TryScanCompressedLayer(bytes.AsSpan(0, n), s, e - s, enc, deeper: false, ref st, layer))
                {
                    continue; // DlpEngine.CompressedLayers.cs: gzip, zlib or ZIP after hex or base64; bzip2 / xz refused
                }

                if (hex || !TryInflateAndScan(bytes.AsSpan(0, n), s, e - s, enc, ref st, layer))
                {
                    if (!hex && _userPasswordRule >= 0 && !IsPieceOfBlob(text, s))
                    {
                        CheckEncodedUserPassword(bytes.AsSpan(0, n), s, e - s, enc, ref st, layer, IsAuthFieldValue(text, s), IsSaslPlainBlob(text, s), IsCursorValue(text, s)); // DlpEngine.Authorization.cs
                    }

                    ScanDecoded(bytes.AsSpan(0, n), s, e - s, enc, ref st, layer);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
    }

    /// <summary>
    /// Scans decoded characters (a layer whose decoding yields text: HTML character references, joined string
    /// literals) that came from [s, s + length) of the current layer's text, as their UTF-8 bytes through
    /// <see cref="ScanDecoded"/>.
    /// </summary>
    private void ScanDecodedChars(ReadOnlySpan<char> chars, int s, int length, string encoding, ref ScanState st, in Layer layer)
    {
        byte[] bytes = ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(chars.Length));
        try
        {
            int b = System.Text.Encoding.UTF8.GetBytes(chars, bytes);
            ScanDecoded(bytes.AsSpan(0, b), s, length, encoding, ref st, layer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>
    /// Scans decoded bytes that came from [s, s + length) of the current layer's text, when they are mostly text — or
    /// whatever they are when <c>anyBytes</c> (inflated data, whose size is bounded).
    /// </summary>
    private void ScanDecoded(ReadOnlySpan<byte> bytes, int s, int length, string encoding, ref ScanState st, in Layer layer, bool anyBytes = false)
    {
        if (bytes.Length < MinimumFindingLength)
        {
            return;
        }

        // A credential under a single-byte XOR or in EBCDIC (DlpEngine.ByteCiphers.cs): a few compares on the first bytes.
        // The bytes are still scanned as they are below (they may be text that only starts like a head).
        if (st.Depth < MaxDeepLayers)
        {
            TryScanByteCiphers(bytes, s, length, encoding, ref st, layer);
        }

        // Compressed data inside a decoded or decompressed layer (gzip of gzip, a .tar.gz in a ZIP): decompressed one
        // layer deeper (DlpEngine.CompressedLayers.cs).
        if (TryScanCompressedLayer(bytes, s, length, encoding, deeper: true, ref st, layer))
        {
            return;
        }

        // Red team 11: bytes that are UTF-16 text (either byte order, with or without a byte order mark) are read as
        // UTF-16, whichever decoder made them (base64, base32, hex, deflate or gzip inside them): DlpEngine.Utf16.cs.
        // Inflated data (anyBytes) is also scanned as it is, as before: ASCII after the UTF-16 part is kept.
        if (bytes.Length >= 2 * Utf16MinChars && bytes.Contains((byte)0) && TryScanUtf16Bytes(bytes, s, length, encoding, ref st, layer) && !anyBytes)
        {
            return;
        }

        if (!anyBytes)
        {
            int printable = 0;
            foreach (byte b in bytes)
            {
                printable += IsPrintable(b) ? 1 : 0;
            }

            if (printable * 10 < bytes.Length * 9)
            {
                return; // binary: not a layer of text
            }
        }

        using var decoded = BodyText.Decode(bytes);
        var inner = Utf16LayerOf(layer, s, length, encoding);
        st.Depth++;
        ScanCore(decoded.Chars, ref st, inner, withLayers: true);
        st.Depth--;
    }

    /// <summary>
    /// Decodes a wrapped blob (<see cref="WrappedEnd"/>) line by line with the decoders of unwrapped blobs: its full lines
    /// hold whole bytes (base64 widths are multiples of 4, hex widths even), so decoding stops, as for one line, at the
    /// first character outside the alphabet.
    /// </summary>
    private static int DecodeLines(ReadOnlySpan<char> src, int prefix, bool hex, Span<byte> dst)
    {
        int n = 0;
        bool first = true;
        while (!src.IsEmpty)
        {
            int br = src.IndexOfAny('\n', '\r', '\\');
            var line = br < 0 ? src : src[..br];
            line = first ? line : line[Math.Min(prefix, line.Length)..].TrimStart(" \t"); // a wrapped blob's indentation or decoration (WrappedEnd)
            first = false;
            src = br < 0 ? default : src[Math.Min(src.Length, br + (src[br] == '\\' ? 2 : 1))..]; // "\n", "\r": JSON-escaped
            if (line.IsEmpty)
            {
                continue;
            }

            int m = hex ? DecodeHexBytes(line, 1, dst[n..]) : Base64Helpers.DecodeLenient(line, dst[n..]);
            n += m;
            if (m < (hex ? line.Length / 2 : line.Length * 6 / 8))
            {
                break; // a character outside the alphabet, or the buffer is full
            }
        }

        return n;
    }

    /// <summary>Hex pairs, optionally separated by one delimiter character every <paramref name="step"/> − 2 characters (step 1: compact; 3: "4a:6b").</summary>
    private static int DecodeHexBytes(ReadOnlySpan<char> src, int step, Span<byte> dst)
    {
        int n = 0;
        int stride = step == 1 ? 2 : 3;
        for (int i = 0; i + 1 < src.Length && n < dst.Length; i += stride)
        {
            int hi = Base64Helpers.HexValue(src[i]), lo = Base64Helpers.HexValue(src[i + 1]);
            if (hi < 0 || lo < 0)
            {
                break;
            }

            dst[n++] = (byte)((hi << 4) | lo);
        }

        return n;
    }

    // ---- the probe pass: delimited hex and BIP-39 phrases ------------------------------------------------------------

    /// <summary>Characters of the shortest BIP-39 phrase: 12 words of 3 letters and 11 one-character separators.</summary>
    private const int SeedPhraseMinChars = (12 * 3) + 11;

    /// <param name="text">The text.</param>
    /// <param name="st">Scan state.</param>
    /// <param name="layer">The text's layer.</param>
    /// <param name="deep">Probe for delimited hex and hex arrays.</param>
    /// <param name="seedBreaks">The seed-break bitmap of <paramref name="text"/> (<see cref="RunScanner.FillSeedBreaks"/>); empty: no seed-phrase probing.</param>
    /// <param name="folded">The capitals and the case-folded seed-break bitmap: phrases in capitals, title or mixed case (<see cref="FoldedSeedsAt"/>).</param>
    private void ProbeScan(ReadOnlySpan<char> text, ref ScanState st, in Layer layer, bool deep, ReadOnlySpan<ulong> seedBreaks, ref FoldedBits folded)
    {
        bool seeds = !seedBreaks.IsEmpty;

        // A text shorter than the stride but long enough for delimited hex (12 pairs, 35 characters) is probed once, at
        // its end (fifth reach round).
        int p = deep && text.Length is >= (3 * DelimitedHexMinPairs) - 1 and < ProbeStride ? text.Length - 1 : ProbeStride - 1;
        int seedFloor = 0; // everything before it has been probed for seed phrases (a run is walked once, not per probe)
        int dumpFloor = 0; // the end of the last byte dump walked: not walked back into
        int foldFloor = 0; // the end of the last case-folded stretch or list window read (DlpEngine.FoldedSeeds.cs)
        while (p < text.Length && !st.Full)
        {
            // Each branch starts with a test that is rarely true and costs no data-dependent branch of its own: most
            // probes land in ordinary text, where a mispredicted branch per character test was most of this pass's cost.
            int next = p + ProbeStride;

            // The first seed break at or after p: read once for the seed-stretch test and the list gate.
            int breakAt = seeds ? p + BitOperations.TrailingZeroCount(BitsFrom(seedBreaks, p)) : 0;
            if (deep && DelimitedHexNear(text, p) && DelimitedHexAt(text, p, out int hs, out int he, out bool found))
            {
                if (found)
                {
                    ScanDelimitedHex(text, hs, he, ref st, layer);
                }

                // Past the pattern either way: a long pattern is walked once, not once per probe.
                next = Math.Max(next, he + ProbeStride - 1);
            }
            else if (deep && ZeroXNear(text, p) && HexArrayProbe(text, p) && HexArrayAt(text, p, out int xs, out int xe))
            {
                ScanHexArray(text, xs, xe, ref st, layer);
                next = Math.Max(next, xe + ProbeStride - 1);
            }
            else if (deep && GroupedHexNear(text, p) is uint blanks and not 0 && GroupedHexProbe(text, p, blanks) is int g and >= 0 && HexDumpAt(text, g, dumpFloor, ref st, layer) is int de and >= 0)
            {
                // DlpEngine.HexDumps.cs: an xxd line or hex in groups of 4 or 8 digits (red team 12); past it either way.
                dumpFloor = de;
                next = Math.Max(next, de + ProbeStride - 1);
            }
            else if (seeds && InSeedStretch(seedBreaks, p, breakAt, text.Length) && SeedProbePoint(text, p) is int q and >= 0)
            {
                int after = CryptoRules.ProbeSeedPhrase(text, q, seedFloor, out int s, out int len, out bool validated, out int runWords);
                if (len > 0)
                {
                    ReportRule(ref st, layer, _rules[_seedRule], s, len, DlpEncodings.Plain, "seed phrase of BIP-39 words", 0, validated);
                }
                else if (SeedListAfterWalk(text, after))
                {
                    after = Math.Max(after, ScanSeedList(text, q, ref st, layer)); // words glued by bare commas (eleventh round)
                    runWords = FoldedRunWords; // the list may hold a capitalised word (r29)
                }

                if ((len == 0 || !validated) && runWords >= FoldedRunWords && p >= foldFloor && (runWords >= FoldedLongRunWords || CapitalAround(folded.Capitals, p)))
                {
                    // Lower-case words next to capitalised ones ("Vote shuffle penalty …"): the folded stretch holds the
                    // phrase (r29); also after an unvalidated run, which may be a phrase's tail after a capitalised word.
                    FoldedSeedsAt(text, ref folded, p, ref foldFloor, ref st, layer);
                }

                seedFloor = Math.Max(seedFloor, after);

                // Past the run either way: a long run of wordlist words is walked once, not once per probe.
                next = Math.Max(next, after + ProbeStride - 1);
            }
            else if (seeds && SeedListNear(text, seedBreaks, p, breakAt, ListGluePairs))
            {
                // A list of words whose glue holds seed breaks (eleventh round): past the list either way.
                int listEnd = ScanSeedList(text, p, ref st, layer);
                if (listEnd == p && p >= foldFloor)
                {
                    FoldedSeedsAt(text, ref folded, p, ref foldFloor, ref st, layer); // a list with a capitalised word (r29)
                }

                next = Math.Max(next, listEnd + ProbeStride - 1);
            }
            else if (seeds && p >= foldFloor && CapitalsNear(folded.Capitals, p) is int capitals and > 0
                && (capitals >= FoldedMinCapitals || InSeedStretchWithoutCapitals(seedBreaks, folded.Capitals, p, text.Length)))
            {
                // Capitals, title or mixed case (r29); one capitalised word inside a phrase splits its lower-case stretch.
                FoldedSeedsAt(text, ref folded, p, ref foldFloor, ref st, layer, lists: capitals >= FoldedMinCapitals);
            }

            p = next;
        }
    }

    private static bool IsDelimiter(char c) => c is ':' or ' ' or '-';

    /// <summary>
    /// Is <paramref name="p"/> inside a stretch free of seed breaks that can hold a whole phrase
    /// (<see cref="SeedPhraseMinChars"/>)? Prose fails this at a capital, a digit, punctuation or a one- or two-letter
    /// word, so most probes skip the word walk. A probe that fails it finds nothing in the walk either: the probed word
    /// (at <paramref name="p"/> or after the separators there) is in the same stretch, or is itself a break.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InSeedStretch(ReadOnlySpan<ulong> breaks, int p, int breakAt, int length)
    {
        // Clear positions from p on (the text ends at length; breakAt is the first break at or after p) and just
        // before p (the text starts at 0).
        int ahead = Math.Min(breakAt - p, length - p);
        ulong before = p >= 64 ? BitsFrom(breaks, p - 64) : p == 0 ? ulong.MaxValue : (breaks[0] << (64 - p)) | (ulong.MaxValue >> p);
        return ahead + BitOperations.LeadingZeroCount(before) >= SeedPhraseMinChars;
    }

    /// <summary>Bits <paramref name="p"/> … <paramref name="p"/> + 63 of a position bitmap; past its last word, <paramref name="pastEnd"/>'s (set by default: no break bitmap's stretch reaches past the text; clear for the capitals' bitmap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BitsFrom(ReadOnlySpan<ulong> bits, int p, ulong pastEnd = ulong.MaxValue)
    {
        int w = p >> 6, sh = p & 63;
        ulong hi = w + 1 < bits.Length ? bits[w + 1] : pastEnd;
        return (bits[w] >> sh) | ((hi << 1) << (63 - sh));
    }

    /// <summary>
    /// Exactly the first test of <see cref="DelimitedHexAt"/> (a delimiter <c>:</c>, space or <c>-</c> at
    /// <paramref name="p"/>, <paramref name="p"/> + 1 or <paramref name="p"/> + 2 with two hex digits on each side and
    /// the same delimiter three characters on), on eight characters at once. In the text's first two and last
    /// <see cref="DelimitedHexEdge"/> − 1 characters it answers yes for a hex digit or a delimiter at
    /// <paramref name="p"/>, and <see cref="DelimitedHexAt"/> also looks back (a pattern that ends within the test's reach).
    /// </summary>
    /// <remarks>
    /// Eleventh speed round: the test needs <c>t[q] == t[q + 3]</c> for one of the three positions q, which a 64-bit
    /// XOR of four characters at <paramref name="p"/> with the four at <paramref name="p"/> + 3 shows as a zero 16-bit
    /// lane among its first three (the zero-lane test <c>(x − 0x0001…) &amp; ~x &amp; 0x8000…</c> is exact for "some
    /// lane is zero": a lane borrows only when the lane below it is zero). Ordinary text rarely repeats a character
    /// three on, so most probes end after about eight instructions instead of the vector test's fifty.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool DelimitedHexNear(ReadOnlySpan<char> t, int p)
    {
        if (p < 2 || p + DelimitedHexEdge > t.Length)
        {
            // The edges: DelimitedHexAt checks bounds, and near the end looks back for the last delimiter.
            return p < t.Length && (char.IsAsciiHexDigit(t[p]) || IsDelimiter(t[p]));
        }

        ref ushort r = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(t));
        if (p + 7 <= t.Length)
        {
            ulong repeats = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref r, p)))
                ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref r, p + 3))); // lane k: t[p+k] ^ t[p+k+3]
            if (((repeats - 0x0000_0001_0001_0001UL) & ~repeats & 0x0000_8000_8000_8000UL) == 0)
            {
                return false;
            }
        }

        var v = Vector128.LoadUnsafe(ref r, (nuint)(p - 2)); // t[p-2 .. p+5]
        var lowered = v | Vector128.Create((ushort)0x20);
        uint hex = (Vector128.LessThan(v - Vector128.Create((ushort)'0'), Vector128.Create((ushort)10)) | Vector128.LessThan(lowered - Vector128.Create((ushort)'a'), Vector128.Create((ushort)6))).ExtractMostSignificantBits();
        uint colon = Vector128.Equals(v, Vector128.Create((ushort)':')).ExtractMostSignificantBits();
        uint space = Vector128.Equals(v, Vector128.Create((ushort)' ')).ExtractMostSignificantBits();
        uint dash = Vector128.Equals(v, Vector128.Create((ushort)'-')).ExtractMostSignificantBits();

        // Bit j (j = 2, 3, 4: the delimiter at p - 2 + j): the same delimiter at j + 3, hex digits at j - 2, j - 1, j + 1, j + 2.
        uint same = (colon & (colon >> 3)) | (space & (space >> 3)) | (dash & (dash >> 3));
        uint digits = (hex << 1) & (hex << 2) & (hex >> 1) & (hex >> 2);
        return (same & digits & 0b11100) != 0;
    }

    /// <summary>
    /// Is there a <c>0x</c>/<c>0X</c> starting at <paramref name="p"/> - 3 … <paramref name="p"/> + 6, where every
    /// element <see cref="HexArrayAt"/> looks for begins? Ten positions tested at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ZeroXNear(ReadOnlySpan<char> t, int p)
    {
        if (p < 3 || p + 13 > t.Length)
        {
            return true; // the edges: HexArrayAt checks bounds
        }

        ref ushort r = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(t));
        var a = Vector128.LoadUnsafe(ref r, (nuint)(p - 3)); // t[p-3 .. p+4]
        var b = Vector128.LoadUnsafe(ref r, (nuint)(p + 5)); // t[p+5 .. p+12]
        uint zero = Vector128.Equals(a, Vector128.Create((ushort)'0')).ExtractMostSignificantBits() | (Vector128.Equals(b, Vector128.Create((ushort)'0')).ExtractMostSignificantBits() << 8);
        uint x = Vector128.Equals(a | Vector128.Create((ushort)0x20), Vector128.Create((ushort)'x')).ExtractMostSignificantBits()
            | (Vector128.Equals(b | Vector128.Create((ushort)0x20), Vector128.Create((ushort)'x')).ExtractMostSignificantBits() << 8);
        return (zero & (x >> 1) & 0x3FF) != 0;
    }

    /// <summary>The probe lands on a word's letter, or on the one or two separator characters before a word (", ", "\r\n"): then the word after it.</summary>
    private static int SeedProbePoint(ReadOnlySpan<char> t, int p)
    {
        for (int q = p; q < t.Length && q <= p + 2; q++)
        {
            if (char.IsAsciiLetterLower(t[q]))
            {
                return q;
            }

            if (t[q] is not (' ' or ',' or '\n' or '\r' or '\t'))
            {
                return -1;
            }
        }

        return -1;
    }

    /// <summary>Is position <paramref name="p"/> inside "hh?hh?hh…" (? one delimiter, the same throughout) of at least <see cref="DelimitedHexMinPairs"/> pairs? Returns its bounds.</summary>
    /// <returns>True when a delimited-hex pattern is at <paramref name="p"/>; <paramref name="found"/> says whether it is long enough and bounded.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)] // rare (after DelimitedHexNear): kept out of the probe loop
    private static bool DelimitedHexAt(ReadOnlySpan<char> t, int p, out int start, out int end, out bool found)
    {
        for (int off = 0; off < 3; off++)
        {
            if (DelimitedHexFrom(t, p + off, out start, out end, out found))
            {
                return true;
            }
        }

        // Back when the probe is in the pattern's last pair, whose delimiter has no partner after it (a card number's
        // "34 36 … 37 36" sent alone ends three characters after the probe: fifth reach round). Only near the text's end,
        // where DelimitedHexNear answers by its edge rule.
        for (int off = 1; off <= 3 && p + DelimitedHexEdge > t.Length; off++)
        {
            if (DelimitedHexFrom(t, p - off, out start, out end, out found))
            {
                return true;
            }
        }

        start = end = 0;
        found = false;
        return false;
    }

    /// <summary>The pattern whose delimiter candidate is <paramref name="q"/> (see <see cref="DelimitedHexAt"/>).</summary>
    private static bool DelimitedHexFrom(ReadOnlySpan<char> t, int q, out int start, out int end, out bool found)
    {
        start = end = 0;
        found = false;
        if (q < 2 || q + 3 >= t.Length || !IsDelimiter(t[q]) || t[q + 3] != t[q]
            || !char.IsAsciiHexDigit(t[q - 1]) || !char.IsAsciiHexDigit(t[q - 2]) || !char.IsAsciiHexDigit(t[q + 1]) || !char.IsAsciiHexDigit(t[q + 2]))
        {
            return false;
        }

        char d = t[q];
        int s = q - 2;
        while (s >= 3 && t[s - 1] == d && char.IsAsciiHexDigit(t[s - 2]) && char.IsAsciiHexDigit(t[s - 3]))
        {
            s -= 3;
        }

        int e = q + 3; // t[e] == d
        while (e + 2 < t.Length && t[e] == d && char.IsAsciiHexDigit(t[e + 1]) && char.IsAsciiHexDigit(t[e + 2]))
        {
            e += 3;
        }

        start = s;
        end = e;
        found = !(s > 0 && char.IsAsciiLetterOrDigit(t[s - 1])) && !(e < t.Length && char.IsAsciiLetterOrDigit(t[e])) && (e - s + 1) / 3 >= DelimitedHexMinPairs;
        return true;
    }

    private void ScanDelimitedHex(ReadOnlySpan<char> text, int s, int e, ref ScanState st, in Layer layer)
    {
        if (st.Depth >= MaxDeepLayers)
        {
            return;
        }

        var piece = text[s..e];
        int need = (piece.Length / 3) + 1;
        Span<byte> bytes = need <= 512 ? stackalloc byte[512] : new byte[need];
        int n = DecodeHexBytes(piece, 3, bytes);
        ScanDecoded(bytes[..n], s, e - s, DlpEncodings.Hex, ref st, layer);
    }

    // ---- credential assignments, IBANs, WIF ---------------------------------------------------------------------

    private struct AssignmentState
    {
        public DlpEngine Engine;
        public ScanState St;
        public Layer Layer;
    }

    private void ScanAssignments(ReadOnlySpan<char> text, ref ScanState st, in Layer layer)
    {
        var state = new AssignmentState { Engine = this, St = st, Layer = layer };
        ContextRules.FindAssignments(text, ref state, static (ref AssignmentState s, int start, int length, ReadOnlySpan<char> name) =>
        {
            if (s.Engine._assignRule < 0)
            {
                return;
            }

            // A value a format rule or a known secret already reported ("TOKEN = ghp_…") is not reported twice.
            var (rootStart, rootLength) = s.Layer.ToRoot(start, length);
            rootStart += s.St.Offset;
            if (s.St.Seen is { } seen)
            {
                foreach (var (_, _, fs, fl, loc) in seen)
                {
                    if (loc == s.St.Location && fs < rootStart + rootLength && rootStart < fs + fl)
                    {
                        return;
                    }
                }
            }

            var rule = s.Engine._rules[s.Engine._assignRule];
            ReportRule(ref s.St, s.Layer, rule, start, length, DlpEncodings.Plain, ShortName(name) + " = ", length);
        }, _ssnRule < 0 ? null : static (ref AssignmentState s, int start, int length, ReadOnlySpan<char> name) =>
            ReportRule(ref s.St, s.Layer, s.Engine._rules[s.Engine._ssnRule], start, length, DlpEncodings.Plain, ShortName(name) + " ", length));
        st = state.St;
    }

    private static string ShortName(ReadOnlySpan<char> name) => name.Length <= 40 ? name.ToString() : name[^40..].ToString();

    /// <summary>Is [<paramref name="s"/>, <paramref name="e"/>) an access key id the <c>aws-access-key-id</c> rule reports? Under <c>aws_access_key_id</c> it is that rule's finding, not a second one.</summary>
    private bool IsAwsKeyId(ReadOnlySpan<char> text, int s, int e)
    {
        if (_awsKeyIdRule < 0 || e - s != 20)
        {
            return false;
        }

        var rule = _rules[_awsKeyIdRule];
        foreach (var anchor in rule.Anchors)
        {
            if (text[s..].StartsWith(anchor, StringComparison.Ordinal))
            {
                return rule.Matcher(text, s, out _, out int len) && len == e - s;
            }
        }

        return false;
    }

    /// <summary>
    /// An IBAN that starts right after a '/' inside a token run (fifth reach round: a URL path <c>/u/GB82WEST…</c> is one
    /// run with the path before it, so the run-start check never sees it), or, in the run's first
    /// <see cref="IbanSegmentsScanned"/> segments, after a '-' or '_' inside a segment
    /// (<c>/export/iban-GB82WEST…</c>; sixth reach round; a '.' or '=' ends the token run, so what follows one is a run
    /// of its own and the run-start checks read it), in upper case (<see cref="CryptoRules.Iban"/>: country, length,
    /// mod 97) or lower case (<see cref="CryptoRules.IbanLoose"/>: also 10+ digits). <paramref name="slash"/> is the
    /// first '/' of the run at least <see cref="CryptoRules.IbanMinChars"/> characters before its end
    /// <paramref name="re"/>; at most <see cref="IbanSlashesTried"/> are tried, and each position costs two character
    /// tests unless two letters and two digits follow it. The first IBAN found is reported.
    /// </summary>
    private void CheckIbanAfterSlashes(ReadOnlySpan<char> text, int slash, int re, ulong[] slashBits, ref ScanState st, in Layer layer)
    {
        for (int tries = 0; slash >= 0 && tries < IbanSlashesTried; tries++)
        {
            int ps = slash + 1;
            int next = RunScanner.NextBit(slashBits, ps, re - CryptoRules.IbanMinChars);
            if (IbanAt(text, ps, ref st, layer))
            {
                return;
            }

            if (tries < IbanSegmentsScanned)
            {
                int segEnd = (next >= 0 ? next : re - CryptoRules.IbanMinChars) - 1;
                for (int j = ps + 1; j < segEnd; j++)
                {
                    if (text[j] is '-' or '_' && IbanAt(text, j + 1, ref st, layer, insideSegment: true))
                    {
                        return;
                    }
                }
            }

            slash = next;
        }
    }

    /// <summary>Slashes of one token run after which <see cref="CheckIbanAfterSlashes"/> looks for an IBAN.</summary>
    private const int IbanSlashesTried = 32;

    /// <summary>Segments of one token run that <see cref="CheckIbanAfterSlashes"/> also reads inside.</summary>
    private const int IbanSegmentsScanned = 8;

    /// <summary>
    /// An IBAN starting at <paramref name="p"/> (two letters of one case, two digits), reported when found. Inside a
    /// segment (<paramref name="insideSegment"/>: after a <c>-</c> or <c>_</c>) an upper-case one
    /// whose account part looks like a hex id is not reported (<see cref="CryptoRules.LooksLikeHexId"/>: asset and item
    /// names such as <c>item-AD65FD0EBACDCAA338072F2E</c>); a lower-case one never is (<see cref="CryptoRules.IbanLoose"/>).
    /// </summary>
    private bool IbanAt(ReadOnlySpan<char> text, int p, ref ScanState st, in Layer layer, bool insideSegment = false)
    {
        if (p + CryptoRules.IbanMinChars > text.Length || !char.IsAsciiDigit(text[p + 2]) || !char.IsAsciiDigit(text[p + 3]))
        {
            return false;
        }

        int s, l;
        if (char.IsAsciiLetterUpper(text[p]) && char.IsAsciiLetterUpper(text[p + 1]) && CryptoRules.Iban(text, p, out s, out l)
            && !(insideSegment && CryptoRules.LooksLikeHexId(text.Slice(s, l))))
        {
            ReportRule(ref st, layer, _rules[_ibanRule], s, l, DlpEncodings.Plain, text.Slice(s, 2).ToString(), l);
            return true;
        }

        return char.IsAsciiLetterLower(text[p]) && char.IsAsciiLetterLower(text[p + 1]) && CheckLooseIban(text, p, ref st, layer);
    }

    /// <summary>O(1)-ish checks on one token run of 15+ characters: WIF keys (51/52 base58 chars), compact IBANs, a key with a separator between every character (<see cref="SeparatedInRun"/>).</summary>
    private void CheckRunShapes(ReadOnlySpan<char> text, int rs, int re, ref ScanState st, in Layer layer)
    {
        int len = re - rs;
        if (SeparatedInRun(text, rs, re, out int sepLen) is int sepAt and >= 0 && st.Depth < MaxDeepLayers)
        {
            CollapseSpread(text, sepAt, sepLen, ref st, layer); // DlpEngine.Spelled.cs: "g-h-p-_-…", "g-_h-_p", "xg-h-p"
        }
        else if (len >= 2 * SpelledMinChars && (InterleavedFourth(text[rs + 6]) || InterleavedFourth(text[rs + 7])) && st.Depth < MaxDeepLayers)
        {
            CheckInterleaved(text, rs, re, ref st, layer); // DlpEngine.Spelled.cs: "gbhapa_bRfbe7…" (red team 12, K24)
        }
        if (_wifRule >= 0 && len is 51 or 52 && CryptoRules.IsWif(text[rs..re]))
        {
            ReportRule(ref st, layer, _rules[_wifRule], rs, len, DlpEncodings.Plain, text[rs].ToString(), len);
        }

        if (_ibanRule >= 0 && len is >= 15 and <= 34 && char.IsAsciiLetterUpper(text[rs]) && CryptoRules.Iban(text, rs, out int s, out int l))
        {
            ReportRule(ref st, layer, _rules[_ibanRule], s, l, DlpEncodings.Plain, text.Slice(s, 2).ToString(), l);
        }
        else if (len <= 42 && char.IsAsciiDigit(text[rs + 2]) && (text[rs + 4] == '-' || char.IsAsciiLetterLower(text[rs])))
        {
            CheckLooseIban(text, rs, ref st, layer); // ninth round: "DE89-3704-0044-…" (one run), "de89370400440532013000"
        }

        if (len <= 23 && text[rs + 4] is '_' or '/' && char.IsAsciiDigit(text[rs]))
        {
            CheckSeparatedCard(text, rs, re, ref st, layer); // ninth round: "4111_1111_1111_1111", "4111/1111/1111/1111"
        }

        // Two to three character compares per run before anything else: a run after ':' starting "AA", or a run of
        // 23–28 characters followed by '.'.
        if (_telegramRule >= 0 && len >= 35 && rs > 8 && text[rs - 1] == ':' && text[rs] == 'A' && text[rs + 1] == 'A'
            && BuiltInRules.TelegramBotToken(text, rs, out int ts, out int tl))
        {
            ReportRule(ref st, layer, _rules[_telegramRule], ts, tl, DlpEncodings.Plain, "bot token", tl);
        }

        if (_discordBotRule >= 0 && len is >= 23 and <= 28 && re + 8 < text.Length && text[re] == '.' && text[rs] is 'M' or 'N' or 'O'
            && BuiltInRules.DiscordBotToken(text, rs, re, out int ds, out int dl))
        {
            ReportRule(ref st, layer, _rules[_discordBotRule], ds, dl, DlpEncodings.Plain, "bot token", dl);
        }

        // A PKCS#12 key store in base64: "MI" and the version at fixed offsets (r23 reach round; also after an escaped \n,
        // whose letter starts the run).
        if (_pkcs12Rule >= 0 && len >= 32 && text[rs + 1] is 'I' or 'M')
        {
            int m = text[rs] == 'n' && rs > 0 && text[rs - 1] == '\\' ? rs + 1 : rs;
            if (text[m] == 'M' && text[m + 1] == 'I' && text[m + 6] == 'I' && text[m + 7] == 'B' && BuiltInRules.Pkcs12KeyStore(text, m, out int ps, out int pl))
            {
                ReportRule(ref st, layer, _rules[_pkcs12Rule], ps, pl, DlpEncodings.Plain, "PKCS#12", pl);
            }
        }

        // After a dot: a Cloudflare Origin CA key's run (v1.0-<24>-<146>), an Airtable token's 64 hex digits (pat<14>.<64>), a Doppler service token's body after its config
        // (dp.st.prd.<40–44>) (r30 reach round).
        if (_azureDevOpsRule >= 0 && len == 84 && BuiltInRules.AzureDevOpsPatAt(text, rs, re))
        {
            ReportRule(ref st, layer, _rules[_azureDevOpsRule], rs, len, DlpEncodings.Plain, "AZDO", len); // r30
        }

        if (len is >= 40 and <= 187 && rs > 2 && text[rs - 1] == '.')
        {
            if (_cloudflareCaRule >= 0 && len >= 147 && BuiltInRules.CloudflareOriginCaKeyAt(text, rs, re, out int cs, out int cl))
            {
                ReportRule(ref st, layer, _rules[_cloudflareCaRule], cs, cl, DlpEncodings.Plain, "v1.0-", cl);
            }
            else if (_airtableRule >= 0 && len == 64 && BuiltInRules.AirtableTokenAt(text, rs, re, out int at, out int al))
            {
                ReportRule(ref st, layer, _rules[_airtableRule], at, al, DlpEncodings.Plain, "pat…", al);
            }
            else if (_dopplerRule >= 0 && len <= 44 && BuiltInRules.DopplerServiceTokenAt(text, rs, re, out int dps, out int dpl))
            {
                ReportRule(ref st, layer, _rules[_dopplerRule], dps, dpl, DlpEncodings.Plain, "dp.st.", dpl);
            }
        }

        // A Mailchimp API key by its run's shape, <hex>-us<data center> (r24 reach round).
        if (_mailchimpRule >= 0 && len is 36 or 37 && BuiltInRules.MailchimpApiKey(text, rs, re))
        {
            ReportRule(ref st, layer, _rules[_mailchimpRule], rs, len, DlpEncodings.Plain, "-us", len);
        }

        // An Ethereum private key handed to a wallet library or listed as Hardhat's accounts (r23 reach round), or the
        // value of a wallet key's name: pk, PRIV_KEY, walletKey, DEPLOYER_KEY (r32).
        if (_assignRule >= 0 && len == 66 && text[rs + 1] == 'x' && text[rs] == '0' && rs > 2 && !text.Slice(rs + 2, 64).ContainsAnyExcept(HexDigits))
        {
            if (text[rs - 1] is '"' or '\'' && re + 1 < text.Length
                && (text[re] == text[rs - 1] || (text[rs - 2] == '\\' && text[re] == '\\' && text[re + 1] == '"')) // "0x…" or \"0x…\" in a JSON string
                && ContextRules.EthereumKeyContext(text, rs))
            {
                ReportRule(ref st, layer, _rules[_assignRule], rs, len, DlpEncodings.Plain, "Wallet(\"0x…\")", len);
            }
            else if (ContextRules.EthereumKeyName(text, rs))
            {
                ReportRule(ref st, layer, _rules[_assignRule], rs, len, DlpEncodings.Plain, "pk = 0x…", len);
            }
        }

        // Key files and a webhook URL by their run's first characters (BuiltInRules.Services32.cs, r32).
        if (len == 64 && _keystoreRule >= 0 && BuiltInRules.EthereumKeystoreAt(text, rs, re))
        {
            ReportRule(ref st, layer, _rules[_keystoreRule], rs, len, DlpEncodings.Plain, "\"ciphertext\"", len);
        }
        else if (len == 64 && _assignRule >= 0 && rs > 4 && text[rs - 1] is '"' or '\'' or '=' or ':' or ' ' && !text.Slice(rs, 64).ContainsAnyExcept(HexDigits)
            && ContextRules.EthereumKeyName(text, rs, prefixed: false))
        {
            ReportRule(ref st, layer, _rules[_assignRule], rs, len, DlpEncodings.Plain, "wallet_key = …", len); // r32: DEPLOYER_KEY=<64 hex>
        }
        else if (len >= 60 && text[rs] is 'R' or 'B')
        {
            if (_minisignRule >= 0 && BuiltInRules.MinisignSecretKeyAt(text, rs, len))
            {
                ReportRule(ref st, layer, _rules[_minisignRule], rs, len, DlpEncodings.Plain, text.Slice(rs, 8).ToString(), len);
            }
            else if (_keytabRule >= 0 && BuiltInRules.KerberosKeytabAt(text, rs, len))
            {
                ReportRule(ref st, layer, _rules[_keytabRule], rs, len, DlpEncodings.Plain, "BQI (keytab)", len);
            }
        }

        // openssl enc output and a Twilio SID:token pair (BuiltInRules.Services33.cs, r33).
        if (len >= 44 && text[rs] == 'U' && _encryptedRule >= 0 && BuiltInRules.PasswordEncryptedAt(text, rs, len)
            && !(st.Location.Kind == DlpLocationKind.Header && BuiltInRules.IsPaginationName(st.Location.Name)))
        {
            int padded = WithPadding(text, re) - rs;
            ReportRule(ref st, layer, _rules[_encryptedRule], rs, padded, DlpEncodings.Plain, "Salted__", padded);
        }
        else if (len == 34 && _twilioPairRule >= 0 && BuiltInRules.TwilioAccountCredentialsAt(text, rs, re) is int pair and > 0)
        {
            ReportRule(ref st, layer, _rules[_twilioPairRule], rs, pair, DlpEncodings.Plain, "AC…:", pair);
        }

        if (_teamsRule >= 0 && len >= 122 && rs > 46 && text[rs - 1] == '@' && BuiltInRules.TeamsWebhookAt(text, rs, re))
        {
            // the whole URL when its scheme is on the same stretch (within 200 characters before the tenant), else the part after '@'
            int url = text[Math.Max(0, rs - 200)..rs].LastIndexOf("https://", StringComparison.OrdinalIgnoreCase);
            int us = url < 0 || text[(Math.Max(0, rs - 200) + url)..rs].ContainsAny(' ', '"', '\n') ? rs : Math.Max(0, rs - 200) + url;
            ReportRule(ref st, layer, _rules[_teamsRule], us, re - us, DlpEncodings.Plain, "https://….webhook.office.com/webhookb2/…/IncomingWebhook/", re - us);
        }
    }

    /// <summary>An IBAN in lower case or grouped with <c>-</c> at a token run's start (<see cref="CryptoRules.IbanLoose"/>; ninth round), or inside a URL path (<see cref="IbanAt"/>); reported when found.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool CheckLooseIban(ReadOnlySpan<char> text, int rs, ref ScanState st, in Layer layer)
    {
        if (_ibanRule >= 0 && CryptoRules.IbanLoose(text, rs, out int s, out int l))
        {
            ReportRule(ref st, layer, _rules[_ibanRule], s, l, DlpEncodings.Plain, text.Slice(s, 2).ToString().ToUpperInvariant(), l);
            return true;
        }

        return false;
    }

    /// <summary>
    /// A payment card number grouped by <c>_</c> or <c>/</c> (ninth issue-16 round): a whole token run of 4-digit
    /// groups (the last 1–4 digits; 13–19 digits in all) joined by one of them, which the digit-run classifier does not
    /// group (it takes blanks and dashes). The digits must pass <see cref="BuiltInRules.IsCard"/> (issuer prefix and
    /// length, ISO/IEC 7812-1 Luhn check). Dates and paths (<c>2024/11/05</c>, <c>1111/2222</c>) are not 4-digit
    /// groups of 13+ digits.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CheckSeparatedCard(ReadOnlySpan<char> text, int rs, int re, ref ScanState st, in Layer layer)
    {
        if (_cardRule < 0 || string.Equals(layer.Encoding, DlpEncodings.Concat, StringComparison.Ordinal))
        {
            return; // not in text joined from pieces (see ScanCore's cards)
        }

        char sep = text[rs + 4];
        Span<byte> digits = stackalloc byte[19];
        int n = 0;
        for (int i = rs; i < re; i++)
        {
            char c = text[i];
            if (char.IsAsciiDigit(c) && n < 19)
            {
                digits[n++] = (byte)(c - '0');
            }
            else if (c != sep || (i - rs) % 5 != 4 || i + 1 == re)
            {
                return;
            }
        }

        if (n >= 13 && BuiltInRules.IsCard(digits[..n]))
        {
            ReportRule(ref st, layer, _rules[_cardRule], rs, re - rs, DlpEncodings.Plain, "card", re - rs);
        }
    }

    /// <summary>
    /// Context checks at a token run start (issue 16, second round), one compare of the character before the run:
    /// after <c>$</c> or <c>.</c>, a crypt(3) hash after <c>user:</c> (<c>/etc/shadow</c>, <c>.htpasswd</c>; the hash's salt or
    /// digest is a run); after <c>bearer </c>, a credential in an <c>Authorization</c> field written out as text.
    /// Both are reported as <c>credential-assignment</c> (<see cref="ContextRules"/>).
    /// </summary>
    private void CheckRunContext(ReadOnlySpan<char> text, int rs, ref ScanState st, in Layer layer)
    {
        var rule = _rules[_assignRule];
        if (text[rs - 1] is '$' or '.')
        {
            if (_braintreeRule >= 0 && text[rs - 1] == '$' && text[rs - 2] is 'n' or 'x' && BuiltInRules.BraintreeAccessToken(text, rs, out int bs) is int be and > 0)
            {
                ReportRule(ref st, layer, _rules[_braintreeRule], bs, be - bs, DlpEncodings.Plain, "access_token$", be - bs); // r24 reach round
                return;
            }

            if (text[rs - 1] == '.' && text[rs - 3] == ' ' && ContextRules.VaultLegacyToken(text, rs) is int ve0 and > 0)
            {
                ReportRule(ref st, layer, rule, rs - 2, ve0 - rs + 2, DlpEncodings.Plain, "vault login ", ve0 - rs + 2); // r26: s.… (Vault before 1.10)
                return;
            }

            // '.' too: a '.' of the salt or digest can cut the run after the last '$'.
            // The walk below ends on the hash's leading '$' or fails: without a '$' in its reach (URLs, host names,
            // file names) it cannot succeed, and one vectorised search is cheaper than the character-by-character walk.
            if (text[rs - 1] == '.' && text[Math.Max(0, rs - 160)..rs].IndexOf('$') < 0)
            {
                return;
            }

            // back over the hash's fields to "user:"
            int k = rs - 1;
            while (k > 0 && rs - k < 160 && text[k - 1] != ':' && (char.IsAsciiLetterOrDigit(text[k - 1]) || text[k - 1] is '$' or '.' or '/' or '=' or ',' or '+' or '-'))
            {
                k--;
            }

            if (k > 0 && text[k - 1] == ':' && text[k] == '$' && ContextRules.TryCryptHash(text, k, out int hs, out int he, out int user) && he >= rs)
            {
                ReportRule(ref st, layer, rule, hs, he - hs, DlpEncodings.Plain, ShortName(text[user..(k - 1)]) + ":", he - hs);
            }

            return;
        }

        // A password option of a client's command line whose value (or "-p<value>") is a run: "mysql -p<run>",
        // "docker login -p <run>", "sqlcmd -P <run>", "redis-cli -a <run>" (ContextRules.CommandPassword).
        // Since r26 also "snmpwalk -A <run>", "openssl enc -k <run>", PuTTY's "-pw <run>" and dsadd's "-pwd <run>".
        int opt = text[rs] == '-' && text[rs + 1] is 'p' or 'P' ? rs - 1
            : text[rs - 4] == ' ' && text[rs - 3] == '-' && text[rs - 2] is 'p' or 'P' or 'a' or 'w' or 'N' or 'A' or 'X' or 'k' ? rs - 4
            : text[rs - 2] == 'w' && text[rs - 3] == 'p' && text[rs - 4] == '-' && text[rs - 5] == ' ' ? rs - 5
            : text[rs - 2] == 'd' && text[rs - 3] == 'w' && text[rs - 4] == 'p' && text[rs - 5] == '-' && text[rs - 6] == ' ' ? rs - 6 : -1;
        if (opt >= 0 && ContextRules.CommandPassword(text, opt, out int cs) is int ce and >= 0)
        {
            ReportRule(ref st, layer, rule, cs, ce - cs, DlpEncodings.Plain, "command-line password ", ce - cs);
            return;
        }

        if (text[rs - 4] == '/' && (text[rs - 2] | 0x20) == 'p' && (text[rs - 3] | 0x20) == 'r' && text[rs - 5] == ' ' && ContextRules.SchtasksPassword(text, rs) is int se and > 0)
        {
            ReportRule(ref st, layer, rule, rs, se - rs, DlpEncodings.Plain, "schtasks /rp ", se - rs); // r25
            return;
        }

        if (text[(rs - 7)..rs].Equals("bearer ", StringComparison.OrdinalIgnoreCase) && ContextRules.TryCommandLine(text, rs - 7, out int vs, out int ve, out _))
        {
            ReportRule(ref st, layer, rule, vs, ve - vs, DlpEncodings.Plain, "Authorization: Bearer ", ve - vs);
        }
        else if (text[(rs - 6)..rs].Equals("token ", StringComparison.OrdinalIgnoreCase) && ContextRules.TryCommandLine(text, rs - 6, out vs, out ve, out _))
        {
            ReportRule(ref st, layer, rule, vs, ve - vs, DlpEncodings.Plain, "Authorization: token ", ve - vs); // GitHub's scheme
        }
        else
        {
            CheckPositional(text, rs, ref st, layer); // r26: net user NAME <run>, sqlplus user/<run>@db, vault login <run> (after a blank or a tab)
        }
    }

    /// <summary>
    /// A positional password whose word starts at <paramref name="word"/> after a blank: a token run, or the quote
    /// before one (<see cref="ContextRules.PositionalPassword"/>; r26 reach round).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // rare to match: kept out of ScanRuns' loop
    private void CheckPositional(ReadOnlySpan<char> text, int word, ref ScanState st, in Layer layer)
    {
        if (ContextRules.PositionalPassword(text, word, out int vs, out int ve, out string label))
        {
            ReportRule(ref st, layer, _rules[_assignRule], vs, ve - vs, DlpEncodings.Plain, label, ve - vs);
        }
    }

    /// <summary>
    /// Passwords of command-line options wherever the option stands (r27 reach round; <see cref="ContextRules.ShortOptionPassword"/>):
    /// one ordinal search of the layer for the options' anchors, so that a value shorter than the hot path's 16-character
    /// token runs is read too. A value the run-start checks reported already is the same finding (same rule and span)
    /// and is not added twice. Linear: each hit's reader is bounded and the search resumes after the hit or the value.
    /// </summary>
    private void ScanShortOptions(ReadOnlySpan<char> text, ref ScanState st, in Layer layer)
    {
        // Every anchor but a .pgpass port field holds a blank. The decoding layers' segments are cut at blanks (a JSON
        // body has hundreds, one per word with an escape), so most hold none: three short searches skip them, where the
        // anchors' search would cost ~14 ns a segment (about 4 % of a 64 KiB JSON body's scan here).
        if (!text.Contains(' ') && !text.Contains(":5432:", StringComparison.Ordinal) && !text.Contains(":*:", StringComparison.Ordinal))
        {
            return;
        }

        int i = 0;
        while (i < text.Length && !st.Full)
        {
            int k = text[i..].IndexOfAny(ContextRules.ShortOptionAnchors);
            if (k < 0)
            {
                return;
            }

            int hit = i + k;
            if (ContextRules.ShortOptionPassword(text, hit, out int vs, out int ve, out string label) && !ContextRules.IsLabelOrFixtureValue(default, text[vs..ve]))
            {
                ReportRule(ref st, layer, _rules[_assignRule], vs, ve - vs, DlpEncodings.Plain, label, ve - vs);
                i = Math.Max(ve, hit + 1);
            }
            else
            {
                i = hit + 1;
            }
        }
    }

    /// <summary>
    /// A quoted value of a client's password option (<c>redis-cli -a '…'</c>, <c>mysqldump -p'…'</c>, <c>ldapsearch -w
    /// "…"</c>; r22 reach round): <paramref name="opt"/> is the blank before the option's <c>-</c>
    /// (<see cref="ContextRules.CommandPassword"/>), and the token run starts just after the opening quote.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // rare: kept out of ScanRuns' loop
    private void CheckQuotedOption(ReadOnlySpan<char> text, int opt, ref ScanState st, in Layer layer)
    {
        if (ContextRules.CommandPassword(text, opt, out int cs) is int ce and >= 0)
        {
            ReportRule(ref st, layer, _rules[_assignRule], cs, ce - cs, DlpEncodings.Plain, "command-line password ", ce - cs);
        }
    }

    /// <summary>Does <c>…String</c>, <c>…Text</c> or <c>…Force</c> (<c>ConvertTo-SecureString</c>, <c>-String</c>, <c>-AsPlainText</c>, <c>-Force</c>) end at <paramref name="j"/>? Two compares.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SecureStringParameterEndsAt(ReadOnlySpan<char> t, int j) => ((t[j] | 0x20), (t[j - 1] | 0x20)) switch
    {
        ('g', 'n') or ('t', 'x') or ('e', 'c') => true,
        _ => false,
    };

    /// <summary>PowerShell's <c>ConvertTo-SecureString "…" -AsPlainText</c> at the token run <paramref name="rs"/> (<see cref="ContextRules.PlainTextSecureString"/>; r22 reach round).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // rare: kept out of ScanRuns' loop
    private void CheckSecureString(ReadOnlySpan<char> text, int rs, ref ScanState st, in Layer layer)
    {
        if (ContextRules.PlainTextSecureString(text, rs) is int ve and >= 0)
        {
            ReportRule(ref st, layer, _rules[_assignRule], rs, ve - rs, DlpEncodings.Plain, "ConvertTo-SecureString ", ve - rs);
        }
    }

    /// <summary>MySQL's <c>IDENTIFIED BY '…'</c> at the token run <paramref name="rs"/> (<see cref="ContextRules.SqlIdentifiedBy"/>; r22 reach round).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // rare: kept out of ScanRuns' loop
    private void CheckIdentifiedBy(ReadOnlySpan<char> text, int rs, ref ScanState st, in Layer layer)
    {
        if (ContextRules.SqlIdentifiedBy(text, rs) is int ve and >= 0)
        {
            ReportRule(ref st, layer, _rules[_assignRule], rs, ve - rs, DlpEncodings.Plain, "IDENTIFIED BY ", ve - rs);
        }
    }

    /// <summary>
    /// A few compares at a token run start (<paramref name="rs"/> &gt; 8): does a name ending in <c>y</c>/<c>Y</c> (…KEY), <c>PAT</c> (…_PAT, r30),
    /// <c>d</c>/<c>D</c> (…KEY_ID) or <c>sig</c> end just before it (also INI's <c>KEY = </c>) with a separator (<c>KEY=</c>, <c>KEY="</c>, <c>KEY='</c>, <c>KEY: </c>, <c>"KEY": "</c>,
    /// <c>"KEY":"</c>, <c>sig=</c>), or Laravel's <c>base64:</c>? A JSON string value costs four compares.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool KeyBeforeRun(ReadOnlySpan<char> t, int rs) => t[rs - 1] switch
    {
        '=' => (t[rs - 2] | 0x20) is 'y' or 'g' || KeyIdEndsAt(t, rs - 2) || ContextRules.PatNameEndsAt(t, rs - 2),
        ':' => t[rs - 2] == '4' || (t[rs] == '/' && t[rs + 1] == 'u'),
        ' ' or '\t' => t[rs - 2] switch
        {
            ':' => (t[rs - 3] | 0x20) == 'y' || ContextRules.PatNameEndsAt(t, rs - 3),
            '=' => t[rs - 3] is ' ' or '\t' && ((t[rs - 4] | 0x20) == 'y' || KeyIdEndsAt(t, rs - 4)), // INI: "aws_access_key_id = …"
            ' ' or '\t' => KeyBeforeBlanks(t, rs - 2), // "KEY\t=\tvalue", "KEY   =   value" (sixth issue-16 round)
            _ => false,
        },
        '"' or '\'' or '`' => t[rs - 2] switch // NAME="…" and NAME='…' (a .env or shell line quotes either way; a JS template literal)
        {
            '=' => (t[rs - 3] | 0x20) == 'y' || KeyIdEndsAt(t, rs - 3) || ContextRules.PatNameEndsAt(t, rs - 3),
            ':' => t[rs - 3] == '"' && ((t[rs - 4] | 0x20) == 'y' || KeyIdEndsAt(t, rs - 4) || ContextRules.PatNameEndsAt(t, rs - 4)),
            ' ' => (t[rs - 3] == ':' && t[rs - 4] == '"' && ((t[rs - 5] | 0x20) == 'y' || KeyIdEndsAt(t, rs - 5) || ContextRules.PatNameEndsAt(t, rs - 5)))
                || (t[rs - 3] == ':' && ((t[rs - 4] | 0x20) == 'y' || KeyIdEndsAt(t, rs - 4) || ContextRules.PatNameEndsAt(t, rs - 4))) // YAML: GH_PAT: "…" (r30 review), APP_KEY: "…" (r31)
                || (t[rs - 3] == '=' && KeyBeforeBlanks(t, rs - 3)), // code: KEY = "…", KEY   = "…" (r21 reach round)
            _ => false,
        },
        _ => false,
    };

    /// <summary>
    /// <see cref="KeyBeforeRun"/> for a run that starts within the body's first 8 characters (<paramref name="rs"/> 3–8:
    /// <c>APP_KEY=…</c> or <c>GH_PAT=…</c> as the first line; r31): its look-backs read up to 8 characters, so they run
    /// on a copy of the start with line breaks before it (the body's start is a line's start).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // at most a few runs per text
    private static bool KeyBeforeRunNearStart(ReadOnlySpan<char> t, int rs)
    {
        Span<char> padded = stackalloc char[12];
        padded.Fill('\n');
        t[..Math.Min(t.Length, rs + 2)].CopyTo(padded[(9 - rs)..]);
        return KeyBeforeRun(padded, 9);
    }

    /// <summary>
    /// Blanks (spaces, tabs) end at <paramref name="j"/>: before them <c>=</c> (also Go's <c>:=</c>) or <c>:</c> (and blanks) after a name
    /// ending in <c>y</c>, a key id (<see cref="KeyIdEndsAt"/>) or <c>PAT</c> (<see cref="ContextRules.PatNameEndsAt"/>)? Up to 16 blanks each side; only reached when two
    /// blanks precede a run.
    /// </summary>
    private static bool KeyBeforeBlanks(ReadOnlySpan<char> t, int j)
    {
        int floor = Math.Max(4, j - 16);
        while (j > floor && t[j] is ' ' or '\t')
        {
            j--;
        }

        if (t[j] is not ('=' or ':'))
        {
            return false;
        }

        j -= t[j] == '=' && t[j - 1] == ':' ? 2 : 1; // Go: APP_KEY := "…" (r31)
        floor = Math.Max(4, j - 16);
        while (j > floor && t[j] is ' ' or '\t')
        {
            j--;
        }

        return (t[j] | 0x20) == 'y' || KeyIdEndsAt(t, j) || ContextRules.PatNameEndsAt(t, j);
    }

    /// <summary>Does a name ending in <c>keyid</c>, <c>key_id</c> or <c>key-id</c> (any case) end at <paramref name="j"/> (≥ 4)? <c>"id"</c>, <c>node_id</c> fail at the third compare.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool KeyIdEndsAt(ReadOnlySpan<char> t, int j) =>
        (t[j] | 0x20) == 'd' && (t[j - 1] | 0x20) == 'i' && ((t[j - 2] | 0x20) == 'y' || (t[j - 2] is '_' or '-' && (t[j - 3] | 0x20) == 'y'));

    /// <summary>
    /// Context checks at a token run start after <c>=</c>, <c>:</c>, <c>"</c> or a blank whose character before is one
    /// of a few (the caller tests both): the value of a secret key (<c>APP_KEY=base64:…</c>, <c>ENCRYPTION_KEY=…</c>;
    /// <see cref="ContextRules.SecretKeyValue"/>) and the signature of a shared access signature URL written out
    /// (<see cref="ContextRules.SasSignature"/>). Both are reported as <c>credential-assignment</c>.
    /// </summary>
    private void CheckKeyRun(ReadOnlySpan<char> text, int rs, int re, ref ScanState st, in Layer layer)
    {
        if (text[rs - 1] == ':' && text[rs] == '/')
        {
            if (ContextRules.PasswdAroundNologin(text, rs, out int ps) is int pe and > 0)
            {
                ReportRule(ref st, layer, _rules[_assignRule], ps, pe - ps, DlpEncodings.Plain, "/etc/passwd lines ", pe - ps);
            }
        }
        else if (text[rs - 2] == 'g')
        {
            if (text[rs - 1] == '=' && ContextRules.SasSignature(text, rs, re) is int se and > 0)
            {
                ReportRule(ref st, layer, _rules[_assignRule], rs, se - rs, DlpEncodings.Plain, "shared access signature sig=", se - rs);
            }
        }
        else if (ContextRules.SecretKeyValue(text, rs, re) is int kv and >= 0
            && !IsAwsKeyId(text, kv, re))
        {
            ReportRule(ref st, layer, _rules[_assignRule], kv, re - kv, DlpEncodings.Plain, "secret key = ", re - kv);
        }
    }

    /// <summary>
    /// <c>curl </c> as a search (sixth speed round): <c>IndexOf(string)</c> looks for its first and last characters,
    /// <c>c</c> and a space, which ordinary text pairs often enough to cost 3–4 % of a scan in verifications; the
    /// search values pick rarer characters of the string. The same first occurrence either way.
    /// </summary>
    private static readonly SearchValues<string> s_curl = SearchValues.Create(["curl "], StringComparison.Ordinal);

    /// <summary>A <c>curl -u user:password</c> on the line of the URL whose <c>://</c> is at <paramref name="i"/> (the command starts within 128 characters before it: a look-back per URL is the cost of this check).</summary>
    /// <remarks>
    /// <paramref name="nextCurl"/>: a cursor kept by the caller for one text, whose URLs come in increasing order (-1 at
    /// first): the first <c>curl </c> at or after the start of an earlier window (<see cref="int.MaxValue"/>: none). A
    /// window without one is rejected from the cursor alone, so a body with many URLs and no <c>curl</c> is searched
    /// once, not 128 characters back per URL.
    /// </remarks>
    private void CheckCurlUser(ReadOnlySpan<char> text, int i, ref ScanState st, in Layer layer, ref int nextCurl)
    {
        int from = Math.Max(0, i - 128);
        if (nextCurl < from)
        {
            int k = text[from..].IndexOfAny(s_curl);
            nextCurl = k < 0 ? int.MaxValue : from + k;
        }

        if (nextCurl > i - 5)
        {
            return; // no "curl " lies wholly inside [from, i)
        }

        var back = text[from..i];
        int c = back.LastIndexOf("curl ", StringComparison.Ordinal);
        if (c < 0 || back[c..].IndexOfAny('\n', '\r') >= 0)
        {
            return;
        }

        int at = i - back.Length + c;
        if (ContextRules.TryCommandLine(text, at, out int vs, out int ve, out _))
        {
            ReportRule(ref st, layer, _rules[_assignRule], vs, ve - vs, DlpEncodings.Plain, "curl -u user:", ve - vs);
        }
    }

    /// <summary>
    /// A US Social Security number that is a whole digit run (<c>ddd-dd-dddd</c> or <c>ddd dd dddd</c>; the SSA's
    /// valid areas, groups and serials, <see cref="PersonalDataRules.At"/>) where the assignment pass's labels
    /// (<c>ssn</c>, <c>social security</c>) are absent (r32 round): reported when a tax-id label stands just before it
    /// (<see cref="PersonalDataRules.IsTaxIdLabelBefore"/>: <c>tax_id</c>, <c>TIN</c>, <c>SS#</c>, <c>soc sec</c>), or,
    /// dash-grouped and alone on its line (<see cref="AloneOnItsLine"/>), when it is the third distinct
    /// such number in the request (a list or a column of SSNs with no header: one bare number of that shape can be a
    /// part or case number; three distinct ones are an export).
    /// </summary>
    private void CheckDashedSsn(ReadOnlySpan<char> text, int pos, ref ScanState st, in Layer layer)
    {
        if (!PersonalDataRules.At(text, pos, out int len) || len != 11)
        {
            return;
        }

        if (PersonalDataRules.IsTaxIdLabelBefore(text, pos))
        {
            ReportRule(ref st, layer, _rules[_ssnRule], pos, len, DlpEncodings.Plain, "tax id ", 0);
            return;
        }

        if (text[pos + 3] != '-' || !AloneOnItsLine(text, pos, pos + len))
        {
            return;
        }

        int v = (((text[pos] - '0') * 100) + ((text[pos + 1] - '0') * 10) + (text[pos + 2] - '0')) * 1_000_000
            + (((text[pos + 4] - '0') * 10) + (text[pos + 5] - '0')) * 10_000
            + ((text[pos + 7] - '0') * 1000) + ((text[pos + 8] - '0') * 100) + ((text[pos + 9] - '0') * 10) + (text[pos + 10] - '0');
        if (st.BareSsn1 == 0 || st.BareSsn1 == v)
        {
            st.BareSsn1 = v;
        }
        else if (st.BareSsn2 == 0 || st.BareSsn2 == v)
        {
            st.BareSsn2 = v;
        }
        else
        {
            ReportRule(ref st, layer, _rules[_ssnRule], pos, len, DlpEncodings.Plain, "the third distinct SSN-shaped number: ", 0);
        }
    }

    /// <summary>
    /// Is the value [<paramref name="pos"/>, <paramref name="end"/>) alone on its line: only blanks between it and the
    /// line's start and end, a line break raw or a JSON string's escaped <c>\n</c> (or the text's start before it; the
    /// text's end or the closing quote of the JSON string whose last line it is after it)? A part, order or catalogue number sits in a
    /// row with other cells or after a word ("PN 462-83-3984", "1,649-41-8821,5", "417-46-3320,88"; the r32 red team's
    /// bills of materials), a list of SSNs one per line does not.
    /// </summary>
    private static bool AloneOnItsLine(ReadOnlySpan<char> text, int pos, int end)
    {
        int b = pos;
        while (b > 0 && text[b - 1] == ' ')
        {
            b--;
        }

        int e = end;
        while (e < text.Length && text[e] == ' ')
        {
            e++;
        }

        bool before = b == 0 || text[b - 1] is '\n' or '\r' || (TextDecoders.IsEscapeLetterAt(text, b - 1) && text[b - 1] is 'n' or 'r');
        bool after = e == text.Length || text[e] is '\n' or '\r' || (text[e] == '\\' && e + 1 < text.Length && text[e + 1] is 'n' or 'r') || (text[e] == '"' && e > 1 && text[e - 1] is not ('"'));
        return before && after;
    }

    /// <summary>A grouped IBAN ("DE89 3704 0044 …") around a digit run: its country code and check digits are just before the run or at its start.</summary>
    private void CheckGroupedIban(ReadOnlySpan<char> text, int rs, ref ScanState st, in Layer layer)
    {
        for (int a = Math.Max(0, rs - 20); a <= rs && a + 4 < text.Length; a++)
        {
            if (text[a + 4] == ' ' && (char.IsAsciiLetterUpper(text[a]) ? CryptoRules.Iban(text, a, out int s, out int l)
                : CryptoRules.IbanLoose(text, a, out s, out l))) // "de89 3704 …" in lower case: ninth round
            {
                ReportRule(ref st, layer, _rules[_ibanRule], s, l, DlpEncodings.Plain, text.Slice(s, 2).ToString(), l);
                return;
            }
        }
    }

    /// <summary>
    /// An IBAN split across two fields (red team 12, L26: <c>{"country": "DE89", "account": "370400440532013000"}</c>, a
    /// form's <c>cc=DE89&amp;acct=…</c>): a digit run of 11–30 digits that is a whole quoted or form value, and within 64
    /// characters before it another whole value of two capital letters, two digits and up to 8 capitals or digits (the
    /// country, check digits and a lettered bank code). The two joined must be an IBAN by <see cref="CryptoRules.Iban"/>:
    /// a registered country, its exact length and mod 97 = 1 (ISO 7064, ISO 13616), which one random digit run in 97
    /// passes after the rare shape before it. Reports the digits (the account number).
    /// </summary>
    private void CheckSplitIban(ReadOnlySpan<char> text, int rs, int re, ref ScanState st, in Layer layer)
    {
        int digits = re - rs;
        if (digits is < 11 or > 30 || rs < 8 || text[rs - 1] is not ('"' or '\'' or '=') || (re < text.Length && char.IsAsciiLetterOrDigit(text[re]))
            || text.Slice(rs, digits).ContainsAnyExceptInRange('0', '9'))
        {
            return;
        }

        // The previous value: a token of [A-Z]{2}[0-9]{2}[A-Z0-9]{0,8} standing alone, right after a quote or '='. The
        // nearest token back is the digits' own key name ("account", "acct") unless the values are array elements, so
        // the two nearest are tried.
        int floor = Math.Max(1, rs - 64), tokens = 0;
        for (int e = rs - 2; e > floor + 3 && tokens < 2; e--)
        {
            // Tokens of key-name characters: "iban_number" is one key, not two.
            if (!ContextRules.IsNameChar(text[e]) || ContextRules.IsNameChar(text[e + 1]))
            {
                continue;
            }

            tokens++;

            int b = e;
            while (b > floor && (char.IsAsciiLetterUpper(text[b - 1]) || char.IsAsciiDigit(text[b - 1])))
            {
                b--;
            }

            int n = e + 1 - b;
            if (n is >= 4 and <= 12 && text[b - 1] is '"' or '\'' or '=' && char.IsAsciiLetterUpper(text[b]) && char.IsAsciiLetterUpper(text[b + 1])
                && char.IsAsciiDigit(text[b + 2]) && char.IsAsciiDigit(text[b + 3]))
            {
                Span<char> joined = stackalloc char[n + digits];
                text.Slice(b, n).CopyTo(joined);
                text.Slice(rs, digits).CopyTo(joined[n..]);
                if (CryptoRules.Iban(joined, 0, out _, out int l) && l == joined.Length)
                {
                    ReportRule(ref st, layer, _rules[_ibanRule], rs, digits, DlpEncodings.Concat, text.Slice(b, 2).ToString(), digits);
                }

                return;
            }

            while (b > floor && ContextRules.IsNameChar(text[b - 1]))
            {
                b--;
            }

            e = b;
        }
    }

    // ---- the host name ----------------------------------------------------------------------------------------------

    /// <summary>
    /// The <c>host-encoded-data</c> rule: labels left of the registrable domain that carry encoded data — hex (16+),
    /// base32/base64-like (20+ letters and digits with 3+ of each), or such labels chunked across several labels
    /// (8+ each, 24+ together). Reported over the data labels; the concatenation is also decoded (hex, base32,
    /// base64) and scanned so the secret inside is named too.
    /// </summary>
    private void ScanHost(string host, ref ScanState st)
    {
        if (_hostRule < 0 || (st.Detectors & DlpDetectors.TokenPatterns) == 0)
        {
            return;
        }

        var h = host.AsSpan();
        int colon = h.LastIndexOf(':');
        if (colon >= 0 && h.IndexOf(':') == colon)
        {
            h = h[..colon];
        }

        if (h.Length < 24 || h.ContainsAny(':', '[') || h.IndexOfAnyExcept(HostChars) >= 0)
        {
            return;
        }

        // A BIP-39 phrase as labels (one word a label, or hyphen-joined words a label): CryptoRules.Unseparated.cs.
        if (_seedRule >= 0 && h.Length >= (12 * 3) + 11 && h.Count('.') + h.Count('-') >= 11 && CryptoRules.HostPhrase(h, out int ps, out int pl))
        {
            ReportRule(ref st, Layer.Root, _rules[_seedRule], ps, pl, DlpEncodings.Plain, "seed phrase of BIP-39 words (host-name labels)", 0);
        }

        // Labels except the last two (the registrable domain, roughly).
        Span<int> starts = stackalloc int[128];
        int count = 0;
        starts[count++] = 0;
        for (int i = 0; i < h.Length && count < starts.Length; i++)
        {
            if (h[i] == '.')
            {
                starts[count++] = i + 1;
            }
        }

        int labels = count - 2;
        int runStart = -1, runEnd = -1, runChars = 0, bestStart = -1, bestEnd = -1, bestChars = 0;
        for (int l = 0; l < labels; l++)
        {
            int ls = starts[l], le = starts[l + 1] - 1;
            var label = h[ls..le];
            if (IsDataLabel(label, chunk: true))
            {
                if (runStart < 0)
                {
                    runStart = ls;
                    runChars = 0;
                }

                runEnd = le;
                runChars += label.Length;
                if (runChars > bestChars || IsDataLabel(label, chunk: false))
                {
                    (bestStart, bestEnd, bestChars) = (runStart, runEnd, Math.Max(runChars, bestChars));
                }
            }
            else
            {
                runStart = -1;
            }
        }

        bool found = bestStart >= 0;
        if (found)
        {
            var blob = h[bestStart..bestEnd];
            found = blob.Contains('.') ? bestChars >= 24 : IsDataLabel(blob, chunk: false);
        }

        // Base32 of text has few digits, so the shapes above miss it ("AKIA…" becomes "iffusqkr…"): a run of labels
        // in the base32 alphabet that decodes to text is data. Ordinary names decode to bytes, not text.
        if (!found && !Base32TextRun(h, starts[..count], labels, out bestStart, out bestEnd, out bestChars))
        {
            ScanJoinedHostLabels(h, labels >= 2 ? starts[labels] - 1 : 0, ref st); // ninth round: "akiaf6rw6d.s5y2fl5hdw.example.com"
            return;
        }

        var encoded = h[bestStart..bestEnd];
        ReportRule(ref st, Layer.Root, _rules[_hostRule], bestStart, bestEnd - bestStart, DlpEncodings.Plain, $"{bestChars} encoded characters in the host name", 0);

        // Decode the concatenated labels and scan what they hold.
        if (st.Depth >= MaxDeepLayers)
        {
            return;
        }

        Span<char> joined = stackalloc char[256];
        int n = JoinLabels(encoded, joined);
        var data = joined[..n];
        Span<byte> bytes = stackalloc byte[256];
        if (!data.ContainsAnyExcept(HexDigits) && n % 2 == 0)
        {
            ScanDecoded(bytes[..DecodeHexBytes(data, 1, bytes)], bestStart, bestEnd - bestStart, DlpEncodings.Hex, ref st, Layer.Root);
        }

        int b32 = Base32Decode(data, bytes);
        if (b32 > 0)
        {
            ScanDecoded(bytes[..b32], bestStart, bestEnd - bestStart, DlpEncodings.Base32, ref st, Layer.Root);
        }

        ScanDecoded(bytes[..Base64Helpers.DecodeLenient(data, bytes)], bestStart, bestEnd - bestStart, DlpEncodings.Base64, ref st, Layer.Root);
    }

    /// <summary>
    /// A key split across host labels that are each too short to look like data (ninth issue-16 round: an AWS access key
    /// id in halves, <c>akiaf6rw6d.s5y2fl5hdw.tunnel.example.com</c>): the labels left of the registrable domain
    /// (<paramref name="h"/>[..<paramref name="end"/>]) are joined without their dots, every run of two to four
    /// adjacent labels with 16+ characters, and scanned as one layer (encoding <c>concat</c>, one join a line) spanning
    /// them. Host names are
    /// compared in lower case (RFC 4343), so a join holding an AWS key id prefix in any case is scanned upper-cased as
    /// well. One short join per request: no cost to the body scan.
    /// </summary>
    private void ScanJoinedHostLabels(ReadOnlySpan<char> h, int end, ref ScanState st)
    {
        if (end <= 0 || st.Depth >= MaxDeepLayers || !h[..end].Contains('.'))
        {
            return;
        }

        // Every run of two to four adjacent labels, joined, one per line: a key may start at any label and be followed
        // by ordinary labels ("….tunnel"), which a single join would glue to it.
        Span<int> starts = stackalloc int[17];
        int count = 0;
        for (int i = 0; i <= end && count < starts.Length; i++)
        {
            if (i == 0 || h[i - 1] == '.')
            {
                starts[count++] = i;
            }
        }

        Span<char> joined = stackalloc char[1024];
        int n = 0;
        for (int a = 0; a < count - 1; a++)
        {
            for (int b = a + 1; b < count && b <= a + 3; b++)
            {
                int to = b + 1 < count ? starts[b + 1] - 1 : end;
                var labels = h[starts[a]..to];
                if (labels.Length - (b - a) >= 16 && n + labels.Length + 1 <= joined.Length)
                {
                    n += JoinLabels(labels, joined[n..]);
                    joined[n++] = '\n';
                }
            }
        }

        if (n == 0)
        {
            return;
        }

        var data = joined[..n];
        ScanDecodedChars(data, 0, end, DlpEncodings.Concat, ref st, Layer.Root);
        if (data.IndexOfAny(s_awsIdPrefixesLower) >= 0)
        {
            Span<char> upper = stackalloc char[1024];
            data.ToUpperInvariant(upper);
            ScanDecodedChars(upper[..n], 0, end, DlpEncodings.Concat, ref st, Layer.Root);
        }
    }

    /// <summary>The AWS access key id prefixes (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids) in either case.</summary>
    private static readonly SearchValues<string> s_awsIdPrefixesLower = SearchValues.Create(["akia", "asia", "abia", "acca"], StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<char> HostChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]");

    /// <summary>
    /// The longest run of consecutive labels (of the first <paramref name="labels"/>) made only of the RFC 4648 §6 base32
    /// alphabet (either case) whose concatenation, 16+ characters, decodes to 10+ bytes of which 90 % or more are
    /// printable ASCII. Words and names decode to arbitrary bytes (about 17–70 % printable in the names measured:
    /// <c>mystorageaccount</c>, <c>objects.githubusercontent</c>, <c>loginmicrosoftonline</c>), base32 of text to text.
    /// </summary>
    private static bool Base32TextRun(ReadOnlySpan<char> h, ReadOnlySpan<int> starts, int labels, out int start, out int end, out int chars)
    {
        (start, end, chars) = (-1, -1, 0);
        int runStart = -1, runChars = 0;
        for (int l = 0; l <= labels; l++)
        {
            bool inAlphabet = false;
            if (l < labels)
            {
                var label = h[starts[l]..(starts[l + 1] - 1)];
                inAlphabet = label.Length > 0 && !label.ContainsAnyExcept(Base32Alphabet);
            }

            if (inAlphabet)
            {
                if (runStart < 0)
                {
                    (runStart, runChars) = (l, 0);
                }

                runChars += starts[l + 1] - 1 - starts[l];
                continue;
            }

            if (runStart >= 0 && runChars >= 16 && runChars > chars && IsBase32Text(h[starts[runStart]..(starts[l] - 1)]))
            {
                (start, end, chars) = (starts[runStart], starts[l] - 1, runChars);
            }

            runStart = -1;
        }

        return start >= 0;
    }

    private static bool IsBase32Text(ReadOnlySpan<char> run)
    {
        Span<char> joined = stackalloc char[256];
        int n = JoinLabels(run, joined);
        Span<byte> bytes = stackalloc byte[160];
        int count = Base32Decode(joined[..n], bytes);
        return count >= 10 && MostlyPrintable(bytes[..count]);
    }

    /// <summary>Host labels without their dots, at most <c>dst.Length</c> characters; returns the count.</summary>
    private static int JoinLabels(ReadOnlySpan<char> labels, Span<char> dst)
    {
        int n = 0;
        foreach (char c in labels)
        {
            if (c != '.' && n < dst.Length)
            {
                dst[n++] = c;
            }
        }

        return n;
    }

    /// <summary>90 % or more of <paramref name="bytes"/> are printable ASCII (0x20–0x7E): what text decodes to, and random bytes rarely do.</summary>
    private static bool MostlyPrintable(ReadOnlySpan<byte> bytes)
    {
        int printable = 0;
        foreach (byte b in bytes)
        {
            printable += b is >= 0x20 and < 0x7f ? 1 : 0;
        }

        return printable * 10 >= bytes.Length * 9;
    }

    private static readonly SearchValues<char> Base32Alphabet = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ234567");

    /// <summary>
    /// A label that looks like data: hex with letters and digits, or letters-and-digits with 3+ of each (base32/base64).
    /// A whole lower-case label (not a chunk) also needs its digits spread through it (3+ letter/digit alternations):
    /// <c>mystorageaccount1234</c> is a name with a number, <c>v4jp4lkswlmh2v6v</c> is data.
    /// </summary>
    private static bool IsDataLabel(ReadOnlySpan<char> label, bool chunk)
    {
        int min = chunk ? 8 : 16;
        if (label.Length < min)
        {
            return false;
        }

        if (label.Contains('-'))
        {
            // A token whose '_' became '-' (host names allow no '_'; "ghp-<36 characters>"): its longest piece is a whole
            // data label by itself, and not hex (deploy previews name hashes so: "64f1a2b3…--site"); UUIDs, "pr-1234--app",
            // "ip-10-0-0-1" and punycode pieces are shorter than 20.
            ReadOnlySpan<char> longest = default;
            foreach (var range in label.Split('-'))
            {
                if (label[range].Length > longest.Length)
                {
                    longest = label[range];
                }
            }

            return longest.Length >= 20 && longest.ContainsAnyExcept(HexDigits) && IsDataLabel(longest, chunk: false);
        }

        int digits = 0, letters = 0, upper = 0;
        foreach (char c in label)
        {
            digits += char.IsAsciiDigit(c) ? 1 : 0;
            letters += char.IsAsciiLetter(c) ? 1 : 0;
            upper += char.IsAsciiLetterUpper(c) ? 1 : 0;
        }

        bool hex = !label.ContainsAnyExcept(HexDigits);
        if (hex)
        {
            // Hex of text is mostly digits ("70773d53…"): one letter is enough.
            return digits >= 2 && letters >= 1 && label.Length >= min;
        }

        if (!(label.Length >= (chunk ? 8 : 20) && digits >= (chunk ? 2 : 3) && letters >= 3 && (digits * 10 >= label.Length || upper > 0)))
        {
            return false;
        }

        if (chunk || upper > 0)
        {
            return true;
        }

        int alternations = 0;
        for (int i = 1; i < label.Length; i++)
        {
            alternations += char.IsAsciiDigit(label[i]) != char.IsAsciiDigit(label[i - 1]) ? 1 : 0;
        }

        return alternations >= 3;
    }

    /// <summary>RFC 4648 §6 base32 (either case, no padding); returns the byte count, or 0 when a character is outside the alphabet.</summary>
    private static int Base32Decode(ReadOnlySpan<char> s, Span<byte> dst)
    {
        int bits = 0, acc = 0, n = 0;
        foreach (char c in s)
        {
            int v = c switch
            {
                >= 'A' and <= 'Z' => c - 'A',
                >= 'a' and <= 'z' => c - 'a',
                >= '2' and <= '7' => c - '2' + 26,
                _ => -1,
            };
            if (v < 0)
            {
                return 0;
            }

            acc = ((acc << 5) | v) & 0xFFFF;
            bits += 5;
            if (bits >= 8 && n < dst.Length)
            {
                bits -= 8;
                dst[n++] = (byte)(acc >> bits);
            }
        }

        return n;
    }
}
