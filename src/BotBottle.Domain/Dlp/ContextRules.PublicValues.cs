using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// Public values under credential names (the three shapes the third false-positive hunt left "still false"): a C++
/// parameter whose default names a standard random-number engine, a docstring field list whose description restates
/// the field's name, and an anonymous-FTP <c>.netrc</c> password that is an e-mail address. Each test runs only on a
/// value the rule would otherwise report, and each has malicious guards beside it in <c>PublicValueAssignmentTests</c>.
/// </summary>
internal static partial class ContextRules
{
    /// <summary>
    /// The random-number engines ISO C++ predefines ([rand.predef], C++11 §26.5.5) whose names hold a digit (the others,
    /// <c>minstd_rand</c>, <c>knuth_b</c>, <c>default_random_engine</c>, are no literal anyway). libstdc++'s
    /// <c>random_device</c> takes one as its token (<c>tr1/random.h</c>: <c>random_device(const std::string&amp; __token =
    /// "mt19937")</c> seeds a Mersenne twister where no entropy device is configured).
    /// </summary>
    private static readonly string[] s_randomEngineNames =
        ["mt19937", "mt19937_64", "minstd_rand0", "ranlux24_base", "ranlux48_base", "ranlux24", "ranlux48"];

    /// <summary>
    /// A C++ parameter's default that names a standard random-number engine (<see cref="s_randomEngineNames"/>):
    /// <c>random_device(const std::string&amp; __token = "mt19937")</c>. The key ends in <c>token</c> (the name ISO C++
    /// gives <c>random_device</c>'s parameter, [rand.device]); the value, quoted, is exactly an engine's name; the
    /// quote is followed by <c>)</c> or <c>,</c> (the literal ends the parameter) and the key follows a declarator's type
    /// (a name, <c>&amp;</c>, <c>*</c> or <c>&gt;</c> before it). A password's or secret's key keeps such a value, and so
    /// does any other word with digits (<c>const std::string&amp; token = "hunter22"</c>).
    /// </summary>
    private static bool IsRandomEngineDefault(ReadOnlySpan<char> t, int ns, int ne, int vs, int ve)
    {
        if (!t[ns..ne].EndsWith("token", StringComparison.OrdinalIgnoreCase) || !IsRandomEngineName(t[vs..ve]))
        {
            return false;
        }

        int a = AfterClosingQuote(t, ve);
        a = a < 0 ? -1 : SkipBlanks(t, a);
        if (a < 0 || a >= t.Length || t[a] is not (')' or ','))
        {
            return false;
        }

        int b = ns;
        while (b > 0 && ns - b < 16 && t[b - 1] is ' ' or '\t')
        {
            b--;
        }

        return b > 0 && (t[b - 1] is '&' or '*' or '>' or '_' || char.IsAsciiLetterOrDigit(t[b - 1]));
    }

