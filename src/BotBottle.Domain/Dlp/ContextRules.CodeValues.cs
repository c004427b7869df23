namespace BotBottle.Dlp;

/// <summary>
/// Code and names in the <c>credential-assignment</c> rule's values (third false-positive hunt): the shapes of source
/// code, grammars and documentation that put a credential-named key before something that is no literal. Each test is
/// narrow and has a malicious guard beside it in <c>FalsePositiveHuntTests</c>.
/// </summary>
internal static partial class ContextRules
{
    /// <summary>
    /// A member-access arrow at <paramref name="e"/> inside an unquoted value that starts at <paramref name="vs"/>: the
    /// <c>&gt;</c> of C++ / Perl / PHP <c>-&gt;</c> (also written <c>-\u003E</c> by System.Text.Json) followed by a name,
    /// so <c>Walker-&gt;findCachedPlan(Q)</c> is read whole rather than ended at <c>Walker-</c>.
    /// </summary>
    private static bool IsMemberArrowAt(ReadOnlySpan<char> t, int vs, int e)
    {
        if (e <= vs || t[e - 1] != '-')
        {
            return false;
        }

        int next = t[e] == '>' ? e + 1 : JsonEscapedAscii(t, e) == '>' ? e + 6 : -1;
        return next > 0 && next < t.Length && (char.IsAsciiLetter(t[next]) || t[next] is '_' or '$' or '{');
    }

    /// <summary>
    /// Unquoted values that are code (third false-positive hunt): a member-access chain through <c>-&gt;</c> or Pascal's
    /// <c>^.</c> (<see cref="IsArrowPath"/>), a Perl quote-like operator or reference (<see cref="IsPerlQuoteOrReference"/>),
    /// a number with <c>_</c> digit separators (<c>10_000</c>), and a typed parameter's default (<c>Token=None</c>,
    /// Python's <c>name:Type=default</c>).
    /// </summary>
    private static bool IsBareCode(ReadOnlySpan<char> v) =>
        IsArrowPath(v) || IsPerlQuoteOrReference(v) || IsSeparatedNumber(v) || IsAnnotatedDefault(v) || IsPathAssignment(v);

    /// <summary>
    /// An assignment between attribute paths inside minified code's conditional (<c>c&gt;1?f.onMatch=this.$applyToken:f.onMatch=f.token</c>):
    /// <c>f.onMatch=f.token</c>, names joined by dots on both sides of one <c>=</c>, the right side dotted (a reference, not a literal).
    /// </summary>
    private static bool IsPathAssignment(ReadOnlySpan<char> v)
    {
        int eq = v.IndexOf('=');
        if (eq < 1 || eq == v.Length - 1)
        {
            return false;
        }

        ReadOnlySpan<char> left = v[..eq], right = v[(eq + 1)..];
        return right.Contains('.') && IsNamePath(left) && IsNamePath(right);
    }

    /// <summary>Names (a letter, <c>_</c> or <c>$</c> first) joined by single dots.</summary>
    private static bool IsNamePath(ReadOnlySpan<char> p)
    {
        foreach (var range in p.Split('.'))
        {
            var seg = p[range];
            if (seg.IsEmpty || !(char.IsAsciiLetter(seg[0]) || seg[0] is '_' or '$') || seg.ContainsAnyExcept(s_nameChars))
            {
                return false;
            }
        }

        return true;
    }

    private static readonly System.Buffers.SearchValues<char> s_nameChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$");

    /// <summary>
    /// A dotted name of three or more lower-case segments, each letters and digits joined by hyphens, a letter first: a
    /// TextMate / Ace scope name (<c>{token:"comment.line.double-dash.source.rust"}</c> in a syntax-highlighting
    /// grammar) or a host name (<c>_LEDGER_API_SERVICE_TOKEN = 'ledger-component.svc.example.net'</c>). At most three
    /// digits in all: dotted lower-case hex (<c>a1b2c3d4.e5f6a7b8.c9d0e1f2</c>) is a token, not a name.
    /// </summary>
    private static bool IsDottedLowerName(ReadOnlySpan<char> v)
    {
        int segments = 0;
        foreach (var range in v.Split('.'))
        {
            var seg = v[range];
            if (seg.IsEmpty || !char.IsAsciiLetterLower(seg[0]) || seg[^1] == '-' || seg.ContainsAnyExcept(s_lowerNameChars) || seg.Contains("--", StringComparison.Ordinal))
            {
                return false;
            }

            segments++;
        }

        return segments >= 3 && CountDigits(v) <= 3;
    }

