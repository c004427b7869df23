namespace BotBottle.Dlp;

/// <summary>
/// A table of saved passwords (r27 red team): the CSV export of a browser's or a password manager's logins — Chrome's
/// <c>name,url,username,password,note</c>, Firefox's <c>"url","username","password",…</c>, Bitwarden's
/// <c>…,login_username,login_password,…</c>, LastPass' <c>url,username,password,…</c>, KeePass'
/// <c>"Account","Login Name","Password",…</c> — whose header names a password column and whose rows hold the passwords,
/// often short ones (<c>Summer2024!</c>) that no <c>name = value</c> form reaches. Found from the key-name search's hit
/// on the header's password cell.
/// </summary>
internal static partial class ContextRules
{
    /// <summary>The most rows read below a password table's header.</summary>
    private const int MaxPasswordRows = 256;

    /// <summary>The most characters of rows read below a password table's header.</summary>
    private const int PasswordTableWindow = 64 * 1024;

    /// <summary>
    /// When the key-name hit <paramref name="ns"/>..<paramref name="ne"/> is a whole cell of a table header (comma, tab or
    /// semicolon separated; cells optionally double-quoted; RFC 4180) that names a password (<see cref="IsPasswordName"/>:
    /// <c>password</c>, <c>login_password</c>, <c>Password</c>), and another cell of the header names the account
    /// (<see cref="s_accountColumns"/>: <c>username</c>, <c>login</c>, <c>email</c>, <c>account</c>), reports that column's value in each row below — rows
    /// with the header's number of cells; one malformed row is passed over, two end the table — when it is a literal
    /// secret (<see cref="IsSecretValue"/>: not empty, <c>********</c>, <c>$VAR</c>) that looks drawn
    /// (<see cref="LooksDrawn"/>: <c>reset-required</c>, <c>test1234</c> and a password-frequency list's
    /// <c>monkey123</c> do not), not a label or a test fixture
    /// (<see cref="IsLabelOrFixtureValue"/>) and not a stored hash (<see cref="IsStoredHash"/>). Lines end at a line feed
    /// or at a JSON-escaped <c>\n</c> (the export pasted into a JSON string). <paramref name="tableUntil"/> is set to the
    /// end of the rows read, and a header hit before it is not read again: the rows are read once however many
    /// header-like lines they hold. Returns whether this is a password table that reported a value.
    /// </summary>
    internal static bool PasswordColumn<TState>(ReadOnlySpan<char> t, int ns, int ne, ref TState state, AssignmentSink<TState> report, ref int tableUntil)
    {
        // the cell: a separator, quote or line start before; a separator, quote or line end after (cheap tests first)
        int cs = ns > 0 && t[ns - 1] == '"' ? ns - (ns > 1 && t[ns - 2] == '\\' ? 2 : 1) : ns; // "password" or \"password\" (a JSON string)
        int ce = ne < t.Length && t[ne] == '"' ? ne + 1 : ne + 1 < t.Length && t[ne] == '\\' && t[ne + 1] == '"' ? ne + 2 : ne;
        if (ce >= t.Length || !(t[ce] is ',' or '\t' or ';' or '\n' or '\r' || IsEscapedLineEnd(t, ce))
            || !(cs == 0 || t[cs - 1] is ',' or '\t' or ';' or '\n' or '\r' or '\uFEFF' || (cs > 1 && t[cs - 2] == '\\' && t[cs - 1] == 'n'))
            || !IsPasswordName(t[ns..ne]))
        {
            return false;
        }

        bool escaped = false;
        int ls = cs;
        while (ls > 0 && cs - ls < 1024 && t[ls - 1] is not ('\n' or '\r'))
        {
            if ((ls > 1 && t[ls - 2] == '\\' && t[ls - 1] == 'n') || (ls > 1 && t[ls - 1] == '"' && t[ls - 2] is ':' or '[' or ' '))
            {
                escaped = true; // a JSON-escaped line break, or the JSON string that holds the table opens here
                break;
            }

            ls--;
        }

        ls += ls < t.Length && t[ls] == '\uFEFF' ? 1 : 0; // a byte order mark before the header
        int le = LineEndAt(t, ce, escaped, out int next);
        var header = t[ls..le];
        char sep = header.Contains('\t') ? '\t' : header.Count(',') >= header.Count(';') ? ',' : ';';
        int cells = header.Count(sep) + 1;
        if (cells < 2 || header.ContainsAny(':', '=') || header.Contains("  ", StringComparison.Ordinal))
        {
            return false;
        }

        // the column's index, and a cell that names the account
        int column = t[ls..cs].Count(sep);
        bool account = false;
        Span<char> norm = stackalloc char[32];
        foreach (var range in header.Split(sep))
        {
            var cell = header[range].Trim("\\\" ");
            if (cell.Length is 0 or > 32 || cell.ContainsAnyExcept(s_headerCellChars))
            {
                return false; // a header names its columns
            }

            account |= IsOneOf(norm[..NormalizeName(cell, norm)], s_accountColumns);
        }

        if (!account)
        {
            return false;
        }

        int rows = 0, bad = 0, reported = 0, end = Math.Min(t.Length, next + PasswordTableWindow), r = next;
        while (r < end && rows < MaxPasswordRows)
        {
            int re = LineEndAt(t, r, escaped, out int after);
            if (re == r && after == r)
            {
                break; // the text or the JSON string ends
            }

            rows++;
            if (ReadCell(t, r, re, sep, column, cells, out int vs, out int ve))
            {
                bad = 0;
                var v = t[vs..ve];
                if (v.Length >= 6 && IsSecretValue(v, quoted: false) && LooksDrawn(v) && !IsLabelOrFixtureValue(t[ns..ne], v) && !IsStoredHash(v))
                {
                    report(ref state, vs, ve - vs, t[ns..ne]);
                    reported++;
                }
            }
            else if (++bad >= 2)
            {
                break;
            }

            if (after <= r)
            {
                break;
            }

            r = after;
        }

        tableUntil = Math.Max(tableUntil, r);
        return reported > 0;
    }

