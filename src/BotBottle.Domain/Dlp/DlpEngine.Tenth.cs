using System.Runtime.CompilerServices;

namespace BotBottle.Dlp;

/// <summary>
/// Tenth issue-16 round (<c>reach10</c>): shapes the ninth round left passing, reached only from token-run starts the
/// scan already visits — the rest of a Stripe, GitLab or Slack key after its prefix alone as the JSON member value
/// before (<see cref="HasOtherKeyRemainderShape"/>, a length test in the ninth round's member look-back), and at a run
/// start whose character before is <c>:</c>, <c>=</c>, <c>}</c>, a blank or a quote in a narrow arrangement
/// (<see cref="TenthRunStart"/>): a PostgreSQL <c>.pgpass</c> line, an inline <c>…_CREDENTIALS</c> value and an
/// Apache <c>{SHA}</c> password hash. A body without those arrangements pays the gate's compares per run.
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>
    /// The rest of a key after a vendor prefix that was sent as the JSON member value before it (ninth round's
    /// <see cref="JsonMemberSplitBeforeRun"/>), for the prefixes whose rest the ninth round's lengths did not cover:
    /// 20 characters (after <c>glpat-</c>, https://docs.gitlab.com/security/tokens/#token-prefixes), 24–32 with an
    /// upper-case letter (not a lower-case hex digest or ObjectId) or 90–110 (after <c>sk_live_</c> / <c>rk_live_</c> /
    /// <c>sk_test_</c>, https://docs.stripe.com/keys), and 40–80 starting with
    /// two digits with a <c>-</c> among characters 8–13 (after <c>xoxb-</c> / <c>xoxp-</c>: a team id and a user id,
    /// https://api.slack.com/authentication/token-types), whose last <c>-</c> piece is 24+ characters. Those pieces and the
    /// first three lengths must also look generated
    /// (<see cref="ContextRules.LooksGenerated"/>): <c>{"prefix": "sk_live_", "name": "PaymentsRefundWorkerAlpha"}</c>
    /// names a prefix. The look-back then needs the member before to be a short
    /// string that starts with a credential prefix, and the join must match a rule: a 20- or 24-character id after an
    /// ordinary member is walked back over and left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool HasOtherKeyRemainderShape(ReadOnlySpan<char> text, int rs, int re)
    {
        int n = re - rs;
        return (n is 20 or (>= 90 and <= 110) || (n is >= 24 and <= 32 && text[rs..re].ContainsAnyInRange('A', 'Z')))
                && ContextRules.LooksGenerated(text[rs..re])
            || (n is >= 40 and <= 80 && char.IsAsciiDigit(text[rs]) && char.IsAsciiDigit(text[rs + 1]) && text.Slice(rs + 8, 6).Contains('-')
                && SlackSecretTail(text[rs..re]));
    }

    /// <summary>The last <c>-</c> piece of a Slack token's rest (the secret: 24 base62 characters for a bot token, 32 hex for a user token) is 24+ characters and looks generated.</summary>
    private static bool SlackSecretTail(ReadOnlySpan<char> v)
    {
        int d = v.LastIndexOf('-');
        return d >= 0 && v.Length - d - 1 >= 24 && ContextRules.LooksGenerated(v[(d + 1)..]);
    }

    /// <summary>
    /// The gate at a token run's start <paramref name="rs"/> (&gt; 6): a few compares on the characters before it
    /// select the run starts where one of this round's context shapes can begin — after the fourth <c>:</c> of a
    /// <c>.pgpass</c> line (not <c>://</c>), after <c>als=</c> / <c>ial=</c> / <c>als: </c> / <c>als": "</c> (a name ending in
    /// <c>credentials</c> or <c>credential</c>, also with blanks around <c>=</c>), after <c>{SHA}</c>; since the r23 reach
    /// round after a tab (raw or JSON-escaped) that a Netscape cookie file line's value follows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TenthRunStartPossible(ReadOnlySpan<char> t, int rs) => t[rs - 1] switch
    {
        ':' => t[rs] != '/' && t[rs - 2] != ':',
        '=' => CredentialsNameEndsAt(t, rs - 2) || CookieNameEndsAt(t, rs - 2),
        '.' => t[rs - 2] == '=' && t[rs] == 'e' && t[rs + 1] == 'J', // Flask's session=.eJw… (r24)
        '%' => (t[rs - 2] == 's' && t[rs - 3] == '=' && t[rs] == '3' && t[rs + 1] == 'A') // express-session's connect.sid=s%3A… (r24)
            || char.IsAsciiLetterOrDigit(t[rs - 2]), // smbclient -U user%password (r25; also after a percent-encoding's letter: ContextRules.UserPasswordOption walks back to "-U ")
        ',' => char.IsAsciiLetterOrDigit(t[rs - 2]) && t[rs - 3] != ',', // lftp -u user,password (r25)
        '}' => t[rs - 2] == 'A',
        '\t' => t[rs - 2] > ' ', // a cookie file line's value (r23)
        '\\' => t[rs] == 't' && char.IsAsciiLetterOrDigit(t[rs - 2]), // the same with its tabs JSON-escaped
        ' ' => t[rs - 2] switch
        {
            ':' => CredentialsNameEndsAt(t, rs - 3),
            '=' => t[rs - 3] == ' ' && CredentialsNameEndsAt(t, rs - 4), // INI, TOML: "credentials = value"
            _ => false,
        },
        '"' => t[rs - 2] switch
        {
            ' ' => t[rs - 3] switch
            {
                ':' => t[rs - 4] == '"' && (CredentialsNameEndsAt(t, rs - 5) || ValueKeyEndsAt(t, rs - 5)),
                '=' => t[rs - 4] == ' ' && CredentialsNameEndsAt(t, rs - 5), // HCL, TOML: name = "value"
                _ => false,
            },
            ':' => t[rs - 3] == '"' && (CredentialsNameEndsAt(t, rs - 4) || ValueKeyEndsAt(t, rs - 4)),
            '=' => CredentialsNameEndsAt(t, rs - 3),
            '\\' => rs > 12 && (t[rs - 3] == ':' ? t[rs - 4] == '"' && ValueKeyEndsAt(t, rs - 6) : t[rs - 3] == ' ' && t[rs - 4] == ':' && t[rs - 5] == '"' && ValueKeyEndsAt(t, rs - 7)), // \"value\": \"… in a JSON string
            _ => false,
        },
        _ => false,
    };

    /// <summary>
    /// Can a session cookie's name end at <paramref name="j"/>: its last letter (any case) <c>n</c> (session, token),
    /// <c>d</c> (sid, PHPSESSID), <c>s</c> (sess), <c>h</c> (auth), <c>t</c> (jwt, secret) or <c>y</c> (key)? One compare
    /// (r24 reach round; <see cref="BuiltInRules.CookieTextValue"/> decides).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool CookieNameEndsAt(ReadOnlySpan<char> t, int j) => (t[j] | 0x20) is 'n' or 'd' or 's' or 'h' or 't' or 'y';

    /// <summary>Does the JSON key <c>"value</c> end at <paramref name="j"/> (its <c>e</c>; r24: a cookie object's value)? Up to six compares.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ValueKeyEndsAt(ReadOnlySpan<char> t, int j) =>
        j >= 5 && t[j] == 'e' && t[j - 1] == 'u' && t[j - 2] == 'l' && t[j - 3] == 'a' && t[j - 4] == 'v' && t[j - 5] == '"';

    /// <summary>Does a name ending in <c>als</c> (…credentials) or <c>ial</c> (…credential), any case, end at <paramref name="j"/> (≥ 2)? JSON's <c>"url":"…"</c> fails at the second compare.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool CredentialsNameEndsAt(ReadOnlySpan<char> t, int j) => (t[j] | 0x20) switch
    {
        's' => (t[j - 1] | 0x20) == 'l' && (t[j - 2] | 0x20) == 'a',
        'l' => (t[j - 1] | 0x20) == 'a' && (t[j - 2] | 0x20) == 'i',
        _ => false,
    };

    /// <summary>
    /// This round's context shapes at a token run <paramref name="rs"/> … <paramref name="re"/> that passed
    /// <see cref="TenthRunStartPossible"/>, reported as <c>credential-assignment</c>:
    /// <see cref="ContextRules.PgpassPassword"/>, <see cref="ContextRules.CredentialsValue"/>,
    /// <see cref="ContextRules.HtpasswdSha"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // rare: kept out of ScanRuns' loop
    private void TenthRunStart(ReadOnlySpan<char> text, int rs, int re, ref ScanState st, in Layer layer)
    {
        var rule = _rules[_assignRule];
        switch (text[rs - 1])
        {
            case ':':
                if (ContextRules.PgpassPassword(text, rs, re) is int pe and > 0)
                {
                    ReportRule(ref st, layer, rule, rs, pe - rs, DlpEncodings.Plain, ".pgpass host:port:db:user:", pe - rs);
                }
                else if (text[rs - 2] is 'p' or 'P' && text[rs - 3] == '/' && ContextRules.RdpPassword(text, rs) is int xe and > 0)
                {
                    ReportRule(ref st, layer, rule, rs, xe - rs, DlpEncodings.Plain, "xfreerdp /p:", xe - rs);
                }
                else if (text[rs - 2] == 's' && text[rs - 3] == '=')
                {
                    CookieText(text, rs - 3, ref st, layer); // connect.sid=s:…
                }
                else if (ContextRules.JenkinsAuth(text, rs) is int je and > 0)
                {
                    ReportRule(ref st, layer, rule, rs, je - rs, DlpEncodings.Plain, "jenkins-cli -auth user:", je - rs); // r26
                }

                break;
            case '=':
                if (CredentialsNameEndsAt(text, rs - 2) && ContextRules.CredentialsValue(text, rs, re) is int cr and >= 0)
                {
                    ReportRule(ref st, layer, rule, cr, re - cr, DlpEncodings.Plain, "credentials = ", re - cr);
                }
                else if (text[rs - 2] == 'H' && ContextRules.RedisCliAuth(text, rs) is int ra and > 0)
                {
                    ReportRule(ref st, layer, rule, rs, ra - rs, DlpEncodings.Plain, "REDISCLI_AUTH=", ra - rs);
                }
                else if ((text[rs - 2] | 0x20) is 'd' or 't' && ContextRules.OracleAssignedLogon(text, rs, out int os, out int oe))
                {
                    ReportRule(ref st, layer, rule, os, oe - os, DlpEncodings.Plain, "userid=user/", oe - os); // r26: sqlldr / expdp userid=, rman target=
                }
                else
                {
                    CookieText(text, rs - 1, ref st, layer);
                }

                break;
            case '.':
                CookieText(text, rs - 2, ref st, layer);
                break;
            case '%':
            case ',':
                if (ContextRules.UserPasswordOption(text, rs) is int ue and > 0)
                {
                    ReportRule(ref st, layer, rule, rs, ue - rs, DlpEncodings.Plain, text[rs - 1] == '%' ? "smbclient -U user%" : "lftp -u user,", ue - rs);
                }
                else if (text[rs - 1] == '%')
                {
                    CookieText(text, rs - 3, ref st, layer);
                }

                break;
            case '\t':
            case '\\':
                int vs = text[rs - 1] == '\t' ? rs : rs + 1;
                if (_cookieFileRule >= 0 && BuiltInRules.CookieFileValue(text, vs) is int ce and > 0)
                {
                    ReportRule(ref st, layer, _rules[_cookieFileRule], vs, ce - vs, DlpEncodings.Plain, "cookie file", ce - vs);
                }

                break;
            case '}':
                if (ContextRules.HtpasswdSha(text, rs, re, out int he) is int hs and >= 0)
                {
                    ReportRule(ref st, layer, rule, hs, he - hs, DlpEncodings.Plain, ".htpasswd user:{SHA}", he - hs);
                }

                break;
            case '"' when BuiltInRules.CookieObjectValue(text, rs, out int ce2, out int cn, out int cne) is true:
                ReportRule(ref st, layer, rule, rs, ce2 - rs, DlpEncodings.Plain, "cookie " + text[cn..cne].ToString() + "=", ce2 - rs);
                break;
            default:
                if (ContextRules.CredentialsValue(text, rs, re) is int cv and >= 0)
                {
                    ReportRule(ref st, layer, rule, cv, re - cv, DlpEncodings.Plain, "credentials = ", re - cv);
                }

                break;
        }
    }

    /// <summary>A session cookie written out in text whose pair's <c>=</c> is at <paramref name="eq"/> (<see cref="BuiltInRules.CookieTextValue"/>), reported as <c>credential-assignment</c>.</summary>
    private void CookieText(ReadOnlySpan<char> text, int eq, ref ScanState st, in Layer layer)
    {
        if (BuiltInRules.CookieTextValue(text, eq, out int ns) is int ve and > 0)
        {
            ReportRule(ref st, layer, _rules[_assignRule], eq + 1, ve - eq - 1, DlpEncodings.Plain, "cookie " + text[ns..eq].ToString() + "=", ve - eq - 1);
        }
    }
}
