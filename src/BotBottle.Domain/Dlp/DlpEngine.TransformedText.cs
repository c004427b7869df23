using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// Whole texts sent reversed or in ROT13 (r28): a private key piped through <c>rev</c> (its last line,
/// <c>-----YEK ETAVIRP ASR DNE-----</c>, first), a <c>.env</c> file through <c>tr 'A-Za-z' 'N-ZA-Mn-za-m'</c>
/// (<c>QO_CNFFJBEQ=…</c>), a JWT written backwards. The reversed and ROT13 anchors (<see cref="ObfuscatedAnchors"/>)
/// undo a prefixed token's own run; these shapes need more: a PEM block spans lines, a JWT's header is at the reversed
/// text's end, an assignment needs its name. A few markers that ordinary text does not hold reversed or rotated
/// (<see cref="s_reversedMarkers"/>, <see cref="s_rot13Markers"/>: credential names, the PEM label's <c>PRIVATE KEY</c>,
/// the common JOSE header starts) are searched in one vectorised pass over each text as sent and each decoded layer
/// (not over the escape-decoding segments, whose text the pass over their layer has seen). A marker undoes the
/// transform on a window of the text around it (<see cref="TransformedWindowHalf"/> characters each side), which is
/// scanned as one layer (<see cref="DlpEncodings.Reversed"/>: a finding is reported as the whole window, or
/// <see cref="DlpEncodings.Rot13"/>: at its own characters) with every rule. JSON string escapes survive: ROT13 leaves
/// an escape's letter alone and the reversed window puts <c>n\</c> back to <c>\n</c>.
/// <list type="bullet">
/// <item>Linear: a marker inside a window of its kind already undone is passed over, a window reaches back at most
/// <see cref="TransformedOverlap"/> characters into the last one of its kind (each character is undone at most twice
/// per kind), and no window is undone inside such a layer (reversing the reversed text would give the text back) or at
/// the depth limit. A marker inside a long token run (random base64) is passed over.</item>
/// <item>Card numbers and IBANs are not read in a reversed window: a 16-digit id reversed passes the Luhn check one
/// time in ten, and a reversed finding covers the whole window.</item>
/// <item>Not found: a reversed or ROT13 text that holds none of the markers (a bare ROT13 seed phrase, a reversed card
/// number, a key's body without its armor lines), other letter substitutions of whole texts.</item>
/// </list>
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>Characters undone on each side of a marker: a 4096-bit RSA key's PEM (≈3.3 KB) fits on either side.</summary>
    private const int TransformedWindowHalf = 8192;

    /// <summary>
    /// Reversed markers: <c>password</c> / <c>passwd</c> (<c>wssap</c>), <c>token</c>, <c>api_key</c> / <c>apikey</c>,
    /// <c>secret_key</c>, <c>access_key</c> (<c>AWS_SECRET_ACCESS_KEY</c>), a PEM label's <c>private key</c> (RFC 7468 §2), and the JOSE header starts <c>{"alg":</c>,
    /// <c>{"typ":</c>, <c>{"kid":</c> in base64url (<c>eyJhbGci</c>, <c>eyJ0eXAi</c>, <c>eyJraWQi</c>; RFC 7515 §4.1,
    /// RFC 7519 §5.1). Each starts with a trigram ordinary text rarely holds, which keeps the search's false candidates
    /// few (a reversed <c>secret</c> alone, <c>terces</c>, starts with the common <c>ter</c>).
    /// </summary>
    private static readonly string[] s_reversedMarkers = ["wssap", "nekot", "yek_ipa", "yekipa", "yek_terces", "yek_ssecca", "yek etavirp", "yek+etavirp", "yek%20etavirp", "icgbhjye", "iaxe0jye", "iqwarjye"];

    /// <summary>The ROT13 markers: <c>passw</c>, <c>secret</c>, <c>token</c>, <c>api_key</c> / <c>apikey</c>, <c>access_key</c>, <c>private key</c> and the three JOSE header starts.</summary>
    private static readonly string[] s_rot13Markers = ["cnffj", "frperg", "gbxra", "ncv_xrl", "ncvxrl", "npprff_xrl", "cevingr xrl", "cevingr+xrl", "cevingr%20xrl", "rlwuotpv", "rlw0rknv", "rlwenjdv"];

    /// <summary>Both marker lists, compared ignoring case.</summary>
    private static readonly SearchValues<string> s_transformedMarkers = SearchValues.Create([.. s_reversedMarkers, .. s_rot13Markers], StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Finds the reversed and ROT13 markers in <paramref name="text"/> and, for each not inside a window of its kind
    /// already scanned, reverses or rotates [at − <see cref="TransformedWindowHalf"/>, at + <see cref="TransformedWindowHalf"/>)
    /// (clipped) and scans it as a layer.
    /// </summary>
    private void ScanTransformedText(ReadOnlySpan<char> text, ref ScanState st, in Layer layer)
    {
        int reversedUntil = 0, rot13Until = 0;
        for (int i = 0; i < text.Length && !st.Full;)
        {
            int k = text[i..].IndexOfAny(s_transformedMarkers);
            if (k < 0)
            {
                return;
            }

            int at = i + k;
            i = at + 1;
            if (InsideLongRun(text, at))
            {
                continue; // a marker by chance inside random base64 (about once in 4 MB), not a name or a header
            }

            bool reversed = IsReversedMarkerAt(text[at..]);
            ref int until = ref reversed ? ref reversedUntil : ref rot13Until;
            if (at < until)
            {
                continue;
            }

            // From TransformedOverlap before the last window's end at the earliest: each character is undone at most
            // twice per kind, and a decoy marker whose window ends inside a key cannot cut that key out of the next
            // window (a 4096-bit RSA key's PEM fits in the overlap).
            int ws = Math.Max(until - TransformedOverlap, at - TransformedWindowHalf), we = (int)Math.Min(text.Length, (long)at + TransformedWindowHalf);
            ws = Math.Max(0, ws);
            until = we;
            ScanTransformedWindow(text, ws, we, reversed, ref st, layer);
        }
    }

    /// <summary>How far a window reaches back into the last one of its kind.</summary>
    private const int TransformedOverlap = 4096;

    /// <summary>True when the marker at <paramref name="at"/> has 16 token characters on each side: inside a long run of random base64.</summary>
    private static bool InsideLongRun(ReadOnlySpan<char> text, int at)
    {
        const int Side = 16;
        if (at < Side || at + Side > text.Length)
        {
            return false;
        }

        foreach (char c in text.Slice(at - Side, 2 * Side))
        {
            if (!RunScanner.IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when a reversed marker starts <paramref name="rest"/> (a hit of <see cref="s_transformedMarkers"/>), false for a ROT13 one.</summary>
    private static bool IsReversedMarkerAt(ReadOnlySpan<char> rest)
    {
        foreach (string m in s_reversedMarkers)
        {
            if (rest.StartsWith(m, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reverses or rotates [<paramref name="ws"/>, <paramref name="we"/>) of <paramref name="text"/> and scans it as one layer.</summary>
    private void ScanTransformedWindow(ReadOnlySpan<char> text, int ws, int we, bool reversed, ref ScanState st, in Layer layer)
    {
        char[] buffer = ArrayPool<char>.Shared.Rent(we - ws);
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
                    map = ArrayPool<int>.Shared.Rent(we - ws + 1);
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
            ArrayPool<char>.Shared.Return(buffer);
            if (map is not null)
            {
                ArrayPool<int>.Shared.Return(map);
            }
        }
    }

    /// <summary>
    /// Puts back the backslash escapes of a JSON string (RFC 8259 §7) and the percent escapes of a URL or form body
    /// (RFC 3986 §2.1) that reversing turned around — <c>n\</c> back to <c>\n</c>, <c>XXXXu\</c> back to <c>\uXXXX</c>,
    /// <c>A0%</c> back to <c>%0A</c> — so that a reversed text inside a JSON string (its line breaks
    /// escaped as the JSON writer escaped them after reversing) reads as text with line breaks. In place.
    /// </summary>
    private static void RestoreEscapes(Span<char> chars)
    {
        for (int k = 0; k + 1 < chars.Length; k++)
        {
            if (chars[k + 1] == '%' && k >= 1 && char.IsAsciiHexDigit(chars[k]) && char.IsAsciiHexDigit(chars[k - 1]))
            {
                // "A0%" (the reversed percent escape "%0A", RFC 3986 §2.1): "%0A".
                (chars[k - 1], chars[k], chars[k + 1]) = ('%', chars[k], chars[k - 1]);
                k++;
                continue;
            }

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
    /// letters of backslash escapes (<c>\n</c>, <c>\uABCD</c>: a ROT13 text inside a JSON string keeps its line breaks) and
    /// the hex digits of percent escapes (<c>%0A</c>: a ROT13 key sent in a form body keeps its line breaks).
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
            else if (c == '%' && k + 2 < chars.Length && char.IsAsciiHexDigit(chars[k + 1]) && char.IsAsciiHexDigit(chars[k + 2]))
            {
                k += 2; // a percent escape's hex digits (%0A) stay as they are
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
