using System.Buffers;

namespace BotBottle.Dlp;

public sealed partial class DlpEngine
{
    /// <summary>
    /// Scans the ASCII text a body or a value carries as raw UTF-32 (red team 12, J26: <c>iconv -t UTF-32LE</c>,
    /// <c>UTF-32BE</c>, Python's <c>str.encode("utf-32")</c> with its byte order mark): each character is a code unit of
    /// four bytes (Unicode Standard §3.10, D99–D101), so an ASCII character shows as the character and three NULs after
    /// it (little-endian) or before it (big-endian). Every stretch of at least <see cref="Utf16MinChars"/> such
    /// characters (printable ASCII, tab, CR, LF) is collected, the stretches joined by line feeds, and the result scanned
    /// as one opaque layer (encoding <c>utf32</c>). A big-endian stretch read from its first character lacks the NULs after
    /// its last one, which is therefore also tried (as <see cref="ScanUtf16Text"/> does for UTF-16BE). The callers call it
    /// only when the text holds a NUL; text without three NULs in a row pays one vectorised search.
    /// </summary>
    /// <param name="text">The decoded body or value.</param>
    /// <param name="st">The scan state (location already set).</param>
    /// <param name="utf32Layer">The opaque layer the stretches are scanned as.</param>
    private void ScanUtf32Text(ReadOnlySpan<char> text, ref ScanState st, in Layer utf32Layer)
    {
        if (text.Length < 4 * Utf16MinChars || st.Full || text.IndexOf("\0\0\0", StringComparison.Ordinal) < 0)
        {
            return;
        }

        // A stretch of c characters consumes 4c - 3 input characters or more and writes at most 2c + 3 (c ≥ 7).
        char[] buffer = ArrayPool<char>.Shared.Rent((text.Length / 2) + 16);
        try
        {
            int n = 0, i = 0;
            while (i + 3 < text.Length)
            {
                int k = text[(i + 1)..].IndexOf("\0\0\0", StringComparison.Ordinal);
                if (k < 0)
                {
                    break;
                }

                i += k; // the character before the three NULs
                if (!IsUtf16Ascii(text[i]))
                {
                    i += 4;
                    continue;
                }

                int start = i, outStart = n;
                while (i + 3 < text.Length && IsUtf16Ascii(text[i]) && text[i + 1] == '\0' && text[i + 2] == '\0' && text[i + 3] == '\0')
                {
                    buffer[n++] = text[i];
                    i += 4;
                }

                CloseWideStretch(text, ref i, start, buffer, outStart, ref n); // DlpEngine.Utf16.cs
            }

            if (n > 0)
            {
                ScanCore(buffer.AsSpan(0, n), ref st, utf32Layer, withLayers: true);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
