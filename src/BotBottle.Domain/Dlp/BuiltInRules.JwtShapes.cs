namespace BotBottle.Dlp;

/// <summary>
/// JSON Web Tokens (RFC 7519; JWS compact serialization, RFC 7515 §7.1: <c>BASE64URL(header) '.' BASE64URL(payload)
/// '.' BASE64URL(signature)</c>) sent in forms the compact-serialization matcher does not take:
/// <list type="bullet">
/// <item>the three segments glued by another character (<c>eyJhbGci…~eyJzdWIi…~sig</c>: <c>~</c>, <c>|</c>,
/// <c>:</c>, <c>;</c> or <c>,</c>), or by nothing (the segments concatenated, or sent as separate query parameters
/// that the engine's joined-values scan concatenates): the first segment must be a JOSE header — it decodes to a JSON
/// object with <c>"alg"</c> (RFC 7515 §4.1.1, required) — and the second a JSON object (<c>eyJ</c>, the encoding of
/// <c>{"</c>);</item>
/// <item>the header dropped (<c>eyJzdWIi….sig</c>: payload and signature only): two segments, the first a JSON
/// object without <c>"alg"</c> that holds at least two registered claim names of RFC 7519 §4.1 (<c>iss</c>,
/// <c>sub</c>, <c>aud</c>, <c>exp</c>, <c>nbf</c>, <c>iat</c>, <c>jti</c>), one of them a time (<c>exp</c>,
/// <c>nbf</c>, <c>iat</c>), the second at least 32 base64url characters (an HMAC-SHA-256 signature is 43; RFC 7518 §3.2).</item>
/// </list>
/// Base64url JSON that is no token stays clean: pagination cursors and state blobs carry neither <c>"alg"</c> nor a
/// signature segment after registered claims.
/// </summary>
internal static partial class BuiltInRules
{
    /// <summary>Characters that may glue a JWT's segments in place of <c>.</c> (one of them, the same twice).</summary>
    private const string JwtGlue = "~|:;,";

    /// <summary>The fewest base64url characters taken as a signature segment glued to the payload.</summary>
    private const int JwtMinSignature = 32;

    /// <summary>
    /// The header segment at <paramref name="a"/> (<paramref name="h"/> base64url characters) is not followed by
    /// <c>.</c>: a JWT whose segments are glued by one of <see cref="JwtGlue"/>, or by nothing (see the type's summary).
    /// </summary>
    private static bool JwtOtherGlue(ReadOnlySpan<char> t, int a, int h, out int start, out int length)
    {
        int end = a + h;
        if (end < t.Length && JwtGlue.Contains(t[end]))
        {
            char glue = t[end];
            int ps = end + 1;
            int p = Span(t, ps, 1 << 20, IsB64Url);
            int pe = ps + p;
            if (p < 10 || pe + 1 >= t.Length || t[pe] != glue || !t[ps..].StartsWith("eyJ", StringComparison.Ordinal))
            {
                return Fail(out start, out length);
            }

            int s = Span(t, pe + 1, 1 << 20, IsB64Url);
            if (s < JwtMinSignature || !IsJoseHeader(t.Slice(a, Math.Min(h, 1024)), closed: true) || !DecodesToObject(t.Slice(ps, Math.Min(p, 1024))))
            {
                return Fail(out start, out length);
            }

            return Ok(a, pe + 1 + s, out start, out length);
        }

        // Concatenated: the payload's "eyJ" somewhere in the run, after a prefix that is a whole JOSE header.
        var run = t.Slice(a, h);
        int from = 12;
        for (int tries = 0; tries < 4 && from < run.Length; tries++)
        {
            int k = run[from..].IndexOf("eyJ", StringComparison.Ordinal);
            if (k < 0)
            {
                break;
            }

            k += from;
            if (k > 1024)
            {
                break;
            }

            if (run.Length - k >= 10 + JwtMinSignature && IsJoseHeader(run[..k], closed: true) && DecodesToObject(run.Slice(k, Math.Min(run.Length - k, 1024))))
            {
                return Ok(a, a + h, out start, out length);
            }

            from = k + 1;
        }

        return Fail(out start, out length);
    }

    /// <summary>
    /// Two segments at <paramref name="a"/>: <paramref name="h"/> base64url characters, <c>.</c>, <paramref name="s"/>
    /// more, and then neither <c>.</c> nor base64url: a JWT without its header (see the type's summary).
    /// </summary>
    private static bool JwtClaimsAndSignature(ReadOnlySpan<char> t, int a, int h, int s, out int start, out int length)
    {
        int end = a + h + 1 + s;
        if (s < JwtMinSignature || (end < t.Length && t[end] == '.'))
        {
            return Fail(out start, out length);
        }

        Span<byte> decoded = stackalloc byte[768];
        int n = Base64Helpers.DecodeLenient(t.Slice(a, Math.Min(h, 1024)), decoded);
        var json = decoded[..n];
        if (json.Length == 0 || json[0] != (byte)'{' || json.IndexOf("\"alg\""u8) >= 0)
        {
            return Fail(out start, out length);
        }

        int claims = 0, times = 0;
        for (int c = 0; c < s_registeredClaims.Length; c++)
        {
            if (json.IndexOf(s_registeredClaims[c]) >= 0)
            {
                claims++;
                times += c is >= 3 and <= 5 ? 1 : 0; // exp, nbf, iat
            }
        }

        return claims >= 2 && times >= 1 ? Ok(a, end, out start, out length) : Fail(out start, out length);
    }

    /// <summary>The registered claim names of RFC 7519 §4.1, quoted as JSON keys are (the times exp, nbf, iat at 3–5).</summary>
    private static readonly byte[][] s_registeredClaims =
        ["\"iss\""u8.ToArray(), "\"sub\""u8.ToArray(), "\"aud\""u8.ToArray(), "\"exp\""u8.ToArray(), "\"nbf\""u8.ToArray(), "\"iat\""u8.ToArray(), "\"jti\""u8.ToArray()];

    /// <summary>Does <paramref name="segment"/> decode to a JSON object with <c>"alg"</c> (and, with <paramref name="closed"/>, end with its closing <c>}</c>)?</summary>
    private static bool IsJoseHeader(ReadOnlySpan<char> segment, bool closed)
    {
        Span<byte> decoded = stackalloc byte[768];
        int n = Base64Helpers.DecodeLenient(segment, decoded);
        var json = decoded[..n];
        return json.Length > 8 && json[0] == (byte)'{' && (!closed || json[^1] == (byte)'}') && json.IndexOf("\"alg\""u8) >= 0;
    }

    /// <summary>Does <paramref name="segment"/> decode to the start of a JSON object with a key (<c>{"</c>, then a printable key)?</summary>
    private static bool DecodesToObject(ReadOnlySpan<char> segment)
    {
        Span<byte> decoded = stackalloc byte[768];
        int n = Base64Helpers.DecodeLenient(segment, decoded);
        var json = decoded[..n];
        if (json.Length < 8 || json[0] != (byte)'{' || json[1] != (byte)'"')
        {
            return false;
        }

        int close = json[2..].IndexOf((byte)'"');
        return close > 0 && !json.Slice(2, close).ContainsAnyExceptInRange((byte)0x20, (byte)0x7e);
    }
}
