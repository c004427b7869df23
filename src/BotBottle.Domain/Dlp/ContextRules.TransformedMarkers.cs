namespace BotBottle.Dlp;

/// <summary>The markers of a whole text sent reversed or in ROT13 (r28; the engine's side: DlpEngine.TransformedText.cs).</summary>
internal static partial class ContextRules
{
    /// <summary>
    /// Reversed markers (compared ignoring case): the credential names the assignment rules read (<c>password</c>,
    /// <c>passwd</c>, <c>secret</c>, <c>token</c>, <c>api_key</c> / <c>apikey</c> / <c>api-key</c>), the PEM header
    /// <c>-----BEGIN</c> (RFC 7468 §2) and the three common starts of a JWT's JOSE header, <c>{"alg":</c>, <c>{"typ":</c>
    /// and <c>{"kid":</c> in base64url (<c>eyJhbGci</c>, <c>eyJ0eXAi</c>, <c>eyJraWQi</c>; RFC 7515 §4.1, RFC 7519 §5.1).
    /// Each is also in <see cref="s_keyFragments"/>.
    /// </summary>
    private static readonly string[] s_reversedMarkers = ["drowssap", "dwssap", "terces", "nekot", "yek_ipa", "yekipa", "yek-ipa", "nigeb-----", "icgbhjye", "iaxe0jye", "iqwarjye"];

    /// <summary>The same markers in ROT13 (<c>tr 'A-Za-z' 'N-ZA-Mn-za-m'</c>), compared ignoring case; each is also in <see cref="s_keyFragments"/>.</summary>
    private static readonly string[] s_rot13Markers = ["cnffjbeq", "cnffjq", "frperg", "gbxra", "ncv_xrl", "ncvxrl", "ncv-xrl", "-----ortva", "rlwuotpv", "rlw0rknv", "rlwenjdv"];

    /// <summary>
    /// The length of the reversed or ROT13 marker (<see cref="s_reversedMarkers"/>, <see cref="s_rot13Markers"/>) at
    /// <paramref name="hit"/> (a hit of <see cref="s_keyFragments"/>), or 0. Costs one character test for the hits of
    /// the plain name fragments that start with none of the markers' letters.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="hit">Where the fragment search stopped.</param>
    /// <returns>The marker's length, or 0.</returns>
    internal static int TransformedMarkerLength(ReadOnlySpan<char> text, int hit)
    {
        if ((char)(text[hit] | 0x20) is not ('d' or 't' or 'n' or 'y' or 'i' or 'c' or 'f' or 'g' or 'r' or '-'))
        {
            return 0;
        }

        var rest = text[hit..];
        foreach (string m in s_reversedMarkers)
        {
            if (rest.StartsWith(m, StringComparison.OrdinalIgnoreCase))
            {
                return m.Length;
            }
        }

        foreach (string m in s_rot13Markers)
        {
            if (rest.StartsWith(m, StringComparison.OrdinalIgnoreCase))
            {
                return m.Length;
            }
        }

        return 0;
    }

    /// <summary>True when <paramref name="marker"/> (as <see cref="TransformedMarkerLength"/> found it) is a reversed marker, false for a ROT13 one.</summary>
    /// <param name="marker">The marker's text.</param>
    /// <returns>Whether the text around it is reversed.</returns>
    internal static bool IsReversedMarker(ReadOnlySpan<char> marker)
    {
        foreach (string m in s_reversedMarkers)
        {
            if (marker.Equals(m, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