    /// <summary>
    /// A password as an application stores it, not the password: Django's <c>algorithm$iterations$salt$hash</c>
    /// (<c>pbkdf2_sha256$…</c>, <c>sha1$…</c>, <c>md5$…</c>; Django's password management documentation), crypt(3)'s
    /// <c>$id$salt$hash</c>, <c>sha256:…</c> / <c>hashed:…</c> prefixes (and references written the same way:
    /// <c>vault:secret/…</c>, <c>env:NAME</c>), and 32+ hexadecimal digits (an MD5 or SHA digest).
    /// </summary>
    private static bool IsStoredHash(ReadOnlySpan<char> v)
    {
        int dollar = v.IndexOf('$');
        if (dollar >= 0 && v[(dollar + 1)..].Contains('$') && v.Length >= 20)
        {
            return true;
        }

        int colon = v.IndexOf(':');
        if (colon is >= 2 and <= 16 && !v[..colon].ContainsAnyExcept(s_kebabChars))
        {
            return true; // sha256:…, hashed:…, and references: vault:secret/…, env:NAME, op://…
        }

        return v.Length >= 32 && !v.ContainsAnyExcept(HexChars);
    }

    /// <summary>The account columns of login exports (letters and digits, lower case: <c>login_username</c> → <c>loginusername</c>); <c>user_count</c> is not one.</summary>
    private static readonly string[] s_accountColumns =
    [
        "user", "username", "usernames", "login", "loginname", "loginusername", "email", "emailaddress", "mail", "account", "accountname", "userid",
        "loginid", "principal",
    ];

    /// <summary>The characters of a table header's cell names.</summary>
    private static readonly System.Buffers.SearchValues<char> s_headerCellChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_- ./");

    /// <summary>The end of the line from <paramref name="i"/> (a line feed, a carriage return, or with <paramref name="escaped"/> a JSON-escaped <c>\n</c> / <c>\r\n</c>, or a closing JSON quote), and where the next line starts.</summary>
    private static int LineEndAt(ReadOnlySpan<char> t, int i, bool escaped, out int next)
    {
        int e = i;
        while (e < t.Length && e - i < 4096 && t[e] is not ('\n' or '\r') && !(escaped && (IsEscapedLineEnd(t, e) || (t[e] == '"' && e > 0 && t[e - 1] != '\\'))))
        {
            e++;
        }

        next = e;
        if (e < t.Length && t[e] == '\r')
        {
            next++;
        }

        if (next < t.Length && t[next] == '\n')
        {
            next++;
        }
        else if (escaped && next + 1 < t.Length && t[next] == '\\' && t[next + 1] is 'n' or 'r')
        {
            next += t[next + 1] == 'r' && next + 3 < t.Length && t[next + 2] == '\\' && t[next + 3] == 'n' ? 4 : 2;
        }

        return e;
    }

    /// <summary>
    /// Cell <paramref name="column"/> of the row <paramref name="rs"/>..<paramref name="re"/> when the row has
    /// <paramref name="cells"/> cells (RFC 4180: a double-quoted cell may hold separators and <c>""</c>; inside a JSON
    /// string the quotes are <c>\"</c>): its content without the quotes.
    /// </summary>
    private static bool ReadCell(ReadOnlySpan<char> t, int rs, int re, char sep, int column, int cells, out int vs, out int ve)
    {
        vs = ve = 0;
        int n = 0, i = rs;
        while (true)
        {
            int s = i, e;
            int open = t[i] == '"' ? 1 : t[i] == '\\' && i + 1 < re && t[i + 1] == '"' ? 2 : 0;
            if (open > 0)
            {
                // to the closing quote: a quote not doubled (or \" inside a JSON string), then the separator or the line's end
                int k = i + open;
                while (k < re && !(t[k] == '"' && (open == 1 ? k + 1 >= re || t[k + 1] != '"' : t[k - 1] == '\\')))
                {
                    k += open == 1 && t[k] == '"' ? 2 : 1;
                }

                if (k >= re)
                {
                    return false;
                }

                s = i + open;
                e = open == 2 ? k - 1 : k;
                i = k + 1;
            }
            else
            {
                int k = t[i..re].IndexOf(sep);
                e = k < 0 ? re : i + k;
                i = e;
            }

            if (n == column)
            {
                (vs, ve) = (s, e);
            }

            n++;
            if (i >= re)
            {
                break;
            }

            if (t[i] != sep)
            {
                return false;
            }

            i++;
            if (i >= re)
            {
                n++; // an empty last cell
                break;
            }
        }

        return n == cells && ve >= vs;
    }
}
