namespace BotBottle.Dlp;

/// <summary>
/// Tenth issue-16 round (<c>reach10</c>): context shapes checked at a token run's start, where the engine already
/// stops — a PostgreSQL password file line, a value named <c>…_CREDENTIALS</c> / <c>credentials</c>, and an Apache
/// <c>.htpasswd</c> SHA-1 entry. Each is a few compares and a walk of at most one line (256 characters) back from a
/// run start that the caller has already narrowed by the character before it.
/// </summary>
internal static partial class ContextRules
{
    /// <summary>The longest line a context check walks back over (characters).</summary>
    private const int TenthLineReach = 256;

    /// <summary>
    /// A PostgreSQL password file line, <c>hostname:port:database:username:password</c> (PostgreSQL documentation,
    /// libpq "The Password File", https://www.postgresql.org/docs/current/libpq-pgpass.html): the token run
    /// <paramref name="rs"/> … <paramref name="re"/> right after the fourth <c>:</c> of its line starts the password,
    /// which runs to the end of the line (since the r22 reach round over the symbols that end a token run, but not over
    /// a bare <c>:</c> or a <c>%</c>); the port field is a number (1–5 digits) or <c>*</c>, the database and user
    /// fields have a letter or are <c>*</c>, and every field is a non-empty literal or <c>*</c> without blanks
    /// (<c>\:</c> escapes a colon inside a field). The line starts at a real or JSON-escaped line break or the start of
    /// a value. Returns the password's end, or −1.
    /// </summary>
    internal static int PgpassPassword(ReadOnlySpan<char> t, int rs, int re)
    {
        // Back from the fourth ':' (rs - 1) over the fields username (4), database (3), port (2) and hostname (1).
        int floor = Math.Max(0, rs - TenthLineReach);
        int end = rs - 1, k = rs - 2;
        bool hostAfter = false;
        for (int field = 4; field >= 1; field--)
        {
            while (k >= floor && !(t[k] == ':' && !(k > 0 && t[k - 1] == '\\')) && !IsLineBreakAt(t, k))
            {
                if (t[k] is ' ' or '\t' or '\'' or '{' or '}' or '<' or '>' or '=' or ',' or ';' or '(' or ')' or '[' or ']')
                {
                    // the host after a shell word's quote (echo 'host:5432:…' > ~/.pgpass) or the line's indentation
                    // (a YAML block scalar, a heredoc): the line starts here (r22 reach round)
                    if (field == 1 && (t[k] == '\'' || (t[k] is ' ' or '\t' && (SkipBlanksBack(t, k + 1) is int b && (b == 0 || IsLineBreakAt(t, b - 1)))) || (t[k] == '=' && IsQueryValueStart(t, k))))
                    {
                        hostAfter = true;
                        break;
                    }

                    return -1;
                }

                k--;
            }

            var f = t[(k + 1)..end];
            if (f.IsEmpty)
            {
                return -1; // an empty field (IPv6 "::", "a::b")
            }

            if (field == 2 && f is not "*" && (f.Length > 5 || f.ContainsAnyExceptInRange('0', '9')))
            {
                return -1; // the port: a number or "*"
            }

            if (field >= 3 && f is not "*" && !(f.ContainsAnyInRange('a', 'z') || f.ContainsAnyInRange('A', 'Z')))
            {
                return -1; // a database or role name has a letter (a clock's "T00:00:00" has none)
            }

            if (field > 1)
            {
                if (k < floor || t[k] != ':')
                {
                    return -1;
                }

                end = k--;
                continue;
            }

            // The hostname starts the line and is a name, an address or "*" (not a clock's "10:11:12:13").
            if ((k >= 0 && !hostAfter && (k < floor || !IsLineBreakAt(t, k))) || !(f is "*" || f.Contains('.') || f.ContainsAnyInRange('a', 'z') || f.ContainsAnyInRange('A', 'Z')))
            {
                return -1;
            }
        }

        // Then the password, which runs to the end of its line (or of the JSON string that holds the line); a generated
        // one holds symbols that end the token run, so its end is found after the cheaper walk back (r22 reach round:
        // "db:5432:prod:app:Xk9#mQ2!v7"). A ':' in it is written "\:" (libpq), so a bare one means more fields: no
        // line; a '%' is URL text (a query's values joined by the concat layer), not a password file.
        int pe = PgpassPasswordEnd(t, rs, re);

        if (pe < t.Length && t[pe] is not ('\n' or '\r' or '"' or '\\' or '\''))
        {
            return -1;
        }

        // past the run, the symbols must belong to a drawn password, not to a cache key or log line: the run itself
        // looks random ("cache:3600:product:detail:ProductCatalogService.getById#1234" is words)
        // A digit, or (r33) a symbol with both cases ("yrmoOSnZGWmt!IVgh"): a generated password has one or the other.
        var pw = t[rs..pe];
        bool drawn = pw.ContainsAnyInRange('0', '9') || (pw.ContainsAnyExcept(Alphanumerics) && pw.ContainsAnyInRange('a', 'z') && pw.ContainsAnyInRange('A', 'Z'));
        return drawn && IsSecretValue(pw, quoted: true) && (pe == re || LooksGenerated(t[rs..re])) ? pe : -1;
    }

