namespace BotBottle.Dlp;

/// <summary>
/// Passwords on command lines that name no credential key (r23 reach round of the DLP issue): a literal piped into a
/// client's <c>--password-stdin</c>, <c>htpasswd</c>'s batch-mode password argument, and a secret stored by name with
/// <c>--value</c> / <c>--body</c>.
/// </summary>
internal static partial class ContextRules
{
    /// <summary>
    /// A password piped into a client that reads it from standard input: <c>echo 'Xk9…' | docker login -u me
    /// --password-stdin</c> (https://docs.docker.com/reference/cli/docker/login/#password-stdin; also <c>helm registry
    /// login</c>, <c>oras login</c>). <paramref name="ns"/>..<paramref name="ne"/> is the <c>--password-stdin</c> option;
    /// the pipeline's first command on its line must be <c>echo</c> or <c>printf</c> (flags <c>-n</c>, <c>-e</c> allowed;
    /// <c>printf</c>'s format when it holds <c>%s</c>)
    /// with one literal word, quoted or bare, that looks drawn (<see cref="LooksDrawn"/>): <c>echo "$CR_PAT" | …</c>
    /// and <c>cat ~/token | …</c> send no literal.
    /// </summary>
    private static bool TryPipedPassword(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        if (ne - ns != 16 || !t[ns..ne].Equals("--password-stdin", StringComparison.Ordinal))
        {
            return false;
        }

        int from = Math.Max(0, ns - 256);
        var line = t[from..ns];
        int nl = line.LastIndexOfAny('\n', '\r');
        from += nl + 1;
        line = line[(nl + 1)..];
        int pipe = line.IndexOf('|');
        if (pipe < 0)
        {
            return false;
        }

        // The pipeline's first command: echo or printf at the line's start, after a prompt, a JSON string's opening
        // quote or an escaped line break (tool output in a model request), or after ; && (.
        var head = line[..pipe].TrimEnd();
        int echo = head.LastIndexOf("echo ", StringComparison.Ordinal);
        int printf = head.LastIndexOf("printf ", StringComparison.Ordinal);
        int c = Math.Max(echo, printf);
        if (c < 0)
        {
            return false;
        }

        var before = head[..c].TrimEnd();
        if (!(before.IsEmpty || before[^1] is '"' or '$' or ';' or '&' or '(' || (before.Length >= 2 && before[^2] == '\\' && before[^1] == 'n')))
        {
            return false;
        }

        int word = c == echo ? 5 : 7;
        head = head[c..];
        var arg = head[word..].TrimStart();
        while (arg.Length > 3 && arg[0] == '-' && arg.IndexOf(' ') is int f and > 1 && !arg[1..f].ContainsAnyExcept("neE"))
        {
            arg = arg[(f + 1)..].TrimStart(); // echo -n, echo -ne
        }

        if (word == 7 && arg.IndexOf(' ') is int g and > 1 && arg[..g].Contains("%s", StringComparison.Ordinal))
        {
            arg = arg[(g + 1)..].TrimStart(); // printf '%s' '…', printf "%s\n" …: the format, then the literal
        }

        int open = arg.Length >= 4 && arg[0] == '\\' && arg[1] == '"' && arg[^2] == '\\' && arg[^1] == '"' ? 2 : 0; // \"…\" in a JSON string
        bool quoted = open == 2 || (arg.Length >= 2 && arg[0] is '\'' or '"' && arg[^1] == arg[0]);
        open = open == 2 ? 2 : quoted ? 1 : 0;
        var v = arg[open..^open];
        if (v.Length is < 8 or > 256 || v.ContainsAny(' ', '\t', '$') || (!quoted && v.ContainsAny('\'', '"', '`')) || !LooksDrawn(v) || !IsSecretValue(v, quoted: true))
        {
            return false;
        }

        vs = from + c + word + (head[word..].Length - arg.Length) + open;
        ve = vs + v.Length;
        return true;
    }

