namespace BotBottle.Dlp;

/// <summary>
/// Values under credential names that are not credentials, met by the r27 false-positive hunt in what coding agents
/// send all day (model requests full of code, test output, i18n files, Helm charts): a type annotation
/// (<c>refreshToken: String!</c> in a GraphQL schema, <c>token: String?</c> in Kotlin or Swift), a word of a language
/// (<c>"password": "Passwort"</c>, <c>"token": "トークン"</c> — also as the JSON escapes <c>\u30c8…</c> — or a mask,
/// <c>"••••••"</c>), a test fixture (<c>"wrong-password"</c>, <c>"not-a-real-token"</c>, the classic example
/// passwords <c>hunter2</c> and <c>P@ssw0rd</c>), and the name of a Kubernetes Secret (<c>existingSecret:
/// redis-auth</c>, <c>adminPasswordSecret: grafana-admin</c>).
/// </summary>
internal static partial class ContextRules
{
    /// <summary>
    /// Scalar type names of GraphQL (GraphQL specification §3.5: Int, Float, String, Boolean, ID), Kotlin, Swift, Java,
    /// C# and TypeScript, written after a field or parameter name (<c>password: String!</c>, <c>token: String?</c>).
    /// </summary>
    private static readonly string[] s_typeNames =
    [
        "String", "Int", "Float", "Boolean", "ID", "Bool", "Long", "Double", "Short", "Byte", "Char", "Decimal", "BigInt", "Date", "DateTime",
        "JSON", "UUID", "URL", "Any", "Object", "Text", "Data", "Int32", "Int64", "CharArray", "ByteArray", "SecureString", "string", "number",
        "boolean",
    ];

    /// <summary>
    /// Passwords that documentation and test fixtures use as their example (exact, any case): <c>hunter2</c>,
    /// <c>P@ssw0rd</c> and <c>Pa$$w0rd</c> (Microsoft's documentation examples), <c>changeit</c> (the JDK's default key
    /// store password), <c>test123</c>, <c>Password1</c>… A
    /// configuration that holds one of these guards nothing worth the name.
    /// </summary>
    private static readonly string[] s_examplePasswords =
    [
        "hunter2", "test123", "testpass", "testpass123", "testpassword", "password1", "password123", "passw0rd", "p@ssw0rd", "p@ssw0rd!", "p@ssw0rd1",
        "p@55w0rd", "pa$$w0rd", "password1!", "letmein", "qwerty", "qwerty123", "123456", "12345678", "123456789", "changeit", "admin123",
        "secret123", "welcome1",
    ];

    /// <summary>
    /// The first words that make a lower-case hyphenated value a fixture or a resource's name (<c>wrong-password</c>,
    /// <c>not-a-real-token</c>, <c>my-k8s-secret</c>), when its last word is one of <see cref="s_fixtureEnds"/>:
    /// <c>my-prod-db-pass-77</c> and <c>bad-wolf-42-tardis</c> stay values.
    /// </summary>
    private static readonly string[] s_fixtureStarts =
    [
        "fake", "test", "wrong", "invalid", "incorrect", "bad", "dummy", "example", "sample", "placeholder", "mock", "not", "my", "your",
    ];

    /// <summary>The last words of a fixture's hyphenated value (<see cref="s_fixtureStarts"/>).</summary>
    private static readonly string[] s_fixtureEnds =
    [
        "password", "passwd", "pass", "pw", "token", "secret", "key", "value", "here", "production",
    ];

    /// <summary>
    /// "Password", "key", "token" and "secret" in the languages of common i18n files, capitalised as labels are
    /// (German, Dutch, Portuguese, Italian, Romanian, Swedish, Norwegian, Danish, Polish, Czech, Finnish, Hungarian,
    /// Turkish, Spanish, Estonian, Slovene; ASCII spellings); words with non-ASCII letters are read by
    /// <see cref="IsLanguageWord"/> alone.
    /// </summary>
    private static readonly string[] s_labelWords =
    [
        "Passwort", "Kennwort", "Wachtwoord", "Senha", "Parola", "Passord", "Adgangskode", "Haslo", "Heslo", "Salasana", "Jelszo", "Sifre",
        "Clave", "Parool", "Geslo", "Schluessel", "Sleutel", "Chiave", "Klucz", "Nyckel", "Nokkel", "Codigo", "Segreto", "Geheimnis",
        "One-time", "Motdepasse",
    ];