    /// <summary>
    /// Is the <c>=</c> at <paramref name="k"/> the one of a query or form field (<c>?x=</c>, <c>&amp;x=</c>, or a field at
    /// the text's start: a query string decoded as a layer), so that a value starts after it? A <c>.pgpass</c> line sent
    /// as a field's value (<c>?x=db.internal%3A5432%3A…</c>, r33) starts there.
    /// </summary>
    private static bool IsQueryValueStart(ReadOnlySpan<char> t, int k)
    {
        int n = k;
        while (n > 0 && k - n < 64 && (char.IsAsciiLetterOrDigit(t[n - 1]) || t[n - 1] is '_' or '-' or '.'))
        {
            n--;
        }

        return n < k && (n == 0 || t[n - 1] is '?' or '&');
    }

    /// <summary>
    /// The end of a <c>.pgpass</c> password that starts at <paramref name="rs"/>, walked from <paramref name="from"/>:
    /// printable ASCII up to <see cref="PgpassPasswordMax"/> characters, not a blank, quote, backslash, bare <c>:</c> or
    /// <c>%</c> (see <see cref="PgpassPassword"/>).
    /// </summary>
    private static int PgpassPasswordEnd(ReadOnlySpan<char> t, int rs, int from)
    {
        int pe = from;
        while (pe < t.Length && pe - rs < PgpassPasswordMax && t[pe] is > ' ' and < '\x7F' and not ('"' or '\\' or '\'' or ':' or '%'))
        {
            pe++;
        }

        return pe;
    }

    /// <summary>The longest <c>.pgpass</c> password read (characters).</summary>
    private const int PgpassPasswordMax = 128;

    /// <summary>
    /// Is position <paramref name="k"/> the end of what precedes a line (a line feed or carriage return, the <c>n</c>/<c>r</c>
    /// of a JSON-escaped one, or a quote that opens a JSON string)?
    /// </summary>
    private static bool IsLineBreakAt(ReadOnlySpan<char> t, int k) =>
        t[k] is '\n' or '\r' or '"' || (k > 0 && t[k - 1] == '\\' && t[k] is 'n' or 'r');

    /// <summary>
    /// A token run at <paramref name="rs"/> … <paramref name="re"/> that is the inline value of a name ending in
    /// <c>credentials</c> or <c>credential</c> (any case and separator: <c>SERVICE_CREDENTIALS=…</c> at the start of a
    /// line or after <c>export </c>, <c>credentials: …</c> in YAML, <c>"db_credential": "…"</c> in JSON). A path is not
    /// an inline value: <c>GOOGLE_APPLICATION_CREDENTIALS=/path/key.json</c> names a key file
    /// (https://cloud.google.com/docs/authentication/application-default-credentials), so a value that starts with
    /// <c>/</c>, <c>~</c> or <c>.</c>, or is followed by <c>.</c> and a letter (a file name's extension), is not
    /// reported; nor a value without digits and letters (<c>credentials: 'same-origin'</c> of the Fetch API is 11
    /// characters and not a token run). Returns the value's start, or −1.
    /// </summary>
    internal static int CredentialsValue(ReadOnlySpan<char> t, int rs, int re)
    {
        if (t[rs] is '/' or '~' or '.' || (re + 1 < t.Length && t[re] == '.' && char.IsAsciiLetter(t[re + 1])))
        {
            return -1;
        }

        int k = NameEndBeforeValue(t, rs, rs, 11, out bool equals);
        if (k < 0)
        {
            return -1;
        }

        int ns = k;
        while (ns > 0 && k - ns < 64 && IsNameChar(t[ns - 1]))
        {
            ns--;
        }

        Span<char> norm = stackalloc char[64];
        var key = norm[..NormalizeName(t[ns..k], norm)];
        if (!key.EndsWith("credentials", StringComparison.Ordinal) && !key.EndsWith("credential", StringComparison.Ordinal))
        {
            return -1;
        }

        // NAME=value only at the start of a line (or after "export "): "?credentials=…" in a URL is a query parameter.
        if (equals && !StartsConfigLine(t, ns))
        {
            return -1;
        }

        var v = t[rs..re];
        return v.ContainsAnyInRange('0', '9') && (v.ContainsAnyInRange('a', 'z') || v.ContainsAnyInRange('A', 'Z')) && LooksGenerated(v) && IsSecretValue(v, quoted: true) ? rs : -1;
    }

