namespace BotBottle.Dlp;

/// <summary>
/// Rules added in the fourth issue-16 round: tokens of developer platforms, clouds and SaaS APIs whose format starts
/// with a documented prefix and that the earlier rounds did not cover (a probe of 47 such formats through
/// <c>bot-bottle egress check</c> found every one allowed). Each is an anchored, bounded, allocation-free matcher like
/// the others; where the vendor's documentation does not state the format, the source is the public gitleaks rule
/// set (https://github.com/gitleaks/gitleaks, <c>config/gitleaks.toml</c>, rule id given), whose shapes the matcher
/// follows. A body of letters and digits short enough to be a word must hold a digit and a letter.
/// </summary>
internal static partial class BuiltInRules
{
    private const string GitleaksSource = "https://github.com/gitleaks/gitleaks/blob/master/config/gitleaks.toml";

    private static TokenRule[] PlatformRules() =>
    [
        Anchor("onepassword-secret", "1Password account Secret Key or service-account token",
            "https://support.1password.com/secret-key-security/ (A3-…), https://developer.1password.com/docs/service-accounts/ (ops_eyJ…)",
            "A3-[A-Z0-9]{6}-([A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5} | ops_eyJ[A-Za-z0-9+/]{250,}={0,3}",
            ["A3-", "ops_eyJ"], OnePasswordSecret),
        Anchor("adobe-client-secret", "Adobe Developer Console OAuth client secret", GitleaksSource + " (adobe-client-secret)",
            "p8e-[A-Za-z0-9]{32}", ["p8e-"], PrefixedWord(4, IsAlnum, 32, 32)),
        Anchor("alibaba-access-key-id", "Alibaba Cloud AccessKey ID",
            "https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair (IDs start LTAI); " + GitleaksSource + " (alibaba-access-key-id)",
            "LTAI[A-Za-z0-9]{20}", ["LTAI"], OutsideBase64(PrefixedWord(4, IsAlnum, 20, 20))),
        Anchor("artifactory-token", "JFrog Artifactory API key or reference token", GitleaksSource + " (artifactory-api-key, artifactory-reference-token)",
            "AKCp[A-Za-z0-9]{69} | cmVmdGtu[A-Za-z0-9]{56} (base64 of \"reftkn\")", ["AKCp", "cmVmdGtu"], OutsideBase64(ArtifactoryToken)),
        Anchor("aws-bedrock-api-key", "Amazon Bedrock API key (long-term ABSK…, short-term bedrock-api-key-…)",
            "https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html; " + GitleaksSource + " (aws-amazon-bedrock-api-key-*)",
            "ABSK[A-Za-z0-9+/]{109,269}={0,2} | bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=]{40,}",
            ["ABSK", "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t"], OutsideBase64(BedrockKey)),
        Anchor("clickhouse-cloud-secret", "ClickHouse Cloud API secret key", GitleaksSource + " (clickhouse-cloud-api-secret-key)",
            "4b1d[A-Za-z0-9]{38}", ["4b1d"], OutsideBase64(PrefixedWord(4, IsAlnum, 38, 38))),
        Anchor("clojars-token", "Clojars deploy token", GitleaksSource + " (clojars-api-token)",
            "CLOJARS_[a-z0-9]{60}", ["CLOJARS_"], PrefixedWord(8, IsLowerAlnum, 60, 60)),
        Anchor("duffel-api-token", "Duffel API access token", GitleaksSource + " (duffel-api-token)",
            "duffel_(test|live)_[A-Za-z0-9_=-]{43}", ["duffel_test_", "duffel_live_"], PrefixedWord(12, c => IsB64Url(c) || c == '=', 43, 43)),
        Anchor("dynatrace-api-token", "Dynatrace API token (prefix, public part, secret part)",
            "https://docs.dynatrace.com/docs/manage/identity-access-management/access-tokens-and-oauth-clients/access-tokens#token-format",
            "dt0c01.[A-Z0-9]{24}.[A-Z0-9]{64}", ["dt0c01."], TwoParts(7, IsUpperAlnum, 24, '.', IsUpperAlnum, 64)),
        Anchor("easypost-api-key", "EasyPost production or test API key", GitleaksSource + " (easypost-api-token, easypost-test-api-token)",
            "EZ[AT]K[A-Za-z0-9]{54}", ["EZAK", "EZTK"], PrefixedWord(4, IsAlnum, 54, 54)),
        Anchor("facebook-access-token", "Facebook (Meta Graph API) access token starting EAAC or EAAM",
            "https://developers.facebook.com/docs/facebook-login/guides/access-tokens; " + GitleaksSource + " (facebook-page-access-token)",
            "EAA[CM][A-Za-z0-9]{100,}", ["EAAC", "EAAM"], OutsideBase64(PrefixedWord(4, IsAlnum, 100, 1024))),
        Anchor("flutterwave-secret-key", "Flutterwave secret key (live or test)", GitleaksSource + " (flutterwave-secret-key)",
            "FLWSECK(_TEST)?-[a-hA-H0-9]{32}-X", ["FLWSECK-", "FLWSECK_TEST-"], FlutterwaveKey),
        Anchor("flyio-token", "Fly.io access token or macaroon",
            "https://fly.io/docs/security/tokens/; " + GitleaksSource + " (flyio-access-token)",
            "fo1_[A-Za-z0-9_-]{43} | fm1[ar]_[A-Za-z0-9+/]{100,}={0,3} | fm2_[A-Za-z0-9+/]{100,}={0,3}", ["fo1_", "fm1a_", "fm1r_", "fm2_"], FlyToken),
        Anchor("frameio-api-token", "Frame.io developer token", GitleaksSource + " (frameio-api-token)",
            "fio-u-[A-Za-z0-9_=-]{64}", ["fio-u-"], PrefixedWord(6, c => IsB64Url(c) || c == '=', 64, 64)),
        Anchor("gitlab-other-token", "GitLab CI/CD job, feed, incoming-mail, agent, OAuth application, pipeline-trigger, SCIM or feature-flag token, runner registration token, or session cookie",
            GitLabSource + " (glcbt-, glft-, glimt-, glagent-, gloas-, glptt-, glsoat-, glffct-, GR1348941)",
            "gl(cbt|ft|imt|agent|oas|ptt|soat|ffct)-[A-Za-z0-9_.-]{20,} | GR1348941[A-Za-z0-9_.-]{20,} | _gitlab_session=[a-z0-9]{32}",
            ["glcbt-", "glft-", "glimt-", "glagent-", "gloas-", "glptt-", "glsoat-", "glffct-", "GR1348941", "_gitlab_session="], GitLabOtherToken),
        Anchor("grafana-api-key", "Grafana API key (legacy, base64 JSON {\"k\":…})", GitleaksSource + " (grafana-api-key)",
            "eyJrIjoi[A-Za-z0-9]{70,400}={0,3}", ["eyJrIjoi"], OutsideBase64(GrafanaApiKey)),
        Anchor("heroku-api-key", "Heroku API key (HRKU- format)",
            "https://devcenter.heroku.com/articles/authentication; " + GitleaksSource + " (heroku-api-key-v2)",
            "HRKU-AA[A-Za-z0-9_-]{58} (since r36 HRKU- and 20–80 others with a letter and a digit: not validated)", ["HRKU-"], HerokuKey,
            t => t.Length == 65 && t.StartsWith("HRKU-AA", StringComparison.Ordinal)),
        Anchor("infracost-api-token", "Infracost API key", GitleaksSource + " (infracost-api-token)",
            "ico-[A-Za-z0-9]{32} (upper and lower case and digits: a hashed asset name ico-<md5 hex> is not one)", ["ico-"], PrefixedUpperLowerDigit(4, 32)),
        Anchor("openshift-token", "OpenShift OAuth access token",
            "https://docs.openshift.com/container-platform/4.15/authentication/managing-oauth-access-tokens.html (sha256~); " + GitleaksSource + " (openshift-user-token)",
            "sha256~[A-Za-z0-9_-]{43}", ["sha256~"], PrefixedWord(7, IsB64Url, 43, 43)),
        Anchor("perplexity-api-key", "Perplexity API key", "https://docs.perplexity.ai/getting-started/quickstart (pplx-); " + GitleaksSource + " (perplexity-api-key)",
            "pplx-[A-Za-z0-9]{48}", ["pplx-"], PrefixedWord(5, IsAlnum, 48, 48)),
        Anchor("planetscale-token", "PlanetScale service token, database password or OAuth token",
            "https://planetscale.com/docs/concepts/service-tokens; " + GitleaksSource + " (planetscale-api-token, planetscale-password, planetscale-oauth-token)",
            "pscale_(tkn|pw|oauth)_[A-Za-z0-9_=.-]{32,64}", ["pscale_tkn_", "pscale_pw_", "pscale_oauth_"], PlanetScaleToken),
        Anchor("prefect-api-key", "Prefect Cloud API key", "https://docs.prefect.io/v3/manage/cloud/manage-users/api-keys; " + GitleaksSource + " (prefect-api-token)",
            "pnu_[A-Za-z0-9]{36}", ["pnu_"], PrefixedWord(4, IsAlnum, 36, 36)),
        Anchor("readme-api-key", "ReadMe API key", GitleaksSource + " (readme-api-token)",
            "rdme_[a-z0-9]{70}", ["rdme_"], PrefixedWord(5, IsLowerAlnum, 70, 70)),
        Anchor("rubygems-api-key", "RubyGems.org API key", "https://guides.rubygems.org/api-key-scopes/; " + GitleaksSource + " (rubygems-api-token)",
            "rubygems_[a-f0-9]{48}", ["rubygems_"], PrefixedWord(9, IsLowerHex, 48, 48)),
        Anchor("scalingo-api-token", "Scalingo API token", GitleaksSource + " (scalingo-api-token)",
            "tk-us-[A-Za-z0-9_-]{48}", ["tk-us-"], PrefixedWord(6, IsB64Url, 48, 48)),
        Anchor("brevo-api-key", "Brevo (Sendinblue) API key", GitleaksSource + " (sendinblue-api-token)",
            "xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}", ["xkeysib-"], TwoParts(8, IsLowerHex, 64, '-', IsAlnum, 16)),
        Anchor("settlemint-token", "SettleMint personal, application or service access token", GitleaksSource + " (settlemint-*-access-token)",
            "sm_(pat|aat|sat)_[A-Za-z0-9]{16}", ["sm_pat_", "sm_aat_", "sm_sat_"], PrefixedWord(7, IsAlnum, 16, 16)),
        Anchor("shippo-api-token", "Shippo live or test API token", GitleaksSource + " (shippo-api-token)",
            "shippo_(live|test)_[a-fA-F0-9]{40}", ["shippo_live_", "shippo_test_"], PrefixedWord(12, char.IsAsciiHexDigit, 40, 40)),
        Anchor("sourcegraph-token", "Sourcegraph access token",
            "https://sourcegraph.com/docs/cli/how-tos/creating_an_access_token; " + GitleaksSource + " (sourcegraph-access-token)",
            "sgp_([a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40} | sgp_[a-fA-F0-9]{40}", ["sgp_"], SourcegraphToken),
        Anchor("supabase-token", "Supabase personal access token (Management API)",
            "https://supabase.com/docs/reference/api/introduction (personal access tokens, sbp_ + 40 hex)",
            "sbp_[a-f0-9]{40}", ["sbp_"], PrefixedWord(4, IsLowerHex, 40, 40)),
        Anchor("new-relic-api-key", "New Relic user API key",
            "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/ (user keys start NRAK-); " + GitleaksSource + " (new-relic-user-api-key)",
            "NRAK-[A-Z0-9]{27}", ["NRAK-"], PrefixedWord(5, c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c), 27, 27)),
        Anchor("mapbox-secret-token", "Mapbox secret access token (sk. scope; public pk. tokens are not reported)",
            "https://docs.mapbox.com/accounts/guides/tokens/ (token prefixes pk., sk., tk.)",
            "sk.eyJ1Ijoi[A-Za-z0-9_-]{20,}.[A-Za-z0-9_-]{22}", ["sk.eyJ1Ijoi"], MapboxSecretToken),
    ];

    /// <summary>
    /// Heroku's <c>HRKU-AA</c> + 58 (gitleaks heroku-api-key-v2); since r36 a key written by hand after <c>HRKU-</c>
    /// (<c>HRKU-3ed1b725-ac57-…</c>, the older UUID key under the new prefix): 20–80 of <c>[A-Za-z0-9_-]</c> with a letter
    /// and a digit, reported not validated.
    /// </summary>
    private static bool HerokuKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int i = a + "HRKU-".Length;
        int n = Span(t, i, 81, IsB64Url);
        if (!BoundaryBefore(t, a) || n is < 20 or > 80 || !BoundaryAfter(t, i + n) || !HasLetterAndDigit(t.Slice(i, n)))
        {
            return Fail(out start, out length);
        }

        return Ok(a, i + n, out start, out length);
    }

    /// <summary><see cref="Prefixed"/> whose body must also hold a digit and a letter when it may be all letters or all digits.</summary>
    private static TokenMatcher PrefixedWord(int prefixLength, Func<char, bool> body, int min, int max)
    {
        var inner = Prefixed(prefixLength, body, min, max);
        return (ReadOnlySpan<char> t, int a, out int start, out int length) =>
            inner(t, a, out start, out length) && HasLetterAndDigit(t.Slice(a + prefixLength, length - prefixLength)) || Fail(out start, out length);
    }

    /// <summary><see cref="Prefixed"/> for a body of <paramref name="length"/> (to <paramref name="maxLength"/>, when larger) letters and digits holding upper case, lower case and a digit.</summary>
    private static TokenMatcher PrefixedUpperLowerDigit(int prefixLength, int length, int maxLength = 0)
    {
        var inner = Prefixed(prefixLength, IsAlnum, length, Math.Max(length, maxLength));
        return (ReadOnlySpan<char> t, int a, out int start, out int len) =>
            inner(t, a, out start, out len) && HasUpperLowerDigit(t.Slice(a + prefixLength, len - prefixLength)) || Fail(out start, out len);
    }

    /// <summary>
    /// The match of <paramref name="inner"/>, unless it lies inside base64 text: <c>EAAA</c> is base64 of the bytes
    /// <c>10 00 00</c>, <c>EAAC</c>, <c>LTAI</c>, <c>4b1d</c> and <c>ABSK</c> occur in base64 of binaries and fonts too (a
    /// review found <c>EAAA</c> + 60 in 82 % of shared libraries base64-encoded at 64 columns). See <see cref="InsideBase64"/>.
    /// </summary>
    private static TokenMatcher OutsideBase64(TokenMatcher inner) =>
        (ReadOnlySpan<char> t, int a, out int start, out int length) =>
            inner(t, a, out start, out length) && !InsideBase64(t, start, start + length) || Fail(out start, out length);

    /// <summary>
    /// Whether [<paramref name="s"/>, <paramref name="e"/>) continues base64 text: <c>+</c> or <c>/</c> just before it or
    /// just after it, <c>=</c> just after it, or a line break just before it that ends a line of base64 characters
    /// (wrapped base64, RFC 2045 §6.8, RFC 7468).
    /// </summary>
    private static bool InsideBase64(ReadOnlySpan<char> t, int s, int e)
    {
        if ((s > 0 && t[s - 1] is '+' or '/') || (e < t.Length && t[e] is '+' or '/' or '='))
        {
            return true;
        }

        int i = s;
        if (i > 0 && t[i - 1] == '\n')
        {
            i--;
        }

        if (i > 0 && t[i - 1] == '\r')
        {
            i--;
        }

        return i < s && i > 0 && IsB64Std(t[i - 1]);
    }

    private static bool HasLetterAndDigit(ReadOnlySpan<char> s) =>
        s.IndexOfAnyInRange('0', '9') >= 0 && (s.IndexOfAnyInRange('a', 'z') >= 0 || s.IndexOfAnyInRange('A', 'Z') >= 0);

    private static bool IsUpperAlnum(char c) => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c);

    /// <summary>Index of the anchor of <paramref name="anchors"/> that starts at <paramref name="a"/> (the engine found one of them there).</summary>
    private static int PrefixLength(ReadOnlySpan<char> t, int a, ReadOnlySpan<string> anchors)
    {
        foreach (string p in anchors)
        {
            if (t[a..].StartsWith(p, StringComparison.Ordinal))
            {
                return p.Length;
            }
        }

        return 0;
    }

    /// <summary>Base64 characters (standard alphabet) from <paramref name="i"/>, at most <paramref name="max"/>, then up to <paramref name="pad"/> '='; returns the end.</summary>
    private static int B64WithPadding(ReadOnlySpan<char> t, int i, int max, int pad, out int count)
    {
        count = Span(t, i, max + 1, IsB64Std);
        int e = i + count;
        for (int k = 0; k < pad && e < t.Length && t[e] == '='; k++)
        {
            e++;
        }

        return e;
    }

    private static bool OnePasswordSecret(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        if (!BoundaryBefore(t, a))
        {
            return Fail(out start, out length);
        }

        if (t[a] == 'o')
        {
            int e = B64WithPadding(t, a + 7, 4096, 3, out int n);
            return n is >= 250 and <= 4096 && BoundaryAfter(t, e) ? Ok(a, e, out start, out length) : Fail(out start, out length);
        }

        // A3-XXXXXX-(XXXXXXXXXXX | XXXXXX-XXXXX)-XXXXX-XXXXX-XXXXX: groups of upper-case letters and digits.
        int i = a + 3;
        if (Span(t, i, 7, IsUpperAlnum) != 6 || i + 6 >= t.Length || t[i + 6] != '-')
        {
            return Fail(out start, out length);
        }

        i += 7;
        int g = Span(t, i, 12, IsUpperAlnum);
        if (g == 6 && i + 6 < t.Length && t[i + 6] == '-' && Span(t, i + 7, 6, IsUpperAlnum) == 5)
        {
            i += 12;
        }
        else if (g == 11)
        {
            i += 11;
        }
        else
        {
            return Fail(out start, out length);
        }

        for (int k = 0; k < 3; k++)
        {
            if (i >= t.Length || t[i] != '-' || Span(t, i + 1, 6, IsUpperAlnum) != 5)
            {
                return Fail(out start, out length);
            }

            i += 6;
        }

        return BoundaryAfter(t, i) && HasLetterAndDigit(t[(a + 3)..i]) ? Ok(a, i, out start, out length) : Fail(out start, out length);
    }

    private static bool ArtifactoryToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int prefix = t[a] == 'A' ? 4 : 8, want = t[a] == 'A' ? 69 : 56;
        int n = Span(t, a + prefix, want + 1, IsAlnum);
        return BoundaryBefore(t, a) && n == want && BoundaryAfter(t, a + prefix + n) && HasLetterAndDigit(t.Slice(a + prefix, n))
            ? Ok(a, a + prefix + n, out start, out length) : Fail(out start, out length);
    }

    private static bool BedrockKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        bool longTerm = t[a] == 'A';
        int prefix = longTerm ? 4 : 44;
        int e = B64WithPadding(t, a + prefix, 16384, 2, out int n);
        bool size = longTerm ? n is >= 109 and <= 269 : n is >= 40 and <= 16384;
        return BoundaryBefore(t, a) && size && BoundaryAfter(t, e) ? Ok(a, e, out start, out length) : Fail(out start, out length);
    }

    private static bool FlutterwaveKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int i = a + (t[a + 7] == '_' ? 13 : 8);
        static bool Body(char c) => char.IsAsciiDigit(c) || c is (>= 'a' and <= 'h') or (>= 'A' and <= 'H');
        return BoundaryBefore(t, a) && Span(t, i, 33, Body) == 32 && i + 33 < t.Length && t[i + 32] == '-' && t[i + 33] == 'X'
            && BoundaryAfter(t, i + 34)
            ? Ok(a, i + 34, out start, out length) : Fail(out start, out length);
    }

    private static bool FlyToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        if (!BoundaryBefore(t, a))
        {
            return Fail(out start, out length);
        }

        if (t[a + 1] == 'o')
        {
            int n = Span(t, a + 4, 44, IsB64Url);
            return n == 43 && BoundaryAfter(t, a + 4 + n) ? Ok(a, a + 4 + n, out start, out length) : Fail(out start, out length);
        }

        int prefix = t[a + 2] == '1' ? 5 : 4;
        int e = B64WithPadding(t, a + prefix, 8192, 3, out int m);
        return m is >= 100 and <= 8192 && BoundaryAfter(t, e) ? Ok(a, e, out start, out length) : Fail(out start, out length);
    }

    private static readonly string[] s_gitLabOtherAnchors = ["glcbt-", "glft-", "glimt-", "glagent-", "gloas-", "glptt-", "glsoat-", "glffct-", "GR1348941", "_gitlab_session="];

    private static bool GitLabOtherToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int prefix = PrefixLength(t, a, s_gitLabOtherAnchors);
        if (prefix == 0 || (t[a] != '_' && !BoundaryBefore(t, a)))
        {
            return Fail(out start, out length);
        }

        int i = a + prefix;
        if (t[a] == '_')
        {
            // The session cookie: 32 lower-case letters and digits (the value; the name is public).
            int c = Span(t, i, 33, IsLowerAlnum);
            return c == 32 && BoundaryAfter(t, i + c) && HasLetterAndDigit(t.Slice(i, c)) ? Ok(i, i + c, out start, out length) : Fail(out start, out length);
        }

        int n = Span(t, i, 256, c => IsB64Url(c) || c == '.');
        while (n > 0 && t[i + n - 1] == '.')
        {
            n--;
        }

        return n >= 20 && BoundaryAfter(t, i + n) && HasLetterAndDigit(t.Slice(i, n)) ? Ok(a, i + n, out start, out length) : Fail(out start, out length);
    }

    private static bool GrafanaApiKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int e = B64WithPadding(t, a + 8, 400, 3, out int n);
        return BoundaryBefore(t, a) && n is >= 70 and <= 400 && BoundaryAfter(t, e) ? Ok(a, e, out start, out length) : Fail(out start, out length);
    }

    private static bool PlanetScaleToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int prefix = t[a + 7] switch { 't' => 11, 'p' => 10, _ => 13 };
        int n = Span(t, a + prefix, 65, c => IsB64Url(c) || c is '=' or '.');
        return BoundaryBefore(t, a) && n is >= 32 and <= 64 && BoundaryAfter(t, a + prefix + n) && HasLetterAndDigit(t.Slice(a + prefix, n))
            ? Ok(a, a + prefix + n, out start, out length) : Fail(out start, out length);
    }

    private static bool SourcegraphToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        if (!BoundaryBefore(t, a))
        {
            return Fail(out start, out length);
        }

        int i = a + 4;
        int n = Span(t, i, 41, char.IsAsciiHexDigit);
        if (n == 40)
        {
            return BoundaryAfter(t, i + 40) ? Ok(a, i + 40, out start, out length) : Fail(out start, out length);
        }

        // sgp_<16 hex instance id or "local">_<40 hex>
        int id = n == 16 ? 16 : t[i..].StartsWith("local_", StringComparison.Ordinal) ? 5 : -1;
        if (id < 0 || i + id >= t.Length || t[i + id] != '_' || Span(t, i + id + 1, 41, char.IsAsciiHexDigit) != 40)
        {
            return Fail(out start, out length);
        }

        int e = i + id + 41;
        return BoundaryAfter(t, e) ? Ok(a, e, out start, out length) : Fail(out start, out length);
    }

    private static bool MapboxSecretToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int i = a + 11;
        int n = Span(t, i, 512, IsB64Url);
        if (!BoundaryBefore(t, a) || n < 20 || i + n >= t.Length || t[i + n] != '.')
        {
            return Fail(out start, out length);
        }

        int m = Span(t, i + n + 1, 23, IsB64Url);
        int e = i + n + 1 + m;
        return m == 22 && BoundaryAfter(t, e) ? Ok(a, e, out start, out length) : Fail(out start, out length);
    }

    /// <summary>Square: <c>sq0atp-</c>/<c>sq0csp-</c> + 22–64 base64url characters, or a production access token <c>EAAA</c> + 60.</summary>
    private static bool SquareToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        if (t[a] == 'E')
        {
            int n = Span(t, a + 4, 61, IsB64Url);
            return BoundaryBefore(t, a) && n == 60 && BoundaryAfter(t, a + 64) && HasUpperLowerDigit(t.Slice(a + 4, 60)) && !InsideBase64(t, a, a + 64)
                ? Ok(a, a + 64, out start, out length) : Fail(out start, out length);
        }

        return s_squareClassic(t, a, out start, out length);
    }

    private static readonly TokenMatcher s_squareClassic = Prefixed(7, IsB64Url, 22, 64);
}
