namespace BotBottle.Dlp;

/// <summary>
/// r30 round: tokens of developer services with a documented prefix that a black-box red team sent bare (no key name
/// beside them: <c>figd_…</c> in a body, <c>?k=whsec_…</c>) and that no rule knew — 32 of its 87 misses. Each is an
/// anchored, bounded, allocation-free matcher like the others (<see cref="PlatformRules"/>); a body of letters and
/// digits must hold a letter and a digit, a prefix that ends a common word (<c>key-</c>, <c>sk-</c>, <c>sl.</c>) must
/// not follow a word joined by <c>-</c>, <c>_</c>, <c>.</c> or <c>/</c> (<c>cache-key-&lt;md5&gt;</c>), and a body that
/// is hex where the vendor's is not (Mailgun, Twitch) is a digest, not a key. Matchers that read a long body test the
/// character before the anchor first, so that a blob of repeated anchors is not read again from each (the r30 review).
/// </summary>
internal static partial class BuiltInRules
{
    public const string AirtableTokenId = "airtable-access-token";
    public const string CloudflareOriginCaKeyId = "cloudflare-origin-ca-key";
    public const string AzureDevOpsPatId = "azure-devops-pat";

    private static TokenRule[] Services30Rules() =>
    [
        Anchor("stripe-webhook-secret", "Stripe webhook endpoint signing secret",
            "https://docs.stripe.com/webhooks#verify-official-libraries (endpoint secrets start whsec_; the Stripe CLI's are whsec_ + 64 hex)",
            "whsec_[A-Za-z0-9]{32,128}", ["whsec_"], PrefixedWord(6, IsAlnum, 32, 128)),
        Anchor("mailgun-api-key", "Mailgun private API key (key- + 32 letters and digits)",
            "https://documentation.mailgun.com/docs/mailgun/api-reference/authentication/; trufflehog detector mailgun (https://github.com/trufflesecurity/trufflehog, pkg/detectors/mailgun)",
            "key-[a-z0-9]{32} holding a letter g–z (a random key almost always does: Mailgun's example key-3ax6xnjp29jd6fds4gc373sgvjxteol0); all hex (an MD5 cache or lock key) only with Mailgun named within 256 characters or after api: (Basic user); not after a word joined by - _ . /, not followed by - _ .", ["key-"], MailgunKey),
        new(AirtableTokenId, "Airtable personal access token",
            "https://airtable.com/developers/web/guides/personal-access-tokens; " + GitleaksSource + " (airtable-personnal-access-token)",
            "pat[A-Za-z0-9]{14}.[a-f0-9]{64} (a run-start check on the 64 hex digits after the dot: \"pat\" is no literal to search for)", [], "pat…", RuleTrigger.RunShape, NoMatcher),
        Anchor("firebase-server-key", "Firebase Cloud Messaging server key (legacy HTTP API)",
            "https://firebase.google.com/docs/cloud-messaging/auth-server (legacy server keys AAAA…:APA91b…)",
            "AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{100,}", ["APA91b"], FirebaseServerKey),
        Anchor("dropbox-access-token", "Dropbox short-lived OAuth access token",
            "https://developers.dropbox.com/oauth-guide (short-lived tokens sl.…); " + GitleaksSource + " (dropbox-short-lived-api-token)",
            "sl.[A-Za-z0-9_=-]{130,4096} | sl.u.[A-Za-z0-9_=-]{130,4096} (current sl.u. tokens are about 1,300–1,450 characters)", ["sl.", "sl.u."], DropboxToken),
        Anchor("figma-access-token", "Figma personal access token",
            "https://www.figma.com/developers/api#access-tokens (figd_)",
            "figd_[A-Za-z0-9_-]{38,44}", ["figd_"], PrefixedWord(5, IsB64Url, 38, 44)),
        Anchor("tailscale-key", "Tailscale auth key, API access token, OAuth client secret, SCIM or webhook secret",
            "https://tailscale.com/kb/1085/auth-keys, https://tailscale.com/kb/1101/api (tskey-auth-, tskey-api-, tskey-client-)",
            "tskey-(auth|api|client|scim|webhook)-[A-Za-z0-9]{8,32}-[A-Za-z0-9]{20,40}", ["tskey-"], TailscaleKey),
        Anchor("openrouter-api-key", "OpenRouter API key",
            "https://openrouter.ai/docs/api-reference/authentication (sk-or-v1-)",
            "sk-or-v1-[a-f0-9]{64}", ["sk-or-v1-"], PrefixedWord(9, IsLowerHex, 64, 64)),
        Anchor("deepseek-api-key", "DeepSeek API key (sk- + 32 lower-case hex)",
            "https://api-docs.deepseek.com/ (Authorization: Bearer sk-…)",
            "sk-[a-f0-9]{32}, not after a word joined by - _ . / or a colon, not followed by - _ .", ["sk-"], DeepSeekKey),
        Anchor("netlify-access-token", "Netlify personal, CLI, OAuth, web-app or build access token",
            "https://docs.netlify.com/api/get-started/#authentication; https://answers.netlify.com/t/106146 (nfp_, nfc_, nfo_, nfu_, nfb_ token prefixes, up to 40 characters)",
            "nf[pcoub]_[A-Za-z0-9_]{32,40} with upper case, lower case and a digit (not a C identifier: nfc_hci_reset_…, nfp_net_…)", ["nfp_", "nfc_", "nfo_", "nfu_", "nfb_"], NetlifyToken),
        Anchor("render-api-key", "Render API key",
            "https://render.com/docs/api#1-create-an-api-key (rnd_; 28 letters and digits after it in published keys, 32 in some generators)",
            "rnd_[A-Za-z0-9]{28,32}", ["rnd_"], PrefixedUpperLowerDigit(4, 28, 32)),
        Anchor("vercel-token", "Vercel personal, integration, app access, app refresh token or API key",
            "https://vercel.com/changelog/new-token-formats-and-secret-scanning (vcp_, vci_, vca_, vcr_, vck_)",
            "vc[pcikar]_[A-Za-z0-9]{24,128} with upper case, lower case and a digit", ["vcp_", "vci_", "vca_", "vcr_", "vck_"], PrefixedUpperLowerDigit(4, 24, 128)),
        Anchor("bitbucket-app-password", "Bitbucket app password or Atlassian access token",
            "https://community.atlassian.com/ (Atlassian staff: app passwords start ATBB, access tokens ATCT); trufflehog detector bitbucketapppassword",
            "ATBB[A-Za-z0-9]{28,48} | ATCTT3[A-Za-z0-9_=-]{100,}", ["ATBB", "ATCTT3"], BitbucketToken),
        Anchor("adafruit-io-key", "Adafruit IO key",
            "https://io.adafruit.com/api/docs/#authentication; trufflehog detector adafruitio (aio_ + 28)",
            "aio_[A-Za-z0-9]{28}", ["aio_"], PrefixedWord(4, IsAlnum, 28, 28)),
        Anchor("slack-session-token", "Slack browser session token (xoxc-) or session cookie d (xoxd-)",
            "Slack does not document these; betterleaks slack-session-token, rusq/slackdump (https://github.com/rusq/slackdump)",
            "xoxc-[0-9]{9,15}-[0-9]{9,15}-[0-9]{9,15}-[a-f0-9]{64} | xoxd-[A-Za-z0-9%+/=_-]{60,}", ["xoxc-", "xoxd-"], SlackSessionToken),
        Anchor("cloudflare-api-token", "Cloudflare API token or Global API Key (2025 formats)",
            "https://developers.cloudflare.com/fundamentals/api/get-started/token-formats (cfk_, cfut_, cfat_ + 40 characters + checksum)",
            "cf(k|ut|at)_[A-Za-z0-9]{40}[a-f0-9]{8}", ["cfk_", "cfut_", "cfat_"], CloudflareApiToken),
        Anchor("contentful-access-token", "Contentful personal access token (Content Management API)",
            "https://www.contentful.com/developers/docs/references/authentication/ (CFPAT-)",
            "CFPAT-[A-Za-z0-9_-]{43}", ["CFPAT-"], PrefixedWord(6, IsB64Url, 43, 43)),
        Anchor("circleci-token", "CircleCI personal or project API token",
            "https://circleci.com/docs/managing-api-tokens/ (CCIPAT_, CCIPRJ_)",
            "CCI(PAT|PRJ)_[A-Za-z0-9]{22}_[a-f0-9]{40}", ["CCIPAT_", "CCIPRJ_"], TwoParts(7, IsAlnum, 22, '_', IsLowerHex, 40)),
        Anchor("buildkite-token", "Buildkite API access token",
            "https://buildkite.com/docs/apis/managing-api-tokens (bkua_)",
            "bkua_[a-f0-9]{40}", ["bkua_"], PrefixedWord(5, IsLowerHex, 40, 40)),
        Anchor("google-oauth-refresh-token", "Google OAuth 2.0 refresh token",
            "https://developers.google.com/identity/protocols/oauth2 (refresh tokens 1//0…)",
            "1//0[A-Za-z0-9_-]{60,}", ["1//0"], OutsideBase64(GoogleRefreshToken)),
        Anchor("aws-session-token", "AWS STS temporary session token",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html (AWS_SESSION_TOKEN); base64 of the token's header: IQoJb3JpZ2luX2Vj, FwoGZXIvYXdzE, FQoGZXIvYXdzE",
            "(IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE|FQoGZXIvYXdzE)[A-Za-z0-9+/]{100,}={0,2}", ["IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE", "FQoGZXIvYXdzE"], AwsSessionToken),
        Anchor("twitch-oauth-token", "Twitch chat (IRC) OAuth token",
            "https://dev.twitch.tv/docs/chat/irc/#authenticating-with-the-twitch-irc-server (PASS oauth:<token>)",
            "oauth:[a-z0-9]{30} holding a letter g–z and a digit (not 30 hex digits of a digest: a cache key oauth:<md5>)", ["oauth:"], TwitchToken),
        new(CloudflareOriginCaKeyId, "Cloudflare Origin CA key",
            "https://developers.cloudflare.com/fundamentals/api/get-started/ca-keys/; " + GitleaksSource + " (cloudflare-origin-ca-key)",
            "v1.0-[a-f0-9]{24}-[a-f0-9]{120,160} (146 in Cloudflare's example; a run-start check on the run after \"v1.\": every trigram of the prefix holds its dot)", [], "v1.0-", RuleTrigger.RunShape, NoMatcher),
        new(AzureDevOpsPatId, "Azure DevOps personal access token (84-character format)",
            "https://learn.microsoft.com/en-us/purview/sit-defn-azure-devops-personal-access-token (84 letters and digits, the signature AZDO at positions 77–80)",
            "[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4} (a run-shape check on runs of 84)", [], "AZDO", RuleTrigger.RunShape, NoMatcher),
    ];