    /// <summary>The ASCII digits in <paramref name="v"/>.</summary>
    internal static int CountDigits(ReadOnlySpan<char> v)
    {
        int n = 0;
        foreach (char c in v)
        {
            n += char.IsAsciiDigit(c) ? 1 : 0;
        }

        return n;
    }

    private static readonly System.Buffers.SearchValues<char> s_lowerNameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    /// <summary>
    /// <c>Walker-&gt;findCachedPlan(Q</c>, <c>$self-&gt;{token}</c>, <c>sEntry^.sp_pwdp</c>: names joined by
    /// <c>.</c>, <c>::</c> and at least one arrow (<c>-&gt;</c>, <c>-\u003E</c>, <c>^.</c>), optionally followed by a call or
    /// subscript. A generated secret holds no arrow between two names.
    /// </summary>
    private static bool IsArrowPath(ReadOnlySpan<char> v)
    {
        int i = 0, arrows = 0;
        while (true)
        {
            if (i >= v.Length || !(char.IsAsciiLetter(v[i]) || v[i] is '_' or '$'))
            {
                return false;
            }

            while (i < v.Length && (char.IsAsciiLetterOrDigit(v[i]) || v[i] is '_' or '$'))
            {
                i++;
            }

            if (i == v.Length || v[i] is '(' or '[' or '{')
            {
                return arrows > 0;
            }

            var rest = v[i..];
            if (rest.StartsWith("->", StringComparison.Ordinal) || rest.StartsWith("^.", StringComparison.Ordinal))
            {
                i += 2;
                arrows++;
            }
            else if (rest.StartsWith("-\\u003E", StringComparison.OrdinalIgnoreCase))
            {
                i += 7;
                arrows++;
            }
            else if (rest.StartsWith("::", StringComparison.Ordinal))
            {
                i += 2;
            }
            else if (rest[0] == '.')
            {
                i++;
            }
            else
            {
                return false;
            }

            if (i < v.Length && v[i] == '{')
            {
                return arrows > 0; // $self->{token}
            }
        }
    }

    /// <summary>
    /// Perl (perlop, "Quote and Quote-like Operators"; perlref): <c>qr/…/</c>, <c>qw(…)</c>, <c>qq{…}</c>, <c>q(…)</c>
    /// with a bracket, slash or bar as the delimiter, and a reference <c>\undef</c>, <c>\$x</c>, <c>\@list</c>,
    /// <c>\%hash</c>, <c>\&amp;code</c>.
    /// </summary>
    private static bool IsPerlQuoteOrReference(ReadOnlySpan<char> v)
    {
        if (v.Length > 1 && v[0] == '\\')
        {
            var r = v.TrimStart('\\'); // \undef, or \\undef inside a JSON string
            return !r.IsEmpty && (r[0] is '$' or '@' or '%' or '&' || r.StartsWith("undef", StringComparison.Ordinal));
        }

        int op = v.StartsWith("qr", StringComparison.Ordinal) || v.StartsWith("qw", StringComparison.Ordinal) || v.StartsWith("qq", StringComparison.Ordinal) ? 2
            : v.StartsWith("q", StringComparison.Ordinal) ? 1 : 0;
        return op > 0 && v.Length > op + 1 && v[op] is '/' or '(' or '[' or '{' or '<' or '|';
    }

