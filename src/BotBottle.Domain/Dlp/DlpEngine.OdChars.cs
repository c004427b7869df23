using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// <c>od -c</c> output (r21 reach round of the DLP issue), decoded and rescanned as a layer (encoding
/// <see cref="DlpEncodings.OdChars"/>). POSIX od(1), "-c": each byte in a field of four characters, right-aligned — a
/// printable character (<c>   g</c>), a blank as four blanks, the C escapes <c>\0 \a \b \f \n \r \t \v</c>
/// (<c>  \n</c>), any other byte as three octal digits (<c> 303</c>); 16 bytes a line after an offset column (default
/// 7 octal digits; <c>-Ad</c>/<c>-Ax</c> decimal or hex, GNU coreutils 6–8 digits), the last line the offset alone;
/// <c>*</c> for repeated lines is not decoded. Also inside a JSON string, where each line ends in an escaped <c>\n</c>
/// and each backslash of an escape field is doubled. The other dump formats (<c>od -tx1</c>, <c>od -to1</c>,
/// <c>xxd</c>) are <see cref="HexDumpAt"/>'s. Found from the spelled-out classifier's blocks (16 isolated characters a
/// line): called at a digit that starts a line; walks back to the dump's first line (at most
/// <see cref="HexDumpMaxBack"/> characters, not below the block cursor) and forward while lines keep the shape.
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>Bytes an <c>od -c</c> dump is decoded to at most (a longer dump's rest is left to the next block).</summary>
    private const int OdCharsMaxBytes = 16 * 1024;

    /// <summary>
    /// An <c>od -c</c> dump whose line starts at <paramref name="at"/> (a digit of its offset): decodes and scans it,
    /// returns the end of the text walked, or −1 when none starts here.
    /// </summary>
    private int OdCharsAt(ReadOnlySpan<char> text, int at, int floor, ref ScanState st, in Layer layer)
    {
        int lineBreak = EscapedOrRealLineBreakBefore(text, at);
        bool json = lineBreak == 2 || (at > 0 && text[at - 1] == '"');
        if (!(at == 0 || lineBreak > 0 || json) || OdLineBytes(text, at, json, default, out _, out int width, out _) <= 0)
        {
            return -1;
        }

        // Back to the first line of the dump.
        int start = at;
        int low = Math.Max(floor, at - HexDumpMaxBack);
        while (start - low > 2)
        {
            int brk = EscapedOrRealLineBreakBefore(text, start);
            if (brk == 0)
            {
                break;
            }

            if (brk == 1 && start >= 2 && text[start - 1] == '\n' && text[start - 2] == '\r')
            {
                brk = 2;
            }

            int prev = OdPreviousLineStart(text, start - brk, Math.Max(low, start - brk - 256), json);
            if (prev < 0 || prev < low || OdLineBytes(text, prev, json, default, out int prevEnd, out int w, out _) != 16 || w != width || prevEnd != start - brk)
            {
                break;
            }

            start = prev;
        }

        byte[] bytes = ArrayPool<byte>.Shared.Rent(OdCharsMaxBytes + 16);
        try
        {
            int n = 0;
            int chars = 0;
            int pos = start;
            int end = start;
            while (n <= OdCharsMaxBytes)
            {
                int got = OdLineBytes(text, pos, json, bytes.AsSpan(n, 16), out int lineEnd, out int w, out int lineChars);
                if (got < 0 || w != width)
                {
                    break;
                }

                n += got;
                chars += lineChars;
                end = lineEnd;
                int brk = lineEnd < text.Length ? LineBreakAt(text, lineEnd, json) : 0;
                if (got < 16 || brk == 0)
                {
                    break;
                }

                pos = lineEnd + brk;
            }

            // Only octal fields: od -to1, which HexDumpAt reads (encoding "octal").
            if (chars == 0)
            {
                return -1;
            }

            if (n >= MinimumFindingLength && end - start > 64)
            {
                ScanDecoded(bytes.AsSpan(0, n), start, end - start, DlpEncodings.OdChars, ref st, layer);
            }

            return n > 0 ? end : -1;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>
    /// The start of the line that ends at <paramref name="end"/>: after the last line break before it (in a JSON string
    /// an escaped <c>\n</c> whose backslash is not itself escaped: od's own <c>\n</c> field is <c>\\n</c> there) or
    /// the string's opening quote, not below <paramref name="limit"/>; −1 when none is in reach.
    /// </summary>
    private static int OdPreviousLineStart(ReadOnlySpan<char> t, int end, int limit, bool json)
    {
        for (int k = end - 1; k >= limit && k >= 0; k--)
        {
            if (json ? (t[k] == 'n' && k > 0 && t[k - 1] == '\\' && !(k > 1 && t[k - 2] == '\\')) || t[k] == '"' : t[k] is '\n' or '\r')
            {
                return k + 1;
            }
        }

        return limit == 0 ? 0 : -1;
    }

    /// <summary>A line break at <paramref name="i"/>: <c>\n</c>, <c>\r\n</c>, or in a JSON string the escaped <c>\n</c>; its length or 0.</summary>
    private static int LineBreakAt(ReadOnlySpan<char> t, int i, bool json)
    {
        if (json)
        {
            return i + 1 < t.Length && t[i] == '\\' && t[i + 1] == 'n' ? 2 : 0;
        }

        return t[i] == '\n' ? 1 : t[i] == '\r' && i + 1 < t.Length && t[i + 1] == '\n' ? 2 : 0;
    }

    /// <summary>
    /// Reads one <c>od -c</c> line at <paramref name="i"/>: an offset of 6–8 digits, then up to 16 four-character fields
    /// to the line's end. Returns the bytes (written to <paramref name="into"/> when it is not empty), 0 for the
    /// closing offset-only line, or −1 when the line is not one; <paramref name="end"/> is the line's end,
    /// <paramref name="width"/> the offset's digits and <paramref name="chars"/> the fields that are not octal bytes.
    /// </summary>
    private static int OdLineBytes(ReadOnlySpan<char> t, int i, bool json, Span<byte> into, out int end, out int width, out int chars)
    {
        end = i;
        width = 0;
        chars = 0;
        while (i + width < t.Length && width <= 8 && char.IsAsciiHexDigit(t[i + width]))
        {
            width++;
        }

        if (width is < 6 or > 8)
        {
            return -1;
        }

        int p = i + width;
        int n = 0;
        while (true)
        {
            int gap = 0;
            while (p < t.Length && t[p] == ' ')
            {
                gap++;
                p++;
            }

            if (p >= t.Length || LineBreakAt(t, p, json) > 0 || (json && t[p] == '"'))
            {
                // blanks at the line's end: blank bytes, four each (the closing offset-only line has none)
                end = p;
                if (gap % 4 != 0 || (n == 0 && gap > 0) || n + (gap / 4) > 16)
                {
                    return -1;
                }

                for (int b = 0; b < gap / 4; b++)
                {
                    if (!into.IsEmpty)
                    {
                        into[n] = (byte)' ';
                    }

                    n++;
                }

                return n;
            }

            // the field's character(s): an escape (doubled backslash in JSON), three octal digits, or one character
            int w;
            byte value;
            int used;
            if (t[p] == '\\')
            {
                int k = p + (json ? 1 : 0);
                if (json && (k >= t.Length || t[k] != '\\'))
                {
                    // a JSON escape of the character itself: \" is the byte '"'
                    if (k < t.Length && t[k] == '"')
                    {
                        (w, value, used) = (1, (byte)'"', 2);
                    }
                    else
                    {
                        return -1;
                    }
                }
                else
                {
                    if (k + 1 >= t.Length)
                    {
                        return -1;
                    }

                    char e = t[k + 1];
                    int extra = 0;
                    if (e == '\\' && json)
                    {
                        // the backslash byte: od's "\\", each backslash doubled again in JSON
                        if (k + 3 >= t.Length || t[k + 2] != '\\' || t[k + 3] != '\\')
                        {
                            return -1;
                        }

                        extra = 2;
                    }

                    int v = e switch { '0' => 0, 'a' => 7, 'b' => 8, 'f' => 12, 'n' => 10, 'r' => 13, 't' => 9, 'v' => 11, '\\' => '\\', _ => -1 };
                    if (v < 0)
                    {
                        return -1;
                    }

                    (w, value, used) = (2, (byte)v, k + 2 + extra - p);
                }
            }
            else if (p + 2 < t.Length && IsOctal(t[p]) && IsOctal(t[p + 1]) && IsOctal(t[p + 2]) && (p + 3 >= t.Length || !char.IsAsciiLetterOrDigit(t[p + 3])))
            {
                (w, value, used) = (3, (byte)(((t[p] - '0') * 64) + ((t[p + 1] - '0') * 8) + (t[p + 2] - '0')), 3);
            }
            else if (t[p] > ' ' && t[p] < 0x7F)
            {
                (w, value, used) = (1, (byte)t[p], 1);
            }
            else
            {
                return -1;
            }

            // The blanks before the field: its own padding (4 − w), and four for each blank byte before it.
            int blanks = gap - (4 - w);
            if (blanks < 0 || blanks % 4 != 0 || n + (blanks / 4) + 1 > 16)
            {
                return -1;
            }

            for (int b = 0; b < blanks / 4; b++)
            {
                if (!into.IsEmpty)
                {
                    into[n] = (byte)' ';
                }

                n++;
            }

            if (!into.IsEmpty)
            {
                into[n] = value;
            }

            chars += w == 3 ? 0 : 1;
            n++;
            p += used;
        }
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