    /// <summary>
    /// An Airtable personal access token whose secret part is the token run [<paramref name="rs"/>, <paramref name="re"/>):
    /// 64 lower-case hex digits after <c>pat</c>, 14 letters and digits (upper and lower case among them: a content-hashed
    /// file name <c>pathfinder2worker.&lt;64 hex&gt;.js</c> has no capital; ~8 % of ids have no digit) and a dot.
    /// </summary>
    internal static bool AirtableTokenAt(ReadOnlySpan<char> t, int rs, int re, out int start, out int length)
    {
        int a = rs - 18;
        return re - rs == 64 && a >= 0 && t[rs - 1] == '.' && t[a] == 'p' && t[a + 1] == 'a' && t[a + 2] == 't' && BoundaryBefore(t, a)
            && Span(t, a + 3, 14, IsAlnum) == 14 && t.Slice(a + 3, 14).ContainsAnyInRange('A', 'Z') && t.Slice(a + 3, 14).ContainsAnyInRange('a', 'z') && !t.Slice(rs, 64).ContainsAnyExcept(ContextRules.LowerHexChars)
            ? Ok(a, re, out start, out length) : Fail(out start, out length);
    }

    /// <summary>
    /// A Cloudflare Origin CA key whose run [<paramref name="rs"/>, <paramref name="re"/>) follows <c>v1.</c>:
    /// <c>0-</c>, 24 lower-case hex digits, <c>-</c>, 120–160 lower-case hex digits (146 in Cloudflare's example).
    /// </summary>
    internal static bool CloudflareOriginCaKeyAt(ReadOnlySpan<char> t, int rs, int re, out int start, out int length)
    {
        int a = rs - 3;
        return re - rs is >= 147 and <= 187 && a >= 0 && t[rs] == '0' && t[rs + 1] == '-' && t[rs + 26] == '-' && t[a] == 'v' && t[a + 1] == '1' && t[a + 2] == '.'
            && BoundaryBefore(t, a) && !t.Slice(rs + 2, 24).ContainsAnyExcept(ContextRules.LowerHexChars) && !t[(rs + 27)..re].ContainsAnyExcept(ContextRules.LowerHexChars)
            ? Ok(a, re, out start, out length) : Fail(out start, out length);
    }

