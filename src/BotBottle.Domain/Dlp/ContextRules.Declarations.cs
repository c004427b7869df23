namespace BotBottle.Dlp;

/// <summary>
/// WordPress's authentication keys and salts, and vendor keys assigned in a declaration (r21 reach round of the DLP
/// issue): secrets whose names the credential-name search does not hold and whose values the generated-value checks
/// read as code.
/// </summary>
internal static partial class ContextRules
{
    /// <summary>
    /// The eight secret keys of <c>wp-config.php</c> (https://developer.wordpress.org/apis/wp-config-php/#security-keys;
    /// <c>wp-config-sample.php</c> defines each as <c>'put your unique phrase here'</c>). The WordPress.org generator
    /// (https://api.wordpress.org/secret-key/1.1/salt/) writes 64 characters of letters, digits and the symbols of
    /// <c>wp_generate_password(64, true, true)</c>, blanks and brackets included.
    /// </summary>
    private static readonly string[] s_wordPressKeyNames =
    [
        "AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT",
    ];

    /// <summary>The stems of <see cref="s_wordPressKeyNames"/>, searched case-sensitively (<c>SECURE_AUTH_…</c> holds <c>AUTH_</c>).</summary>
    private static readonly System.Buffers.SearchValues<string> s_wordPressStems =
        System.Buffers.SearchValues.Create(["AUTH_KEY", "AUTH_SALT", "LOGGED_IN_KEY", "LOGGED_IN_SALT", "NONCE_KEY", "NONCE_SALT"], StringComparison.Ordinal);

    /// <summary>
    /// Is the name [<paramref name="ns"/>, <paramref name="ne"/>) (<c>random_password</c>) the value of a Terraform state
    /// resource's <c>"type"</c>, and is there a <c>"result"</c> attribute with a string value after it, within 4,096
    /// characters and before the next resource's <c>"mode"</c>? Returns the value's bounds (inside its quotes). The
    /// state file (format version 4) keeps a resource as <c>{"mode": "managed", "type": "random_password", "name": …,
    /// "instances": [{"attributes": {…, "result": "…", …}}]}</c>; the hashicorp/random provider's <c>random_password</c>
    /// writes the generated password to <c>result</c> (sensitive, https://registry.terraform.io/providers/hashicorp/random/latest/docs/resources/password).
    /// A state sent inside another JSON string (an LLM request's message) has its quotes escaped (<c>\"</c>); both forms are read.
    /// </summary>
    internal static bool TerraformPasswordResult(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        if (ns < 8 || ne + 1 >= t.Length || (t[ne] != '"' && (t[ne] != '\\' || t[ne + 1] != '"')) || t[ns - 1] != '"')
        {
            return false;
        }

        var before = t[..(ns - 1)].TrimEnd('\\').TrimEnd(" \t");
        if (before.IsEmpty || before[^1] != ':' || before[..^1].TrimEnd(" \t") is not [.. var key, '"'] || !key.TrimEnd('\\').EndsWith("\"type", StringComparison.Ordinal))
        {
            return false;
        }

        // "result" (or \"result\": its opening quote is the one after the backslash)
        var window = t[ne..Math.Min(t.Length, ne + 4096)];
        int r = window.IndexOf("\"result", StringComparison.Ordinal);
        if (r < 0 || window[..r].IndexOf("\"mode", StringComparison.Ordinal) >= 0 || r + 8 >= window.Length || window[r + 7] is not ('"' or '\\'))
        {
            return false;
        }

        int k = ne + r + 7;
        k = SkipBlanks(t, k + (t[k] == '\\' ? 2 : 1)); // the closing quote, escaped or not
        if (k >= t.Length || t[k] != ':')
        {
            return false;
        }

        k = SkipBlanks(t, k + 1);

        bool escaped = k + 1 < t.Length && t[k] == '\\' && t[k + 1] == '"';
        if (!escaped && (k >= t.Length || t[k] != '"'))
        {
            return false;
        }

        int s = k + (escaped ? 2 : 1);
        for (int e = s; e < t.Length && e - s <= 512 && t[e] is not ('\n' or '\r'); e++)
        {
            if (escaped ? t[e] == '\\' && e + 1 < t.Length && t[e + 1] == '"' : t[e] == '"')
            {
                if (e - s < 4)
                {
                    return false;
                }

                vs = s;
                ve = e;
                return true;
            }

            if (!escaped && t[e] == '\\')
            {
                e++; // an escaped character inside the value
            }
        }

        return false;
    }

