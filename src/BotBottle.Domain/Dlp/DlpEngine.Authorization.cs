using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// The <c>authorization-credential</c> rule (issue 16): the agent's own <c>Authorization</c> header carrying a
/// credential. Inside a bottle the agent holds no credential of the operator's — routes that need one get it injected by
/// the sidecar, which removes whatever the agent sent in that header (<c>RouteAuth</c>) — so a real credential in the
/// agent's <c>Authorization</c> header is a credential it found and is sending out. The engine reports it wherever it
/// sees one; <c>EgressInspector</c> drops the finding on a route whose <c>auth</c> replaces the header (the value never
/// leaves the sidecar there).
/// <para>
/// What counts (RFC 9110 §11.6.2): <c>Basic</c> whose credentials decode (RFC 7617 §2) to <c>user-id ":" password</c>
/// with a non-empty password that is not a placeholder, or a user-id that is itself an opaque credential
/// (<c>sk_live_…:</c>, GitHub's <c>&lt;token&gt;:x-oauth-basic</c>); any other scheme (<c>Bearer</c>, RFC 6750 §2.1;
/// <c>token</c>) whose credentials are an opaque credential: 20–4096 characters of the token68 alphabet (RFC 9110
/// §11.2), letters and digits both present, at least 10 distinct characters, not a placeholder. Words, short codes,
/// <c>bot-bottle-placeholder</c>, <c>&lt;token&gt;</c>, <c>${TOKEN}</c> and <c>xxxxx…</c> are not.
/// </para>
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>Shortest opaque credential (characters): shorter strings are codes and ids more often than secrets.</summary>
    private const int MinOpaqueCredential = 20;

    private static readonly SearchValues<char> s_token68 =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=");

    /// <summary>Called for an <c>Authorization</c> field with <c>scheme</c> and <c>credentials</c>; <paramref name="credStart"/> indexes the field value.</summary>
    private void CheckAuthorizationCredential(ReadOnlySpan<char> scheme, ReadOnlySpan<char> credentials, int credStart, ref ScanState st)
    {
        if (_authRule < 0 || (st.Detectors & DlpDetectors.TokenPatterns) == 0 || credentials.IsEmpty)
        {
            return;
        }

        var rule = _rules[_authRule];
        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            if (IsBasicCredential(credentials))
            {
                ReportRule(ref st, Layer.Root, rule, credStart, credentials.Length, DlpEncodings.Base64, "Basic user:password", 0);
            }

            return;
        }

        if (IsOpaqueCredential(credentials))
        {
            ReportRule(ref st, Layer.Root, rule, credStart, credentials.Length, DlpEncodings.Plain, scheme.ToString() + " ", credentials.Length);
        }
    }

    /// <summary>Basic credentials (RFC 7617 §2) that decode to <c>user:password</c> with a real password, or with an opaque credential as the user-id.</summary>
    private static bool IsBasicCredential(ReadOnlySpan<char> b64)
    {
        if (b64.Length < 8 || b64.Length > 4096 || b64.ContainsAnyExcept(s_token68))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[3072];
        int n = Base64Helpers.DecodeLenient(b64, bytes);
        int colon = bytes[..n].IndexOf((byte)':');
        if (colon < 0)
        {
            return false;
        }

        Span<char> chars = stackalloc char[n];
        for (int i = 0; i < n; i++)
        {
            chars[i] = (char)bytes[i];
        }

        var user = chars[..colon];
        var password = chars[(colon + 1)..];
        if (IsOpaqueCredential(user))
        {
            return true;
        }

        return !password.IsEmpty && !IsPlaceholderCredential(password) && !password.ContainsAnyExceptInRange(' ', '\u00ff');
    }

    /// <summary>An opaque credential: 20–4096 token68 characters with letters and digits and 10+ distinct characters, not a placeholder.</summary>
    internal static bool IsOpaqueCredential(ReadOnlySpan<char> v)
    {
        if (v.Length < MinOpaqueCredential || v.Length > 4096 || v.ContainsAnyExcept(s_token68)
            || !v.ContainsAnyInRange('0', '9') || (!v.ContainsAnyInRange('a', 'z') && !v.ContainsAnyInRange('A', 'Z')) || IsPlaceholderCredential(v))
        {
            return false;
        }

        Span<bool> seen = stackalloc bool[128];
        int distinct = 0;
        foreach (char c in v)
        {
            if (!seen[c])
            {
                seen[c] = true;
                distinct++;
            }
        }

        return distinct >= 10;
    }

    private static readonly SearchValues<string> s_placeholderWords = SearchValues.Create(
        [ContextRules.ProductPlaceholder, "placeholder", "changeme", "your_", "your-", "yourtoken", "xxxxx", "<", "${", "{{", "%(", "redacted", "dummy"],
        StringComparison.OrdinalIgnoreCase);

    private static bool IsPlaceholderCredential(ReadOnlySpan<char> v) => v.ContainsAny(s_placeholderWords) || !v.ContainsAnyExcept(v[0]);

    /// <summary>
    /// The <c>encoded-user-password</c> rule: a base64 blob of the layered decoding whose bytes are exactly
    /// <c>user:password</c> (RFC 7617 §2) — Docker's <c>config.json</c> <c>"auth"</c>, npm's <c>_auth</c>, a Basic value
    /// outside an <c>Authorization</c> header. The user is 1–128 characters of <c>[A-Za-z0-9._@+-]</c> with a letter;
    /// the password 6–256 printable characters without blanks, not a placeholder, with a digit or a symbol or both
    /// cases, and not a path, URL or time (<c>//…</c>, <c>12:30:00</c>). Since the r23 reach round also SASL PLAIN's
    /// <c>[authzid] NUL user NUL password</c> (RFC 4616 §2: SMTP <c>AUTH PLAIN</c>, IMAP <c>AUTHENTICATE PLAIN</c>).
    /// </summary>
    private static readonly SearchValues<char> s_timeChars = SearchValues.Create("0123456789:.");
    private static readonly SearchValues<char> s_idChars = SearchValues.Create("0123456789abcdefABCDEF-");
    private static readonly SearchValues<char> s_slackIdChars = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");

    // authField: the blob is the value of an "auth" / "_auth" field (IsAuthFieldValue). Docker and npm store nothing
    // else there, so any password of 6+ printable characters counts, even one of lower-case letters only (which
    // elsewhere is too often base64 of word:word).
    // cursor: the blob is the value of a key or query parameter named …cursor (IsCursorValue): a Slack pagination cursor.
    private void CheckEncodedUserPassword(ReadOnlySpan<byte> bytes, int s, int length, string encoding, ref ScanState st, in Layer layer, bool authField = false, bool sasl = false, bool cursor = false)
    {
        if (bytes.Length is < 8 or > 400 || (st.Detectors & DlpDetectors.TokenPatterns) == 0)
        {
            return;
        }

        // The request's own Authorization / Proxy-Authorization field is the authorization-credential rule's (it knows
        // whether the route's auth replaces the field).
        if (st.Location.Kind == DlpLocationKind.Header
            && (string.Equals(st.Location.Name, "Authorization", StringComparison.OrdinalIgnoreCase) || string.Equals(st.Location.Name, "Proxy-Authorization", StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        // SASL PLAIN (RFC 4616 §2): [authzid] NUL authcid NUL passwd, as SMTP's AUTH PLAIN (RFC 4954) and IMAP's
        // AUTHENTICATE PLAIN (RFC 9051 §6.2.2) send it in base64; the authcid is the user (r23 reach round).
        int userStart = 0;
        int colon = bytes.IndexOf((byte)':');
        int nul = bytes.IndexOf((byte)0);
        if (nul >= 0)
        {
            if (!sasl)
            {
                return; // NUL-separated words elsewhere are process command lines and environments (/proc/*/cmdline), not SASL
            }

            int second = bytes[(nul + 1)..].IndexOf((byte)0);
            if (second < 0 || bytes[(nul + 2 + second)..].Contains((byte)0) || (nul > 0 && bytes[..nul].ContainsAnyExceptInRange((byte)'!', (byte)'~')))
            {
                return;
            }

            (userStart, colon) = (nul + 1, nul + 1 + second);
        }

        if (colon - userStart is < 1 or > 128 || bytes.Length - colon - 1 is < 6 or > 256)
        {
            return;
        }

        bool letter = false;
        foreach (byte b in bytes[userStart..colon])
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'.' or (byte)'_' or (byte)'@' or (byte)'+' or (byte)'-'))
            {
                return;
            }

            letter |= char.IsAsciiLetter((char)b);
        }

        Span<char> password = stackalloc char[bytes.Length - colon - 1];
        bool digit = false, upper = false, lower = false, symbol = false;
        for (int i = 0; i < password.Length; i++)
        {
            byte b = bytes[colon + 1 + i];
            if (b is <= (byte)' ' or >= 0x7F)
            {
                return;
            }

            char c = (char)b;
            password[i] = c;
            digit |= char.IsAsciiDigit(c);
            upper |= char.IsAsciiLetterUpper(c);
            lower |= char.IsAsciiLetterLower(c);
            symbol |= !char.IsAsciiLetterOrDigit(c);
        }

        // GraphQL global ids are base64 of "TypeName:id" (graphql-relay, GitHub's legacy node_id "04:User583231"), and
        // pagination cursors of "cursor:…" / "arrayconnection:…": a type name with a hex, numeric or UUID id is not a login.
        var user = bytes[userStart..colon];
        if (char.IsAsciiLetterUpper((char)user[0]) && !password.ContainsAnyExcept(s_idChars))
        {
            return;
        }

        if (user.SequenceEqual("cursor"u8) || user.SequenceEqual("arrayconnection"u8) || user.SequenceEqual("offset"u8))
        {
            return;
        }

        // Slack's Web API pagination cursors are base64 of "user:U061NFTT2", "channel:C024BE91L", "team:T…"
        // (https://docs.slack.dev/apis/web-api/pagination/): an object kind and an ID of upper-case letters and digits
        // (r30 red team: an agent paging users.list sends next_cursor back).
        // Only as the value of a cursor-named key or parameter, never in an auth field or SASL, and only with the ID's
        // first letter matching its kind (the r30 review: "bot:K7QM2XR9PLT4" in a Docker config is a login).
        if (cursor && !authField && !sasl && password.Length is >= 9 and <= 11 && !password.ContainsAnyExcept(s_slackIdChars) && SlackIdKind(user, password[0]))
        {
            return;
        }

        if (!letter || !(authField || digit || symbol || (upper && lower)) || password.StartsWith("//") || IsPlaceholderCredential(password)
            || !password.ContainsAnyExcept(s_timeChars) || password.Contains("://", StringComparison.Ordinal))
        {
            return;
        }

        ReportRule(ref st, layer, _rules[_userPasswordRule], s, length, encoding, "user:password", 0);
    }
    /// <summary>Does a Slack object ID starting with <paramref name="first"/> belong to the object kind <paramref name="kind"/> (users U/W, conversations C/G/D, teams T/E, bots B, files F, apps A)?</summary>
    private static bool SlackIdKind(ReadOnlySpan<byte> kind, char first) =>
        (kind.SequenceEqual("user"u8) || kind.SequenceEqual("member"u8)) ? first is 'U' or 'W'
        : kind.SequenceEqual("channel"u8) ? first is 'C' or 'G' or 'D'
        : kind.SequenceEqual("team"u8) ? first is 'T' or 'E'
        : kind.SequenceEqual("bot"u8) ? first == 'B'
        : kind.SequenceEqual("file"u8) ? first == 'F'
        : kind.SequenceEqual("app"u8) && first == 'A';

    /// <summary>
    /// Whether the blob starting at <paramref name="s"/> is the value of a key or query parameter whose name ends in
    /// <c>cursor</c> (<c>cursor=</c>, <c>"next_cursor": "</c>, <c>cursor: </c>): reads back over an opening quote,
    /// blanks, <c>=</c> or <c>:</c> and a closing quote (at most 6 characters) to the name.
    /// </summary>
    internal static bool IsCursorValue(ReadOnlySpan<char> text, int s)
    {
        int i = s;
        int stop = Math.Max(0, s - 6);
        while (i > stop && text[i - 1] is '"' or '\'' or ' ' or '=' or ':')
        {
            i--;
        }

        return i >= 6 && i < s && text[(i - 6)..i].Equals("cursor", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Whether the blob starting at <paramref name="s"/> is a SASL PLAIN response: it follows <c>PLAIN</c> within 24
    /// characters that are only blanks, line breaks (raw or JSON-escaped), an IMAP continuation's <c>+</c>, an SMTP reply code and a
    /// transcript's <c>C:</c> — SMTP's <c>AUTH PLAIN &lt;blob&gt;</c> (RFC 4954 §4), IMAP's <c>AUTHENTICATE PLAIN</c>
    /// then the blob on its own line (RFC 9051 §6.2.2).
    /// </summary>
    internal static bool IsSaslPlainBlob(ReadOnlySpan<char> text, int s)
    {
        var before = text[Math.Max(0, s - 29)..s];
        int p = before.LastIndexOf("PLAIN", StringComparison.OrdinalIgnoreCase);
        return p >= 0 && !before[(p + 5)..].ContainsAnyExcept(s_saslGapChars);
    }

    private static readonly SearchValues<char> s_saslGapChars = SearchValues.Create(" \t\r\n+:\\nrCS0123456789");

    /// <summary>
    /// Whether the blob starting at <paramref name="s"/> is the value of a field named <c>auth</c> or <c>_auth</c>:
    /// Docker's <c>config.json</c> (<c>"auths": {"registry": {"auth": "…"}}</c>,
    /// https://docs.docker.com/reference/cli/docker/login/) and npm's <c>.npmrc</c> (<c>_auth = …</c>,
    /// https://docs.npmjs.com/cli/configuring-npm/npmrc) hold base64 of <c>user:password</c> there. Reads back over an
    /// opening quote, blanks, <c>:</c> or <c>=</c>, blanks and a closing quote (at most 8 characters) to the name.
    /// </summary>
    internal static bool IsAuthFieldValue(ReadOnlySpan<char> text, int s)
    {
        int i = s;
        int stop = Math.Max(0, s - 8);
        if (i > stop && text[i - 1] is '"' or '\'')
        {
            i--;
        }

        while (i > stop && text[i - 1] is ' ' or '\t')
        {
            i--;
        }

        if (i <= stop || text[i - 1] is not (':' or '='))
        {
            return false;
        }

        i--;
        while (i > stop && text[i - 1] is ' ' or '\t')
        {
            i--;
        }

        if (i > 0 && text[i - 1] is '"' or '\'')
        {
            i--;
        }

        var head = text[Math.Max(0, i - 5)..i];
        return head.EndsWith("_auth", StringComparison.Ordinal)
            || (head.EndsWith("auth", StringComparison.Ordinal) && (head.Length == 4 || !char.IsAsciiLetterOrDigit(head[0])));
    }
}