    /// <summary>
    /// A Doppler service token that names its config (<c>dp.st.prd.&lt;40–44&gt;</c>, <c>dp.st.dev_personal.…</c>), whose
    /// body is the token run [<paramref name="rs"/>, <paramref name="re"/>) after the config's dot: the anchor
    /// <c>dp.st.</c> ends before the config's run, not the body's.
    /// </summary>
    internal static bool DopplerServiceTokenAt(ReadOnlySpan<char> t, int rs, int re, out int start, out int length)
    {
        int k = rs - 1; // the dot after the config
        int config = 0;
        while (k - config - 1 >= 0 && config < 40 && IsB64Url(t[k - config - 1]))
        {
            config++;
        }

        int a = k - config - 6;
        return re - rs is >= 40 and <= 44 && t[k] == '.' && config > 0 && a >= 0 && t.Slice(a, 6).SequenceEqual("dp.st.")
            && DopplerToken(t, a, out start, out length) || Fail(out start, out length);
    }

    private static bool FirebaseServerKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        // a is at "APA91b", after ':': "AAAA" and 7 base64url characters before the colon, 100+ after the anchor.
        int s = a - 12;
        if (s < 0 || t[a - 1] != ':' || !t.Slice(s, 4).SequenceEqual("AAAA") || Span(t, s + 4, 7, IsB64Url) != 7 || !BoundaryBefore(t, s))
        {
            return Fail(out start, out length);
        }