    /// <summary>A number with <c>_</c> between groups of three digits (<c>10_000</c>, <c>1_000_000</c>: Perl, Python, Rust, Java, C# literals).</summary>
    private static bool IsSeparatedNumber(ReadOnlySpan<char> v)
    {
        int first = v.IndexOf('_');
        if (first is < 1 or > 3 || v[..first].ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        var rest = v[first..];
        if (rest.Length % 4 != 0)
        {
            return false;
        }

        for (int k = 0; k < rest.Length; k += 4)
        {
            if (rest[k] != '_' || rest.Slice(k + 1, 3).ContainsAnyExceptInRange('0', '9'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A parameter's type and default written without blanks after the name's colon (PEP 3107 / PEP 484 annotations,
    /// generated parsers: <c>offendingToken:Token=None</c>, <c>input:TokenStream=None</c>): a type name, <c>=</c> and a
    /// keyword default (<c>None</c>, <c>null</c>, <c>nil</c>, <c>true</c>, <c>false</c>, <c>undefined</c>), a number or
    /// an empty string.
    /// </summary>
    private static bool IsAnnotatedDefault(ReadOnlySpan<char> v)
    {
        int eq = v.IndexOf('=');
        if (eq < 1 || !char.IsAsciiLetter(v[0]) || v[..eq].ContainsAnyExcept(s_typeNameChars))
        {
            return false;
        }

        var d = v[(eq + 1)..];
        foreach (var k in s_defaultKeywords)
        {
            if (d.Equals(k, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return d is "''" or "\"\"" || (!d.IsEmpty && d.Length <= 6 && !d.ContainsAnyExceptInRange('0', '9'));
    }

    private static readonly System.Buffers.SearchValues<char> s_typeNameChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.");

    private static readonly string[] s_defaultKeywords = ["None", "null", "nil", "true", "false", "undefined"];

    /// <summary>
    /// A constant's or function's name under a key other than a password's (third false-positive hunt), beside
    /// <see cref="IsIdentifierValue"/>: under a name ending in <c>token</c>, an UPPER word or UPPER_SNAKE words of 4+
    /// letters with one or two digits at the end, after an optional <c>_</c> (an .npmrc placeholder
    /// <c>_authToken=TEAMTOKEN1</c>, <c>BUILD_TOKEN_3</c>), or a dotted lower-case name of three or more segments
    /// (<see cref="IsDottedLowerName"/>); and under a camelCase name ending in <c>Pass</c> a camelCase name that starts
    /// lower case (a functional library's alias table, <c>bothPass:"conjoinAll"</c>). A generated token has its digits
    /// among its letters; <c>dbPass: "Xk9mQ2vLp"</c>, <c>DB_PASS=Hunter2024</c> and names under secret or key names stay
    /// literals.
    /// </summary>
    private static bool IsNameLikeValue(ReadOnlySpan<char> name, ReadOnlySpan<char> v)
    {
        if (v.IsEmpty || IsPasswordName(name) || name.EndsWith("pwd", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (EndsWithPassSegment(name))
        {
            // only a camelCase key (allPass, anyPass: a JavaScript property); smtp.pass, DB_PASS, redis-pass keep such values
            return name.Length > 4 && name[^4] == 'P' && char.IsAsciiLetterLower(name[^5]) && v.Length >= 4 && char.IsAsciiLetterLower(v[0]) && v.ContainsAnyInRange('A', 'Z') && !v.ContainsAnyExcept(s_letters) && IsIdentifierValue(v);
        }

        if (!name.EndsWith("token", StringComparison.OrdinalIgnoreCase))
        {
            return false; // secret, key, credential: a dotted or numbered word stays a literal (SECRET=qwer-tyui.asdf.zxcv)
        }

        if (IsDottedLowerName(v))
        {
            return true;
        }

        int d = v.Length;
        while (d > 0 && char.IsAsciiDigit(v[d - 1]))
        {
            d--;
        }

        var letters = d > 0 && v[d - 1] == '_' ? v[..(d - 1)] : v[..d]; // MYTOKEN1, CI_TOKEN_2
        return v.Length - d is 1 or 2 && letters.Length >= 4 && char.IsAsciiLetterUpper(letters[0]) && letters[^1] != '_'
            && !letters.ContainsAnyExcept(s_upperSnake) && !letters.Contains("__", StringComparison.Ordinal);
    }

    private static readonly System.Buffers.SearchValues<char> s_letters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly System.Buffers.SearchValues<char> s_upperSnake =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ_");

    /// <summary>
    /// Code and names the value's context shows (third false-positive hunt), for a value [<paramref name="vs"/>,
    /// <paramref name="ve"/>) after the key [<paramref name="ns"/>, <paramref name="ne"/>):
    /// <list type="bullet">
    /// <item>the value names the key again: its last segment is the key's last segment (<c>NMTOKEN = "NMTOKEN"</c>,
    /// <c>X25519PrivateKey = rust_openssl.hpke.X25519PrivateKey</c>, <c>a.popPrivateKey : x509Possession.popPrivateKey</c>);</item>
    /// <item>an unquoted value that is itself assigned (<c>lib3.TOKEN = lib3.LOOSE_TOKEN = lib3.WORD</c>: a
    /// chain's middle names a target) or concatenated (<c>token: a.token + ".end"</c>);</item>
    /// <item>a documentation comment's parameter label (kernel-doc / gtk-doc <c> * @NAME: description</c>, the description
    /// going on after the first word);</item>
    /// <item>a public value (ContextRules.PublicValues.cs): a C++ parameter's default naming a standard random-number
    /// engine (<c>const std::string&amp; __token = "mt19937"</c>) and a docstring field list's description that restates
    /// the field's name (<c>privateKey: Hardware-backed private key text …</c>).</item>
    /// </list>
    /// </summary>
    private static bool IsCodeOrLabelInContext(ReadOnlySpan<char> t, int ns, int ne, int vs, int ve)
    {
        // a key right after a JSON-escaped line break or tab ("\nFORCE_CHANGE_PASSWORD = …"): the walk back took the escape's letter
        int keyStart = ns > 0 && t[ns - 1] == '\\' && t[ns] is 'n' or 'r' or 't' && ne - ns > 1 ? ns + 1 : ns;
        return RepeatsKeyName(t[keyStart..ne], t[vs..ve]) || IsChainedOrConcatenated(t, vs, ve) || IsDocCommentLabel(t, ns, ve)
            || IsFieldListDescription(t, keyStart, ne, vs, ve) || IsRandomEngineDefault(t, keyStart, ne, vs, ve)
            || (keyStart > 0 && t[keyStart - 1] == '$' && IsPowerShellCommand(t, vs, ve)); // a PowerShell variable's value
    }

    /// <summary>
    /// An unquoted value that is a PowerShell command, <c>Verb-Noun</c> (letters, each part from a capital:
    /// <c>Get-Secret</c>, <c>ConvertTo-SecureString</c>; PowerShell documentation, "Approved Verbs for PowerShell
    /// Commands"), followed by a blank, <c>)</c> or the end, under a PowerShell variable (<c>$token = Get-Secret -Name
    /// api</c>) assigns a command's output (<c>POSTGRES_PASSWORD=Copper-Lantern</c> in a .env stays a value) (r22 reach round; for <c>ConvertTo-SecureString "…" -AsPlainText</c> the literal after it is read instead).
    /// </summary>
    private static bool IsPowerShellCommand(ReadOnlySpan<char> t, int vs, int ve)
    {
        var v = t[vs..ve];
        int dash = v.IndexOf('-');
        if (dash < 2 || dash > v.Length - 3 || (vs > 0 && t[vs - 1] is '"' or '\'' or '`') || (ve < t.Length && t[ve] is not (' ' or '\t' or ')' or '\n' or '\r')))
        {
            return false;
        }

        var verb = v[..dash];
        var noun = v[(dash + 1)..];
        return char.IsAsciiLetterUpper(verb[0]) && char.IsAsciiLetterUpper(noun[0]) && char.IsAsciiLetterLower(verb[1]) && !verb.ContainsAnyExcept(s_asciiLettersOnly)
            && !noun.ContainsAnyExcept(s_asciiLettersOnly);
    }

    private static readonly System.Buffers.SearchValues<char> s_asciiLettersOnly =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static bool RepeatsKeyName(ReadOnlySpan<char> name, ReadOnlySpan<char> value)
    {
        var key = name[(name.LastIndexOf('.') + 1)..];
        var last = value[(value.LastIndexOfAny('.', ':', '>') + 1)..];
        return key.Length >= 3 && last.Equals(key, StringComparison.OrdinalIgnoreCase) && !value.ContainsAnyExcept(s_pathValueChars);
    }

    private static readonly System.Buffers.SearchValues<char> s_pathValueChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:->$");

    private static bool IsChainedOrConcatenated(ReadOnlySpan<char> t, int vs, int ve)
    {
        if (ve - vs < 2 || ve >= t.Length || (vs > 0 && t[vs - 1] is '"' or '\'' or '`'))
        {
            return false; // quoted values are literals
        }

        // "a.token+" right before a quote (also "\u002B" before "\"" in a JSON string): a string concatenation
        var v = t[vs..ve];
        int plus = v[^1] == '+' ? 1 : v.EndsWith("\\u002B", StringComparison.OrdinalIgnoreCase) ? 6 : 0;
        if (plus > 0 && (t[ve] is '"' or '\'' or '`' || (t[ve] == '\\' && ve + 1 < t.Length && t[ve + 1] is '"' or '\'') || IsJsonEscapedQuote(t, ve)))
        {
            return v.Length > plus && !v[..^plus].ContainsAnyExcept(s_typeNameChars);
        }

        int k = SkipBlanks(t, ve);
        return k > ve && k + 1 < t.Length && t[k] == '=' && t[k + 1] is not ('=' or '>') && !v.ContainsAnyExcept(s_typeNameChars);
    }

    private static bool IsDocCommentLabel(ReadOnlySpan<char> t, int ns, int ve)
    {
        if (ns < 2 || t[ns - 1] != '@' || ve + 1 >= t.Length || t[ve] != ' ' || !char.IsAsciiLetterOrDigit(t[ve + 1]))
        {
            return false;
        }

        int k = ns - 1;
        bool marker = false;
        while (k > 0 && t[k - 1] is ' ' or '\t' or '*' or '/' or '#' or '!' or ';')
        {
            marker |= t[k - 1] is not (' ' or '\t');
            k--;
        }

        bool lineStart = k == 0 || t[k - 1] is '\n' or '\r' || (k >= 2 && t[k - 2] == '\\' && t[k - 1] is 'n' or 't');
        return marker && lineStart;
    }
}
