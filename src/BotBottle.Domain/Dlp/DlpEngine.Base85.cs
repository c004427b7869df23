using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// Undelimited base85 (RFC 1924 §4, Python <c>base64.b85encode</c>), Ascii85 without <c>&lt;~ ~&gt;</c> (PostScript
/// Language Reference 3rd ed. §3.13.3, Python <c>base64.a85encode</c>) and uuencode (POSIX.1-2017 <c>uuencode</c>) sent
/// as a whole layer: red team 12 B23, B24, J03, B42, J05. Their alphabets hold most printable characters, so no token
/// run or marker finds them, and a check at every probe point cost 6–17 % on benign text (branch enc14-b85). Here the
/// decision is made once per scanned layer (<see cref="ScanCore"/>'s text: a header value, the body, each decoded
/// layer) from its first line (<see cref="ScanBlobLayer"/>), a constant number of character tests:
/// <list type="bullet">
/// <item>uuencode: after leading blanks and an optional <c>begin &lt;mode&gt; &lt;name&gt;</c> header line, the line's
/// length character declares 20+ bytes and exactly its length (<see cref="Base85Decoders.UuLineBytes"/>), its characters
/// are <c>0x20</c>–<c>0x60</c> and its first two groups decode to six printable bytes (or compressed data's magic);
/// the block of such lines is decoded (<c>uuencode</c>).</item>
/// <item>base85 / Ascii85: the first group decodes to printable bytes (or compressed data's magic), the first
/// <see cref="BlobMinChars"/> characters are all of the alphabet and not all token characters (base64, hex and ids go
/// their usual way), the second group is printable too, and the whole first line is of the alphabet (trailing blanks
/// allowed); that line and the following lines wholly of the alphabet are decoded (<c>base85</c>, <c>ascii85</c>).</item>
/// </list>
/// When that fails and the layer starts with a key, the first JSON member's string value or the first form field's value
/// gets the same test (<see cref="ScanKeyedBlob"/>). The decoded bytes go through <see cref="ScanDecoded"/> (90 %
/// printable, or compressed data decompressed). A blob after other text in the same layer, or in a later JSON member or
/// field, is not found here (the cost would be per candidate again).
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>The shortest first line read as base85 or Ascii85 (characters; 32 bytes).</summary>
    private const int BlobMinChars = 40;

    /// <summary>The fewest bytes a first uuencoded line must declare (a 20-character token; length character <c>4</c>, 29 characters).</summary>
    private const int UuMinLineBytes = 20;

    /// <summary>Leading blanks skipped before the first line (characters).</summary>
    private const int BlobLeadBlanks = 64;

    /// <summary>The longest <c>begin &lt;mode&gt; &lt;name&gt;</c> line read (characters).</summary>
    private const int UuHeaderMax = 256;

    /// <summary>
    /// Decides from the first line of <paramref name="text"/> whether the layer is a uuencoded, base85 or Ascii85 blob
    /// (see the type's remarks) and if so decodes the block that starts there and scans it. A constant number of
    /// character tests on every other layer.
    /// </summary>
    private void ScanBlobLayer(ReadOnlySpan<char> text, ref ScanState st, in Layer layer)
    {
        int s = 0, lead = Math.Min(text.Length, BlobLeadBlanks);
        while (s < lead && text[s] is ' ' or '\t' or '\r' or '\n')
        {
            s++;
        }

        if (text.Length - s < BlobMinValue)
        {
            return;
        }

        if (!TryScanBlobAt(text, s, -1, 0, ref st, layer) && !st.Full)
        {
            ScanKeyedBlob(text, s, ref st, layer); // {"data": "<blob>"}, d=<blob>
        }
    }

    /// <summary>The shortest text a blob check reads: a uuencoded line of <see cref="UuMinLineBytes"/> bytes.</summary>
    private const int BlobMinValue = 1 + (4 * ((UuMinLineBytes + 2) / 3));

    /// <summary>
    /// Is the line at <paramref name="s"/> (or the line after a <c>begin</c> header there) the first of a uuencoded,
    /// base85 or Ascii85 blob? Then the block is decoded and scanned, reported on [<paramref name="reportStart"/>,
    /// + <paramref name="reportLength"/>) of the layer when <paramref name="reportStart"/> ≥ 0 (a value read from an
    /// unescaped copy), else on the block itself.
    /// </summary>
    private bool TryScanBlobAt(ReadOnlySpan<char> text, int s, int reportStart, int reportLength, ref ScanState st, in Layer layer)
    {
        char c = text[s];
        if (c == 'b' && UuBeginHeaderEnd(text, s) is var next and > 0)
        {
            s = next; // the line after "begin 644 .env"
            c = s < text.Length ? text[s] : '\0';
        }

        if (c is >= '!' and <= 'M' && c - ' ' >= UuMinLineBytes && TryScanUuBlock(text, s, reportStart, reportLength, ref st, layer))
        {
            return true;
        }

        return text.Length - s >= BlobMinChars
            && (TryScanBase85Blob(text, s, rfc1924: true, reportStart, reportLength, ref st, layer)
                || TryScanBase85Blob(text, s, rfc1924: false, reportStart, reportLength, ref st, layer));
    }

    /// <summary>The longest key read before a keyed value (<see cref="ScanKeyedBlob"/>), characters.</summary>
    private const int BlobKeyMax = 64;

    /// <summary>
    /// The layer starts with a key and a value: a JSON object's first member (<c>{"data": "…"}</c>; RFC 8259 §4, §7) or
    /// a form / query field (<c>d=…</c>; HTML 4.01 §17.13.4.1). The value (a JSON string unescaped when it holds a
    /// backslash; a field to the end of its line) is checked like a layer's first line by <see cref="TryScanBlobAt"/>.
    /// A key of at most <see cref="BlobKeyMax"/> characters; one vectorised search for the end of a JSON value.
    /// </summary>
    private void ScanKeyedBlob(ReadOnlySpan<char> text, int s, ref ScanState st, in Layer layer)
    {
        if (text[s] != '{')
        {
            int eq = text[s..Math.Min(text.Length, s + BlobKeyMax + 1)].IndexOfAnyExcept(TokenChars);
            if (eq > 0 && text[s + eq] == '=' && text.Length - (s + eq + 1) >= BlobMinValue)
            {
                TryScanBlobAt(text, s + eq + 1, -1, 0, ref st, layer);
            }

            return;
        }

        int k = SkipBlanks(text, s + 1);
        if (k >= text.Length || text[k] != '"')
        {
            return;
        }

        int q = text[(k + 1)..Math.Min(text.Length, k + 1 + BlobKeyMax + 1)].IndexOfAny('"', '\\');
        if (q < 0 || text[k + 1 + q] != '"')
        {
            return;
        }

        k = SkipBlanks(text, k + q + 2);
        if (k >= text.Length || text[k] != ':')
        {
            return;
        }

        k = SkipBlanks(text, k + 1);
        if (k >= text.Length || text[k] != '"')
        {
            return;
        }

        int vs = k + 1, limit = Math.Min(text.Length, vs + MaxWrappedBlob), ve = vs;
        bool escaped = false;
        while (true)
        {
            int f = text[ve..limit].IndexOfAny('"', '\\');
            if (f < 0)
            {
                return; // no end within the budget
            }

            ve += f;
            if (text[ve] == '"')
            {
                break;
            }

            escaped = true;
            ve += 2;
            if (ve >= limit)
            {
                return;
            }
        }

        if (ve - vs < BlobMinValue)
        {
            return;
        }

        if (!escaped)
        {
            TryScanBlobAt(text[..ve], vs, -1, 0, ref st, layer);
            return;
        }

        // The JSON string's escapes undone (RFC 8259 §7) by the engine's own unescaper; its offset map is not needed here.
        char[] buffer = ArrayPool<char>.Shared.Rent(ve - vs);
        int[] map = ArrayPool<int>.Shared.Rent(ve - vs + 1);
        try
        {
            int n = TextDecoders.Unescape(text[vs..ve], buffer, map);
            if (n >= BlobMinValue)
            {
                TryScanBlobAt(buffer.AsSpan(0, n), 0, vs, ve - vs, ref st, layer);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
            ArrayPool<int>.Shared.Return(map);
        }
    }

    /// <summary>The first index at or after <paramref name="k"/> that is not a blank, within 8 characters.</summary>
    private static int SkipBlanks(ReadOnlySpan<char> text, int k)
    {
        int stop = Math.Min(text.Length, k + 8);
        while (k < stop && text[k] is ' ' or '\t' or '\r' or '\n')
        {
            k++;
        }

        return k;
    }

    /// <summary>
    /// When a <c>begin &lt;mode&gt; &lt;name&gt;</c> line (POSIX <c>uuencode</c>: "begin", the octal mode, the file name)
    /// starts at <paramref name="s"/>, the start of the line after it; else −1.
    /// </summary>
    private static int UuBeginHeaderEnd(ReadOnlySpan<char> text, int s)
    {
        var rest = text[s..Math.Min(text.Length, s + UuHeaderMax)];
        if (!rest.StartsWith("begin ", StringComparison.Ordinal))
        {
            return -1;
        }

        int i = 6;
        while (i < rest.Length && i < 11 && rest[i] is >= '0' and <= '7')
        {
            i++;
        }

        int nl = rest.IndexOf('\n');
        return i > 6 && i < rest.Length && rest[i] == ' ' && nl > i + 1 ? s + nl + 1 : -1;
    }

    /// <summary>The line starting at <paramref name="s"/> without its line break (LF or CRLF): its end, and the start of the next line (or the text's end).</summary>
    private static int LineEnd(ReadOnlySpan<char> text, int s, int max, out int next)
    {
        int f = text[s..Math.Min(text.Length, s + max)].IndexOf('\n');
        int e = f < 0 ? Math.Min(text.Length, s + max) : s + f;
        next = f < 0 ? e : e + 1;
        return e > s && text[e - 1] == '\r' ? e - 1 : e;
    }

    /// <summary>
    /// A uuencoded block whose first line starts at <paramref name="s"/> (see the type's remarks): decodes its lines and
    /// scans the bytes. False when the first line is not one.
    /// </summary>
    private bool TryScanUuBlock(ReadOnlySpan<char> text, int s, int reportStart, int reportLength, ref ScanState st, in Layer layer)
    {
        const int maxLine = 1 + (4 * 15) + 2; // 45 bytes in 60 characters, a CR and one more to see an over-long line
        int e = LineEnd(text, s, maxLine, out int next);
        if (Base85Decoders.UuLineBytes(text[s..e]) < 0)
        {
            return false; // includes a line longer than any uuencoded line
        }

        Span<byte> head = stackalloc byte[45];
        int got = Base85Decoders.DecodeUuLine(text[s..e], head);
        if (!PrintableStart(head[..Math.Min(got, 6)]) && !CompressedStart(head[..got]))
        {
            return false; // the first two groups: capitals prose of the right length fails here
        }

        int end = e;
        while (next < text.Length && next - s < MaxWrappedBlob)
        {
            int le = LineEnd(text, next, maxLine, out int after);
            if (Base85Decoders.UuLineBytes(text[next..le]) < 0)
            {
                break;
            }

            end = le;
            next = after;
        }

        byte[] bytes = ArrayPool<byte>.Shared.Rent(((end - s) * 3 / 4) + 64);
        try
        {
            int n = 0;
            for (int ls = s; ls < end;)
            {
                int le = LineEnd(text, ls, maxLine, out int after);
                n += Base85Decoders.DecodeUuLine(text[ls..le], bytes.AsSpan(n));
                ls = after;
            }

            ScanDecoded(bytes.AsSpan(0, n), reportStart < 0 ? s : reportStart, reportStart < 0 ? end - s : reportLength, DlpEncodings.Uuencode, ref st, layer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }

        return true;
    }

    /// <summary>Are all of <paramref name="b"/> (at least 4) printable bytes (tab, LF, CR or <c>0x20</c>–<c>0x7E</c>)?</summary>
    private static bool PrintableStart(ReadOnlySpan<byte> b)
    {
        if (b.Length < 4)
        {
            return false;
        }

        foreach (byte x in b)
        {
            if (!IsPrintable(x))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A base85 (<paramref name="rfc1924"/>: RFC 1924's alphabet, else Ascii85's) blob whose first line starts at
    /// <paramref name="s"/> (see the type's remarks): decodes it with the following lines of the alphabet and scans the
    /// bytes. False when the first line is not one.
    /// </summary>
    private bool TryScanBase85Blob(ReadOnlySpan<char> text, int s, bool rfc1924, int reportStart, int reportLength, ref ScanState st, in Layer layer)
    {
        var alphabet = rfc1924 ? Base85Decoders.Rfc1924Chars : Base85Decoders.Ascii85Chars;
        var head = text.Slice(s, BlobMinChars);
        Span<byte> b = stackalloc byte[8];
        if (head[..5].ContainsAnyExcept(alphabet) || Base85Group(head[..5], rfc1924, b) != 4
            || !(PrintableStart(b[..4]) || CompressedStart(b[..4])))
        {
            return false; // the first group: most text fails here
        }

        bool compressed = CompressedStart(b[..4]);
        if (head.ContainsAnyExcept(alphabet) || !head.ContainsAnyExcept(TokenChars)
            || Base85Group(head[5..10], rfc1924, b[4..]) != 4 || !(compressed || PrintableStart(b)))
        {
            return false;
        }

        // The whole first line, then each following line wholly of the alphabet (a wrapped blob), within the budget.
        int limit = Math.Min(text.Length, s + MaxWrappedBlob);
        int end = BlobLineEnd(text, s, limit, alphabet);
        if (end < 0)
        {
            return false; // more than blanks after the run on its line: not a blob
        }

        while (end < limit && text[end] is '\r' or '\n')
        {
            int ns = end + (text[end] == '\r' && end + 1 < limit && text[end + 1] == '\n' ? 2 : 1);
            int ne = ns < limit ? BlobLineEnd(text, ns, limit, alphabet) : -1;
            if (ne <= ns || ne - ns < 5)
            {
                break;
            }

            end = ne;
        }

        byte[] bytes = ArrayPool<byte>.Shared.Rent(((end - s) * 4 / 5) + 8);
        try
        {
            int n = rfc1924 ? Base85Decoders.DecodeRfc1924(text[s..end], bytes) : Base85Decoders.DecodeAscii85(text[s..end], bytes);
            ScanDecoded(bytes.AsSpan(0, n), reportStart < 0 ? s : reportStart, reportStart < 0 ? end - s : reportLength, rfc1924 ? DlpEncodings.Base85 : DlpEncodings.Ascii85, ref st, layer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }

        return true;
    }

    /// <summary>
    /// The end of the run of <paramref name="alphabet"/> starting at <paramref name="s"/> when only blanks (up to 8)
    /// follow it on its line, before a line break or <paramref name="limit"/>; else −1.
    /// </summary>
    private static int BlobLineEnd(ReadOnlySpan<char> text, int s, int limit, SearchValues<char> alphabet)
    {
        int f = text[s..limit].IndexOfAnyExcept(alphabet);
        int e = f < 0 ? limit : s + f;
        int k = e;
        while (k < limit && k - e < 8 && text[k] is ' ' or '\t')
        {
            k++;
        }

        return k == limit || text[k] is '\r' or '\n' ? e : -1;
    }

    /// <summary>One group of five base85 digits (<paramref name="rfc1924"/>: RFC 1924's, else Ascii85's) into four bytes; 0 when it is not one.</summary>
    private static int Base85Group(ReadOnlySpan<char> five, bool rfc1924, Span<byte> dst) =>
        rfc1924 ? Base85Decoders.DecodeRfc1924(five, dst[..4]) : five.Contains('z') ? 0 : Base85Decoders.DecodeAscii85(five, dst[..4]);
}
