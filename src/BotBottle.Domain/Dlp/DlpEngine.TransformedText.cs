namespace BotBottle.Dlp;

/// <summary>
/// Whole texts sent reversed or in ROT13 (r28): a private key piped through <c>rev</c> (its last line,
/// <c>-----YEK ETAVIRP ASR DNE-----</c>, first), a <c>.env</c> file through <c>tr 'A-Za-z' 'N-ZA-Mn-za-m'</c>
/// (<c>QO_CNFFJBEQ=…</c>), a JWT written backwards. The reversed and ROT13 anchors (<see cref="ObfuscatedAnchors"/>)
/// undo a prefixed token's own run; these shapes need more: a PEM block spans lines, a JWT's header is at the reversed
/// text's end, an assignment needs its name. A few markers that ordinary text does not hold reversed or rotated (the
/// credential names, the PEM header, the common JOSE header starts: <see cref="ContextRules.TransformedMarkerLength"/>)
/// are found by the assignment rules' own vectorised search of every text, so finding them adds no pass. A marker
/// undoes the transform on a window of the text around it (<see cref="TransformedWindowHalf"/> characters each side),
/// which is scanned as one layer (<see cref="DlpEncodings.Reversed"/>: a finding is reported as the whole window, or
/// <see cref="DlpEncodings.Rot13"/>: at its own characters) with every rule.
/// <list type="bullet">
/// <item>Linear: a marker inside a window of its kind already undone is passed over, and no window is undone inside
/// such a layer (reversing the reversed text would give the text back) or at the depth limit.</item>
/// <item>Not found: a reversed or ROT13 text that holds none of the markers (a bare ROT13 seed phrase, a reversed card
/// number), other letter substitutions of whole texts.</item>
/// </list>
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>Characters undone on each side of a marker: a 4096-bit RSA key's PEM (≈3.3 KB) fits on either side.</summary>
    private const int TransformedWindowHalf = 8192;

    /// <summary>
    /// Undoes the transform of the markers <paramref name="markers"/> found in <paramref name="text"/> (position and
    /// whether reversed, in text order): for each marker not inside a window of its kind already scanned, reverses or
    /// rotates [at − <see cref="TransformedWindowHalf"/>, at + <see cref="TransformedWindowHalf"/>) (clipped) and scans it
    /// as a layer.
    /// </summary>
    private void ScanTransformedWindows(ReadOnlySpan<char> text, List<(int At, bool Reversed)> markers, ref ScanState st, in Layer layer)
    {
        if (st.InTransformedText || st.Depth >= MaxDeepLayers)
        {
            return;
        }

        int reversedUntil = 0, rot13Until = 0;
        foreach (var (at, reversed) in markers)
        {
            ref int until = ref reversed ? ref reversedUntil : ref rot13Until;
            if (at < until || st.Full)
            {
                continue;
            }

            int ws = Math.Max(0, at - TransformedWindowHalf), we = (int)Math.Min(text.Length, (long)at + TransformedWindowHalf);
            until = we;
            char[] buffer = System.Buffers.ArrayPool<char>.Shared.Rent(we - ws);
            int[]? map = null;
            try
            {
                var window = buffer.AsSpan(0, we - ws);
                text[ws..we].CopyTo(window);
                st.InTransformedText = true;
                if (reversed)
                {
                    // Reported as the whole window: a reversed span has no start-to-end mapping onto the text as sent.
                    window.Reverse();
                    RestoreEscapes(window);
                    ScanDecodedChars(window, ws, we - ws, DlpEncodings.Reversed, ref st, layer);
                }
                else
                {
                    // ROT13 keeps every character in its place: findings map back exactly.
                    Rot13InPlace(window);
                    Layer inner;
                    if (layer.IsOpaque)
                    {
                        inner = layer.Nested(DlpEncodings.Rot13);
                    }
                    else
                    {
                        map = System.Buffers.ArrayPool<int>.Shared.Rent(we - ws + 1);
                        for (int j = 0; j <= we - ws; j++)
                        {
                            map[j] = layer.Map is { } m ? m[ws + j] : ws + j;
                        }

                        inner = new Layer(map, layer.Encoding.Length == 0 ? DlpEncodings.Rot13 : layer.Encoding + "+" + DlpEncodings.Rot13);
                    }

                    st.Depth++;
                    ScanCore(window, ref st, inner, withLayers: true);
                    st.Depth--;
                }
            }
            finally
            {
                st.InTransformedText = false;
                System.Buffers.ArrayPool<char>.Shared.Return(buffer);
                if (map is not null)
                {
                    System.Buffers.ArrayPool<int>.Shared.Return(map);
                }
            }
        }
    }

    /// <summary>
    /// Puts back the backslash escapes of a JSON string (RFC 8259 §7) that reversing turned around — <c>n\</c> back to
    /// <c>\n</c>, <c>XXXXu\</c> back to <c>\uXXXX</c> — so that a reversed text inside a JSON string (its line breaks
    /// escaped as the JSON writer escaped them after reversing) reads as text with line breaks. In place.
    /// </summary>
    private static void RestoreEscapes(Span<char> chars)
    {
        for (int k = 0; k + 1 < chars.Length; k++)
        {
            if (chars[k + 1] != '\\')
            {
                continue;
            }

            if (chars[k] is 'n' or 'r' or 't' or '"' or '/' or 'b' or 'f')
            {
                (chars[k], chars[k + 1]) = ('\\', chars[k]);
                k++;
            }
            else if (chars[k] == 'u' && k >= 4 && char.IsAsciiHexDigit(chars[k - 1]) && char.IsAsciiHexDigit(chars[k - 2]) && char.IsAsciiHexDigit(chars[k - 3]) && char.IsAsciiHexDigit(chars[k - 4]))
            {
                // "DCBAu\" (the reversed "\uABCD"): "\uABCD".
                (char h0, char h1, char h2, char h3) = (chars[k - 1], chars[k - 2], chars[k - 3], chars[k - 4]);
                (chars[k - 4], chars[k - 3], chars[k - 2], chars[k - 1], chars[k], chars[k + 1]) = ('\\', 'u', h0, h1, h2, h3);
                k++;
            }
        }
    }

    /// <summary>
    /// ROT13 of the ASCII letters of <paramref name="chars"/>, in place (every other character unchanged), but for the
    /// letters of backslash escapes (<c>\n</c>, <c>\uABCD</c>: a ROT13 text inside a JSON string keeps its line breaks).
    /// </summary>
    private static void Rot13InPlace(Span<char> chars)
    {
        for (int k = 0; k < chars.Length; k++)
        {
            char c = chars[k];
            if (c == '\\' && k + 1 < chars.Length && char.IsAsciiLetter(chars[k + 1]))
            {
                k += chars[k + 1] == 'u' ? 5 : 1; // the escape's letter (and \u's four hex digits) stay as they are
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                chars[k] = (char)('A' + ((c - 'A' + 13) % 26));
            }
            else if (char.IsAsciiLetterLower(c))
            {
                chars[k] = (char)('a' + ((c - 'a' + 13) % 26));
            }
        }
    }
}
