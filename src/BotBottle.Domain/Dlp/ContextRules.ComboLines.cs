namespace BotBottle.Dlp;

/// <summary>
/// The <c>credential-combo-line</c> rule: the line shape of credential dumps ("combo lists"), an e-mail address and its
/// password separated by <c>:</c>, <c>;</c>, <c>|</c>, <c>,</c>, a tab or a blank, one account per line:
/// <c>jane.doe@acme-corp.com:Winter2024!dLSLxG</c>, a CSV row under an <c>email,password</c> header. The address follows
/// RFC 5322 §3.4.1 (<c>local-part@domain</c>, dot-atom form; the domain a host name of RFC 1035 §2.3.1 with a letters-only
/// top-level label), at the start of its line (a real or JSON-escaped line break, or an opening quote). The engine visits
/// only the <c>@</c> characters of a text (one vectorised <c>IndexOf</c>); every check here is bounded by one line.
/// <para>
/// Benign text holds the same characters in other shapes, each ruled out by the shape itself: <c>git@github.com:o/r.git</c>
/// and <c>user@host:/path</c> (a <c>/</c> in the value), git author lines <c>Name &lt;a@b.c&gt; 1700000000 +0000</c> and
/// <c>From: a@b.c</c> (the address does not start its line), <c>mailto:</c>, YAML <c>email: a@b.c</c>, an address followed by
/// a commit SHA, a UUID, a date, a number, a version, a host name, a file name or a word (not password-shaped), a CSV of
/// <c>email,name,date</c> (the value is a name, or the row goes on after a blank).
/// </para>
/// </summary>
internal static partial class ContextRules
{
    /// <summary>How strongly a line looks like an <c>e-mail SEP password</c> combo line.</summary>
    internal enum ComboStrength
    {
        /// <summary>Not a combo line.</summary>
        None,

        /// <summary>Password-shaped but plain (letters with digits or symbols, 6+ characters): reported under a header naming a password column.</summary>
        Medium,

        /// <summary>Three or more character classes (lower, upper, digit, symbol other than <c>._-</c>) in 8+ characters: reported alone.</summary>
        Strong,
    }

    /// <summary>The longest local part (RFC 5321 §4.5.3.1.1: 64 octets).</summary>
    private const int ComboLocalMax = 64;

    /// <summary>The longest domain (RFC 1035 §2.3.4: 255 octets, 253 characters written out).</summary>
    private const int ComboDomainMax = 253;

    /// <summary>The longest value taken for a password (characters).</summary>
    private const int ComboValueMax = 128;

    /// <summary>The longest header line looked at above a table (characters).</summary>
    private const int ComboHeaderMax = 256;

    /// <summary>
    /// Examines the <c>@</c> at <paramref name="at"/>: is it the address of a combo line? On success the value (the
    /// password, without quotes) is <paramref name="valueStart"/>…<paramref name="valueEnd"/>, the separator
    /// <paramref name="sep"/> and the line starts at <paramref name="lineStart"/> (before blanks and an opening quote).
    /// </summary>
    internal static ComboStrength ComboLineAt(ReadOnlySpan<char> t, int at, out int valueStart, out int valueEnd, out char sep, out int lineStart)
    {
        valueStart = valueEnd = lineStart = 0;
        sep = '\0';

        // The local part (dot-atom text of the usual characters), at the start of its line.
        int ls = at;
        while (ls > 0 && at - ls <= ComboLocalMax && IsComboLocalChar(t[ls - 1]) && !(ls >= 2 && t[ls - 2] == '\\' && t[ls - 1] is 'n' or 'r'))
        {
            ls--;
        }

        if (ls == at || at - ls > ComboLocalMax || t[ls] == '.' || t[at - 1] == '.')
        {
            return ComboStrength.None;
        }

        int p = ls;
        char quote = '\0';
        if (p > 0 && t[p - 1] is '"' or '\'')
        {
            quote = t[--p];
        }

        int blanks = 0;
        while (p > 0 && t[p - 1] is ' ' or '\t' && blanks < 8)
        {
            p--;
            blanks++;
        }

        if (quote == '\0' && !AtLineStart(t, p))
        {
            return ComboStrength.None;
        }

        lineStart = p;

        // The domain: labels of letters, digits and '-', at least one dot, a letters-only top-level label of 2+.
        int d = at + 1, dots = 0, labelStart = d;
        while (d < t.Length && d - at <= ComboDomainMax && (char.IsAsciiLetterOrDigit(t[d]) || t[d] is '-' or '.'))
        {
            if (t[d] == '.')
            {
                if (d == labelStart || d + 1 >= t.Length || !char.IsAsciiLetterOrDigit(t[d + 1]))
                {
                    break; // an empty label or a trailing dot (the end of a sentence) ends the domain
                }

                dots++;
                labelStart = d + 1;
            }

            d++;
        }

        if (dots == 0 || d - labelStart < 2 || !IsAsciiLetters(t[labelStart..d]))
        {
            return ComboStrength.None;
        }

        if (quote != '\0' && d < t.Length && t[d] == quote)
        {
            d++;
        }

        if (d + 1 >= t.Length || t[d] is not (':' or ';' or '|' or ',' or '\t' or ' '))
        {
            return ComboStrength.None;
        }

        sep = t[d];
        int vs = d + 1;
        char vquote = '\0';
        if (t[vs] is '"' or '\'' && sep != ' ')
        {
            vquote = t[vs++];
        }

        int ve = vs;
        while (ve < t.Length && ve - vs <= ComboValueMax && t[ve] > ' ' && t[ve] < 0x7F && t[ve] != sep && t[ve] != '\\' && t[ve] != vquote
            && !(quote != '\0' && t[ve] == quote))
        {
            ve++;
        }

        if (ve - vs is < 6 or > ComboValueMax || !ValueEndsLine(t, ve, sep, vquote != '\0' ? vquote : quote))
        {
            return ComboStrength.None;
        }

        valueStart = vs;
        valueEnd = ve;
        return PasswordShape(t[vs..ve]);
    }