    /// <summary>Mask characters a form or a log shows in place of a secret: bullet, black circle, asterisk operator, middle dot, heavy asterisk.</summary>
    private static bool IsMaskChar(int c) => c is 0x2022 or 0x25CF or 0x2217 or 0x00B7 or 0x2731 or 0x25AA;

    /// <summary>
    /// Is the value <paramref name="v"/> under the key <paramref name="name"/> one of the non-credentials this file
    /// describes? Each test reads the value alone, except the Secret reference, which needs the key.
    /// </summary>
    internal static bool IsLabelOrFixtureValue(ReadOnlySpan<char> name, ReadOnlySpan<char> v)
    {
        if (v.Length < 2)
        {
            return false;
        }

        return IsTypeAnnotation(v) || IsLanguageWord(v) || IsFixturePassword(v) || IsSecretReference(name, v);
    }

    /// <summary>A scalar type with GraphQL's non-null <c>!</c> or Kotlin's / Swift's optional <c>?</c>, also in a list (<c>[String!]!</c>).</summary>
    private static bool IsTypeAnnotation(ReadOnlySpan<char> v)
    {
        var t = v.TrimEnd("!?").TrimStart('[').TrimEnd("!?]");
        if (t.Length == v.Length)
        {
            return false;
        }

        return IsOneOf(t, s_typeNames);
    }

    /// <summary>
    /// A word or two of a language rather than a drawn secret: one of <see cref="s_labelWords"/> (<c>Passwort</c>,
    /// <c>Wachtwoord</c>, <c>One-time</c>; an English capitalised word such as <c>Sunshine</c> stays a weak password),
    /// or text with a non-ASCII letter or mask character — as UTF-8 or as JSON escapes (<c>\u00f1</c>, also with doubled
    /// backslashes) — among ASCII letters, hyphens and blanks (<c>Contraseña</c>, <c>Contrase\u00f1a</c>,
    /// <c>\u30c8\u30fc\u30af\u30f3</c>, <c>••••</c>). No digit, no other symbol.
    /// </summary>
    private static bool IsLanguageWord(ReadOnlySpan<char> v)
    {
        if (IsOneOf(v, s_labelWords))
        {
            return true;
        }

        int escapes = 0, nonAscii = 0;
        for (int i = 0; i < v.Length; i++)
        {
            char c = v[i];
            if (c == '\\')
            {
                int k = i;
                while (k < v.Length && v[k] == '\\')
                {
                    k++;
                }

                if (k + 5 > v.Length || v[k] != 'u' || !int.TryParse(v.Slice(k + 1, 4), System.Globalization.NumberStyles.AllowHexSpecifier, null, out int cp)
                    || cp < 0x80 || !(char.IsLetter((char)cp) || IsMaskChar(cp)))
                {
                    return false;
                }

                escapes++;
                i = k + 4;
            }
            else if (c >= 0x80 && (char.IsLetter(c) || IsMaskChar(c)))
            {
                nonAscii++; // Contraseña, Пароль, トークン as UTF-8
            }
            else if (!(char.IsAsciiLetter(c) || c is '-' or ' '))
            {
                return false;
            }
        }

        return escapes > 0 || nonAscii > 0;
    }