    /// <summary>
    /// Reports every WordPress key and salt in <paramref name="text"/> (<see cref="TryWordPressKey"/>). Called once per
    /// text, when the assignment pass meets a <c>…DB_PASSWORD</c> name — a <c>wp-config.php</c>, a Bedrock <c>.env</c> or
    /// the Docker image's environment holds one beside its keys — rather than adding the names to the key-fragment
    /// search: six more fragments there cost that search, which every body pays, about a tenth (<c>dlp-ab</c>). Salts
    /// sent without their database password are not found.
    /// </summary>
    private static void FindWordPressKeys<TState>(ReadOnlySpan<char> text, ref TState state, AssignmentSink<TState> report)
    {
        int i = 0;
        while (i < text.Length)
        {
            int k = text[i..].IndexOfAny(s_wordPressStems);
            if (k < 0)
            {
                return;
            }

            int hit = i + k;
            int ne = NameAround(text, hit, 16, out int ns);
            i = ne;
            if (TryWordPressKey(text, ns, ne, out int vs, out int ve))
            {
                report(ref state, vs, ve - vs, text[ns..ne]);
                i = ve;
            }
        }
    }

    /// <summary>
    /// A WordPress key or salt (<see cref="s_wordPressKeyNames"/>, upper case as WordPress writes them; also with the
    /// official Docker image's <c>WORDPRESS_</c> prefix, https://hub.docker.com/_/wordpress) with a literal value, in
    /// whatever form the file takes: <c>define( 'AUTH_KEY', '…' );</c> (PHP's <c>define</c>), <c>AUTH_KEY='…'</c>
    /// (Bedrock's <c>.env</c>, https://roots.io/bedrock/docs/installation/, also indented, after <c>set</c>,
    /// <c>export</c> or <c>$env:</c>), <c>'AUTH_KEY' =&gt; '…'</c> (a PHP array), <c>AUTH_KEY: '…'</c> (YAML, a JS
    /// object), <c>const AUTH_KEY = '…'</c>: the name (its closing quote), blanks, one of <c>= =&gt; : ,</c>, blanks,
    /// the value — to its closing quote on the same line, or the rest of an unquoted line (to a line break, or in a
    /// JSON string to an escaped one or the closing quote). The value must be 32–128 characters of at least three of
    /// lower case, upper case, digits and symbols (the WordPress.org generator's draw) or hex with letters and digits
    /// (<c>openssl rand -hex 32</c>), and not a placeholder (the sample's "put your unique phrase here", Bedrock's
    /// <c>generateme</c>), a URL, a command substitution or a template (<c>$(…)</c>, <c>${…}</c>, <c>{{…}}</c>,
    /// <c>&lt;?php</c>, backticks). <c>getenv('AUTH_KEY')</c> is not a literal.
    /// </summary>
    /// <param name="t">The text.</param>
    /// <param name="ns">Start of the name.</param>
    /// <param name="ne">End of the name.</param>
    /// <param name="vs">Start of the value.</param>
    /// <param name="ve">End of the value.</param>
    /// <returns>True when such a key or salt follows the name.</returns>
    private static bool TryWordPressKey(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        var name = t[ns..ne];
        if (name.StartsWith("WORDPRESS_", StringComparison.Ordinal))
        {
            name = name[10..];
        }

        if (name.Length is < 8 or > 16 || !IsOneOf(name, s_wordPressKeyNames) || ne >= t.Length)
        {
            return false;
        }

        // the name's closing quote, blanks, the separator, blanks
        int i = ne;
        if (ns > 0 && t[ns - 1] is '\'' or '"' && t[i] == t[ns - 1])
        {
            i++;
        }

        i = SkipBlanks(t, i);
        if (i >= t.Length)
        {
            return false;
        }

        if (t[i] == '=' && i + 1 < t.Length && t[i + 1] == '>')
        {
            i += 2;
        }
        else if (t[i] is '=' or ':' or ',')
        {
            i++;
        }
        else
        {
            return false;
        }

        bool tight = i == ne + 1 && t[ne] == '='; // NAME=value: a shell or .env line, whose value may go unquoted
        i = SkipBlanks(t, i);
        if (i >= t.Length)
        {
            return false;
        }

        int s, e;
        if (t[i] is '\'' or '"')
        {
            s = i + 1;
            int close = t[s..Math.Min(t.Length, s + 129)].IndexOfAny(t[i], '\n');
            if (close < 0 || t[s + close] != t[i])
            {
                return false;
            }

            e = s + close;
        }
        else if (tight)
        {
            s = i;
            e = s;
            while (e < t.Length && e - s <= 128 && t[e] is not ('\n' or '\r') && !(t[e] == '\\' && e + 1 < t.Length && t[e + 1] is 'n' or 'r' or '"'))
            {
                e++;
            }
        }
        else
        {
            return false;
        }

        var v = t[s..e];
        if (v.Length is < 32 or > 128 || !(CharacterClasses(v) >= 3 || (!v.ContainsAnyExcept(LowerHexChars) && v.ContainsAnyInRange('0', '9') && v.ContainsAnyInRange('a', 'f')))
            || IsTemplateOrCommand(v) || v.Contains("://", StringComparison.Ordinal))
        {
            return false;
        }

        // Only words: a random salt holds '<', '{' and "..." as often as not.
        foreach (var p in s_wordPressPlaceholders)
        {
            if (v.Contains(p, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        foreach (var p in s_wordPressFillers)
        {
            if (v.Contains(p, StringComparison.Ordinal))
            {
                return false;
            }
        }

        (vs, ve) = (s, e);
        return true;
    }

    /// <summary>
    /// A command substitution or template rather than a salt: a leading backtick, <c>$(</c> and a command name,
    /// <c>${</c> and a variable name, <c>{{</c> and an expression (Helm, Ansible, Jinja), <c>&lt;?php</c>. WordPress's
    /// alphabet holds <c>` $ ( { &lt; ?</c>, so a salt holds these pairs now and then; the names after them make the
    /// difference (a random draw is followed by letters three times running about one time in six).
    /// </summary>
    private static bool IsTemplateOrCommand(ReadOnlySpan<char> v) =>
        (v[0] == '`' && v[^1] == '`') || LettersAfter(v, "$(", 3, ' ') || LettersAfter(v, "$(", 3, '=') || LettersAfter(v, "${", 3, '}') || LettersAfter(v, "${", 3, ':')
        || (v.Contains("{{", StringComparison.Ordinal) && v.Contains("}}", StringComparison.Ordinal) && (LettersAfter(v, "{{ ", 3, ' ') || LettersAfter(v, "{{", 3, ' ')))
        || v.Contains("<?php", StringComparison.OrdinalIgnoreCase) || v.Contains("<?=", StringComparison.Ordinal);

    /// <summary>
    /// Does <paramref name="marker"/> occur in <paramref name="v"/> followed by a name — at least
    /// <paramref name="count"/> letters, digits, <c>_</c> or <c>.</c>, starting with a letter — and then
    /// <paramref name="end"/> (<c>$(openssl </c>, <c>${WP_AUTH_KEY}</c>, <c>{{ index </c>)?
    /// </summary>
    private static bool LettersAfter(ReadOnlySpan<char> v, string marker, int count, char end)
    {
        for (int at = v.IndexOf(marker, StringComparison.Ordinal); at >= 0;)
        {
            int k = at + marker.Length;
            int n = 0;
            while (k + n < v.Length && (char.IsAsciiLetter(v[k + n]) || (n > 0 && (char.IsAsciiDigit(v[k + n]) || v[k + n] is '_' or '.'))))
            {
                n++;
            }

            if (n >= count && k + n < v.Length && v[k + n] == end)
            {
                return true;
            }

            int next = v[(at + 1)..].IndexOf(marker, StringComparison.Ordinal);
            at = next < 0 ? -1 : at + 1 + next;
        }

        return false;
    }

    internal static readonly System.Buffers.SearchValues<char> LowerHexChars = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>The lower-case base32 alphabet (RFC 4648 §6, lower-cased).</summary>
    internal static readonly System.Buffers.SearchValues<char> LowerBase32Chars = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz234567");

    private static readonly string[] s_wordPressPlaceholders =
        ["unique phrase", "generateme", "example", "placeholder", "changeme", "change_me", "change-me", "your", "redacted", "dummy", "sample", "replace", "demo-", "change", "test", "do-not", "do_not"];

    /// <summary>Filler runs that make a WordPress value a placeholder, compared case-sensitively (a draw holds "XxxX" now and then).</summary>
    private static readonly string[] s_wordPressFillers = ["xxxx", "XXXX", "****", "...."];

    /// <summary>How many of lower case, upper case, ASCII digits and other non-blank characters <paramref name="v"/> holds (0–4).</summary>
    private static int CharacterClasses(ReadOnlySpan<char> v) =>
        (v.ContainsAnyInRange('a', 'z') ? 1 : 0) + (v.ContainsAnyInRange('A', 'Z') ? 1 : 0) + (v.ContainsAnyInRange('0', '9') ? 1 : 0)
        + (v.ContainsAnyExcept(s_plainValueChars) ? 1 : 0);

    private static readonly System.Buffers.SearchValues<char> s_plainValueChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t");

    /// <summary>
    /// Declaration words that may stand between a line's start and a constant's name in code: JavaScript/TypeScript
    /// (<c>export const</c>, <c>let</c>, <c>var</c>), Kotlin (<c>const val</c>), Java and C# modifiers and the string
    /// type (<c>private static final String</c>, <c>public const string</c>), Go's <c>const</c>.
    /// </summary>
    private static readonly string[] s_declarationWords =
    [
        "export", "const", "let", "var", "val", "final", "static", "private", "public", "protected", "internal", "readonly", "String", "string",
    ];

    /// <summary>
    /// Does the name at <paramref name="ns"/> follow only declaration words (<see cref="s_declarationWords"/>, one to
    /// five, single blanks) from its line's start: <c>const DATADOG_KEY = "…"</c>?
    /// </summary>
    private static bool StartsDeclaration(ReadOnlySpan<char> t, int ns)
    {
        int k = ns;
        for (int words = 0; words < 5; words++)
        {
            if (k < 2 || t[k - 1] != ' ')
            {
                return false;
            }

            int we = k - 1;
            int ws = we;
            while (ws > 0 && char.IsAsciiLetter(t[ws - 1]))
            {
                ws--;
            }

            if (ws == we || !IsOneOf(t[ws..we], s_declarationWords))
            {
                return false;
            }

            k = ws;
            int b = k;
            while (b > 0 && t[b - 1] is ' ' or '\t')
            {
                b--;
            }

            if (LineStartsAt(t, b))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Words and digits rather than a draw: at most six digits, and letters mostly in words of three or more with a
    /// vowel (split at <c>_ - .</c>, digits and camelCase capitals: <c>CARE_BOARD_AUTH_USER_V1</c>,
    /// <c>checkoutStripePaymentV2</c>, <c>TextEmbedding3Large2024</c>); or <c>/</c> between names without base64's
    /// <c>+ =</c> (a cipher or MIME name: <c>AES/CBC/PKCS5Padding</c>). A random draw splits into pieces of one or two
    /// letters.
    /// </summary>
    private static bool IsWordsWithDigits(ReadOnlySpan<char> v)
    {
        if (v.Contains('/') && !v.ContainsAny('+', '='))
        {
            return true;
        }

        int digits = 0, letters = 0, inWords = 0;
        int i = 0;
        while (i < v.Length)
        {
            if (!char.IsAsciiLetter(v[i]))
            {
                digits += char.IsAsciiDigit(v[i]) ? 1 : 0;
                i++;
                continue;
            }

            // one word: a capital and lower case, or a run of capitals (not the capital that starts the next word)
            int w = i + 1;
            if (char.IsAsciiLetterUpper(v[i]) && w < v.Length && char.IsAsciiLetterUpper(v[w]))
            {
                while (w < v.Length && char.IsAsciiLetterUpper(v[w]) && !(w + 1 < v.Length && char.IsAsciiLetterLower(v[w + 1])))
                {
                    w++;
                }
            }
            else
            {
                while (w < v.Length && char.IsAsciiLetterLower(v[w]))
                {
                    w++;
                }
            }

            letters += w - i;
            if (w - i >= 3 && v[i..w].ContainsAny(s_vowels))
            {
                inWords += w - i;
            }

            i = w;
        }

        return digits <= 6 && letters > 0 && inWords * 10 >= letters * 7;
    }

    private static readonly System.Buffers.SearchValues<char> s_vowels = System.Buffers.SearchValues.Create("aeiouyAEIOUY");

    private static bool IsOneOf(ReadOnlySpan<char> word, string[] list)
    {
        foreach (var w in list)
        {
            if (word.Equals(w, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
