using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// Credentials printed by secret stores and CLIs as tables (r23 reach round of the DLP issue): the name in one column
/// or cell, the value in the next, with no <c>=</c> or <c>:</c> between them.
/// </summary>
internal static partial class ContextRules
{
    /// <summary>
    /// A credential name in a table's first column and its value in the next: HashiCorp Vault's <c>vault kv get</c>
    /// (a <c>Key</c> / <c>Value</c> table in aligned columns, https://developer.hashicorp.com/vault/docs/commands/kv/get),
    /// any aligned two-column listing (two or more blanks, or a tab, between the columns), and a Markdown
    /// (https://github.github.com/gfm/#tables-extension-) or box-drawing table row (<c>| DB_PASSWORD | … |</c>,
    /// <c>│ DB_PASSWORD │ … │</c>, as Doppler's and Railway's CLIs print them). The name must start its line (or its
    /// line's first cell; the line may start a JSON string or follow a JSON-escaped line break: tool output quoted in a
    /// model request); the value is one word of 8–256 characters (backticks around it allowed) that ends the line
    /// or its cell, and must be a literal of a drawn secret's shape (<see cref="IsSecretValue"/>,
    /// <see cref="LooksDrawn"/>), so a help text's <c>token      The API token to use</c> and a schema's
    /// <c>| password | string |</c> stay quiet.
    /// </summary>
    /// <param name="t">The text.</param>
    /// <param name="ns">Start of the name.</param>
    /// <param name="ne">End of the name.</param>
    /// <param name="vs">Start of the value.</param>
    /// <param name="ve">End of the value.</param>
    /// <returns>True when the name heads such a row and its value is a literal secret.</returns>
    private static bool TryColumnValue(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        if (ns > 0 && ne - ns > 1 && t[ns] == 'n' && t[ns - 1] == '\\')
        {
            ns++; // "…\npassword    …": the name walk took the escaped line break's letter
        }

        int b = ns > 0 && t[ns - 1] == '`' ? ns - 1 : ns;
        b = SkipBlanksBack(t, b);
        bool cell = b > 0 && IsCellBorder(t[b - 1]);
        if (cell)
        {
            b = SkipBlanksBack(t, b - 1);
        }

        // the line's start: the text's, a line break (raw or JSON-escaped), or a JSON string's opening quote
        bool json = b >= 2 && ((t[b - 2] == '\\' && t[b - 1] == 'n') || (t[b - 1] == '"' && t[b - 2] is ':' or ' ' or '[' or ','));
        if (!(b == 0 || t[b - 1] is '\n' or '\r' || json))
        {
            return false;
        }

        int i = ne < t.Length && t[ne] == '`' ? ne + 1 : ne;
        int s = SkipBlanks(t, i);
        if (cell)
        {
            if (s >= t.Length || !IsCellBorder(t[s]))
            {
                return false;
            }

            s = SkipBlanks(t, s + 1);
        }
        else if (i + 1 < t.Length && t[i] == '\\' && t[i + 1] == 't')
        {
            s = i + 2; // a tab written \t: the table quoted in a JSON string
            while (s + 1 < t.Length && t[s] == '\\' && t[s + 1] == 't')
            {
                s += 2;
            }

            s = SkipBlanks(t, s);
        }
        else if (s - i < 2 && !(s > i && t[i] == '\t'))
        {
            return false; // aligned columns: two blanks or a tab ("token value" is prose)
        }

        bool ticked = s < t.Length && t[s] == '`';
        s += ticked ? 1 : 0;
        int e = s;
        while (e < t.Length && e - s <= 256 && t[e] > ' ' && t[e] != '`' && !IsCellBorder(t[e]) && !IsEscapedLineEnd(t, e) && t[e] != '\uFFFD' && !(json && t[e] == '"'))
        {
            e++;
        }

        if (e - s is < 8 or > 256 || (ticked && (e >= t.Length || t[e] != '`')))
        {
            return false;
        }

        int after = SkipBlanks(t, e + (ticked ? 1 : 0));
        if (!(after >= t.Length || t[after] is '\n' or '\r' || IsEscapedLineEnd(t, after) || (cell && IsCellBorder(t[after])) || (json && t[after] == '"')))
        {
            return false;
        }

        var v = t[s..e];
        if (!IsSecretValue(v, quoted: false) || !LooksDrawn(v) || IsListedId(v))
        {
            return false;
        }

        (vs, ve) = (s, e);
        return true;
    }

    /// <summary>
    /// What tables list beside secrets' names that is not a secret (the r23 review): a hash or digest (hex of 16+,
    /// <c>sha256:…</c>, <c>sha512-…</c>), a UUID, a version (<c>v2.3.1-rc.4+build.5678</c>), and an id of lower-case
    /// letters and digits only (<c>docker secret ls</c>' 25-character ids; a generated password has capitals or
    /// symbols).
    /// </summary>
    private static bool IsListedId(ReadOnlySpan<char> v)
    {
        int k = v.IndexOfAny(':', '-');
        var tail = k is > 0 and <= 10 && !v[..k].ContainsAnyExcept(Alphanumerics) ? v[(k + 1)..] : v;
        if (tail.Length >= 16 && !tail.ContainsAnyExcept(HexChars))
        {
            return true; // a hash, or a digest with its algorithm
        }

        if (!v.ContainsAnyExcept(s_uuidChars) && v.Count('-') == 4)
        {
            return true;
        }

        int d = v[0] is 'v' or 'V' ? 1 : 0;
        if (v.Length > d + 2 && char.IsAsciiDigit(v[d]) && (v[d + 1] == '.' || (char.IsAsciiDigit(v[d + 1]) && v.Length > d + 3 && v[d + 2] == '.')))
        {
            return true; // a version
        }

        return !v.ContainsAnyExcept(LowerAlphanumerics);
    }

    private static readonly SearchValues<char> s_uuidChars = SearchValues.Create("0123456789abcdefABCDEF-");
    internal static readonly SearchValues<char> LowerAlphanumerics = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789");

    /// <summary>A table's cell border: <c>|</c> (Markdown) or a vertical box-drawing line (U+2502, U+2503, U+2551).</summary>
    private static bool IsCellBorder(char c) => c is '|' or '\u2502' or '\u2503' or '\u2551';
}