    /// <summary>
    /// A test fixture's password: one of <see cref="s_examplePasswords"/>, letters that name themselves followed by
    /// digits (<c>SecretPass123</c>, <c>MyPassword1</c>, up to 20 characters), or lower-case words joined by hyphens that start
    /// with a word of <see cref="s_fixtureStarts"/> and end with one of <see cref="s_fixtureEnds"/> (<c>wrong-password</c>,
    /// <c>not-a-real-token</c>, <c>test-secret-key-not-for-production</c>, <c>my-k8s-secret</c>).
    /// </summary>
    private static bool IsFixturePassword(ReadOnlySpan<char> v)
    {
        foreach (var p in s_examplePasswords)
        {
            if (v.Equals(p, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        // a documentation example that names itself: letters with "pass" or "secret" in them, then digits (SecretPass123,
        // MyPassword1); S3cr3tPass and hunter2pass, with digits among the letters, stay values
        var letters = v.TrimEnd("0123456789");
        if (v.Length <= 20 && !letters.IsEmpty && !letters.ContainsAnyExcept(s_letters)
            && (letters.Contains("pass", StringComparison.OrdinalIgnoreCase) || letters.Contains("secret", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        int first = v.IndexOf('-'), last = v.LastIndexOf('-');
        if (first <= 0 || last == v.Length - 1 || v.ContainsAnyExcept(s_kebabChars))
        {
            return false;
        }

        return IsOneOf(v[..first], s_fixtureStarts) && IsOneOf(v[(last + 1)..], s_fixtureEnds);
    }

    /// <summary>
    /// r36: an example password (<see cref="IsFixturePassword"/>: <c>password123</c>, <c>hunter2</c>, <c>admin123</c>) in an
    /// environment line — an upper-case name that ends in a password's name (<c>DB_PASSWORD</c>, <c>MYSQL_ROOT_PASSWORD</c>,
    /// <c>PGPASSWORD</c>), <c>=</c> right after it, at a line's start (after <c>export </c>, a real or JSON-escaped line
    /// break, or a JSON string's opening quote) — is what a <c>.env</c> or <c>env</c> dump holds, not a test's fixture: it
    /// is reported (unvalidated shapes are the events). Not when the name or the 256 characters before say sample
    /// (<c>WEAK_PASSWORD</c>, <c># .env.example</c>, a template). Code (<c>password = "hunter2"</c>,
    /// <c>"password": "admin123"</c>) keeps the r27 rule.
    /// </summary>
    private static bool IsEnvFixturePassword(ReadOnlySpan<char> t, int ns, int ne, int vs, int ve)
    {
        var name = t[ns..ne];
        if (ne >= t.Length || t[ne] != '=' || vs != ne + 1 || name.ContainsAnyExcept(s_envNameChars) || !IsPasswordName(name) || !IsFixturePassword(t[vs..ve]))
        {
            return false;
        }

        int b = ns;
        if (b >= 7 && t[(b - 7)..b].SequenceEqual("export "))
        {
            b -= 7;
        }

        if (!(b == 0 || t[b - 1] is '\n' or '\r' or '"' || (b >= 2 && t[b - 1] is 'n' or 'r' && t[b - 2] == '\\')))
        {
            return false;
        }

        // Not a template or a test's sample: WEAK_PASSWORD=, EXAMPLE_…, a ".env.example" / "sample" / "template" header
        // in the 256 characters before (the rt37 false-positive hunt).
        foreach (string w in (ReadOnlySpan<string>)["EXAMPLE", "SAMPLE", "TEST", "WEAK", "DUMMY", "FAKE", "DEFAULT"])
        {
            if (name.Contains(w, StringComparison.Ordinal))
            {
                return false;
            }
        }

        var before = t[Math.Max(0, b - 256)..b];
        return !before.Contains("example", StringComparison.OrdinalIgnoreCase) && !before.Contains("sample", StringComparison.OrdinalIgnoreCase)
            && !before.Contains("template", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Upper-case letters, digits and <c>_</c>: an environment variable's name.</summary>
    private static readonly System.Buffers.SearchValues<char> s_envNameChars = System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    /// <summary>Lower-case letters, digits and hyphens: a slug, a Kubernetes object's name (RFC 1123 label).</summary>
    private static readonly System.Buffers.SearchValues<char> s_kebabChars = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    /// <summary>
    /// The name of a Kubernetes Secret under a key that refers to one (Bitnami charts' <c>existingSecret</c>, an
    /// operator's <c>adminPasswordSecret</c>, <c>tokenSecret</c>): the key ends in <c>existingSecret</c>, or in
    /// <c>Secret</c> after <c>password</c>, <c>token</c>, <c>credentials</c> or <c>key</c>, and the value is an RFC 1123
    /// label with a hyphen (<c>redis-auth</c>, <c>app-postgresql</c>).
    /// </summary>
    private static bool IsSecretReference(ReadOnlySpan<char> name, ReadOnlySpan<char> v)
    {
        if (!char.IsAsciiLetterLower(v[0]) || !v.Contains('-') || v[^1] == '-' || v.ContainsAnyExcept(s_kebabChars) || v.Length > 63)
        {
            return false;
        }

        Span<char> norm = stackalloc char[64];
        int n = NormalizeName(name, norm);
        var key = norm[..n];
        return key.EndsWith("existingsecret", StringComparison.Ordinal) || key.EndsWith("passwordsecret", StringComparison.Ordinal)
            || key.EndsWith("tokensecret", StringComparison.Ordinal) || key.EndsWith("credentialssecret", StringComparison.Ordinal)
            || key.EndsWith("keysecret", StringComparison.Ordinal);
    }
}
