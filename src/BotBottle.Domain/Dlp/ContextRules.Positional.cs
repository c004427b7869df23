namespace BotBottle.Dlp;

/// <summary>
/// r26 reach round of the DLP issue: passwords given to administration commands as positional arguments, with no
/// option and no credential word before them, reached from the token-run starts the scan already visits (a run of 16+
/// characters after a blank or a tab, or after a quote that follows a blank; <see cref="DlpEngine"/>'s
/// <c>CheckRunContext</c>): <c>net user NAME PASSWORD</c>, <c>net use \server\share PASSWORD</c>, <c>smbclient
/// //server/share PASSWORD</c>, <c>rabbitmqctl add_user NAME PASSWORD</c>, <c>wpa_passphrase SSID PASSPHRASE</c>,
/// <c>vault login TOKEN</c>, Oracle's <c>sqlplus user/password@db</c> and <c>userid=</c>, <c>rclone config create … pass
/// PASSWORD</c>, <c>mkpasswd … PASSWORD</c>, <c>nmcli … wifi-sec.psk PASSPHRASE</c>, an ftp script's <c>user NAME
/// PASSWORD</c>; and Jenkins' <c>-auth user:token</c>. The previous one or two words decide; the command's program
/// (<see cref="SegmentProgram"/>, past prompts and wrappers) is read only when they match.
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
    /// <item><c>vault login [options] TOKEN</c> / <c>bao login TOKEN</c> (Vault's CLI reference, "vault login [options]
    /// [AUTH K=V...]": a token as the argument; <see cref="VaultLegacyToken"/> for <c>s.…</c>).</item>
    /// <item>Oracle's <c>sqlplus [-s] [-L] user/password[@connect]</c>, also <c>sqlldr</c>, <c>expdp</c>,
    /// <c>impdp</c>, <c>dgmgrl</c>, <c>rman target|catalog|auxiliary user/password@db</c> and SQL*Plus'
    /// <c>CONNECT</c> / <c>conn</c> (SQL*Plus User's Guide, "SQLPLUS [[option] [logon]]", logon
    /// "username[/password][@connect_identifier]"; <see cref="OracleAssignedLogon"/> for <c>userid=</c>).</item>
    /// <item><c>rclone config create|update|password NAME … pass PASSWORD</c> and the other secret keys of its
    /// key/value pairs (rclone config create: "rclone config create name type [key value]*"), <c>rclone obscure
    /// PASSWORD</c>.</item>
    /// <item><c>mkpasswd [-m METHOD] [-S SALT] [-R ROUNDS] PASSWORD</c> (mkpasswd(1) of whois), also with the option's
    /// argument attached.</item>
    /// <item><c>nmcli connection add|modify … wifi-sec.psk PASSPHRASE</c> (nm-settings-nmcli(5)).</item>
    /// <item>An ftp script's <c>user NAME PASSWORD</c> line (ftp(1): "user user-name [password] [account]"): at a line's
    /// start (indented too) inside an ftp here-document or after an <c>open HOST</c> line (<see cref="FtpScriptBefore"/>),
    /// or after <c>ftp&gt;</c>'s prompt; the line must end after the password.</item>
    /// <item>PuTTY's <c>-pw PASSWORD</c> and <c>dsadd</c>/<c>dsmod</c>'s <c>-pwd PASSWORD</c> when quoted, and any
    /// option of <see cref="CommandPassword"/> with a tab or two blanks before its value (the bare one-blank forms come
    /// through <see cref="CommandPassword"/> from the option's run).</item>
    /// </list>
    /// Blanks or tabs (up to eight) may separate the words; the word before may be quoted (<c>net user "John Doe" …</c>).
    /// The value must be a literal that looks drawn (<see cref="LooksDrawn"/>; not <c>$PASS</c>, <c>*</c>, a word, a
    /// UUID).
    /// Returns the value's span and a label for the finding, or false.
    /// </summary>
    internal static bool PositionalPassword(ReadOnlySpan<char> t, int word, out int vs, out int ve, out string label)
    {
        vs = ve = 0;
        label = "";
        int pe = SkipBlanksBack(t, word);
        if (pe == word || pe < 2 || word - pe > 8 || !PreviousWord(t, pe, out int ps, out int ws, out int we))
        {
            return false;
        }

        var prev = t[ws..we];
        bool oneBlank = word - pe == 1 && t[pe] == ' ';
        if (ps == ws && prev.Length is >= 2 and <= 4 && prev[0] == '-' && ps > 0 && t[ps - 1] == ' ' && (prev[1..] is "pw" or "pwd" || (!oneBlank && prev.Length == 2)))
        {
            // PuTTY's -pw '…', dsadd -pwd "…", and any password option with a tab or two blanks before its value (the
            // option gate reads "-P <value>" with one blank): CommandPassword reads the option and its value
            if (CommandPassword(t, ps - 1, out vs) is int e and >= 0)
            {
                ve = e;
                label = prev[1..] is "pw" ? "PuTTY -pw " : prev[1..] is "pwd" ? "dsadd -pwd " : "command-line password ";
                return true;
            }

            return false;
        }

        bool oracle = false, ftp = false;
        if (IsOracleProgram(prev) || (IsRmanKeyword(prev) && ProgramWord(SegmentProgram(t, ps)).Equals("rman", StringComparison.OrdinalIgnoreCase))
            || ((prev.Equals("conn", StringComparison.OrdinalIgnoreCase) || prev.Equals("connect", StringComparison.OrdinalIgnoreCase))
                && (AtLineStart(t, SkipBlanksBack(t, ps)) || (ps >= 5 && t[(ps - 5)..ps].Equals("SQL> ", StringComparison.OrdinalIgnoreCase)))))
        {
            oracle = true; // sqlplus user/password@db, rman target sys/password@db, SQL*Plus' CONNECT user/password@db
        }
        else if ((prev.SequenceEqual("login") || (prev[0] == '-' && ps == ws)) && VaultLoginBefore(t, ps, prev))
        {
            label = "vault login ";
        }
        else if (prev.StartsWith(@"\\", StringComparison.Ordinal) || prev.StartsWith("//", StringComparison.Ordinal))
        {
            var seg = SegmentProgram(t, ps);
            label = ProgramWord(seg).Equals("smbclient", StringComparison.Ordinal) ? "smbclient //server/share "
                : IsNetCommand(seg, "use") ? @"net use \\server\share " : "";
            if (label.Length == 0)
            {
                return false;
            }
        }
        else if (prev.StartsWith("/user:", StringComparison.OrdinalIgnoreCase) || prev.StartsWith("/u:", StringComparison.OrdinalIgnoreCase))
        {
            if (!IsNetCommand(SegmentProgram(t, ps), "use"))
            {
                return false;
            }

            label = "net use /user:NAME ";
        }
        else if (IsRcloneSecretKey(prev) || prev.SequenceEqual("obscure"))
        {
            var seg = SegmentProgram(t, ps);
            if (!ProgramWord(seg).Equals("rclone", StringComparison.OrdinalIgnoreCase)
                || (prev.SequenceEqual("obscure") ? seg.IndexOf(' ') is int b && !seg[(b + 1)..].IsWhiteSpace() : !seg.Contains(" config ", StringComparison.Ordinal)))
            {
                return false; // rclone config create|update|password … KEY VALUE; rclone obscure PASSWORD
            }

            label = "rclone config … " + prev.ToString() + " ";
        }
        else if (prev.SequenceEqual("wifi-sec.psk") || prev.SequenceEqual("802-11-wireless-security.psk"))
        {
            if (!ProgramWord(SegmentProgram(t, ps)).Equals("nmcli", StringComparison.Ordinal))
            {
                return false; // nmcli connection add|modify … wifi-sec.psk PASSPHRASE (nm-settings-nmcli(5))
            }

            label = "nmcli wifi-sec.psk ";
        }
        else if ((IsMkpasswdOption(prev) || ProgramWord(prev).Equals("mkpasswd", StringComparison.Ordinal)) && MkpasswdProgram(t, IsMkpasswdOption(prev) ? ps : we))
        {
            label = "mkpasswd ";
        }
        else
        {
            // two words back
            int p2e = SkipBlanksBack(t, ps);
            if (p2e == ps || p2e < 2 || !PreviousWord(t, p2e, out int p2s, out int w2s, out int w2e) || w2e - w2s > 32)
            {
                return false;
            }

            var prev2 = t[w2s..w2e];
            if (prev[0] == '-' && ps == ws && prev.Length <= 8 && (IsOracleProgram(prev2)
                || (prev2[0] == '-' && prev2.Length <= 8 && PreviousWord(t, SkipBlanksBack(t, p2s), out _, out int w3s, out int w3e) && IsOracleProgram(t[w3s..w3e]))))
            {
                oracle = true; // sqlplus -s user/password@db, sqlplus -S -L …
            }
            else if (prev2.Equals("user", StringComparison.OrdinalIgnoreCase))
            {
                if (IsNetCommand(SegmentProgram(t, w2e), "user"))
                {
                    label = "net user NAME ";
                }
                else if ((prev2[0] == 'u' || prev2.SequenceEqual("USER")) && !prev.ContainsAnyExcept(s_userNameChars) && ((AtLineStart(t, SkipBlanksBack(t, p2s)) && FtpScriptBefore(t, p2s))
                    || (p2s >= 5 && t[(p2s - 5)..p2s].SequenceEqual("ftp> "))))
                {
                    label = "ftp user NAME "; // the line must end after the password
                    ftp = true;
                }
                else
                {
                    return false;
                }
            }
            else if (prev2.SequenceEqual("add_user"))
            {
                if (!SegmentProgram(t, p2s).Contains("rabbitmqctl", StringComparison.Ordinal))
                {
                    return false; // also docker exec / kubectl exec … rabbitmqctl add_user
                }

                label = "rabbitmqctl add_user NAME ";
            }
            else if (ProgramWord(prev2).Equals("wpa_passphrase", StringComparison.Ordinal))
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

        if (!ShellWordAt(t, word, out int s, out int e2, out int wordEnd))
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

        if (e2 - s < 8 || t[s] is '$' or '*' or '%' or '<' || IsUuidShape(t[s..e2]) || !LooksDrawn(t[s..e2]) || !IsSecretValue(t[s..e2], quoted: true)
            || (ftp && !LineEndsAt(t, wordEnd)))
        {
            return false;
        }

        (vs, ve) = (s, e2);
        return true;
    }

    /// <summary>
    /// The word that ends at <paramref name="end"/> (just before a blank): bare (<see cref="WordStartBack"/>) or quoted
    /// (<c>"John Doe"</c>, <c>'svc_sql'</c>, <c>\"svc sql\"</c> inside a JSON string; up to 64 characters).
    /// <paramref name="ws"/>..<paramref name="we"/> is the word without its quotes, <paramref name="start"/> its first
    /// character with the quotes. False for an empty or longer word.
    /// </summary>
    private static bool PreviousWord(ReadOnlySpan<char> t, int end, out int start, out int ws, out int we)
    {
        start = ws = we = 0;
        if (end < 2)
        {
            return false;
        }

        char q = t[end - 1];
        if (q is '"' or '\'')
        {
            bool escaped = q == '"' && t[end - 2] == '\\';
            int close = escaped ? end - 2 : end - 1;
            int from = Math.Max(0, close - 65);
            int open = t[from..close].LastIndexOf(q);
            if (open < 0)
            {
                return false;
            }

            open += from;
            if (escaped && (open == 0 || t[open - 1] != '\\'))
            {
                return false;
            }

            (start, ws, we) = (escaped ? open - 1 : open, open + 1, close);
            return we > ws && !t[ws..we].ContainsAny('\n', '\r');
        }

        ws = start = WordStartBack(t, end);
        we = end;
        return we > ws && we - ws <= 64;
    }

    /// <summary>The program's name of a command (<see cref="SegmentProgram"/>'s result or a word): its first word without a directory and <c>.exe</c> (<c>C:\Windows\System32\net.exe</c> → <c>net</c>).</summary>
    private static ReadOnlySpan<char> ProgramWord(ReadOnlySpan<char> seg)
    {
        int w = seg.IndexOfAny(' ', '\t');
        var p = w < 0 ? seg : seg[..w];
        p = p[(p.LastIndexOfAny('/', '\\') + 1)..];
        return p.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? p[..^4] : p;
    }

    /// <summary>RMAN's connection keywords before a logon (<c>rman target sys/…@db catalog rcat/…@rcatdb</c>; Oracle's Backup and Recovery Reference, RMAN command line), any case.</summary>
    private static bool IsRmanKeyword(ReadOnlySpan<char> w) =>
        w.Equals("target", StringComparison.OrdinalIgnoreCase) || w.Equals("catalog", StringComparison.OrdinalIgnoreCase) || w.Equals("auxiliary", StringComparison.OrdinalIgnoreCase);

    /// <summary>An option of mkpasswd(1) whose argument comes before the password, attached (<c>-msha-512</c>, <c>--method=sha-512</c>) or alone (<c>-m</c> is then the word before).</summary>
    private static bool IsMkpasswdOption(ReadOnlySpan<char> w) =>
        (w.Length > 2 && w[0] == '-' && w[1] is 'm' or 'S' or 'R') || w.StartsWith("--method=", StringComparison.Ordinal) || w.StartsWith("--salt=", StringComparison.Ordinal)
        || w.StartsWith("--rounds=", StringComparison.Ordinal);

    /// <summary>
    /// Is <c>vault login</c> (or OpenBao's <c>bao login</c>) the command before the word that starts at
    /// <paramref name="ps"/>: <paramref name="prev"/> is <c>login</c>, or up to three options (<c>-no-print</c>,
    /// <c>-method=token</c>, <c>-address=…</c>) follow it. The word before <c>login</c> is the program (a path or
    /// <c>.exe</c> allowed: <c>docker exec vault vault login …</c>).
    /// </summary>
    private static bool VaultLoginBefore(ReadOnlySpan<char> t, int ps, ReadOnlySpan<char> prev)
    {
        for (int n = 0; n < 4 && prev[0] == '-'; n++)
        {
            int e = SkipBlanksBack(t, ps);
            if (e == ps || !PreviousWord(t, e, out ps, out int ws, out int we) || ws != ps)
            {
                return false;
            }

            prev = t[ws..we];
        }

        if (!prev.SequenceEqual("login"))
        {
            return false;
        }

        int pe = SkipBlanksBack(t, ps);
        if (pe == ps || !PreviousWord(t, pe, out _, out int vs, out int ve))
        {
            return false;
        }

        var program = ProgramWord(t[vs..ve]);
        return program.Equals("vault", StringComparison.OrdinalIgnoreCase) || program.SequenceEqual("bao");
    }

    /// <summary>
    /// Is an ftp script before <paramref name="at"/> (within 256 characters): a line that runs <c>ftp</c> (or
    /// <c>ftp&gt;</c>'s prompt) with a here-document (<c>&lt;&lt;</c>), or an <c>open HOST</c> line (ftp(1)'s command)?
    /// A log line "user alice … uploaded" after prose that mentions an ftp server is not.
    /// </summary>
    private static bool FtpScriptBefore(ReadOnlySpan<char> t, int at)
    {
        var before = t[Math.Max(0, at - 256)..at];
        int f = before.LastIndexOf("ftp", StringComparison.Ordinal);
        if (f < 0)
        {
            return false;
        }

        var rest = before[f..];
        return rest.Contains("<<", StringComparison.Ordinal) || rest.Contains("\nopen ", StringComparison.Ordinal) || rest.Contains(@"\nopen ", StringComparison.Ordinal);
    }

    /// <summary>Does a line end at <paramref name="e"/> (a raw or JSON-escaped line break, the text's end, or blanks before one)?</summary>
    private static bool LineEndsAt(ReadOnlySpan<char> t, int e)
    {
        e = SkipBlanks(t, e);
        return e >= t.Length || t[e] is '\n' or '\r' || (t[e] == '\\' && e + 1 < t.Length && t[e + 1] is 'n' or 'r');
    }

    /// <summary>Is <paramref name="v"/> a UUID (8-4-4-4-12 hexadecimal digits, RFC 9562): an id, not a password given by hand.</summary>
    private static bool IsUuidShape(ReadOnlySpan<char> v) =>
        v.Length == 36 && v[8] == '-' && v[13] == '-' && v[18] == '-' && v[23] == '-' && !v.ContainsAnyExcept(s_uuidChars);

    /// <summary>
    /// The start of the word that ends at <paramref name="end"/> (a blank): back over at most 65 characters other than
    /// blanks, line breaks (raw or JSON-escaped: <c>\nsqlplus</c> in a JSON string is <c>sqlplus</c>), quotes and the
    /// shell's separators <c>( ; | &amp;</c> and the backquote.
    /// </summary>
    private static int WordStartBack(ReadOnlySpan<char> t, int end)
    {
        int s = end;
        while (s > 0 && end - s <= 64 && t[s - 1] is not (' ' or '\t' or '\n' or '\r' or '"' or '\'' or '(' or ';' or '|' or '&' or '`')
            && !(s >= 2 && t[s - 1] is 'n' or 'r' or 't' && t[s - 2] == '\\' && (s < 3 || t[s - 3] != '\\')))
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

    /// <summary>Is <paramref name="seg"/> (a command from its program) Windows' <c>net</c> (<c>net.exe</c>, <c>net1</c>, a path, any case) with the sub-command <paramref name="verb"/> (<c>use</c>, <c>user</c>) as its first argument?</summary>
    private static bool IsNetCommand(ReadOnlySpan<char> seg, string verb)
    {
        int w = seg.IndexOf(' ');
        var program = ProgramWord(seg);
        if (w < 0 || !(program.Equals("net", StringComparison.OrdinalIgnoreCase) || program.Equals("net1", StringComparison.OrdinalIgnoreCase)))
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
    private static bool MkpasswdProgram(ReadOnlySpan<char> t, int at) => ProgramWord(SegmentProgram(t, at)).SequenceEqual("mkpasswd");
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

        var program = ProgramWord(SegmentProgram(t, rs - 3));
        if (!program.Equals("vault", StringComparison.OrdinalIgnoreCase) && !program.SequenceEqual("bao"))
        {
            return -1;
        }

        int e = BareWordEnd(t, rs);
        return e - rs is >= 20 and <= 100 && LooksGenerated(t[rs..e]) ? e : -1;
    }

    /// <summary>
    /// The secret of Jenkins' CLI <c>-auth USER:SECRET</c> (Jenkins handbook, "Using the CLI": "-auth [ USER:SECRET |
    /// @FILE ]", the secret an API token or password), whose token run starts at <paramref name="rs"/> after the
    /// <c>:</c>: back over the user name to <c>-auth</c>, and the command names <c>jenkins</c> or runs a <c>.jar</c>. Returns the value's
    /// end, or -1.
    /// </summary>
    internal static int JenkinsAuth(ReadOnlySpan<char> t, int rs)
    {
        int k = rs - 2;
        while (k > 0 && rs - k < 66 && (IsNameChar(t[k]) || t[k] == '@'))
        {
            k--;
        }

        k -= k > 1 && t[k] is '\'' or '"' && t[k - 1] == ' ' ? 1 : k > 2 && t[k] == '"' && t[k - 1] == '\\' && t[k - 2] == ' ' ? 2 : 0; // -auth 'user:…', \"user:…\" in a JSON string
        if (k < 7 || k == rs - 2 || t[k] != ' ' || !t[(k - 6)..k].SequenceEqual(" -auth"))
        {
            return -1;
        }

        var seg = SegmentProgram(t, k);
        return seg.Contains("jenkins", StringComparison.OrdinalIgnoreCase) || seg.Contains(".jar ", StringComparison.Ordinal) ? BareOptionValue(t, rs) : -1; // java -jar jenkins-cli.jar, or the jar renamed
    }

    /// <summary>
    /// An Oracle logon given as <c>userid=user/password@db</c> (SQL*Loader's and Data Pump's <c>USERID</c> parameter:
    /// <c>sqlldr userid=…</c>, <c>expdp userid=…</c>, a parameter file's line) or <c>target=user/password@db</c> (RMAN),
    /// whose token run starts at <paramref name="rs"/> after the <c>=</c>. The name must start a word; <c>userid=</c> must
    /// start a line or follow an Oracle program (<see cref="IsOracleProgram"/>, <c>exp</c>, <c>imp</c>), <c>target=</c>
    /// follow <c>rman</c>. The password is <see cref="OracleLogonPassword"/>'s.
    /// </summary>
    internal static bool OracleAssignedLogon(ReadOnlySpan<char> t, int rs, out int vs, out int ve)
    {
        vs = ve = 0;
        if (rs < 8 || t[rs - 1] != '=')
        {
            return false;
        }

        var name = t[(rs - 7)..(rs - 1)];
        bool userid = name.Equals("userid", StringComparison.OrdinalIgnoreCase);
        if ((!userid && !name.Equals("target", StringComparison.OrdinalIgnoreCase)) || (rs > 7 && IsNameChar(t[rs - 8])))
        {
            return false;
        }

        var program = ProgramWord(SegmentProgram(t, rs - 7));
        bool ok = userid
            ? AtLineStart(t, SkipBlanksBack(t, rs - 7)) || IsOracleProgram(program) || program.Equals("exp", StringComparison.OrdinalIgnoreCase) || program.Equals("imp", StringComparison.OrdinalIgnoreCase)
            : program.Equals("rman", StringComparison.OrdinalIgnoreCase);
        return ok && ShellWordAt(t, rs, out int s, out int e, out _) && OracleLogonPassword(t, s, e, out vs, out ve, out _);
    }
}
