namespace BotBottle.Dlp;

/// <summary>
/// Passwords on command lines that name no credential key (r23 reach round of the DLP issue): a literal piped into a
/// client's <c>--password-stdin</c>, <c>htpasswd</c>'s batch-mode password argument, and a secret stored by name with
/// <c>--value</c> / <c>--body</c>. Since the r24 reach round also a secret stored by a CLI's positional
/// <c>set NAME VALUE</c>, a literal piped or fed as a here-string / here-document into a command that reads a secret
/// from standard input (<c>wrangler secret put NAME</c>, <c>gh secret set NAME</c>), and macOS <c>security
/// add-generic-password … -w …</c>. Since the r25 reach round also programs that read a password from standard input
/// (<c>chpasswd</c>, <c>passwd --stdin</c>, <c>vncpasswd -f</c>, the doubled literal of <c>passwd</c> / <c>smbpasswd
/// -s</c>), fish's <c>set -gx NAME VALUE</c>, positional passwords of administration commands (<c>mysqladmin</c>,
/// <c>rabbitmqctl</c>, Redis' <c>requirepass</c>, <c>openssl passwd</c>, Expect's <c>send</c>), and the run-start forms
/// at the end of this file (Samba, lftp, FreeRDP, schtasks, <c>REDISCLI_AUTH</c>).
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
        bool pairs = false, twice = false;
        if (SecretVerbName(t, ns, ne, "put", out _, out int afterName) || SecretVerbName(t, ns, ne, "set", out _, out afterName))
        {
            ne = afterName; // wrangler secret put OPENAI_KEY: any name after the verb (the search hit "secret")
        }
        else if (!(ne - ns == 16 && t[ns..ne].Equals("--password-stdin", StringComparison.Ordinal)) && !IsStdinSecretName(t, ns)
            && !IsStdinPasswordProgram(t, ns, ne, out pairs, out twice))
        {
            return false;
        }

        if (HereString(t, ne, out vs, out ve))
        {
            return !pairs || PasswordOfPair(t, ref vs, ve); // … --password-stdin <<< '…', wrangler secret put NAME <<EOF
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

        if (line[(pipe + 1)..].ContainsAny(';', '&', '|'))
        {
            return false; // the pipe feeds another command: echo … | grep x; passwd --stdin alice (r25)
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
        if (!(before.IsEmpty || before[^1] is '"' or '$' or ';' or '&' or '(' || (before.Length >= 2 && before[^2] == '\\' && before[^1] == 'n')
            || before.EndsWith("RUN", StringComparison.Ordinal) || before[^1] is '-' or ':')) // a Dockerfile's RUN, a YAML list item or key (cloud-init runcmd, Ansible shell:) (r25)
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

        var pipeline = line[..pipe];
        bool subshell = pipeline.Contains("(echo ", StringComparison.Ordinal) || pipeline.Contains("( echo ", StringComparison.Ordinal);
        int argStart = head[word..].Length - arg.Length;
        if (arg.Length > 2 && arg[^1] == ')' && subshell)
        {
            arg = arg[..^1].TrimEnd(); // (echo '…'; echo '…') | smbpasswd -s -a user: the subshell's last echo (r25)
        }

        int open = arg.Length >= 4 && arg[0] == '\\' && arg[1] == '"' && arg[^2] == '\\' && arg[^1] == '"' ? 2 : 0; // \"…\" in a JSON string
        bool quoted = open == 2 || (arg.Length >= 2 && arg[0] is '\'' or '"' && arg[^1] == arg[0]);
        open = open == 2 ? 2 : quoted ? 1 : 0;
        var v = arg[open..^open];
        if (twice)
        {
            // the new password twice, for the prompt and its confirmation: echo -e "…\n…" | passwd, printf '…\n…\n' | smbpasswd -s
            string lineBreak = v.Contains("\\\\n", StringComparison.Ordinal) ? "\\\\n" : "\\n"; // \n, or \\n inside a JSON string
            int twin = v.IndexOf(lineBreak, StringComparison.Ordinal);
            var second = twin > 0 ? v[(twin + lineBreak.Length)..] : default;
            second = second.EndsWith(lineBreak, StringComparison.Ordinal) ? second[..^lineBreak.Length] : second;
            bool doubled = twin > 0 && second.SequenceEqual(v[..twin]);
            if (!doubled && !subshell)
            {
                return false;
            }

            v = doubled ? v[..twin] : v;
        }

        if (v.Length is < 8 or > 256 || v.ContainsAny(' ', '\t') || (v.Contains('$') && arg[0] != '\'') || (!quoted && v.ContainsAny('\'', '"', '`')) || !LooksDrawn(v) || !IsSecretValue(v, quoted: true))
        {
            return false;
        }

        vs = from + c + word + argStart + open;
        ve = vs + v.Length;
        return !pairs || PasswordOfPair(t, ref vs, ve);
    }

    /// <summary>
    /// Is <paramref name="ns"/>..<paramref name="ne"/> a program that reads a password from standard input (r25 reach
    /// round)? <c>chpasswd</c> ("reads a list of user name and password pairs from standard input", <c>user:password</c>
    /// per line, chpasswd(8): <paramref name="pairs"/> is then true), <c>passwd --stdin</c> (Red Hat's passwd(1): "read the
    /// new password from standard input") and <c>vncpasswd -f</c> (TigerVNC's vncpasswd(1): "Filter mode. Read a
    /// plain-text password from stdin"). The program must be a word (after a blank, <c>|</c>, <c>/</c> or the start).
    /// </summary>
    private static bool IsStdinPasswordProgram(ReadOnlySpan<char> t, int ns, int ne, out bool pairs, out bool twice)
    {
        ns = AfterEscapeLetter(t, ns);
        var name = t[ns..ne];
        pairs = name.SequenceEqual("chpasswd");
        twice = false;
        if (ns > 0 && t[ns - 1] is not (' ' or '|' or '/' or '\t' or '(' or ';' or '"' or '\\'))
        {
            return false;
        }

        var rest = t[ne..Math.Min(t.Length, ne + 24)];
        int eol = rest.IndexOfAny('\n', '\r', ';');
        rest = eol < 0 ? rest : rest[..eol];
        if (pairs || (name.SequenceEqual("passwd") && rest.StartsWith(" --stdin", StringComparison.Ordinal))
            || (name.SequenceEqual("vncpasswd") && rest.StartsWith(" -f", StringComparison.Ordinal)))
        {
            return true;
        }

        // passwd and Samba's smbpasswd -s read the new password and its confirmation from a pipe (smbpasswd(8): "-s
        // … reads the old and new passwords from standard input"): only the doubled literal counts
        twice = name.SequenceEqual("passwd") || (name.SequenceEqual("smbpasswd") && (rest.Contains(" -s", StringComparison.Ordinal) || rest.Contains(" -as", StringComparison.Ordinal)));
        return twice;
    }

    /// <summary>The password of a <c>user:password</c> pair at <paramref name="vs"/>..<paramref name="ve"/> (chpasswd's input): moves <paramref name="vs"/> past the first <c>:</c>; false without one, with a user name that is no name, or with a password that does not look drawn (<see cref="LooksDrawn"/>).</summary>
    private static bool PasswordOfPair(ReadOnlySpan<char> t, ref int vs, int ve)
    {
        int colon = t[vs..ve].IndexOf(':');
        if (colon < 1 || ve - (vs + colon + 1) < 6 || t[vs..(vs + colon)].ContainsAnyExcept(s_userNameChars)
            || !LooksDrawn(t[(vs + colon + 1)..ve]) || !IsSecretValue(t[(vs + colon + 1)..ve], quoted: true))
        {
            return false;
        }

        vs += colon + 1;
        return true;
    }

    /// <summary>The characters of a Unix user name (useradd(8): letters, digits, <c>_ - .</c>, and <c>$</c> at the end of a machine account).</summary>
    private static readonly System.Buffers.SearchValues<char> s_userNameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.$");

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

    /// <summary>
    /// Does the credential name at <paramref name="ns"/> follow a command that reads the secret's value from standard
    /// input? Cloudflare's <c>wrangler secret put NAME</c> ("the secret value is read from standard input",
    /// https://developers.cloudflare.com/workers/wrangler/commands/#secret-put), GitHub's <c>gh secret set NAME</c>
    /// without <c>--body</c> ("reads from standard input", https://cli.github.com/manual/gh_secret_set) and Vercel's
    /// <c>vercel env add NAME [environment]</c> (https://vercel.com/docs/cli/env).
    /// </summary>
    private static bool IsStdinSecretName(ReadOnlySpan<char> t, int ns)
    {
        int b = ns - (ns > 0 && t[ns - 1] is '"' or '\'' ? 1 : 0);
        if (b < 8 || t[b - 1] != ' ')
        {
            return false;
        }

        var head = t[Math.Max(0, b - 12)..(b - 1)];
        return head.EndsWith("secret put", StringComparison.Ordinal) || head.EndsWith("secret set", StringComparison.Ordinal)
            || head.EndsWith(" env add", StringComparison.Ordinal);
    }

    /// <summary>
    /// Is the search hit <paramref name="ns"/>..<paramref name="ne"/> the word <c>secret</c> or <c>secrets</c> of a
    /// command that stores a named secret (<c>wrangler secret put NAME</c>, <c>doppler secrets set NAME …</c>), followed by
    /// <paramref name="verb"/> and the name (an environment variable's or a config key's characters, 1–64, optionally
    /// quoted)? <paramref name="nameStart"/>..<paramref name="nameEnd"/> is the name (inside its quotes).
    /// </summary>
    private static bool SecretVerbName(ReadOnlySpan<char> t, int ns, int ne, string verb, out int nameStart, out int nameEnd)
    {
        nameStart = nameEnd = 0;
        var w = t[ns..ne];
        if (!(w.SequenceEqual("secret") || w.SequenceEqual("secrets")) || ne + verb.Length + 3 > t.Length || t[ne] != ' '
            || !t[(ne + 1)..].StartsWith(verb, StringComparison.Ordinal) || t[ne + 1 + verb.Length] != ' ')
        {
            return false;
        }

        int s = SkipBlanks(t, ne + 2 + verb.Length);
        s += s < t.Length && t[s] is '"' or '\'' ? 1 : 0;
        int e = s;
        while (e < t.Length && e - s < 64 && (IsNameChar(t[e]) || t[e] == ':'))
        {
            e++;
        }

        (nameStart, nameEnd) = (s, e);
        return e > s && e - s < 64 && t[s] != '-'
            && !t[s..e].Contains("PUBLIC", StringComparison.OrdinalIgnoreCase) && !t[s..e].Contains("PUBLISHABLE", StringComparison.OrdinalIgnoreCase); // NEXT_PUBLIC_…, a publishable key (r24 review)
    }

    /// <summary>
    /// A literal fed to the command (whose option or secret name ends at <paramref name="ne"/>) as a here-string
    /// (<c>&lt;&lt;&lt; '…'</c>, Bash Reference Manual §3.6.7) or a one-line here-document (<c>&lt;&lt;EOF</c>, the
    /// literal alone on the next line, then the delimiter; §3.6.6), later on the same line. The literal must look drawn
    /// (<see cref="LooksDrawn"/>) and have a quoted secret's shape.
    /// </summary>
    private static bool HereString(ReadOnlySpan<char> t, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        var rest = t[ne..Math.Min(t.Length, ne + 200)];
        int nl = rest.IndexOfAny('\n', '\r'), esc = rest.IndexOf("\\n", StringComparison.Ordinal);
        bool escaped = esc >= 0 && (nl < 0 || esc < nl); // the command inside a JSON string: its line breaks are \n
        int lineEnd = escaped ? esc : nl;
        var line = lineEnd < 0 ? rest : rest[..lineEnd];
        int stop = line.IndexOfAny(';', '&', '|');
        line = stop < 0 ? line : line[..stop]; // the here-string must feed this command, not a later one (r24 review)
        int h = line.IndexOf("<<", StringComparison.Ordinal);
        if (h < 0 || line[..h].Contains('<'))
        {
            return false; // an input redirect (< file) feeds it
        }

        if (h + 2 < line.Length && line[h + 2] == '<')
        {
            if (!ShellWordAt(t, SkipBlanks(t, ne + h + 3), out vs, out ve, out _))
            {
                return false;
            }
        }
        else
        {
            // <<EOF, <<'EOF', <<"EOF", <<-EOF: the delimiter word, then the literal on the next line and the delimiter alone after it
            var d = line[(h + 2)..].TrimStart('-').Trim().Trim('\\').Trim('\'').Trim('"').TrimEnd('\\');
            if (d.IsEmpty || d.Length > 24 || !IsDelimiterWord(d) || lineEnd < 0)
            {
                return false;
            }

            int s = ne + lineEnd + (escaped || (t[ne + lineEnd] == '\r' && ne + lineEnd + 1 < t.Length && t[ne + lineEnd + 1] == '\n') ? 2 : 1);
            int e = s;
            while (e < t.Length && e - s <= 257 && !(escaped ? t[e] == '\\' && e + 1 < t.Length && t[e + 1] is 'n' or 'r' : t[e] is '\n' or '\r'))
            {
                e++;
            }

            int after = escaped || (e + 1 < t.Length && t[e] == '\r' && t[e + 1] == '\n') ? e + 2 : e + 1;
            if (e >= t.Length || after > t.Length || !SkipTabs(t[after..]).TrimStart(' ').StartsWith(d, StringComparison.Ordinal))
            {
                return false;
            }

            (vs, ve) = (e - SkipTabs(t[s..e]).Length, e); // <<-EOF strips leading tabs (Bash Reference Manual §3.6.6)
        }

        var v = t[vs..ve];
        return v.Length is >= 8 and <= 256 && v[0] != '$' && !v.ContainsAny(' ', '\t') && LooksDrawn(v) && IsSecretValue(v, quoted: true);
    }

    /// <summary>The text after its leading tabs, raw or JSON-escaped (<c>\t</c>).</summary>
    private static ReadOnlySpan<char> SkipTabs(ReadOnlySpan<char> s)
    {
        while (!s.IsEmpty && (s[0] == '\t' || (s.Length > 1 && s[0] == '\\' && s[1] == 't')))
        {
            s = s[(s[0] == '\t' ? 1 : 2)..];
        }

        return s;
    }

    /// <summary>A here-document's delimiter as scripts write it: letters, digits and <c>_</c> (<c>EOF</c>, <c>END_OF_SECRET</c>).</summary>
    private static bool IsDelimiterWord(ReadOnlySpan<char> d)
    {
        foreach (char c in d)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// One shell word at <paramref name="s"/>: quoted (<c>'…'</c>, <c>"…"</c>, also with JSON-escaped quotes <c>\"…\"</c>
    /// inside a JSON string) or bare (up to a blank, <c>; | &amp;</c>, a quote or a backslash); 1–256 characters on one
    /// line. <paramref name="vs"/>..<paramref name="ve"/> is the word without its quotes; <paramref name="end"/> is past
    /// the closing quote.
    /// </summary>
    private static bool ShellWordAt(ReadOnlySpan<char> t, int s, out int vs, out int ve, out int end)
    {
        vs = ve = end = 0;
        bool escaped = s + 1 < t.Length && t[s] == '\\' && t[s + 1] == '"';
        s += escaped ? 1 : 0;
        if (s >= t.Length)
        {
            return false;
        }

        char q = t[s] is '"' or '\'' ? t[s] : '\0';
        s += q == '\0' ? 0 : 1;
        int e = s;
        while (e < t.Length && e - s <= 257 && (q == '\0' ? t[e] > ' ' && t[e] is not (';' or '|' or '&' or '"' or '\'' or '\\' or '`') : t[e] != q && t[e] != '\n'))
        {
            e++;
        }

        if (q != '\0' && (e >= t.Length || t[e] != q || (escaped && t[e - 1] != '\\')))
        {
            return false;
        }

        end = q == '\0' ? e : e + 1;
        e -= escaped ? 1 : 0;
        (vs, ve) = (s, e);
        return e > s && e - s <= 256;
    }

    /// <summary>
    /// A secret stored by a CLI's positional <c>set NAME VALUE</c> (r24 reach round): <c>npm config set
    /// //registry.npmjs.org/:_authToken …</c> (https://docs.npmjs.com/cli/commands/npm-config; also <c>pnpm</c>),
    /// <c>yarn config set npmAuthToken …</c> (https://yarnpkg.com/cli/config/set), <c>aws configure set
    /// aws_secret_access_key …</c> (https://docs.aws.amazon.com/cli/latest/reference/configure/set.html), <c>dotnet
    /// user-secrets set "Stripe:SecretKey" "…"</c> (https://learn.microsoft.com/aspnet/core/security/app-secrets),
    /// <c>doppler secrets set API_KEY "…"</c> (https://docs.doppler.com/docs/cli), <c>netlify env:set API_SECRET …</c>
    /// (https://cli.netlify.com/commands/env/) and <c>git config [--global] github.token …</c> (git-config(1): <c>git
    /// config [&lt;file-option&gt;] &lt;name&gt; &lt;value&gt;</c>). The name (its config path, quotes) follows the verb
    /// and up to three options; the value is the next word, which must look drawn (<see cref="LooksDrawn"/>; a UUID
    /// under an <c>…authToken</c> name: npm's legacy tokens) and end the command or precede an option.
    /// </summary>
    private static bool TrySetCommandValue(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        bool verb = SecretVerbName(t, ns, ne, "set", out int vns, out int vne); // doppler secrets set OPENAI_KEY …: the hit is the verb
        (ns, ne) = verb ? (vns, vne) : (ns, ne);
        int b = ns;
        while (b > 0 && ns - b < 128 && (IsNameChar(t[b - 1]) || t[b - 1] is '/' or ':'))
        {
            b--; // //registry.npmjs.org/:_authToken, Stripe:SecretKey
        }

        bool escaped = b > 1 && t[b - 1] == '"' && t[b - 2] == '\\';
        char q = b > 0 && t[b - 1] is '"' or '\'' ? t[b - 1] : '\0';
        b -= q == '\0' ? 0 : escaped ? 2 : 1;
        int n = ne;
        if (q != '\0')
        {
            n += escaped && ne + 1 < t.Length && t[ne] == '\\' ? 1 : 0;
            if (n >= t.Length || t[n] != q)
            {
                return false;
            }

            n++;
        }

        if (b < 5 || n >= t.Length || t[b - 1] != ' ' || t[n] != ' ' || !(verb || ((t[b - 2] is 't' or 'g' || OptionBefore(t, b - 1)) && SetVerbBefore(t, b - 1))))
        {
            return false;
        }

        if (!ShellWordAt(t, SkipBlanks(t, n), out vs, out ve, out int end) || t[vs] is '$' or '-' || ve - vs is < 8)
        {
            return false;
        }

        // the command ends after the value (or an option follows it)
        int k = SkipBlanks(t, end);
        if (!(k >= t.Length || t[k] is '\n' or '\r' or ';' or '&' or '|' or '#' or ')' or '-' or '"' or '`' or '>' || (t[k] == '\\' && k + 1 < t.Length && t[k + 1] is 'n' or 'r' or '"')
            || (k + 1 < t.Length && t[k] is '1' or '2' && t[k + 1] == '>'))) // … 2>/dev/null
        {
            return false;
        }

        var v = t[vs..ve];
        bool uuid = IsUuidShape(v) && v.ContainsAnyInRange('a', 'f') && t[ns..ne].EndsWith("authToken", StringComparison.OrdinalIgnoreCase); // not the nil UUID
        return (uuid || LooksDrawn(v)) && IsSecretValue(v, quoted: true);
    }

    /// <summary>
    /// Does <paramref name="before"/> end where a command starts: at the start of its line (after blanks), after
    /// <c>;</c> <c>&amp;</c> <c>|</c> <c>(</c> <c>{</c>, a prompt's <c>$</c> or <c>&gt;</c>, a JSON string's opening quote
    /// or an escaped line break (<c>\n</c>)?
    /// </summary>
    private static bool IsCommandStart(ReadOnlySpan<char> before)
    {
        int nl = before.LastIndexOfAny('\n', '\r');
        var b = before[(nl + 1)..].TrimEnd(" \t");

        // a prompt's '>': a shell's (~/src/app>, PS C:\>), not a REPL's whose set is its own command (redis-cli's
        // 127.0.0.1:6379> set key value, review)
        return b.IsEmpty || b[^1] is ';' or '&' or '|' or '(' or '{' or '$' or '"' || (b.Length >= 2 && b[^2] == '\\' && b[^1] == 'n')
            || (b[^1] == '>' && !(b.Length >= 2 && char.IsAsciiDigit(b[^2])) && !b.Contains("redis", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Does an option word (<c>--global</c>, <c>-g</c>) end at the blank <paramref name="j"/>? At most 24 characters back.</summary>
    private static bool OptionBefore(ReadOnlySpan<char> t, int j)
    {
        int k = j - 1;
        while (k > 0 && j - k < 24 && t[k] is not (' ' or '\n'))
        {
            k--;
        }

        return k > 0 && t[k] == ' ' && t[k + 1] == '-';
    }

    /// <summary>
    /// Does a verb that stores a named value end at <paramref name="j"/> (the blank before the name), after up to three
    /// options (<c>--global</c>, <c>--location=user</c>)? <c>config set</c>, <c>configure set</c>, <c>user-secrets set</c>,
    /// <c>secrets set</c>, <c>env:set</c>, and <c>git config</c>; since the r25 reach round the shell's own <c>set</c> at a
    /// command's start (fish's <c>set -gx NAME VALUE</c>), without fish's <c>-e</c>/<c>-q</c>/<c>-n</c>/<c>-S</c>/<c>-L</c>.
    /// </summary>
    private static bool SetVerbBefore(ReadOnlySpan<char> t, int j)
    {
        var line = t[Math.Max(0, j - 96)..j];
        bool assigns = true; // fish's set: no option that erases, queries or lists
        for (int options = 0; options <= 3; options++)
        {
            line = line.TrimEnd(' ');
            int w = line.LastIndexOf(' ') + 1;
            var word = line[w..];
            if (word.StartsWith('-') && word.Length > 1)
            {
                assigns &= word.StartsWith("--", StringComparison.Ordinal)
                    ? !(word.SequenceEqual("--erase") || word.SequenceEqual("--query") || word.SequenceEqual("--names") || word.SequenceEqual("--show") || word.SequenceEqual("--long"))
                    : !word[1..].ContainsAny("eqnSL");
                line = line[..w];
                continue;
            }

            if (word.SequenceEqual("env:set"))
            {
                return true;
            }

            if (assigns && word.EndsWith("set", StringComparison.Ordinal) && IsCommandStart(word.Length == 3 ? line[..w] : word[..^3]))
            {
                return true; // fish's set [-gx] NAME VALUE (r25; https://fishshell.com/docs/current/cmds/set.html), Tcl's set
            }

            var before = SkipOptionsBack(line[..w].TrimEnd(' ')); // npm config --global set, dotnet user-secrets --project src/Api set, git -C dir config
            return (word.SequenceEqual("set") && (before.EndsWith("config", StringComparison.Ordinal) || before.EndsWith("configure", StringComparison.Ordinal) || before.EndsWith("npm", StringComparison.Ordinal)
                    || before.EndsWith("user-secrets", StringComparison.Ordinal) || before.EndsWith("secrets", StringComparison.Ordinal)))
                || (word.SequenceEqual("config") && before.EndsWith("git", StringComparison.Ordinal) && (before.Length == 3 || before[^4] is ' ' or '/' or '"' or '\t' or '\n'));
        }

        return false;
    }

    /// <summary>
    /// <paramref name="s"/> without the options at its end, up to three: words starting with <c>-</c>, and a word right
    /// after such an option that has no <c>=</c> (its argument: <c>--project src/Api</c>, <c>-C ~/src/app</c>).
    /// </summary>
    private static ReadOnlySpan<char> SkipOptionsBack(ReadOnlySpan<char> s)
    {
        for (int n = 0; n < 3; n++)
        {
            int w = s.LastIndexOf(' ') + 1;
            var word = s[w..];
            var rest = s[..w].TrimEnd(' ');
            int v = rest.LastIndexOf(' ') + 1;
            if (word.Length > 1 && word[0] == '-')
            {
                s = rest; // an option
            }
            else if (w > 0 && rest.Length - v > 1 && rest[v] == '-' && !rest[v..].Contains('=') && !word.IsEmpty && word[0] != '-')
            {
                s = rest[..v].TrimEnd(' '); // an option and its argument
            }
            else
            {
                break;
            }
        }

        return s;
    }

    /// <summary>
    /// The password of macOS's <c>security add-generic-password</c> / <c>add-internet-password</c> given with <c>-w
    /// password</c> (security(1): "-w password  Specify password to be added"; without an argument, at the end, it
    /// prompts). <paramref name="ns"/>..<paramref name="ne"/> is the subcommand, after <c>security </c>; the option is read
    /// on the same line within 300 characters.
    /// </summary>
    private static bool TryKeychainPassword(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        var name = t[ns..ne];
        if (!(name.SequenceEqual("add-generic-password") || name.SequenceEqual("add-internet-password")) || ns < 9
            || !t[(ns - 9)..ns].SequenceEqual("security "))
        {
            return false;
        }

        var rest = t[ne..Math.Min(t.Length, ne + 300)];
        int nl = rest.IndexOfAny('\n', '\r');
        rest = nl < 0 ? rest : rest[..nl];
        int w = rest.IndexOf(" -w", StringComparison.Ordinal);
        if (w < 0 || ne + w + 3 >= t.Length || !ShellWordAt(t, SkipBlanks(t, ne + w + 3), out vs, out ve, out _) || t[vs] is '$' or '-' || ve - vs < 8)
        {
            return false;
        }

        // -w is always the password: a person's (Summer2024!) counts as well as a drawn one
        var v = t[vs..ve];
        return (LooksDrawn(v) || (v.ContainsAnyInRange('0', '9') && (v.ContainsAnyInRange('a', 'z') || v.ContainsAnyInRange('A', 'Z')))) && IsSecretValue(v, quoted: true);
    }
}

/// <summary>
/// r25 reach round: passwords on Windows and Samba command lines whose value is a token run reached from the run-start
/// gates (<see cref="DlpEngine"/>'s <c>TenthRunStart</c> and <c>CheckRunContext</c>): no credential word comes before
/// them, so the key search cannot find them.
/// </summary>
internal static partial class ContextRules
{
    /// <summary>The Samba programs that take <c>-U user%password</c> (Samba's common options, smbclient(1): "-U|--user=[DOMAIN\]USERNAME[%PASSWORD]").</summary>
    private static readonly string[] s_sambaPrograms = ["smbclient", "rpcclient", "smbcacls", "smbget", "smbtree", "samba-tool", "winexe", "net "];

    /// <summary>
    /// The password of <c>smbclient … -U user%password</c> (also <c>--user=</c>; the other Samba tools of
    /// <see cref="s_sambaPrograms"/>) or <c>lftp -u user,password</c> (lftp(1): "-u user[,pass]"), whose token run starts
    /// at <paramref name="rs"/> right after the <c>%</c> or <c>,</c>. Returns the value's end, or -1. The value must be a
    /// literal (<see cref="IsSecretValue"/>: not <c>$PASS</c>).
    /// </summary>
    internal static int UserPasswordOption(ReadOnlySpan<char> t, int rs)
    {
        int k = rs - 2;
        while (k > 0 && rs - k < 66 && (IsNameChar(t[k]) || t[k] is '\\' or '@'))
        {
            k--; // back over the user name (DOMAIN\user, user@realm)
        }

        k -= k > 3 && t[k] is '\'' or '"' && t[k - 1] == ' ' ? 1 : 0; // -U 'DOMAIN\user%password'
        bool samba = t[rs - 1] == '%';
        if (samba && t[k] == ' ' && k + 3 < rs && t[k + 1] == '-' && t[k + 2] == 'U')
        {
            k += 2; // -Ualice%password: the option glued to its argument
            return SambaProgram(t, k - 1) ? BareOptionValue(t, rs) : -1;
        }

        if (k < 3 || k == rs - 2 || !(t[k] == ' ' ? t[k - 1] == (samba ? 'U' : 'u') && t[k - 2] == '-' && t[k - 3] == ' '
            : samba && t[k] == '=' && k >= 7 && t[(k - 6)..k].SequenceEqual("--user") && t[k - 7] == ' '))
        {
            return -1;
        }

        if (samba ? !SambaProgram(t, k) : !SegmentProgram(t, k).StartsWith("lftp ", StringComparison.Ordinal))
        {
            return -1;
        }

        return BareOptionValue(t, rs);
    }

    /// <summary>Is the command holding <paramref name="at"/> one of <see cref="s_sambaPrograms"/>?</summary>
    private static bool SambaProgram(ReadOnlySpan<char> t, int at) => StartsWithAny(SegmentProgram(t, at), s_sambaPrograms);

    /// <summary>
    /// The value of <c>REDISCLI_AUTH=…</c>, the environment variable redis-cli reads its password from (redis-cli's
    /// documentation: "REDISCLI_AUTH environment variable"), whose token run starts at <paramref name="rs"/> after the
    /// <c>=</c>. Returns the value's end, or -1.
    /// </summary>
    internal static int RedisCliAuth(ReadOnlySpan<char> t, int rs)
    {
        const string Name = "REDISCLI_AUTH";
        int ns = rs - 1 - Name.Length;
        return ns >= 0 && t[ns..(rs - 1)].SequenceEqual(Name) && (ns == 0 || !IsNameChar(t[ns - 1])) ? BareOptionValue(t, rs) : -1;
    }

    /// <summary>
    /// The password of FreeRDP's <c>xfreerdp … /p:password</c> (FreeRDP's command-line reference: "/p:&lt;password&gt;
    /// Password"; also <c>wlfreerdp</c>, <c>sdl-freerdp</c>), whose token run starts at <paramref name="rs"/> after
    /// <c>/p:</c>. Returns the value's end, or -1.
    /// </summary>
    internal static int RdpPassword(ReadOnlySpan<char> t, int rs)
    {
        if (rs <= 4 || t[rs - 4] != ' ')
        {
            return -1;
        }

        // the program itself (msbuild FreeRDP.sln /p:Configuration=Release names FreeRDP, review): its word, path or .exe
        var program = ProgramWord(SegmentProgram(t, rs - 4));
        return program.SequenceEqual("xfreerdp") || program.SequenceEqual("xfreerdp3") || program.SequenceEqual("wlfreerdp") || program.SequenceEqual("sdl-freerdp")
            || program.SequenceEqual("sdl-freerdp3") || program.Equals("wfreerdp", StringComparison.OrdinalIgnoreCase)
            ? BareOptionValue(t, rs) : -1;
    }

    /// <summary>
    /// The password of <c>schtasks /create … /ru user /rp password</c> (Microsoft's schtasks create reference: "/rp
    /// Specifies the password of the user account"), whose token run starts at <paramref name="rs"/> after <c>/rp </c>
    /// (any case). Returns the value's end, or -1.
    /// </summary>
    internal static int SchtasksPassword(ReadOnlySpan<char> t, int rs) =>
        SegmentProgram(t, rs - 5).Contains("schtasks", StringComparison.OrdinalIgnoreCase) ? BareOptionValue(t, rs) : -1;

    /// <summary>A bare option value from <paramref name="s"/> to a blank or a quote (at most 256 characters) that is a literal secret (<see cref="IsSecretValue"/>); its end, or -1.</summary>
    private static int BareOptionValue(ReadOnlySpan<char> t, int s)
    {
        int e = BareWordEnd(t, s);
        return e - s is >= 8 and <= 256 && IsSecretValue(t[s..e], quoted: false) ? e : -1;
    }

    /// <summary>The end of a bare command-line word from <paramref name="s"/>: a blank, quote, separator (<see cref="IsBareValueEnd"/>), <c>|</c> or a backslash, after at most 257 characters.</summary>
    private static int BareWordEnd(ReadOnlySpan<char> t, int s)
    {
        int e = s;
        while (e < t.Length && e - s <= 256 && !IsBareValueEnd(t[e]) && t[e] is not ('|' or '\\'))
        {
            e++;
        }

        return e;
    }

    /// <summary>
    /// A password given positionally to an administration command whose word is the search hit
    /// <paramref name="ns"/>..<paramref name="ne"/> (r25 reach round): <c>mysqladmin … password '…'</c> (MySQL Reference
    /// Manual, mysqladmin: "password new_password"; since r26 also NetworkManager's <c>nmcli device wifi connect SSID
    /// password …</c>, nmcli(1)), <c>rabbitmqctl change_password user '…'</c> (rabbitmqctl(8)), Redis'
    /// <c>requirepass</c> at a line's start (redis.conf) or after <c>CONFIG SET</c>, <c>openssl passwd
    /// [-1|-5|-6|-apr1] [-salt s] '…'</c> (openssl-passwd(1): the password to hash), and an Expect script's <c>send
    /// "…\r"</c> on the line after an <c>expect "…password…"</c> (expect(1)). The value must look drawn
    /// (<see cref="LooksDrawn"/>): Redis' example <c>foobared</c> and <c>$PASS</c> are not values.
    /// </summary>
    private static bool TryAdminCommandPassword(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        ns = AfterEscapeLetter(t, ns);
        var name = t[ns..ne];
        if (ne + 2 >= t.Length)
        {
            return false;
        }

        int s;
        if (name.Equals("password", StringComparison.OrdinalIgnoreCase))
        {
            if (t[ne] is ' ' or '\t' && SegmentProgram(t, ns) is var program && (program.StartsWith("mysqladmin ", StringComparison.Ordinal)
                || ProgramWord(program).SequenceEqual("nmcli"))) // nmcli device wifi connect SSID password PASSWORD (nmcli(1), r26)
            {
                s = ne + 1;
            }
            else
            {
                return TryExpectSend(t, ns, ne, out vs, out ve);
            }
        }
        else if (name.SequenceEqual("change_password") && t[ne] == ' ' && SegmentProgram(t, ns).StartsWith("rabbitmqctl ", StringComparison.Ordinal))
        {
            if (!ShellWordAt(t, ne + 1, out _, out _, out int userEnd) || userEnd >= t.Length || t[userEnd] != ' ')
            {
                return false;
            }

            s = userEnd + 1;
        }
        else if (name.Equals("requirepass", StringComparison.OrdinalIgnoreCase) && t[ne] == ' '
            && (StartsLogicalLine(t, ns) > 0 || t[Math.Max(0, ns - 11)..ns].Equals("CONFIG SET ", StringComparison.OrdinalIgnoreCase)))
        {
            s = ne + 1;
        }
        else if (name.SequenceEqual("passwd") && t[ne] == ' ' && ns >= 8 && t[(ns - 8)..ns].SequenceEqual("openssl "))
        {
            s = ne + 1;
            for (int n = 0; n < 4 && s + 1 < t.Length && t[s] == '-'; n++)
            {
                int w = t[s..Math.Min(t.Length, s + 16)].IndexOf(' ');
                if (w < 0)
                {
                    return false;
                }

                bool takesArgument = t.Slice(s, w).SequenceEqual("-salt") || t.Slice(s, w).SequenceEqual("-in");
                s = SkipBlanks(t, s + w);
                if (takesArgument && ShellWordAt(t, s, out _, out _, out int argEnd))
                {
                    s = SkipBlanks(t, argEnd);
                }
            }
        }
        else
        {
            return false;
        }

        return ShellWordAt(t, SkipBlanks(t, s), out vs, out ve, out _) && ve - vs >= 6 && t[vs] != '$' && LooksDrawn(t[vs..ve]) && IsSecretValue(t[vs..ve], quoted: true);
    }

    /// <summary>
    /// The start of a name found at <paramref name="ns"/> without the letter of a JSON escape before it: a name's
    /// characters include letters, so <c>\nrequirepass</c> in a JSON string reads as the name <c>nrequirepass</c>.
    /// </summary>
    private static int AfterEscapeLetter(ReadOnlySpan<char> t, int ns) => ns > 0 && t[ns - 1] == '\\' && t[ns] is 'n' or 'r' or 't' ? ns + 1 : ns;

    /// <summary>
    /// An Expect script's answer to a password prompt (expect(1); r25): the hit is inside <c>expect "…password…"</c> (or
    /// <c>-re</c>), and the next line (a raw or JSON-escaped line break, then blanks) is <c>send "…"</c> (or <c>send --
    /// "…"</c>, <c>exp_send</c>); the literal ends at its closing quote or at the <c>\r</c> / <c>\n</c> that ends the answer.
    /// </summary>
    private static bool TryExpectSend(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        var before = t[Math.Max(0, ns - 48)..ns];
        int ex = before.LastIndexOf("expect ", StringComparison.Ordinal);
        if (ex < 0 || before[ex..].ContainsAny('\n', '\r') || before[ex..].Contains("\\n", StringComparison.Ordinal))
        {
            return false;
        }

        var after = t[ne..Math.Min(t.Length, ne + 64)];
        int nl = after.IndexOfAny('\n', '\r'), esc = after.IndexOf("\\n", StringComparison.Ordinal);
        int next = nl >= 0 && (esc < 0 || nl < esc) ? ne + nl + 1 : esc >= 0 ? ne + esc + 2 : -1;
        if (next < 0)
        {
            return false;
        }

        while (next < t.Length && (t[next] is ' ' or '\t' or '\n' or '\r' || (t[next] == '\\' && next + 1 < t.Length && t[next + 1] == 't')))
        {
            next += t[next] == '\\' ? 2 : 1;
        }

        var line = t[next..];
        int word = line.StartsWith("send ", StringComparison.Ordinal) ? 5 : line.StartsWith("exp_send ", StringComparison.Ordinal) ? 9 : 0;
        if (word == 0)
        {
            return false;
        }

        int s = SkipBlanks(t, next + word);
        if (t[s..].StartsWith("-- ", StringComparison.Ordinal))
        {
            s = SkipBlanks(t, s + 3);
        }

        s += s + 1 < t.Length && t[s] == '\\' && t[s + 1] == '"' ? 2 : s < t.Length && t[s] == '"' ? 1 : 0;
        if (s >= t.Length || t[s - 1] != '"')
        {
            return false;
        }

        int e = s;
        while (e < t.Length && e - s <= 256 && t[e] is not ('"' or '\\' or '\n' or '\r'))
        {
            e++;
        }

        if (e - s < 6 || e >= t.Length || !LooksDrawn(t[s..e]) || !IsSecretValue(t[s..e], quoted: true))
        {
            return false;
        }

        (vs, ve) = (s, e);
        return true;
    }
}
