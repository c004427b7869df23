namespace BotBottle.Dlp;

/// <summary>
/// r26 reach round of the DLP issue: passwords given to administration commands as positional arguments, with no
/// option and no credential word before them, reached from the token-run starts the scan already visits (a run of 16+
/// characters after a blank or after a quote that follows a blank; <see cref="DlpEngine"/>'s <c>CheckRunContext</c>):
/// <c>net user NAME PASSWORD</c>, <c>net use \\server\share PASSWORD</c>, <c>smbclient //server/share PASSWORD</c>,
/// <c>rabbitmqctl add_user NAME PASSWORD</c>, <c>wpa_passphrase SSID PASSPHRASE</c>, <c>vault login TOKEN</c>, Oracle's
/// <c>sqlplus user/password@db</c>, <c>rclone config create … pass PASSWORD</c>, <c>mkpasswd … PASSWORD</c>, an ftp
/// script's <c>user NAME PASSWORD</c>; and Jenkins' <c>-auth user:token</c>. The previous one or two words decide; the
/// command's program is read only when they match.
/// </summary>
internal static partial class ContextRules
{
    /// <summary>
    /// A positional password whose shell word (bare, or quoted: <c>'…'</c>, <c>"…"</c>, <c>\"…\"</c> in a JSON string)
    /// starts at <paramref name="word"/>, right after a blank. The words before it decide (each form's source):
    /// <list type="bullet">
    /// <item><c>net user NAME PASSWORD</c> and <c>net use [DEVICE] \\server\share PASSWORD</c> / <c>… /user:NAME
    /// PASSWORD</c> (Microsoft's Net user and Net use references: "net user [&lt;UserName&gt; {&lt;Password&gt; | *}]", "net use
    /// … [{&lt;Password&gt; | *}]").</item>
    /// <item><c>smbclient //server/share PASSWORD</c> (smbclient(1): "smbclient {servicename} [password]").</item>
    /// <item><c>rabbitmqctl add_user NAME PASSWORD</c> (rabbitmqctl(8): "add_user username password").</item>
    /// <item><c>wpa_passphrase SSID PASSPHRASE</c> (wpa_passphrase(8)).</item>
    /// <item><c>vault login TOKEN</c> / <c>bao login TOKEN</c> (Vault's CLI reference, "vault login [options] [AUTH
    /// K=V...]": a token as the argument; <see cref="VaultLegacyToken"/> for <c>s.…</c>).</item>
    /// <item>Oracle's <c>sqlplus [-s] user/password[@connect]</c>, also <c>sqlldr</c>, <c>expdp</c>, <c>impdp</c>,
    /// <c>dgmgrl</c> and <c>rman target|catalog|auxiliary user/password@db</c> (SQL*Plus User's Guide, "SQLPLUS
    /// [[option] [logon]]", logon "username[/password][@connect_identifier]").</item>
    /// <item><c>rclone config create|update|password NAME … pass PASSWORD</c> and the other secret keys of its
    /// key/value pairs (rclone config create: "rclone config create name type [key value]*").</item>
    /// <item><c>mkpasswd [-m METHOD] [-S SALT] [-R ROUNDS] PASSWORD</c> (mkpasswd(1) of whois).</item>
    /// <item>An ftp script's <c>user NAME PASSWORD</c> at a line's start with <c>ftp</c> named in the 256 characters
    /// before (ftp(1): "user user-name [password] [account]").</item>
    /// <item>PuTTY's <c>-pw PASSWORD</c> and <c>dsadd</c>/<c>dsmod</c>'s <c>-pwd PASSWORD</c> when quoted (the bare forms
    /// come through <see cref="CommandPassword"/> from the option's run).</item>
    /// </list>
    /// The value must be a literal that looks drawn (<see cref="LooksDrawn"/>; not <c>$PASS</c>, <c>*</c>, a word).
    /// Returns the value's span and a label for the finding, or false.
    /// </summary>
    internal static bool PositionalPassword(ReadOnlySpan<char> t, int word, out int vs, out int ve, out string label)
    {
        vs = ve = 0;
        label = "";
        int pe = word - 1;
        if (pe < 2 || t[pe] != ' ')
        {
            return false;
        }

        int ps = WordStartBack(t, pe);
        if (ps == pe || pe - ps > 64)
        {
            return false;
        }

        var prev = t[ps..pe];
        bool oracle = false;
        if (prev[0] == '-' && prev.Length <= 4 && prev[1..] is "pw" or "pwd")
        {
            // PuTTY's -pw '…', dsadd -pwd "…": CommandPassword reads the option and its value
            if (ps > 0 && t[ps - 1] == ' ' && CommandPassword(t, ps - 1, out vs) is int e and >= 0)
            {
                ve = e;
                label = prev.Length == 3 ? "PuTTY -pw " : "dsadd -pwd ";
                return true;
            }

            return false;
        }

        if (IsOracleProgram(prev) || (prev is "target" or "catalog" or "auxiliary" && SegmentProgram(t, ps).StartsWith("rman ", StringComparison.Ordinal)))
        {
            oracle = true; // sqlplus user/password@db, rman target sys/password@db
        }
        else if (prev.SequenceEqual("login"))
        {
            var seg = SegmentProgram(t, ps);
            if (!seg.StartsWith("vault ", StringComparison.Ordinal) && !seg.StartsWith("bao ", StringComparison.Ordinal))
            {
                return false;
            }

            label = "vault login ";
        }
        else if (prev.StartsWith(@"\\", StringComparison.Ordinal) || prev.StartsWith("//", StringComparison.Ordinal))
        {
            var seg = SegmentProgram(t, ps);
            label = seg.StartsWith("smbclient ", StringComparison.Ordinal) ? "smbclient //server/share "
                : IsNetCommand(seg, "use") ? @"net use \\server\share " : "";
            if (label.Length == 0)
            {
                return false;
            }
        }
        else if (prev.StartsWith("/user:", StringComparison.OrdinalIgnoreCase))
        {
            if (!IsNetCommand(SegmentProgram(t, ps), "use"))
            {
                return false;
            }

            label = "net use /user:NAME ";
        }
        else if (IsRcloneSecretKey(prev))
        {
            if (!SegmentProgram(t, ps).StartsWith("rclone config ", StringComparison.Ordinal))
            {
                return false;
            }

            label = "rclone config … " + prev.ToString() + " ";
        }
        else if (prev.SequenceEqual("mkpasswd") || prev.StartsWith("--method=", StringComparison.Ordinal) || prev.StartsWith("--salt=", StringComparison.Ordinal)
            || prev.StartsWith("--rounds=", StringComparison.Ordinal))
        {
            if (!MkpasswdProgram(t, prev.SequenceEqual("mkpasswd") ? pe : ps))
            {
                return false;
            }

            label = "mkpasswd ";
        }
        else
        {
            // two words back
            int p2e = ps - 1;
            if (p2e < 2 || t[p2e] != ' ')
            {
                return false;
            }

            int p2s = WordStartBack(t, p2e);
            if (p2s == p2e || p2e - p2s > 32)
            {
                return false;
            }

            var prev2 = t[p2s..p2e];
            if (prev[0] == '-' && prev.Length <= 8 && IsOracleProgram(prev2))
            {
                oracle = true; // sqlplus -s user/password@db
            }
            else if (prev2.EndsWith("user", StringComparison.OrdinalIgnoreCase) && (prev2.Length == 4 || prev2[..^4].EndsWith(@"\n", StringComparison.Ordinal)))
            {
                if (prev2.Length == 4 && IsNetCommand(SegmentProgram(t, p2e), "user"))
                {
                    label = "net user NAME ";
                }
                else if ((prev2.Length > 4 || (p2s > 0 && t[p2s - 1] is '\n' or '\r')) && t[Math.Max(0, p2s - 256)..p2s].Contains("ftp", StringComparison.OrdinalIgnoreCase))
                {
                    label = "ftp user NAME ";
                }
                else
                {
                    return false;
                }
            }
            else if (prev2.SequenceEqual("add_user"))
            {
                if (!SegmentProgram(t, p2s).StartsWith("rabbitmqctl", StringComparison.Ordinal))
                {
                    return false;
                }

                label = "rabbitmqctl add_user NAME ";
            }
            else if (prev2.SequenceEqual("wpa_passphrase") || prev2.EndsWith("/wpa_passphrase", StringComparison.Ordinal))
            {
                label = "wpa_passphrase SSID ";
            }
            else if (prev2 is "-m" or "-S" or "-R" or "--method" or "--salt" or "--rounds")
            {
                if (!MkpasswdProgram(t, p2s))
                {
                    return false;
                }

                label = "mkpasswd ";
            }
            else
            {
                return false;
            }
        }

        if (!ShellWordAt(t, word, out int s, out int e2, out _))
        {
            return false;
        }

        if (oracle)
        {
            return OracleLogonPassword(t, s, e2, out vs, out ve, out label);
        }

        if (t[e2 - 1] == ')' && !t[s..e2].Contains('(') && t[Math.Max(0, s - 64)..s].Contains("$(", StringComparison.Ordinal))
        {
            e2--; // the end of a command substitution: "$(mkpasswd -m sha-512 …)"
        }

        if (e2 - s < 8 || t[s] is '$' or '*' or '%' or '<' || !LooksDrawn(t[s..e2]) || !IsSecretValue(t[s..e2], quoted: true))
        {
            return false;
        }

        (vs, ve) = (s, e2);
        return true;
    }