    /// <summary>True when <paramref name="p"/> starts a line: the text's start, a real line break, or a JSON-escaped one (<c>\n</c>, <c>\r</c>).</summary>
    private static bool AtLineStart(ReadOnlySpan<char> t, int p) =>
        p == 0 || t[p - 1] is '\n' or '\r' || (p >= 2 && t[p - 2] == '\\' && t[p - 1] is 'n' or 'r');

    private static bool IsComboLocalChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-';

    private static bool IsAsciiLetters(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The value ends its line or field: the text's end, a line break (real or JSON-escaped), the closing quote of the
    /// field or string, or the next column (the same separator; not after a blank separator, where a second blank is
    /// more prose). Blanks before the line break are allowed.
    /// </summary>
    private static bool ValueEndsLine(ReadOnlySpan<char> t, int ve, char sep, char quote)
    {
        if (ve < t.Length && ((quote != '\0' && t[ve] == quote) || (t[ve] == sep && sep != ' ')))
        {
            return true;
        }

        int blanks = 0;
        while (ve < t.Length && t[ve] is ' ' or '\t' && blanks < 8)
        {
            ve++;
            blanks++;
        }

        return ve == t.Length || t[ve] is '\n' or '\r' || (quote == '\0' && t[ve] == '"') || (t[ve] == '\\' && ve + 1 < t.Length && t[ve + 1] is 'n' or 'r' or '"');
    }

    /// <summary>
    /// Classifies a candidate password: not a path, URL, address, placeholder, hex string (a SHA, a UUID), number, date,
    /// version, host name or file name, and not a word (letters only).
    /// </summary>
    internal static ComboStrength PasswordShape(ReadOnlySpan<char> v)
    {
        if (v.ContainsAny(s_comboRejected) || BuiltInRules.IsPlaceholder(v) || v.ContainsAny(s_comboPlaceholders))
        {
            return ComboStrength.None;
        }

        bool lower = false, upper = false, digit = false, symbol = false, hex = true, dateChars = true, hostChars = true;
        foreach (char c in v)
        {
            lower |= char.IsAsciiLetterLower(c);
            upper |= char.IsAsciiLetterUpper(c);
            digit |= char.IsAsciiDigit(c);
            symbol |= !char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-');
            hex &= char.IsAsciiHexDigit(c) || c == '-';
            dateChars &= char.IsAsciiDigit(c) || c is ':' or '.' or '-' or '+' or 'T' or 'Z' or ',';
            hostChars &= char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-' or ':';
        }

        if (!(lower || upper) || !(digit || symbol || (lower && upper)) || hex || dateChars || (hostChars && v.Contains('.')))
        {
            return ComboStrength.None;
        }

        // A version ("v1.2.3-beta", "2.0.1rc1") or a file name ("backup-2024.tar", "notes_v2.txt").
        int k = v[0] is 'v' or 'V' ? 1 : 0;
        if (k < v.Length && char.IsAsciiDigit(v[k]) && v[k..].IndexOf('.') is int dot and > 0 && dot + k + 1 < v.Length && char.IsAsciiDigit(v[dot + k + 1]))
        {
            return ComboStrength.None;
        }

        int lastDot = v.LastIndexOf('.');
        if (lastDot > 0 && v.Length - lastDot - 1 is >= 1 and <= 5 && IsAsciiLetters(v[(lastDot + 1)..]) && !v[(lastDot + 1)..].ContainsAnyInRange('A', 'Z'))
        {
            return ComboStrength.None;
        }

        int classes = (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (symbol ? 1 : 0);
        return classes >= 3 && v.Length >= 8 ? ComboStrength.Strong : ComboStrength.Medium;
    }

    /// <summary>Characters no value of a combo line holds here: paths, URLs, addresses, markup, templates (<c>/ @ &lt; &gt; ( ) [ ] { } ` \ </c>).</summary>
    private static readonly System.Buffers.SearchValues<char> s_comboRejected = System.Buffers.SearchValues.Create("/@<>()[]{}`\\");

    /// <summary>Placeholder words inside a value (any case): <c>password</c>, <c>example</c>, <c>changeme</c>, <c>redacted</c>, <c>placeholder</c>, <c>xxxx</c>.</summary>
    private static readonly System.Buffers.SearchValues<string> s_comboPlaceholders = System.Buffers.SearchValues.Create(
        ["password", "example", "changeme", "redacted", "placeholder", "xxxx", "your_", "your-"], StringComparison.OrdinalIgnoreCase);

    /// <summary>What the line above a table says about its columns.</summary>
    internal enum ComboHeader
    {
        /// <summary>No header line (or the table has no line above).</summary>
        None,

        /// <summary>A header naming a password column (<c>pass</c>, <c>pwd</c>): plain password-shaped values count.</summary>
        Password,

        /// <summary>A header naming other columns (<c>email,username</c>): only values with a symbol count.</summary>
        Other,
    }

    /// <summary>
    /// The start of the line before the one starting at <paramref name="lineStart"/> (after a real or JSON-escaped line
    /// break), and its end in <paramref name="prevEnd"/>; −1 when none is within <see cref="ComboHeaderMax"/> characters.
    /// </summary>
    internal static int PreviousLine(ReadOnlySpan<char> t, int lineStart, out int prevEnd)
    {
        int i = lineStart;
        if (i > 0 && t[i - 1] == '\n')
        {
            i--;
            if (i > 0 && t[i - 1] == '\r')
            {
                i--;
            }
        }
        else if (i > 0 && t[i - 1] == '\r')
        {
            i--;
        }
        else if (i >= 2 && t[i - 2] == '\\' && t[i - 1] == 'n')
        {
            i -= 2;
            if (i >= 2 && t[i - 2] == '\\' && t[i - 1] == 'r')
            {
                i -= 2;
            }
        }

        prevEnd = i;
        if (i == lineStart || i == 0)
        {
            return -1;
        }

        int floor = Math.Max(0, i - ComboHeaderMax);
        for (int j = i; j > floor; j--)
        {
            if (t[j - 1] is '\n' or '\r' || (t[j - 1] is 'n' or 'r' && j >= 2 && t[j - 2] == '\\'))
            {
                return j;
            }
        }

        return floor == 0 ? 0 : -1;
    }

    /// <summary>Reads a header line above a table whose rows use <paramref name="sep"/>: column names only (letters, digits, blanks, <c>_ - .</c> and the separator), at least two.</summary>
    internal static ComboHeader HeaderOf(ReadOnlySpan<char> line, char sep)
    {
        // The first line of a JSON string value ({"csv": "email,password\n…) starts after the member's colon and quote.
        int member = line.LastIndexOf(":\"", StringComparison.Ordinal) is int m1 and >= 0 ? m1 + 2 : line.LastIndexOf(": \"", StringComparison.Ordinal) is int m2 and >= 0 ? m2 + 3 : 0;
        line = line[member..].Trim();
        if (line.IsEmpty || line.Length > ComboHeaderMax || !line.Contains(sep))
        {
            return ComboHeader.None;
        }

        foreach (char c in line)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is ' ' or '_' or '-' or '.' or '"' or '\'' || c == sep))
            {
                return ComboHeader.None;
            }
        }

        return line.Contains("pass", StringComparison.OrdinalIgnoreCase) || line.Contains("pwd", StringComparison.OrdinalIgnoreCase)
            ? ComboHeader.Password
            : ComboHeader.Other;
    }
}
