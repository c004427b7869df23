using System.Buffers;
using System.Runtime.CompilerServices;

namespace BotBottle.Dlp;

public sealed partial class DlpEngine
{
    /// <summary>Fewest characters a stretch of UTF-16 ASCII needs to be scanned (nothing shorter can be a finding).</summary>
    private const int Utf16MinChars = MinimumFindingLength;

    /// <summary>Characters of a UTF-16BE stretch scanned again with its last character (see <see cref="ScanUtf16Text"/>).</summary>
    private const int Utf16TailChars = 128;

    /// <summary>
    /// Scans the ASCII text a body or a value carries as raw UTF-16 (each character a code unit of two bytes, one of them
    /// zero: <c>Encoding.Unicode</c>, PowerShell's <c>Out-File</c> before 6.0, <c>iconv -t UTF-16LE</c>, with or without
    /// the byte order mark FF FE / FE FF). <paramref name="text"/> is the body as the engine reads it (bytes widened one
    /// character each, or UTF-8 decoded), so such text shows as characters each followed (little-endian) or preceded
    /// (big-endian) by a NUL. Every stretch of at least <see cref="Utf16MinChars"/> such characters (printable ASCII, tab,
    /// CR, LF) is collected, the stretches joined by line feeds, and the result scanned as one opaque
    /// layer, <paramref name="utf16Layer"/>. The caller calls it only
    /// when the text holds a NUL, so text without one pays one vector search (RFC 2781 §2: UTF-16 code units; an ASCII
    /// character is the unit 0x00nn).
    /// </summary>
    /// <param name="text">The decoded body or value, holding at least one NUL.</param>
    /// <param name="st">The scan state (location already set).</param>
    /// <param name="utf16Layer">The opaque layer the stretches are scanned as: <see cref="DlpEncodings.Utf16"/> over the
    /// whole body for a body, or the decoded segment's span for a percent-decoded value (<see cref="Utf16LayerOf"/>).</param>
    private void ScanUtf16Text(ReadOnlySpan<char> text, ref ScanState st, in Layer utf16Layer)
    {
        if (text.Length < 2 * Utf16MinChars || st.Full)
        {
            return;
        }

        // A stretch of c characters consumes at least 2c - 1 input characters and writes at most 2c + 3 (itself, a line
        // feed, and for a big-endian reading its tail, last character and line feed), with c ≥ 7: at most 17 for 13.
        char[] buffer = ArrayPool<char>.Shared.Rent(text.Length + (text.Length / 3) + 16);
        try
        {
            int n = 0;
            int i = 0;
            while (i + 1 < text.Length)
            {
                // Find the next "character, NUL" pair: the NUL search is vectorised, and the pair's character is the one before it.
                int k = text[(i + 1)..].IndexOf('\0');
                if (k < 0)
                {
                    break;
                }

                i += k;
                if (!IsUtf16Ascii(text[i]))
                {
                    i += 2;
                    continue;
                }

                int start = i;
                int outStart = n;
                while (i + 1 < text.Length && IsUtf16Ascii(text[i]) && text[i + 1] == '\0')
                {
                    buffer[n++] = text[i];
                    i += 2;
                }

                CloseWideStretch(text, ref i, start, buffer, outStart, ref n);
            }

            if (n > 0)
            {
                ScanCore(buffer.AsSpan(0, n), ref st, utf16Layer, withLayers: true);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Ends a stretch of wide ASCII characters (UTF-16 or UTF-32 code units, <see cref="ScanUtf16Text"/> and
    /// <see cref="ScanUtf32Text"/>) copied to <paramref name="buffer"/>[<paramref name="outStart"/>..<paramref name="n"/>):
    /// a stretch shorter than <see cref="Utf16MinChars"/> is dropped; a kept one gets a line feed. A big-endian stretch
    /// (NULs before each character) read from its first character has no NULs after its last one: when a NUL came before
    /// the stretch (at <paramref name="start"/>) and an ASCII character follows it (at <paramref name="i"/>), that
    /// character may be the stretch's last. It is written once more after the stretch's tail, so neither reading is lost
    /// (the same finding twice is reported once), and <paramref name="i"/> moves past it.
    /// </summary>
    private static void CloseWideStretch(ReadOnlySpan<char> text, ref int i, int start, char[] buffer, int outStart, ref int n)
    {
        int count = n - outStart;
        bool bigEndianTail = start > 0 && text[start - 1] == '\0' && i < text.Length && IsUtf16Ascii(text[i]);
        if (count + (bigEndianTail ? 1 : 0) < Utf16MinChars)
        {
            n = outStart;
            return;
        }

        buffer[n++] = '\n';
        if (bigEndianTail)
        {
            int tail = Math.Min(count, Utf16TailChars);
            buffer.AsSpan(n - 1 - tail, tail).CopyTo(buffer.AsSpan(n));
            n += tail;
            buffer[n++] = text[i];
            buffer[n++] = '\n';
            i++;
        }
    }

    /// <summary>
    /// The opaque layer for text decoded from [<paramref name="s"/>, <paramref name="s"/> + <paramref name="length"/>) of
    /// <paramref name="layer"/>'s text by <paramref name="encoding"/> (a chain such as <c>base64+utf16</c>): nested in an
    /// opaque layer, or over the root span the range maps to.
    /// </summary>
    private static Layer Utf16LayerOf(in Layer layer, int s, int length, string encoding)
    {
        if (layer.IsOpaque)
        {
            return layer.Nested(encoding);
        }

        var (rootStart, rootLength) = layer.ToRoot(s, length);
        return Layer.Opaque(rootStart, rootLength, layer.Encoding.Length == 0 ? encoding : layer.Encoding + "+" + encoding);
    }

    /// <summary>
    /// Red team 11: where decoded bytes that hold a zero byte are UTF-16 text, and in which byte order. The text starts
    /// at the first zero byte (big-endian, <paramref name="start"/> = that byte) or one byte before it (little-endian);
    /// it is UTF-16 when at least three quarters of the code units from there on are one ASCII character (printable,
    /// tab, CR, LF) with a zero byte on the order's side: <c>iconv -t UTF-16LE</c>/<c>UTF-16BE</c>, Java's "UTF-16"
    /// (FE FF, then big-endian), .NET's <c>Encoding.Unicode</c>/<c>BigEndianUnicode</c> (RFC 2781 §3). The bytes before
    /// it (<paramref name="prefix"/> of them, a byte order mark FF FE / FE FF not counted) are read one character each:
    /// <c>k=</c> before percent-encoded UTF-16. Random binary with zero bytes fails (a printable byte beside each zero
    /// is a 3-in-8 chance). Returns 1 little-endian, 2 big-endian, 0 neither.
    /// </summary>
    private static int Utf16Order(ReadOnlySpan<byte> bytes, out int start, out int prefix)
    {
        int z = bytes.IndexOf((byte)0);
        start = prefix = 0;
        if (z < 0)
        {
            return 0;
        }

        // Both readings of big-endian text after a printable byte ("k=", then 00 67 00 68 … 00 X) count the same units,
        // but only the big-endian one keeps the last character; little-endian text counts one unit more read little-endian.
        int le = z >= 1 ? Utf16AsciiUnits(bytes[(z - 1)..], bigEndian: false) : 0;
        int be = Utf16AsciiUnits(bytes[z..], bigEndian: true);
        int order = le > be ? 1 : 2;
        int from = order == 1 ? z - 1 : z;
        int units = (bytes.Length - from) / 2;
        if (units < Utf16MinChars || Math.Max(le, be) * 4 < units * 3)
        {
            return 0;
        }

        start = from;
        prefix = from >= 2 && ((bytes[from - 2] == 0xFF && bytes[from - 1] == 0xFE) || (bytes[from - 2] == 0xFE && bytes[from - 1] == 0xFF)) ? from - 2 : from;
        return order;
    }

    /// <summary>Code units of <paramref name="r"/> that are one ASCII character (<see cref="IsPrintable"/>) beside a zero byte.</summary>
    private static int Utf16AsciiUnits(ReadOnlySpan<byte> r, bool bigEndian)
    {
        int ascii = 0;
        for (int i = 0; i + 1 < r.Length; i += 2)
        {
            ascii += (bigEndian ? r[i] == 0 && IsPrintable(r[i + 1]) : r[i + 1] == 0 && IsPrintable(r[i])) ? 1 : 0;
        }

        return ascii;
    }

    /// <summary>
    /// When decoded <paramref name="bytes"/> (from [<paramref name="s"/>, <paramref name="s"/> + <paramref name="length"/>)
    /// of <paramref name="layer"/>'s text, by <paramref name="encoding"/>) are UTF-16 text (<see cref="Utf16Order"/>),
    /// scans them read as UTF-16 in that byte order, one layer deeper (encoding <c>…+utf16</c>), and returns true. The one
    /// place decoded bytes become UTF-16 text: <see cref="ScanDecoded"/> (base64, base32, hex, Ascii85, inflated data)
    /// and <see cref="ScanPercentUtf16"/> call it.
    /// </summary>
    private bool TryScanUtf16Bytes(ReadOnlySpan<byte> bytes, int s, int length, string encoding, ref ScanState st, in Layer layer)
    {
        int order = Utf16Order(bytes, out int start, out int prefix);
        if (order == 0)
        {
            return false;
        }

        var units = bytes[start..][..((bytes.Length - start) & ~1)];
        char[] chars = ArrayPool<char>.Shared.Rent(prefix + (units.Length / 2));
        try
        {
            for (int i = 0; i < prefix; i++)
            {
                chars[i] = (char)bytes[i];
            }

            int n = prefix + (order == 1 ? System.Text.Encoding.Unicode : System.Text.Encoding.BigEndianUnicode).GetChars(units, chars.AsSpan(prefix));
            st.Depth++;
            ScanCore(chars.AsSpan(0, n), ref st, Utf16LayerOf(layer, s, length, encoding + "+" + DlpEncodings.Utf16), withLayers: true);
            st.Depth--;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }

        return true;
    }

    /// <summary>
    /// Percent-decoded text holding a NUL (<paramref name="decoded"/>, from [<paramref name="s"/>, <paramref name="s"/> +
    /// <paramref name="length"/>) of <paramref name="parent"/>'s text): %XX of UTF-16 (<c>%00%67%00%68…</c>) decodes to
    /// one character a byte. When every character is one byte, they are read as bytes through <see cref="TryScanUtf16Bytes"/>.
    /// </summary>
    private void ScanPercentUtf16(ReadOnlySpan<char> decoded, int s, int length, string label, ref ScanState st, in Layer parent)
    {
        if (decoded.Length < 2 * Utf16MinChars || decoded.ContainsAnyExceptInRange('\0', '\u00FF'))
        {
            return;
        }

        byte[] bytes = ArrayPool<byte>.Shared.Rent(decoded.Length);
        try
        {
            for (int i = 0; i < decoded.Length; i++)
            {
                bytes[i] = (byte)decoded[i];
            }

            TryScanUtf16Bytes(bytes.AsSpan(0, decoded.Length), s, length, label, ref st, parent);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>
    /// True when the first bytes a run decodes to (at least 4; 5 for base32, 6 for base64) start UTF-16 text of ASCII in
    /// either byte order — after a byte order mark, one code unit is enough — so the run is collected for decoding (the
    /// printable-start checks reject the zero bytes).
    /// </summary>
    private static bool Utf16Start(ReadOnlySpan<byte> b)
    {
        int from = b.Length >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)) ? 2 : 0;
        var r = b[from..];
        if (r.Length < (from == 2 ? 2 : 4))
        {
            return false;
        }

        bool le = true, be = true;
        for (int i = 0; i < r.Length; i++)
        {
            bool zero = r[i] == 0, printable = IsPrintable(r[i]);
            le &= (i & 1) == 0 ? printable : zero;
            be &= (i & 1) == 0 ? zero : printable;
        }

        return le || be;
    }

    /// <summary>
    /// A test <see cref="Utf16HexStart"/> needs to pass, in three compares (inlined at the caller, which reaches it for
    /// every hex-looking run of 24+): the 4 bytes start UTF-16 text only with a zero second byte (little-endian: hex
    /// digits 2 and 3 are "00"), a zero first byte (big-endian: digits 0 and 1 "00") or a byte order mark (FF FE or
    /// FE FF: digit 0 an 'f'). False: <see cref="Utf16HexStart"/> is false too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool MayStartUtf16Hex(ReadOnlySpan<char> s) =>
        s.Length >= 8 && ((s[2] == '0' && s[3] == '0') || (s[0] == '0' && s[1] == '0') || s[0] is 'f' or 'F');

    /// <summary>The first 8 hex digits of <paramref name="s"/> decode to 4 bytes that start UTF-16 text (<see cref="Utf16Start"/>).</summary>
    private static bool Utf16HexStart(ReadOnlySpan<char> s)
    {
        Span<byte> b = stackalloc byte[4];
        for (int i = 0; i < 4; i++)
        {
            int hi = Base64Helpers.HexValue(s[2 * i]), lo = Base64Helpers.HexValue(s[(2 * i) + 1]);
            if (hi < 0 || lo < 0)
            {
                return false;
            }

            b[i] = (byte)((hi << 4) | lo);
        }

        return Utf16Start(b);
    }

    /// <summary>A character UTF-16 text of ASCII carries with a zero byte beside it: printable ASCII, tab, CR, LF.</summary>
    private static bool IsUtf16Ascii(char c) => c is (>= ' ' and <= '~') or '\t' or '\n' or '\r';
}
