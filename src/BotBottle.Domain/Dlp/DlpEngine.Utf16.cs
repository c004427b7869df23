using System.Buffers;

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
    /// <see cref="DlpEncodings.Utf16"/> layer over [0, <paramref name="rootLength"/>) of the root. The caller calls it only
    /// when the text holds a NUL, so text without one pays one vector search (RFC 2781 §2: UTF-16 code units; an ASCII
    /// character is the unit 0x00nn).
    /// </summary>
    /// <param name="text">The decoded body or value, holding at least one NUL.</param>
    /// <param name="st">The scan state (location already set).</param>
    /// <param name="rootLength">Length of the root span the layer's findings point at (the whole body).</param>
    private void ScanUtf16Text(ReadOnlySpan<char> text, ref ScanState st, int rootLength)
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

                int count = n - outStart;

                // A big-endian stretch ("NUL, character" pairs) read from its first character has no NUL after its last
                // one: when a NUL came before the stretch and an ASCII character follows it, that character may be the
                // stretch's last. It is scanned once more with the stretch's tail, so neither reading is lost (the same
                // finding twice is reported once).
                bool bigEndianTail = start > 0 && text[start - 1] == '\0' && i < text.Length && IsUtf16Ascii(text[i]);
                if (count + (bigEndianTail ? 1 : 0) < Utf16MinChars)
                {
                    n = outStart;
                    continue;
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

            if (n > 0)
            {
                ScanCore(buffer.AsSpan(0, n), ref st, Layer.Opaque(0, rootLength, DlpEncodings.Utf16), withLayers: true);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>A character UTF-16 text of ASCII carries with a zero byte beside it: printable ASCII, tab, CR, LF.</summary>
    private static bool IsUtf16Ascii(char c) => c is (>= ' ' and <= '~') or '\t' or '\n' or '\r';
}
