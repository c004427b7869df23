namespace BotBottle.Dlp;

/// <summary>
/// Prefixed token rules meeting digests and wrapped base64 lines (second false-positive hunt): a base64 digest is 43 or
/// more random characters, so one in a few thousand starts with a vendor prefix (<c>glc_</c>, <c>sk-</c>); and a
/// base64 blob wrapped in lines is decoded a line at a time by the anchor-core search, which then cannot see the
/// character before a prefix at a line's start.
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>Digest names and the lengths of their values: base64 without padding, hex.</summary>
    private static readonly (string Name, int Base64, int Hex)[] s_digests =
    [
        ("sha256", 43, 64), ("sha384", 64, 96), ("sha512", 86, 128), ("sha1", 27, 40), ("md5", 22, 32), ("h1", 43, 64),
    ];

    /// <summary>
    /// True when the token [<paramref name="s"/>, <paramref name="s"/> + <paramref name="length"/>) is the whole value of
    /// a named digest: <c>sha256=</c>, <c>sha256:</c> or <c>sha256-</c> (also sha1, sha384, sha512, md5, Go's
    /// <c>h1:</c>) right before it and exactly that digest's length of base64 (padding optional) or hex after it —
    /// a wheel's <c>RECORD</c> (<c>path,sha256=&lt;urlsafe base64&gt;,size</c>, PEP 376 / PEP 627), an SRI
    /// <c>integrity</c> (W3C Subresource Integrity §3.5), a <c>go.sum</c> line, an OCI digest.
    /// </summary>
    private static bool IsDigestValue(ReadOnlySpan<char> text, int s, int length)
    {
        if (s < 3 || text[s - 1] is not ('=' or ':' or '-'))
        {
            return false;
        }

        int run = 0;
        while (s + run < text.Length && RunScanner.IsTokenChar(text[s + run]))
        {
            run++;
        }

        int pad = 0;
        while (s + run + pad < text.Length && text[s + run + pad] == '=' && pad < 2)
        {
            pad++;
        }

        if (run < length || (s + run + pad < text.Length && char.IsAsciiLetterOrDigit(text[s + run + pad])))
        {
            return false;
        }

        foreach (var (name, b64, hex) in s_digests)
        {
            int ns = s - 1 - name.Length;
            if (ns >= 0 && text[ns..(s - 1)].Equals(name, StringComparison.OrdinalIgnoreCase) && (ns == 0 || !char.IsAsciiLetterOrDigit(text[ns - 1])))
            {
                return run == b64 || (run == hex && !text.Slice(s, run).ContainsAnyExcept(HexDigits));
            }
        }

        return false;
    }


    /// <summary>
    /// True when an anchor found through its base64 core starts the decoded window (position <paramref name="q"/> is
    /// the segment's first quantum) and that segment is a continuation line of a wrapped blob — after a real line break
    /// or a JSON <c>\n</c> escape (<c>\r\n</c> too), the line before all base64 (16+ characters, whole quanta) — whose last decoded
    /// byte is a letter or a digit: the prefix is then inside a longer word of the decoded text
    /// (<c>sha256=lX22zJrsk-Q00…</c> in a base64-wrapped pip <c>RECORD</c>), where the plain text's matcher would find
    /// no token either.
    /// </summary>
    private static bool AnchorContinuesWrappedLine(ReadOnlySpan<char> text, int segStart, int q)
    {
        int lineEnd;
        if (q == segStart && q > 0 && text[q - 1] == '\n')
        {
            lineEnd = q - 1;
            if (lineEnd > 0 && text[lineEnd - 1] == '\r')
            {
                lineEnd--;
            }
        }
        else if (q == segStart + 1 && text[segStart] == 'n' && segStart > 0 && text[segStart - 1] == '\\')
        {
            lineEnd = segStart - 1;
            if (lineEnd >= 2 && text[lineEnd - 2] == '\\' && text[lineEnd - 1] == 'r')
            {
                lineEnd -= 2;
            }
        }
        else
        {
            return false;
        }

        // The line before must be a line of the same blob: 16+ base64 characters from its start, a whole number of
        // quanta (prose or another body's last word before a blob is not).
        int lineStart = lineEnd;
        while (lineStart > 0 && Base64Helpers.B64Value(text[lineStart - 1]) >= 0)
        {
            lineStart--;
        }

        if (lineStart > 0 && text[lineStart - 1] == '\\' && text[lineStart] == 'n')
        {
            lineStart++; // the "n" of a JSON \n escape ends the line before
        }

        bool atLineStart = lineStart == 0 || text[lineStart - 1] is '\n' or '"' || (lineStart >= 2 && text[lineStart - 2] == '\\' && text[lineStart - 1] == 'n');
        if (lineEnd - lineStart < 16 || (lineEnd - lineStart) % 4 != 0 || !atLineStart)
        {
            return false;
        }

        int acc = 0;
        for (int k = lineEnd - 4; k < lineEnd; k++)
        {
            int v = Base64Helpers.B64Value(text[k]);
            if (v < 0)
            {
                return false;
            }

            acc = (acc << 6) | v;
        }

        return char.IsAsciiLetterOrDigit((char)(acc & 0xFF));
    }
}
