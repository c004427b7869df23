namespace BotBottle.Dlp;

/// <summary>
/// WordPress's authentication keys and salts, and vendor keys assigned in a declaration (eighth reach round of the DLP
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

    /// <summary>
    /// A WordPress key or salt (<see cref="s_wordPressKeyNames"/>, upper case as WordPress writes them) with a literal
    /// value: <c>define( 'AUTH_KEY', '…' );</c> (PHP's <c>define</c>, the name quoted as its first argument) or
    /// <c>AUTH_KEY='…'</c> at a line's start (Bedrock's <c>.env</c>, https://roots.io/bedrock/docs/installation/). The
    /// value — to its closing quote on the same line, or the rest of an unquoted <c>.env</c> line — must be 32–128
    /// characters of at least three of lower case, upper case, digits and symbols, and not the sample's placeholder or
    /// Bedrock's <c>generateme</c>. <c>getenv('AUTH_KEY')</c> and other calls are not literals.
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
        if (ne - ns is < 8 or > 16 || !IsAnyOf(t[ns..ne], s_wordPressKeyNames) || ne >= t.Length)
        {
            return false;
        }

        int i;
        if (ns > 1 && t[ns - 1] is '\'' or '"' && t[ne] == t[ns - 1])
        {
            int open = ns - 2;
            while (open > 0 && t[open] is ' ' or '\t')
            {
                open--;
            }

            if (t[open] != '(' || open < 6 || !t[(open - 6)..open].TrimEnd(' ').EndsWith("define", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            i = SkipBlanks(t, ne + 1);
            if (i >= t.Length || t[i] != ',')
            {
                return false;
            }

            i = SkipBlanks(t, i + 1);
        }
        else if (t[ne] == '=' && (LineStartsAt(t, ns) || (ns >= 7 && t[(ns - 7)..ns].Equals("export ", StringComparison.Ordinal))))
        {
            i = ne + 1;
        }
        else
        {
            return false;
        }

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
        else if (t[ne] == '=')
        {
            s = i;
            int end = t[s..Math.Min(t.Length, s + 129)].IndexOfAny('\n', '\r');
            e = end < 0 ? Math.Min(t.Length, s + 129) : s + end;
        }
        else
        {
            return false;
        }

        var v = t[s..e];
        if (v.Length is < 32 or > 128 || CharacterClasses(v) < 3)
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

        (vs, ve) = (s, e);
        return true;
    }

    private static readonly string[] s_wordPressPlaceholders =
        ["unique phrase", "generateme", "example", "placeholder", "changeme", "change_me", "your", "redacted", "dummy", "sample", "replace"];

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

            if (ws == we || !IsAnyOf(t[ws..we], s_declarationWords))
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
}