    /// <summary>
    /// The password argument of Apache's <c>htpasswd</c> in batch mode (<c>-b</c>: "the password is taken from the command
    /// line rather than prompting for it"; <c>htpasswd -b[cmBdpsDv] [-C cost] passwdfile username password</c> and
    /// <c>htpasswd -nb[mBdps] [-C cost] username password</c>,
    /// https://httpd.apache.org/docs/2.4/programs/htpasswd.html). <paramref name="ns"/>..<paramref name="ne"/> is the
    /// program's name; its options are read up to the third (with <c>-n</c>, the second) positional argument, quoted
    /// (also with JSON-escaped quotes) or bare, 6–256 characters of a quoted secret's shape that looks drawn
    /// (<see cref="LooksDrawn"/>: <c>password123</c> and <c>"$PASS"</c> are not).
    /// </summary>
    private static bool TryHtpasswd(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        if (ne - ns != 8 || !t[ns..ne].Equals("htpasswd", StringComparison.Ordinal) || ne >= t.Length || t[ne] != ' '
            || (ns > 0 && !(t[ns - 1] is ' ' or '\t' or '\n' or '/' or '(' or ';' or '|' or '&' or '"' or '\'' or '`')))
        {
            return false;
        }

        bool batch = false, stdout = false, takesValue = false;
        int positional = 0, i = ne;
        for (int words = 0; words < 10; words++)
        {
            i = SkipBlanks(t, i);
            if (i >= t.Length || t[i] is '\n' or '\r' or ';' or '|' or '&' or '>')
            {
                return false;
            }

            // a word: bare, quoted, or quoted with JSON-escaped quotes (\"…\": the command inside a JSON string)
            bool escaped = t[i] == '\\' && i + 1 < t.Length && t[i + 1] == '"';
            i += escaped ? 1 : 0;
            int s = i;
            char q = t[i] is '\'' or '"' ? t[i] : '\0';
            int e = q == '\0' ? i : i + 1;
            while (e < t.Length && e - s <= 257 && (q == '\0' ? t[e] > ' ' && t[e] is not (';' or '|' or '&' or '`' or '"' or '\\') : t[e] != q && t[e] != '\n'))
            {
                e++;
            }

            if (q != '\0' && (e >= t.Length || t[e] != q || (escaped && t[e - 1] != '\\')))
            {
                return false;
            }

            i = q == '\0' ? e : e + 1;
            e -= escaped ? 1 : 0;
            if (takesValue)
            {
                takesValue = false;
                continue;
            }

            if (q == '\0' && t[s] == '-' && e - s >= 2)
            {
                var flags = t[(s + 1)..e];
                batch |= flags.Contains('b');
                stdout |= flags.Contains('n');
                takesValue = flags[^1] is 'C' or 'r'; // -C cost, -r rounds
                continue;
            }

            positional++;
            if (positional == (stdout ? 2 : 3))
            {
                (vs, ve) = q == '\0' ? (s, e) : (s + 1, e);
                return batch && ve - vs is >= 6 and <= 256 && t[vs] != '$' && LooksDrawn(t[vs..ve]) && IsSecretValue(t[vs..ve], quoted: true);
            }
        }

        return false;
    }

    /// <summary>
    /// A secret stored from the command line, its name an option's argument and its value another option's: Azure's
    /// <c>az keyvault secret set --name db-password --value "…"</c>
    /// (https://learn.microsoft.com/cli/azure/keyvault/secret#az-keyvault-secret-set), AWS's <c>aws ssm put-parameter
    /// --name /prod/db/password --value "…"</c> (https://docs.aws.amazon.com/cli/latest/reference/ssm/put-parameter.html),
    /// GitHub's <c>gh secret set API_TOKEN --body "…"</c> (https://cli.github.com/manual/gh_secret_set). The name follows
    /// <c>--name</c>, <c>-n</c> or <c>set</c> (a parameter path's last segment counts); <c>--value</c>, <c>--body</c> or
    /// <c>-b</c> follows on the same line within 200 characters, and its argument (quoted or bare) must look drawn
    /// (<see cref="LooksDrawn"/>).
    /// </summary>
    private static bool TryNamedOptionValue(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        int b = ns;
        while (b > 0 && ns - b < 128 && (IsNameChar(t[b - 1]) || t[b - 1] == '/'))
        {
            b--; // /prod/db/password
        }

        b -= b > 0 && t[b - 1] is '"' or '\'' ? 1 : 0;
        if (b < 1 || t[b - 1] is not (' ' or '='))
        {
            return false;
        }

        var head = t[Math.Max(0, b - 7)..(b - 1)];
        if (!(head.EndsWith("--name", StringComparison.Ordinal) || head.EndsWith(" -n", StringComparison.Ordinal) || head.EndsWith(" set", StringComparison.Ordinal)))
        {
            return false;
        }

        var rest = t[ne..Math.Min(t.Length, ne + 200)];
        int nl = rest.IndexOfAny('\n', '\r');
        rest = nl < 0 ? rest : rest[..nl];
        int o = -1, skip = 0;
        foreach (var option in (ReadOnlySpan<string>)[" --value", " --body", " -b"])
        {
            int k = rest.IndexOf(option, StringComparison.Ordinal);
            if (k >= 0 && k + option.Length < rest.Length && rest[k + option.Length] is ' ' or '=' && (o < 0 || k < o))
            {
                (o, skip) = (k, option.Length + 1);
            }
        }

        if (o < 0)
        {
            return false;
        }

        int s = SkipBlanks(t, ne + o + skip);
        bool escaped = s + 1 < t.Length && t[s] == '\\' && t[s + 1] == '"'; // --value \"…\" in a JSON string
        s += escaped ? 1 : 0;
        char q = s < t.Length && t[s] is '"' or '\'' ? t[s] : '\0';
        s += q == '\0' ? 0 : 1;
        int e = s;
        while (e < t.Length && e - s <= 257 && (q == '\0' ? t[e] > ' ' && t[e] is not (';' or '|' or '&' or '"' or '\'' or '\\') : t[e] != q && t[e] != '\n'))
        {
            e++;
        }

        if (q != '\0' && (e >= t.Length || t[e] != q || (escaped && t[e - 1] != '\\')))
        {
            return false;
        }

        e -= escaped ? 1 : 0;
        if (e - s is < 8 or > 256 || t[s] == '$')
        {
            return false;
        }

        var v = t[s..e];
        if (!LooksDrawn(v) || !IsSecretValue(v, quoted: true))
        {
            return false;
        }

        (vs, ve) = (s, e);
        return true;
    }
}
