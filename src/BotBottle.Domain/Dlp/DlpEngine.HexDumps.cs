using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BotBottle.Dlp;

/// <summary>
/// Byte dumps (red team 12, J07–J09): hex written in groups of 2, 4 or 8 digits separated by single blanks, and the
/// line formats of the dump tools, decoded and rescanned like the other hex layers (encoding <c>hex</c>; <c>octal</c>
/// for <c>od -to1</c>):
/// <list type="bullet">
/// <item><c>xxd</c> (xxd(1): "a hex dump … offset: hex groups, then the ASCII column"; default <c>-g 2</c>, 16 bytes a
/// line; <c>-g 1</c>, <c>-g 4</c>): <c>00000010: 696f 6e0a 4441 …  ion.DATABASE_URL</c> — the offset and its colon and
/// the ASCII column after two blanks are dropped, the groups of every line joined;</item>
/// <item><c>od</c> (POSIX od(1): <c>-A</c> offset radix, default octal of 7 digits; <c>-An</c> none; <c>-tx1</c>,
/// <c>-tx2</c>, <c>-tx4</c> hex units of 1, 2, 4 bytes; <c>-to1</c> octal bytes) and <c>hexdump</c>/<c>hexdump -C</c>
/// (hexdump(1): 8-digit offset, two blanks, 16 bytes with a double blank after the eighth, <c>|ASCII|</c>);</item>
/// <item>plain grouped hex on one line (<c>xxd -p</c> piped through <c>fold</c>/<c>sed</c>, <c>6768 705F 5262 …</c>).</item>
/// </list>
/// Units of 2 or 4 bytes from <c>od</c> and <c>hexdump</c> are printed in the machine's byte order (little-endian on
/// x86 and ARM), <c>xxd</c>'s in the file's: a grouped dump without xxd's colon is scanned in both orders.
/// <para>
/// Found from the classifier's <see cref="Candidate.Spelled"/> blocks (<see cref="ScanSpelled"/>): every group of hex of
/// text starts with a digit (printable ASCII is 0x20–0x7E) after a blank, one mark each, so grouped hex has 12+ marks a
/// block (<c>od -tx1</c> 21, groups of four 12–13, xxd lines 8–10) — and, for xxd lines, from the probe pass
/// (<see cref="GroupedHexNear"/>). Groups of eight have about 7 marks a block and are found only beside a denser block. The walk
/// goes back to the dump's first line (at most <see cref="HexDumpMaxBack"/> characters, not below the block cursor) and
/// forward line by line while each line has the same shape; each character is read a bounded number of times.
/// </para>
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>Characters a dump's walk goes back from the candidate to its first line, at most.</summary>
    private const int HexDumpMaxBack = 4096;

    /// <summary>Bytes decoded before a piece is scanned; a longer dump is scanned in pieces overlapping by <see cref="SpelledOverlap"/> bytes.</summary>
    private const int HexDumpPieceBytes = 16 * 1024;

    /// <summary>
    /// A byte dump around the digit at <paramref name="at"/> (a group or a dump line's offset): decodes and scans it,
    /// returns the end of the text walked, or −1 when no dump of two lines or more, or of one line with groups wider
    /// than a byte pair (the delimited-hex probe's), starts here.
    /// </summary>
    private int HexDumpAt(ReadOnlySpan<char> text, int at, int floor, ref ScanState st, in Layer layer)
    {
        // Cheap rejection first: the digit starts a group of 2, 3 (octal), 4 or 8 digits followed by a blank and a group or
        // another blank (the last group of an xxd line, before its ASCII column), or an offset.
        int w = HexRunLength(text, at, 17);
        int after = at + w;
        if (after + 1 >= text.Length || !(w is 2 or 3 or 4 or 8 && text[after] == ' ' && (char.IsAsciiHexDigit(text[after + 1]) || text[after + 1] == ' ')) && !(w is >= 6 and <= 16 && text[after] is ':' or ' '))
        {
            return -1;
        }

        // The line's start, then earlier lines of the same shape.
        int low = Math.Max(floor, at - HexDumpMaxBack);
        int ls = LineStart(text, at, Math.Max(floor, at - 256));
        var shape = new DumpShape();
        if (ls < 0 || !ParseDumpLine(text, ls, ref shape, default, out _, out _))
        {
            // A long line (no line break within reach), or a line that does not start as a dump (a JSON string's first
            // line starts after its quote): from the group back over groups of its width, then over an offset column.
            if (w is not (2 or 3 or 4 or 8))
            {
                return -1;
            }

            ls = at;
            while (ls - w - 1 >= low && text[ls - 1] == ' ' && HexRunLength(text, ls - 1 - w, w) == w && (ls - 2 - w < 0 || !char.IsAsciiLetterOrDigit(text[ls - 2 - w])))
            {
                ls -= w + 1;
            }

            ls = BackOverOffset(text, ls, low);
            shape = new DumpShape();
            if (!ParseDumpLine(text, ls, ref shape, default, out _, out _))
            {
                return -1;
            }
        }

        while (ls > low && EscapedOrRealLineBreakBefore(text, ls) is int lb and > 0)
        {
            int prev = LineStart(text, ls - lb, Math.Max(floor, ls - lb - 256));
            var probe = shape;
            if (prev < 0 || prev >= ls - lb || !ParseDumpLine(text, prev, ref probe, default, out int prevEnd, out bool clean) || !clean || prevEnd < ls - lb - 1 || !probe.Same(shape))
            {
                break;
            }

            ls = prev;
        }

        return WalkDump(text, ls, ref st, layer);
    }

    /// <summary>Decodes the dump whose first line starts at <paramref name="ls"/> line by line and scans it; returns where it ends.</summary>
    private int WalkDump(ReadOnlySpan<char> text, int ls, ref ScanState st, in Layer layer)
    {
        byte[] bytes = ArrayPool<byte>.Shared.Rent(HexDumpPieceBytes + 64);
        try
        {
            var shape = new DumpShape();
            int n = 0, lines = 0, pos = ls, pieceStart = ls, end = ls;
            while (pos < text.Length && !st.Full)
            {
                var probe = shape;
                if (!ParseDumpLine(text, pos, ref probe, bytes.AsSpan(n), out int lineEnd, out bool clean) || (lines > 0 && !probe.Same(shape)))
                {
                    break;
                }

                shape = probe;
                n += probe.LastLineBytes;
                lines++;
                end = lineEnd;
                if (n >= HexDumpPieceBytes)
                {
                    ScanDump(bytes.AsSpan(0, n), pieceStart, end - pieceStart, shape, ref st, layer);
                    bytes.AsSpan(n - SpelledOverlap, SpelledOverlap).CopyTo(bytes);
                    n = SpelledOverlap;
                    pieceStart = end;
                }

                // The next line: right after this one's line break, if the line ended cleanly.
                int br = LineBreakLength(text, lineEnd);
                if (!clean || br == 0)
                {
                    break;
                }

                pos = lineEnd + br;
            }

            // One line of byte pairs without an offset is the delimited-hex probe's (ScanDelimitedHex).
            if (lines == 0 || (lines == 1 && shape.Width == 2 && !shape.Offset && !shape.Octal))
            {
                return lines == 0 ? -1 : end;
            }

            ScanDump(bytes.AsSpan(0, n), pieceStart, end - pieceStart, shape, ref st, layer);
            return end;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>
    /// The probe pass's test for grouped hex (<see cref="ProbeScan"/>): bit k set when <paramref name="p"/> + k (k &lt; 8)
    /// is a blank and so are <paramref name="p"/> + k + 5 and + 10 (three groups of four digits: xxd's default,
    /// <c>od -tx2</c>). Every phase of a period-5 pattern falls in the window; about half the probes that land on an xxd
    /// line (68 characters, 1.5 probes a line) pass, so a dump of two lines or more is found even when no classifier
    /// block is dense enough (<see cref="HexDumpAt"/>'s remarks). Three loads and compares; prose passes it only at
    /// three four-letter words in a row and then fails <see cref="GroupedHexProbe"/> at the first letter outside a–f.
    /// Groups of eight (period 9) are not probed: a rarer format.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint GroupedHexNear(ReadOnlySpan<char> t, int p)
    {
        if (p + 18 > t.Length)
        {
            return 0;
        }

        ref ushort r = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(t));
        var blank = Vector128.Create((ushort)' ');
        return (Vector128.Equals(Vector128.LoadUnsafe(ref r, (nuint)p), blank) & Vector128.Equals(Vector128.LoadUnsafe(ref r, (nuint)(p + 5)), blank)
            & Vector128.Equals(Vector128.LoadUnsafe(ref r, (nuint)(p + 10)), blank)).ExtractMostSignificantBits();
    }

    /// <summary>
    /// After <see cref="GroupedHexNear"/> (<paramref name="blanks"/>: its lanes): the start of a group of 4 hex digits
    /// between two of those blanks, with a hex digit before the first; or −1.
    /// </summary>
    private static int GroupedHexProbe(ReadOnlySpan<char> t, int p, uint blanks)
    {
        for (; blanks != 0; blanks &= blanks - 1)
        {
            int q = p + BitOperations.TrailingZeroCount(blanks);
            if (q > 0 && char.IsAsciiHexDigit(t[q - 1]) && HexRunLength(t, q + 1, 4) == 4)
            {
                return q + 1;
            }
        }

        return -1;
    }

    /// <summary>Scans decoded dump bytes (and, for units of 2+ bytes not from xxd, the bytes swapped within each unit).</summary>
    private void ScanDump(Span<byte> bytes, int s, int length, in DumpShape shape, ref ScanState st, in Layer layer)
    {
        if (bytes.Length < MinimumFindingLength || st.Depth >= MaxDeepLayers)
        {
            return;
        }

        string enc = shape.Octal ? DlpEncodings.Octal : DlpEncodings.Hex;
        ScanDecoded(bytes, s, length, enc, ref st, layer);
        int unit = shape.Width / 2;
        if (shape.Octal || shape.Colon || unit < 2 || st.Full)
        {
            return;
        }

        // od -tx2 / -tx4 and hexdump print units in the machine's byte order: little-endian on x86 and ARM.
        for (int i = 0; i + unit <= bytes.Length; i += unit)
        {
            bytes.Slice(i, unit).Reverse();
        }

        ScanDecoded(bytes, s, length, enc, ref st, layer);
    }

    /// <summary>The shape every line of one dump shares.</summary>
    private struct DumpShape
    {
        /// <summary>Digits a group: 2, 4, 8 (hex) or 3 (octal bytes); 0 before the first group is read.</summary>
        public int Width;

        /// <summary>Lines start with an offset column.</summary>
        public bool Offset;

        /// <summary>The offset ends with a colon (xxd).</summary>
        public bool Colon;

        /// <summary>Groups are octal bytes (<c>od -to1</c>).</summary>
        public bool Octal;

        /// <summary>Bytes the last line parsed held.</summary>
        public int LastLineBytes;

        /// <summary>The same dump format as <paramref name="other"/>.</summary>
        public readonly bool Same(in DumpShape other) => Width == other.Width && Offset == other.Offset && Colon == other.Colon && Octal == other.Octal;
    }

    /// <summary>
    /// Parses one dump line at <paramref name="p"/>: optional leading blanks, an optional offset (6–16 hex digits and a
    /// colon, xxd; 7 digits and a blank, od; 8 digits and two blanks, hexdump -C), then groups of one width separated by
    /// one blank (two after the eighth byte pair, hexdump -C), then the line's end or an ASCII column after two or more
    /// blanks or a <c>|</c>. Writes the bytes to <paramref name="dst"/> (when it is not empty) and fills
    /// <paramref name="shape"/> (whose width, when set, the groups must have). <paramref name="end"/>: after the last
    /// character that belongs to the line (the ASCII column included); <paramref name="clean"/>: the line ends there
    /// (a line break or the text's end), so a next line may continue the dump.
    /// </summary>
    private static bool ParseDumpLine(ReadOnlySpan<char> t, int p, ref DumpShape shape, Span<byte> dst, out int end, out bool clean)
    {
        end = p;
        clean = false;
        int i = p;
        while (i < t.Length && i - p < 8 && t[i] == ' ')
        {
            i++;
        }

        int first = HexRunLength(t, i, 17);
        bool offset = false, colon = false;
        if (first is >= 6 and <= 16 && i + first < t.Length && t[i + first] == ':')
        {
            (offset, colon) = (true, true);
            i += first + 1;
        }
        else if ((first == 7 && i + first + 1 < t.Length && t[i + first] == ' ') || (first == 8 && i + first + 2 < t.Length && t[i + first] == ' ' && t[i + first + 1] == ' '))
        {
            offset = true;
            i += first;
        }

        if (offset)
        {
            int b = i;
            while (i < t.Length && i - b < 3 && t[i] == ' ')
            {
                i++;
            }

            if (i == b && !colon)
            {
                return false;
            }
        }

        int width = shape.Width, bytes = 0, groups = 0;
        bool octal = shape.Octal;
        while (i < t.Length && (dst.IsEmpty || bytes + 4 <= dst.Length))
        {
            int g = HexRunLength(t, i, 9);
            if (g == 0)
            {
                break;
            }

            if (width == 0)
            {
                if (g is not (2 or 3 or 4 or 8))
                {
                    return false;
                }

                width = g;
                octal = g == 3;
            }

            // The last group of a dump may be shorter (xxd: "7a44 0a"); an octal group is three digits 0–7 of a byte.
            bool lastShort = g < width && g % 2 == 0 && !octal;
            if ((g != width && !lastShort) || (octal && (t[i] > '3' || t[i + 1] > '7' || t[i + 2] > '7' || t[i + 1] < '0' || t[i + 2] < '0')))
            {
                break;
            }

            int k = i + g;
            if (k < t.Length && (char.IsAsciiLetterOrDigit(t[k]) || t[k] is '_' or '.' or ':' or '-'))
            {
                break; // not a group: a word or number of its own
            }

            if (!dst.IsEmpty)
            {
                if (octal)
                {
                    dst[bytes] = (byte)(((t[i] - '0') << 6) | ((t[i + 1] - '0') << 3) | (t[i + 2] - '0'));
                }
                else
                {
                    for (int d = 0; d < g; d += 2)
                    {
                        dst[bytes + (d / 2)] = (byte)((Base64Helpers.HexValue(t[i + d]) << 4) | Base64Helpers.HexValue(t[i + d + 1]));
                    }
                }
            }

            bytes += octal ? 1 : g / 2;
            groups++;
            i = k;
            end = k;
            if (lastShort)
            {
                break;
            }

            // One blank then the next group; hexdump -C puts two after the eighth byte.
            if (i + 1 < t.Length && t[i] == ' ' && char.IsAsciiHexDigit(t[i + 1]))
            {
                i++;
            }
            else if (i + 2 < t.Length && t[i] == ' ' && t[i + 1] == ' ' && width == 2 && bytes == 8 && offset && !colon && char.IsAsciiHexDigit(t[i + 2]))
            {
                i += 2;
            }
            else
            {
                break;
            }
        }

        if (groups == 0 || (groups < 2 && !offset))
        {
            return false;
        }

        // The line's end: a line break (or the text's end) now, or after an ASCII column (two+ blanks or "  |").
        int e = end;
        if (e + 1 < t.Length && t[e] == ' ' && t[e + 1] is ' ' or '|')
        {
            e = AsciiColumnEnd(t, e);
        }
        else if (e < t.Length && t[e] == ' ')
        {
            e = end; // a blank and more text: the dump ends with this line
        }

        clean = e >= t.Length || LineBreakLength(t, e) > 0;
        end = clean ? e : end;
        shape = new DumpShape { Width = width, Offset = offset, Colon = colon, Octal = octal, LastLineBytes = bytes };
        return true;
    }

    /// <summary>
    /// The end of an ASCII column starting at <paramref name="e"/>: the next line break (real, or JSON-escaped
    /// <c>\n</c>: a dump inside a JSON string) within 96 characters, or the text's end; <paramref name="e"/> when there is
    /// neither (not a column: the dump ends before it).
    /// </summary>
    private static int AsciiColumnEnd(ReadOnlySpan<char> t, int e)
    {
        int limit = Math.Min(t.Length, e + 96);
        for (int k = e; k < limit; k++)
        {
            if (t[k] is '\n' or '\r' || (t[k] == '\\' && LineBreakLength(t, k) > 0))
            {
                return k;
            }

            if (t[k] == '\\')
            {
                k++; // an escaped character of the column ("\\", "\"")
            }
        }

        return limit == t.Length ? t.Length : e;
    }

    /// <summary>
    /// The start of the offset column before the first group at <paramref name="ls"/> (one or two blanks, then 6–16 hex
    /// digits and a colon, or 7–8 digits), not below <paramref name="low"/>; <paramref name="ls"/> when there is none.
    /// </summary>
    private static int BackOverOffset(ReadOnlySpan<char> t, int ls, int low)
    {
        int k = ls;
        while (k > low && ls - k < 2 && t[k - 1] == ' ')
        {
            k--;
        }

        if (k == ls)
        {
            return ls;
        }

        int c = k > low && t[k - 1] == ':' ? k - 1 : k;
        int d = c;
        while (d > low && c - d < 16 && char.IsAsciiHexDigit(t[d - 1]))
        {
            d--;
        }

        int len = c - d;
        bool ok = (c < k ? len is >= 6 and <= 16 : len is 7 or 8) && (d == 0 || !char.IsAsciiLetterOrDigit(t[d - 1]));
        return ok ? d : ls;
    }

    /// <summary>Hex digits from <paramref name="i"/>, at most <paramref name="max"/>.</summary>
    private static int HexRunLength(ReadOnlySpan<char> t, int i, int max)
    {
        if (i < 0)
        {
            return 0;
        }

        int k = i;
        while (k < t.Length && k - i < max && char.IsAsciiHexDigit(t[k]))
        {
            k++;
        }

        return i < 0 ? 0 : k - i;
    }

    /// <summary>The start of the line holding <paramref name="i"/> (after a line feed, real or JSON-escaped, or the text's start), or −1 when none is at or after <paramref name="limit"/>.</summary>
    private static int LineStart(ReadOnlySpan<char> t, int i, int limit)
    {
        limit = Math.Max(0, limit);
        if (i <= limit)
        {
            return i == 0 || EscapedOrRealLineBreakBefore(t, i) > 0 ? i : -1;
        }

        var back = t[limit..i];
        int nl = back.LastIndexOf('\n');
        int escaped = back.LastIndexOf("\\n", StringComparison.Ordinal); // a JSON-escaped line break
        int at = Math.Max(nl < 0 ? -1 : limit + nl + 1, escaped < 0 ? -1 : limit + escaped + 2);
        return at >= 0 ? at : limit == 0 ? 0 : -1;
    }
}