        int n = Span(t, a + 6, 513, IsB64Url);
        return n is >= 100 and <= 512 && BoundaryAfter(t, a + 6 + n) ? Ok(s, a + 6 + n, out start, out length) : Fail(out start, out length);
    }

    private static bool DropboxToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        if (!BoundaryBefore(t, a) || (a > 0 && t[a - 1] is '.' or '-' or '_'))
        {
            return Fail(out start, out length); // self.sl.…, a word joined before it; tested before the body is read
        }

        // "sl." or "sl.u." then 130+ of [A-Za-z0-9_=-], holding upper case, lower case and a digit.
        int i = a + 3;
        if (i + 1 < t.Length && t[i] == 'u' && t[i + 1] == '.')
        {
            i += 2;
        }

        int n = Span(t, i, 4097, c => IsB64Url(c) || c == '=');
        return n is >= 130 and <= 4096 && BoundaryAfter(t, i + n) && HasUpperLowerDigit(t.Slice(i, n))
            ? Ok(a, i + n, out start, out length) : Fail(out start, out length);
    }

    private static bool TailscaleKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        // "tskey-" kind "-" id "-" secret.
        int i = a + 6;
        int kind = Span(t, i, 8, char.IsAsciiLetterLower);
        if (!BoundaryBefore(t, a) || kind < 3 || i + kind >= t.Length || t[i + kind] != '-')
        {
            return Fail(out start, out length);
        }

        i += kind + 1;
        int id = Span(t, i, 33, IsAlnum);
        if (id is < 8 or > 32 || i + id >= t.Length || t[i + id] != '-')
        {
            return Fail(out start, out length);
        }

        i += id + 1;
        int n = Span(t, i, 41, IsAlnum);
        return n is >= 20 and <= 40 && BoundaryAfter(t, i + n) && HasLetterAndDigit(t.Slice(i, n))
            ? Ok(a, i + n, out start, out length) : Fail(out start, out length);
    }

    private static bool GoogleRefreshToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int n = Span(t, a + 4, 513, IsB64Url);
        return BoundaryBefore(t, a) && n is >= 60 and <= 512 && BoundaryAfter(t, a + 4 + n) && HasUpperLowerDigit(t.Slice(a + 4, n))
            ? Ok(a, a + 4 + n, out start, out length) : Fail(out start, out length);
    }

    private static bool AwsSessionToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        // The token is base64 of a binary blob whose first bytes are fixed: the anchor is their base64; 100+ more. Not
        // inside base64 text (after + or /): tested before the body is read, so that a blob of repeated headers is not
        // read again from every one.
        if (!BoundaryBefore(t, a) || (a > 0 && t[a - 1] is '+' or '/' or '-' or '_'))
        {
            return Fail(out start, out length);
        }

        int n = Span(t, a, 8193, IsB64Std);
        int e = a + n;
        while (e < t.Length && e - (a + n) < 2 && t[e] == '=')
        {
            e++;
        }

        return n is >= 116 and <= 8192 && (e >= t.Length || !IsB64Std(t[e]))
            ? Ok(a, e, out start, out length) : Fail(out start, out length);
    }

    /// <summary>An Azure DevOps personal access token of the 84-character format that is the token run [<paramref name="rs"/>, <paramref name="re"/>).</summary>
    internal static bool AzureDevOpsPatAt(ReadOnlySpan<char> t, int rs, int re) =>
        re - rs == 84 && t[rs + 76] == 'A' && t[rs + 77] == 'Z' && t[rs + 78] == 'D' && t[rs + 79] == 'O' && !t[rs..re].ContainsAnyExcept(ContextRules.Alphanumerics) && HasUpperLowerDigit(t.Slice(rs, 76));

    private static readonly TokenMatcher s_bitbucketAppPassword = PrefixedUpperLowerDigit(4, 28, 48);

    private static bool BitbucketToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        if (t[a + 3] == 'B')
        {
            return s_bitbucketAppPassword(t, a, out start, out length);
        }

        if (!BoundaryBefore(t, a))
        {
            return Fail(out start, out length);
        }

        int n = Span(t, a + 6, 2049, c => IsB64Url(c) || c == '=');
        return n is >= 100 and <= 2048 && BoundaryAfter(t, a + 6 + n) && HasUpperLowerDigit(t.Slice(a + 6, n))
            ? Ok(a, a + 6 + n, out start, out length) : Fail(out start, out length);
    }

    private static bool SlackSessionToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int i = a + 5;
        if (!BoundaryBefore(t, a) || (a > 0 && t[a - 1] is '-' or '%' or '_'))
        {
            return Fail(out start, out length);
        }

        if (t[a + 3] == 'c')
        {
            // xoxc-: three dash-separated numbers of 9–15 digits, then 64 lower-case hex digits.
            for (int part = 0; part < 3; part++)
            {
                int d = Span(t, i, 16, char.IsAsciiDigit);
                if (d is < 9 or > 15 || i + d >= t.Length || t[i + d] != '-')
                {
                    return Fail(out start, out length);
                }

                i += d + 1;
            }

            return Span(t, i, 65, IsLowerHex) == 64 && BoundaryAfter(t, i + 64) ? Ok(a, i + 64, out start, out length) : Fail(out start, out length);
        }

        // xoxd-: base64, usually percent-encoded (%2B %2F %3D).
        int n = Span(t, i, 2049, c => IsB64Any(c) || c == '%');
        return n is >= 60 and <= 2048 && HasUpperLowerDigit(t.Slice(i, n)) ? Ok(a, i + n, out start, out length) : Fail(out start, out length);
    }

    private static bool MailgunKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        if ((a > 0 && t[a - 1] is '-' or '_' or '.' or '/') || !s_mailgunBody(t, a, out start, out length)
            || (a + 36 < t.Length && t[a + 36] is '-' or '_' or '.'))
        {
            return Fail(out start, out length);
        }

        var body = t.Slice(a + 4, 32);
        if (body.ContainsAnyExcept(ContextRules.LowerHexChars))
        {
            return true; // a letter g–z: not a hex digest
        }

        bool named = (a >= 4 && t.Slice(a - 4, 4).SequenceEqual("api:"))
            || t[Math.Max(0, a - 256)..Math.Min(t.Length, a + 100)].Contains("mailgun", StringComparison.OrdinalIgnoreCase);
        return named || Fail(out start, out length);
    }

    private static readonly TokenMatcher s_mailgunBody = PrefixedWord(4, IsLowerAlnum, 32, 32);

    private static bool DeepSeekKey(ReadOnlySpan<char> t, int a, out int start, out int length) =>
        (a == 0 || t[a - 1] is not ('-' or '_' or '.' or '/' or ':')) && s_deepSeekBody(t, a, out start, out length)
            && !(a + 35 < t.Length && t[a + 35] is '-' or '_' or '.') || Fail(out start, out length);

    private static readonly TokenMatcher s_deepSeekBody = PrefixedWord(3, IsLowerHex, 32, 32);

    private static bool NetlifyToken(ReadOnlySpan<char> t, int a, out int start, out int length) =>
        s_netlifyBody(t, a, out start, out length) && HasUpperLowerDigit(t.Slice(a + 4, length - 4)) || Fail(out start, out length);

    private static readonly TokenMatcher s_netlifyBody = Prefixed(4, c => IsAlnum(c) || c == '_', 32, 40);

    private static bool TwitchToken(ReadOnlySpan<char> t, int a, out int start, out int length) =>
        s_twitchBody(t, a, out start, out length) && t.Slice(a + 6, 30).ContainsAnyExcept(ContextRules.LowerHexChars) || Fail(out start, out length);

    private static readonly TokenMatcher s_twitchBody = PrefixedWord(6, IsLowerAlnum, 30, 30);

    private static bool CloudflareApiToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int i = a + (t[a + 2] == 'k' ? 4 : 5);
        return BoundaryBefore(t, a) && Span(t, i, 49, IsAlnum) == 48 && BoundaryAfter(t, i + 48) && HasLetterAndDigit(t.Slice(i, 40))
            && !t.Slice(i + 40, 8).ContainsAnyExcept(ContextRules.LowerHexChars)
            ? Ok(a, i + 48, out start, out length) : Fail(out start, out length);
    }
}
