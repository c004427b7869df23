using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// JSON <c>\u00XX</c> escapes in the <c>credential-assignment</c> rule (second false-positive hunt). Code quoted in a
/// JSON string by .NET's System.Text.Json (an LLM request's message, a GitHub file body) has its quotes and HTML-sensitive
/// characters written as escapes: <c>'</c> as <c>\u0027</c>, <c>"</c> as <c>\u0022</c>, a backtick as
/// <c>\u0060</c>, <c>&lt;</c> <c>&gt;</c> <c>&amp;</c> <c>+</c> as <c>\u003C</c> <c>\u003E</c> <c>\u0026</c>
/// <c>\u002B</c> (the default <c>JavaScriptEncoder</c>; RFC 8259 §7 allows any character so). Read raw, Python's
/// <c>self.token = \u0027\u0027</c> was a bare literal of twelve characters; read as the quotes they stand for it is an
/// empty string, and <c>password = \u0027hunter2-real-secret\u0027</c> is the quoted literal it is.
/// </summary>
internal static partial class ContextRules
{
    /// <summary>The ASCII character a JSON escape <c>\u00XX</c> at <paramref name="i"/> stands for, or <c>'\0'</c> when there is none there.</summary>
    private static char JsonEscapedAscii(ReadOnlySpan<char> t, int i)
    {
        if (i < 0 || i + 5 >= t.Length || t[i] != '\\' || t[i + 1] != 'u' || t[i + 2] != '0' || t[i + 3] != '0')
        {
            return '\0';
        }

        int hi = t[i + 4] - '0', lo = HexDigit(t[i + 5]);
        return hi is >= 0 and <= 7 && lo >= 0 ? (char)((hi * 16) + lo) : '\0';
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>A quote written as a JSON escape at <paramref name="i"/>: <c>\u0022</c>, <c>\u0027</c> or <c>\u0060</c>.</summary>
    private static bool IsJsonEscapedQuote(ReadOnlySpan<char> t, int i) =>
        i < t.Length && t[i] == '\\' && JsonEscapedAscii(t, i) is '"' or '\'' or '`';

    /// <summary>A JSON escape at <paramref name="e"/> of a character that ends an unquoted value (a quote, <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>…).</summary>
    private static bool IsJsonEscapedValueEnd(ReadOnlySpan<char> t, int e) =>
        t[e] == '\\' && JsonEscapedAscii(t, e) is var c && c != '\0' && IsBareValueEnd(c);

    /// <summary>
    /// The value of a literal opened by the escaped quote at <paramref name="i"/>: up to the same escaped quote on the
    /// same line (no real or escaped line break: a one-line string literal), at most 256 characters. Other escapes
    /// inside (<c>\u002B</c>, <c>\\</c>) are part of the value.
    /// </summary>
    private static bool TryJsonEscapedQuotedValue(ReadOnlySpan<char> t, int i, out int vs, out int ve)
    {
        vs = ve = 0;
        char q = JsonEscapedAscii(t, i);
        int s = i + 6, e = s;
        while (e < t.Length && e - s <= 256 && t[e] is not ('\n' or '\r'))
        {
            if (t[e] == '\\')
            {
                if (JsonEscapedAscii(t, e) == q)
                {
                    vs = s;
                    ve = e;
                    return true;
                }

                if (IsEscapedLineEnd(t, e))
                {
                    return false;
                }

                e += 2; // the escaped character (\\, \", the "u" of another \u00XX)
                continue;
            }

            e++;
        }

        return false;
    }

    /// <summary>
    /// The start of a key name found by walking back from <paramref name="hit"/> to <paramref name="ns"/>, after a JSON
    /// escape that opened it (<c>\u0027password</c>: the walk took <c>u0027</c> for part of the name).
    /// </summary>
    private static int AfterJsonEscape(ReadOnlySpan<char> t, int ns, int hit) =>
        ns > 0 && ns + 5 <= hit && JsonEscapedAscii(t, ns - 1) != '\0' ? ns + 5 : ns;

    /// <summary>
    /// The placeholder characters of <see cref="s_placeholderValues"/> written as JSON escapes: an ellipsis
    /// (<c>\u2026</c>: <c>DB_PASSWORD=Xk9#mQ2v…</c> in quoted documentation) or an angle bracket (<c>\u003C</c>).
    /// </summary>
    private static bool HasJsonEscapedPlaceholder(ReadOnlySpan<char> v) =>
        v.Contains("\\u2026", StringComparison.Ordinal) || v.Contains("\\u003C", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Unquoted values that are code or grammar rather than literals (second false-positive hunt): an ABNF repetition
    /// of a rule name (RFC 5234 §3.6–3.7: <c>token = 1*tchar</c>, <c>passwd = 1*SAFE</c> in RFC 9110-style grammar
    /// comments), an attribute path whose first segment is a lower-case name and whose segments are identifiers with
    /// optional trailing digits (<c>self.token = self.token.astOperand2</c>), a hexadecimal machine word
    /// (<c>0x000C</c>), and a prose label ending in a colon (<c>Unexpected token: Expected: …</c>).
    /// </summary>
    private static bool IsBareCodeOrGrammar(ReadOnlySpan<char> v) =>
        !v.IsEmpty && (IsAbnfRepetition(v) || IsWordHexLiteral(v) || IsDigitSuffixedAttributePath(v) || (v[^1] == ':' && v.Length > 1 && char.IsAsciiLetter(v[^2]))
            || IsBareCode(v)); // ContextRules.CodeValues.cs

    /// <summary>
    /// A C-style hexadecimal number of at most 16 digits (a machine word: <c>IMAGE_REL_ARM64_TOKEN = 0x000C</c>), with
    /// an optional <c>u</c>/<c>l</c> suffix. Longer ones stay literals: <c>PRIVATE_KEY=0x</c> and 64 hex digits is an
    /// Ethereum private key.
    /// </summary>
    private static bool IsWordHexLiteral(ReadOnlySpan<char> v)
    {
        if (v.Length < 3 || v[0] != '0' || v[1] is not ('x' or 'X'))
        {
            return false;
        }

        var digits = v[2..].TrimEnd("uUlL");
        return digits.Length is >= 1 and <= 16 && !digits.ContainsAnyExcept(HexChars);
    }

    /// <summary>Hexadecimal digits, either case.</summary>
    internal static readonly SearchValues<char> HexChars = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary><c>[digits]*[digits]rulename</c>, the rule name letters and hyphens only (RFC 5234 §2.1 and §3.6).</summary>
    private static bool IsAbnfRepetition(ReadOnlySpan<char> v)
    {
        int i = 0;
        while (i < v.Length && char.IsAsciiDigit(v[i]))
        {
            i++;
        }

        if (i >= v.Length || v[i] != '*')
        {
            return false;
        }

        i++;
        while (i < v.Length && char.IsAsciiDigit(v[i]))
        {
            i++;
        }

        if (i >= v.Length || !char.IsAsciiLetter(v[i]))
        {
            return false;
        }

        foreach (char c in v[i..])
        {
            if (!char.IsAsciiLetter(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>self.token.astOperand2</c>, <c>token.astOperand1</c>, <c>cfg.db2.host</c>: two or more dot-separated segments,
    /// the first lower-case letters (a variable: <c>self</c>, <c>token</c>, <c>cfg</c>), each an identifier whose digits
    /// (if any) all come at its end or at the end of one of its snake_case words (<c>self._private_key_pkcs8_text</c>). A generated password with a dot (<c>Xk9.mQ2vLp</c>) has digits inside a segment or a
    /// capital first; <c>Summer.Fun2024</c> starts with a capital.
    /// </summary>
    private static bool IsDigitSuffixedAttributePath(ReadOnlySpan<char> v)
    {
        int dot = v.IndexOf('.');
        if (dot <= 0 || v[0..dot].ContainsAnyExceptInRange('a', 'z'))
        {
            return false;
        }

        foreach (var range in v.Split('.'))
        {
            var seg = v[range];
            if (seg.IsEmpty || !(char.IsAsciiLetter(seg[0]) || seg[0] == '_'))
            {
                return false;
            }

            // snake_case words, each with its digits at its end (self._private_key_pkcs8_text: third false-positive hunt)
            int k = 0;
            while (k < seg.Length)
            {
                while (k < seg.Length && (char.IsAsciiLetter(seg[k]) || seg[k] == '_'))
                {
                    k++;
                }

                while (k < seg.Length && char.IsAsciiDigit(seg[k]))
                {
                    k++;
                }

                if (k < seg.Length && seg[k] != '_')
                {
                    return false;
                }
            }
        }

        return true;
    }
}