    /// <summary>
    /// The start of the word that ends at <paramref name="end"/> (a blank): back over at most 65 characters other than
    /// blanks, line breaks, quotes and the shell's separators <c>( ; | &amp;</c> and the backquote. A JSON-escaped line
    /// break stays in the word (<c>\nuser</c>).
    /// </summary>
    private static int WordStartBack(ReadOnlySpan<char> t, int end)
    {
        int s = end;
        while (s > 0 && end - s <= 64 && t[s - 1] is not (' ' or '\t' or '\n' or '\r' or '"' or '\'' or '(' or ';' or '|' or '&' or '`'))
        {
            s--;
        }

        return s;
    }

    /// <summary>Oracle's programs that take a logon <c>user/password[@connect]</c> as their first argument: <c>sqlplus</c>, <c>sqlldr</c>, <c>expdp</c>, <c>impdp</c>, <c>dgmgrl</c> (a path and <c>.exe</c> allowed).</summary>
    private static bool IsOracleProgram(ReadOnlySpan<char> w)
    {
        w = w[(w.LastIndexOfAny('/', '\\') + 1)..];
        w = w.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? w[..^4] : w;
        return w.Equals("sqlplus", StringComparison.OrdinalIgnoreCase) || w.Equals("sqlldr", StringComparison.OrdinalIgnoreCase)
            || w.Equals("expdp", StringComparison.OrdinalIgnoreCase) || w.Equals("impdp", StringComparison.OrdinalIgnoreCase)
            || w.Equals("dgmgrl", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The password of an Oracle logon word <c>user/password[@connect]</c> at <paramref name="s"/>..<paramref name="e"/>
    /// (a quoted word may go on: <c>'sys/…@db as sysdba'</c>): the user a name of letters, digits, <c>_ $ #</c> (up to
    /// 128), the password up to <c>@</c>, a blank or the word's end, 6+ characters that look drawn.
    /// </summary>
    private static bool OracleLogonPassword(ReadOnlySpan<char> t, int s, int e, out int vs, out int ve, out string label)
    {
        vs = ve = 0;
        label = "sqlplus user/";
        var w = t[s..e];
        int slash = w.IndexOf('/');
        if (slash < 1 || slash > 128)
        {
            return false;
        }

        foreach (char c in w[..slash])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '$' or '#'))
            {
                return false;
            }
        }