    private static bool IsRandomEngineName(ReadOnlySpan<char> v)
    {
        foreach (var name in s_randomEngineNames)
        {
            if (v.Equals(name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The position after a quoted value's closing quote at <paramref name="ve"/> (<c>"</c>, <c>'</c>, the escaped
    /// <c>\"</c> of a JSON string, or System.Text.Json's <c>\u0022</c>), or −1 when no quote stands there.
    /// </summary>
    private static int AfterClosingQuote(ReadOnlySpan<char> t, int ve) =>
        ve >= t.Length ? -1
        : t[ve] is '"' or '\'' ? ve + 1
        : t[ve] == '\\' && ve + 1 < t.Length && t[ve + 1] is '"' or '\'' ? ve + 2
        : IsJsonEscapedQuote(t, ve) ? ve + 6
        : -1;

    /// <summary>
    /// The Sphinx info fields (https://www.sphinx-doc.org/en/master/usage/domains/python.html#info-field-lists) that
    /// describe a parameter or attribute: <c>:param token: Description</c>.
    /// </summary>
    private static readonly string[] s_infoFieldNames = ["param", "parameter", "arg", "argument", "key", "keyword", "var", "ivar", "cvar"];

    /// <summary>
    /// A docstring field list's entry whose description restates the field's name: <c>privateKey: Hardware-backed
    /// private key text in SSH format.</c>, <c>oauth2ClientSecret: OAuth2 client secret to use …</c> (the
    /// <c>Fields:</c> / <c>Attributes:</c> sections of generated API message classes and Google-style docstrings), or
    /// a Sphinx info field (<c>:param token: Short-lived token sent …</c>). The key starts its line (after indentation
    /// or a <see cref="s_infoFieldNames"/> marker); one blank follows its colon; the unquoted value is the description's
    /// first word and a lower-case word follows it; and the key's letters and digits are spelt by consecutive words of
    /// the description, either starting at the value (<c>OAuth2 client secret</c>: the value is the name's first word)
    /// or right after a value that is a hyphenated word of letters (<c>Hardware-backed private key</c>,
    /// <c>Short-lived access token</c>). A value with digits inside a word (<c>client_secret: Xk9mQ2vL8pR4 client
    /// secret</c>) or a word with digits not the name's first word (<c>db_password: Summer2024 db password</c>) stays a
    /// literal, and so does a value with nothing after it (YAML's <c>privateKey: ab12-cd34-ef56</c>).
    /// </summary>
    private static bool IsFieldListDescription(ReadOnlySpan<char> t, int ns, int ne, int vs, int ve)
    {
        if (vs != ne + 2 || t[ne] != ':' || t[ne + 1] != ' ' || ve + 1 >= t.Length || t[ve] != ' ' || !char.IsAsciiLetterLower(t[ve + 1])
            || !StartsFieldLine(t, ns))
        {
            return false;
        }

        Span<char> norm = stackalloc char[64];
        var key = norm[..NormalizeName(t[ns..ne], norm)];
        var v = t[vs..ve];
        if (key.Length < 3)
        {
            return false;
        }

        // the value is the name's first word: letters with digits only at its end ("OAuth2" for oauth2ClientSecret)
        int d = v.Length;
        while (d > 0 && char.IsAsciiDigit(v[d - 1]))
        {
            d--;
        }

        if (d > 0 && !v[..d].ContainsAnyExcept(s_letters) && v.Length < key.Length && key.StartsWith(v, StringComparison.OrdinalIgnoreCase)
            && SpellsName(t, vs, Math.Min(t.Length, vs + 160), key))
        {
            return true;
        }

        // the value is a hyphenated word ("Hardware-backed", "Short-lived") and the name follows it
        return IsHyphenatedWord(v) && SpellsName(t, ve + 1, Math.Min(t.Length, ve + 161), key);
    }

    /// <summary>Does the key at <paramref name="ns"/> start its line, after blanks or a Sphinx info field's marker (<c>:param </c>)?</summary>
    private static bool StartsFieldLine(ReadOnlySpan<char> t, int ns)
    {
        int k = ns;
        while (k > 0 && ns - k < 64 && t[k - 1] is ' ' or '\t')
        {
            k--;
        }

        if (LineStartsAt(t, k))
        {
            return true;
        }

        // ":param token:": the field's marker, then blanks back to the line's start
        int m = k;
        while (m > 0 && k - m < 9 && char.IsAsciiLetter(t[m - 1]))
        {
            m--;
        }

        if (m == k || k == ns || m == 0 || t[m - 1] != ':' || !IsInfoFieldName(t[m..k]))
        {
            return false;
        }

        m--;
        while (m > 0 && k - m < 64 && t[m - 1] is ' ' or '\t')
        {
            m--;
        }

        return LineStartsAt(t, m);
    }

    private static bool IsInfoFieldName(ReadOnlySpan<char> w)
    {
        foreach (var name in s_infoFieldNames)
        {
            if (w.Equals(name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Two or more words of ASCII letters joined by single hyphens (<c>Hardware-backed</c>, <c>Short-lived</c>).</summary>
    private static bool IsHyphenatedWord(ReadOnlySpan<char> v)
    {
        int parts = 0;
        foreach (var range in v.Split('-'))
        {
            if (v[range].IsEmpty || v[range].ContainsAnyExcept(s_letters))
            {
                return false;
            }

            parts++;
        }

        return parts >= 2;
    }

    /// <summary>
    /// Do the words from <paramref name="s"/> on (before <paramref name="end"/>) spell <paramref name="key"/> (letters and
    /// digits, lower case), word boundaries at both ends and single blanks or hyphens between the words?
    /// </summary>
    private static bool SpellsName(ReadOnlySpan<char> t, int s, int end, ReadOnlySpan<char> key)
    {
        int p = s, j = 0;
        while (j < key.Length)
        {
            if (p >= end)
            {
                return false;
            }

            char c = t[p];
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (char.ToLowerInvariant(c) != key[j])
                {
                    return false;
                }

                j++;
            }
            else if (c is not (' ' or '-') || j == 0 || p + 1 >= end || !char.IsAsciiLetterOrDigit(t[p + 1]))
            {
                return false;
            }

            p++;
        }

        return p == end || !char.IsAsciiLetterOrDigit(t[p]);
    }

    /// <summary>
    /// An anonymous-FTP password in a <c>.netrc</c> entry (<c>default login anonymous password user@site</c>, Net::Netrc's
    /// POD): the login's name right before the <c>password</c> token at <paramref name="ns"/> is <c>anonymous</c> or
    /// <c>ftp</c> (RFC 1635, "How to Use Anonymous FTP": archive sites create an account called "anonymous", which
    /// accepts "either the password 'guest' or one's electronic mail (e-mail) address"; vsftpd.conf(5),
    /// <c>anonymous_enable</c>: the user names <c>ftp</c> and <c>anonymous</c> are anonymous logins), and the value is an
    /// e-mail address (<see cref="IsLowerCaseMailAddress"/>): it identifies the user, it authenticates nothing. Any other
    /// value after <c>login anonymous</c> (<c>Xk9mQ2vL8p</c>, <c>p4ss@w0rd</c>), and an address under another login,
    /// stays a finding.
    /// </summary>
    private static bool IsAnonymousFtpPassword(ReadOnlySpan<char> t, int ns, ReadOnlySpan<char> value)
    {
        int k = BeforeNetrcBlanks(t, ns);
        int w = k;
        while (w > 0 && k - w < 9 && char.IsAsciiLetter(t[w - 1]))
        {
            w--;
        }

        var login = t[w..k];
        if (k == ns || w == 0 || char.IsAsciiLetterOrDigit(t[w - 1]) || !(login.Equals("anonymous", StringComparison.OrdinalIgnoreCase) || login.Equals("ftp", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        int l = BeforeNetrcBlanks(t, w);
        return l < w && l >= 5 && t[(l - 5)..l].Equals("login", StringComparison.Ordinal) && (l == 5 || !char.IsAsciiLetterOrDigit(t[l - 6]))
            && IsLowerCaseMailAddress(value);
    }

    /// <summary>
    /// Back from <paramref name="k"/> over the blanks and line breaks that separate <c>.netrc</c> tokens (netrc(5)), also
    /// JSON-escaped ones (<c>\n</c>, <c>\r</c>, <c>\t</c>: a netrc file quoted in a JSON string), at most 32 characters.
    /// </summary>
    private static int BeforeNetrcBlanks(ReadOnlySpan<char> t, int k)
    {
        int start = k;
        while (k > 0 && start - k < 32)
        {
            if (t[k - 1] is ' ' or '\t' or '\n' or '\r')
            {
                k--;
            }
            else if (k >= 2 && t[k - 2] == '\\' && t[k - 1] is 'n' or 'r' or 't')
            {
                k -= 2;
            }
            else
            {
                break;
            }
        }

        return k;
    }

    /// <summary>
    /// An e-mail address (RFC 5322 §3.4.1 addr-spec, in its common dot-atom form) as addresses are written, in lower
    /// case: a local part of <c>a–z 0–9 . _ + -</c> (at most 64 characters, RFC 5321 §4.5.3.1.1), <c>@</c>, and either a
    /// domain name of dotted labels (<c>a–z 0–9 -</c>) ending in a top-level label of letters, or a single host name of
    /// letters (Net::Netrc's <c>user@site</c>; then the local part holds no digit either). A generated password with an
    /// <c>@</c> has capitals or digits on both sides (<c>S3cr3t@Acme.org</c>, <c>p4ss@w0rd</c>).
    /// </summary>
    private static bool IsLowerCaseMailAddress(ReadOnlySpan<char> v)
    {
        int at = v.IndexOf('@');
        if (at is < 1 or > 64 || at != v.LastIndexOf('@') || at == v.Length - 1)
        {
            return false;
        }

        ReadOnlySpan<char> local = v[..at], domain = v[(at + 1)..];
        if (local.ContainsAnyExcept(s_mailLocalChars) || local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        int dot = domain.LastIndexOf('.');
        if (dot < 0)
        {
            return !domain.ContainsAnyExceptInRange('a', 'z') && !local.ContainsAnyInRange('0', '9');
        }

        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.IsEmpty || label[0] == '-' || label[^1] == '-' || label.ContainsAnyExcept(s_mailDomainChars))
            {
                return false;
            }
        }

        var top = domain[(dot + 1)..];
        return top.Length >= 2 && !top.ContainsAnyExceptInRange('a', 'z');
    }

    private static readonly SearchValues<char> s_mailLocalChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789._+-");

    private static readonly SearchValues<char> s_mailDomainChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");
}