    /// <summary>
    /// Does <paramref name="v"/> change character class (upper-case letter, lower-case letter, digit, other) at least
    /// once every three characters? Generated secrets do (random base62 changes at ≈ 62 % of positions, random hex at
    /// ≈ 47 %); names with a number do not (<c>DefaultAzureCredential2024Chain</c>: 8 changes in 31,
    /// <c>service_account_credentials_v2</c>: 8 in 30). It must also have a digit or two capitals side by side.
    /// </summary>
    internal static bool LooksGenerated(ReadOnlySpan<char> v)
    {
        int changes = 0;
        for (int i = 1; i < v.Length; i++)
        {
            changes += CharClass(v[i]) != CharClass(v[i - 1]) ? 1 : 0;
        }

        // ... and, as the assignment rule's identifier test says, a random token almost always has a digit or two
        // capitals side by side; camelCase words (GitLabPersonalTokens: 7 changes in 20) have neither.
        return changes * 3 >= v.Length && (v.ContainsAnyInRange('0', '9') || HasAdjacentCapitals(v));

        static bool HasAdjacentCapitals(ReadOnlySpan<char> v)
        {
            for (int i = 1; i < v.Length; i++)
            {
                if (char.IsAsciiLetterUpper(v[i]) && char.IsAsciiLetterUpper(v[i - 1]))
                {
                    return true;
                }
            }

            return false;
        }

        static int CharClass(char c) => char.IsAsciiLetterUpper(c) ? 0 : char.IsAsciiLetterLower(c) ? 1 : char.IsAsciiDigit(c) ? 2 : 3;
    }

    /// <summary>
    /// An Apache <c>.htpasswd</c> entry with a SHA-1 password hash, <c>user:{SHA}&lt;base64 of 20 bytes&gt;</c>
    /// (Apache HTTP Server documentation, "Password Formats": <c>htpasswd -s</c>,
    /// https://httpd.apache.org/docs/2.4/misc/password_encryptions.html), whose digest run starts at
    /// <paramref name="rs"/> right after <c>{SHA}</c>: 27 base64 characters and <c>=</c>, the user name (1–64 of
    /// <c>[A-Za-z0-9._@-]</c>) at the start of a line. crypt(3) hashes (<c>$apr1$</c>, bcrypt) are found since the second
    /// round. Returns the entry's start (the user name) and end through <paramref name="end"/>, or −1.
    /// </summary>
    internal static int HtpasswdSha(ReadOnlySpan<char> t, int rs, int re, out int end)
    {
        end = -1;
        if (re - rs != 27 || re >= t.Length || t[re] != '=' || rs < 7 || !t[(rs - 5)..rs].SequenceEqual("{SHA}") || t[rs - 6] != ':')
        {
            return -1;
        }

        int us = rs - 6;
        while (us > 0 && rs - 6 - us < 64 && (char.IsAsciiLetterOrDigit(t[us - 1]) || t[us - 1] is '.' or '_' or '@' or '-'))
        {
            us--;
        }

        if (us == rs - 6 || !LineStartsAt(t, us))
        {
            return -1;
        }

        end = re + 1;
        return us;
    }
}