        var rest = w[(slash + 1)..];
        int end = rest.IndexOfAny('@', ' ');
        var pw = end < 0 ? rest : rest[..end];
        if (pw.Length < 6 || pw[0] is '$' or '"' || !LooksDrawn(pw) || !IsSecretValue(pw, quoted: true))
        {
            return false;
        }

        vs = s + slash + 1;
        ve = vs + pw.Length;
        return true;
    }

    /// <summary>Is <paramref name="seg"/> (a command from its program) Windows' <c>net</c> (<c>net.exe</c>, any case) with the sub-command <paramref name="verb"/> (<c>use</c>, <c>user</c>) as its first argument?</summary>
    private static bool IsNetCommand(ReadOnlySpan<char> seg, string verb)
    {
        int w = seg.IndexOf(' ');
        if (w < 0 || !(seg[..w].Equals("net", StringComparison.OrdinalIgnoreCase) || seg[..w].Equals("net.exe", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var rest = seg[(w + 1)..].TrimStart(' ');
        return rest.StartsWith(verb, StringComparison.OrdinalIgnoreCase) && (rest.Length == verb.Length || rest[verb.Length] == ' ');
    }

    /// <summary>rclone's configuration keys that hold a secret, among the key/value pairs of <c>rclone config create</c> (rclone's backend documentation: <c>pass</c> of ftp, sftp, smb, webdav, mega…; <c>secret_access_key</c>, <c>session_token</c> of s3; <c>client_secret</c> of the OAuth backends; <c>key</c> of azureblob and b2; <c>api_key</c>).</summary>
    private static bool IsRcloneSecretKey(ReadOnlySpan<char> w) =>
        w is "pass" or "password" or "password2" or "secret_access_key" or "session_token" or "client_secret" or "key" or "api_key" or "key_file_pass";

    /// <summary>Is the command holding <paramref name="at"/> <c>mkpasswd</c> (whois' mkpasswd(1))? Its program word, with arguments after it or ending at <paramref name="at"/>.</summary>
    private static bool MkpasswdProgram(ReadOnlySpan<char> t, int at) => SegmentProgram(t, at) is var seg && seg.StartsWith("mkpasswd", StringComparison.Ordinal) && (seg.Length == 8 || seg[8] == ' ');

    /// <summary>
    /// A HashiCorp Vault legacy service token (<c>s.</c> and 24 base62 characters; batch <c>b.</c>, recovery
    /// <c>r.</c>; Vault's "Token prefixes" documentation: before Vault 1.10) given to <c>vault login</c>, whose token run
    /// starts at <paramref name="rs"/> after the prefix's <c>.</c>. Returns the run's end, or -1.
    /// </summary>
    internal static int VaultLegacyToken(ReadOnlySpan<char> t, int rs)
    {
        if (rs < 9 || t[rs - 3] != ' ' || t[rs - 2] is not ('s' or 'b' or 'r') || !t[(rs - 9)..(rs - 3)].SequenceEqual(" login"))
        {
            return -1;
        }

        var seg = SegmentProgram(t, rs - 3);
        if (!seg.StartsWith("vault ", StringComparison.Ordinal) && !seg.StartsWith("bao ", StringComparison.Ordinal))
        {
            return -1;
        }

        int e = BareWordEnd(t, rs);
        return e - rs is >= 20 and <= 100 && LooksGenerated(t[rs..e]) ? e : -1;
    }

    /// <summary>
    /// The secret of Jenkins' CLI <c>-auth USER:SECRET</c> (Jenkins handbook, "Using the CLI": "-auth [ USER:SECRET |
    /// @FILE ]", the secret an API token or password), whose token run starts at <paramref name="rs"/> after the
    /// <c>:</c>: back over the user name to <c>-auth</c>, and the command runs <c>jenkins-cli</c>. Returns the value's
    /// end, or -1.
    /// </summary>
    internal static int JenkinsAuth(ReadOnlySpan<char> t, int rs)
    {
        int k = rs - 2;
        while (k > 0 && rs - k < 66 && (IsNameChar(t[k]) || t[k] == '@'))
        {
            k--;
        }

        k -= k > 1 && t[k] is '\'' or '"' && t[k - 1] == ' ' ? 1 : 0; // -auth 'user:…'
        if (k < 7 || k == rs - 2 || t[k] != ' ' || !t[(k - 6)..k].SequenceEqual(" -auth"))
        {
            return -1;
        }

        return SegmentProgram(t, k).Contains("jenkins-cli", StringComparison.Ordinal) ? BareOptionValue(t, rs) : -1;
    }
}
