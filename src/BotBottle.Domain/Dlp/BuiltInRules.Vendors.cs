namespace BotBottle.Dlp;

/// <summary>
/// Rules added in the second issue-16 round (red-team probes of what a coding agent's environment holds): vendor tokens
/// with a documented prefix, Discord webhook URLs, PuTTY private-key files and private keys pasted as base64 DER
/// without their PEM armor. Each matcher is anchored, bounded and allocation-free like the others.
/// </summary>
internal static partial class BuiltInRules
{
    public const string PrivateKeyDerId = "private-key-der";
    public const string TelegramBotTokenId = "telegram-bot-token";
    public const string DiscordBotTokenId = "discord-bot-token";
    public const string AzureClientSecretId = "azure-ad-client-secret";
    public const string JwkPrivateKeyId = "private-key-jwk";
    public const string EncodedUserPasswordId = "encoded-user-password";

    private static TokenRule[] VendorRules() =>
    [
        Anchor("shopify-access-token", "Shopify access token, custom-app token, partner token or shared secret",
            "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens (prefixes shpat_, shpca_, shppa_, shpss_)",
            "shp(at|ca|pa|ss)_[a-fA-F0-9]{32}", ["shpat_", "shpca_", "shppa_", "shpss_"], Prefixed(6, IsHexAnyCase, 32, 32)),
        Anchor("google-oauth-client-secret", "Google OAuth 2.0 client secret",
            "https://developers.google.com/identity/protocols/oauth2 (client secrets issued since 2021 start GOCSPX-)",
            "GOCSPX-[A-Za-z0-9_-]{28}", ["GOCSPX-"], Prefixed(7, IsB64Url, 28, 28)),
        Anchor("google-oauth-access-token", "Google OAuth 2.0 access token",
            "https://developers.google.com/identity/protocols/oauth2 (access tokens ya29.…)",
            "ya29.[A-Za-z0-9_-]{30,}", ["ya29."], Prefixed(5, IsB64Url, 30, 4096)),
        Anchor("digitalocean-token", "DigitalOcean personal access, OAuth or refresh token",
            "https://docs.digitalocean.com/reference/api/create-personal-access-token/ (dop_v1_, doo_v1_, dor_v1_)",
            "do[por]_v1_[a-f0-9]{64}", ["dop_v1_", "doo_v1_", "dor_v1_"], Prefixed(7, IsLowerHex, 64, 64)),
        Anchor("hashicorp-vault-token", "HashiCorp Vault service, batch or recovery token",
            "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes",
            "hv[sbr].[A-Za-z0-9_-]{24,}", ["hvs.", "hvb.", "hvr."], Prefixed(4, IsB64Url, 24, 1024)),
        Anchor("terraform-cloud-token", "HCP Terraform (Terraform Cloud / Enterprise) API token",
            "https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens (<14>.atlasv1.<60+>)",
            "[A-Za-z0-9]{14}.atlasv1.[A-Za-z0-9_-]{60,}", [".atlasv1."], TerraformToken),
        Anchor("grafana-token", "Grafana service-account token or Grafana Cloud access-policy token",
            "https://grafana.com/docs/grafana/latest/administration/service-accounts/ (glsa_), https://grafana.com/docs/grafana-cloud/account-management/authentication-and-permissions/access-policies/ (glc_)",
            "glsa_[A-Za-z0-9]{32}_[a-f0-9]{8} | glc_[A-Za-z0-9+/=_-]{32,}", ["glsa_", "glc_"], GrafanaToken),
        Anchor("atlassian-api-token", "Atlassian (Jira, Confluence, Bitbucket) API token",
            "https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/ (tokens start ATATT3)",
            "ATATT3[A-Za-z0-9_=-]{150,}", ["ATATT3"], AtlassianToken),
        Anchor("linear-api-key", "Linear personal API key",
            "https://linear.app/developers/graphql#personal-api-keys (lin_api_)",
            "lin_api_[A-Za-z0-9]{40}", ["lin_api_"], Prefixed(8, IsAlnum, 40, 40)),
        Anchor("notion-token", "Notion integration token (ntn_, since 2024; secret_ before)",
            "https://developers.notion.com/docs/authorization",
            "ntn_[0-9]{11}[A-Za-z0-9]{35} | secret_[A-Za-z0-9]{43}", ["ntn_", "secret_"], NotionToken),
        Anchor("postman-api-key", "Postman API key",
            "https://learning.postman.com/docs/developer/postman-api/authentication/ (PMAK-)",
            "PMAK-[a-f0-9]{24}-[a-f0-9]{34}", ["PMAK-"], TwoParts(5, IsLowerHex, 24, '-', IsLowerHex, 34)),
        Anchor("age-secret-key", "age file-encryption identity (X25519 secret key, Bech32)",
            "https://github.com/C2SP/C2SP/blob/main/age.md (AGE-SECRET-KEY-1, Bech32 of BIP-173)",
            "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}", ["AGE-SECRET-KEY-1"], AgeSecretKey),
        Anchor("groq-api-key", "Groq API key", "https://console.groq.com/docs/quickstart (gsk_)",
            "gsk_[A-Za-z0-9]{52}", ["gsk_"], Prefixed(4, IsAlnum, 52, 52)),
        Anchor("replicate-api-token", "Replicate API token", "https://replicate.com/docs/topics/security/api-tokens (r8_)",
            "r8_[A-Za-z0-9]{37}", ["r8_"], Prefixed(3, IsAlnum, 37, 37)),
        Anchor("xai-api-key", "xAI API key", "https://docs.x.ai/docs/api-reference#authentication (xai-)",
            "xai-[A-Za-z0-9]{80}", ["xai-"], Prefixed(4, IsAlnum, 80, 80)),
        Anchor("databricks-token", "Databricks personal access token",
            "https://docs.databricks.com/en/dev-tools/auth/pat.html (dapi + 32 hex)",
            "dapi[a-f0-9]{32}(-[0-9]+)?", ["dapi"], DatabricksToken),
        Anchor("doppler-token", "Doppler personal, service, service-account, CLI, SCIM or audit token",
            "https://docs.doppler.com/reference/auth-token-formats",
            "dp.(pt|st|sa|ct|scim|audit).[A-Za-z0-9]{40,44} (service tokens: dp.st.<config>.<40+>)", ["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."], DopplerToken),
        Anchor("pulumi-access-token", "Pulumi Cloud access token",
            "https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/ (pul-)",
            "pul-[a-f0-9]{40}", ["pul-"], Prefixed(4, IsLowerHex, 40, 40)),
        Anchor("sentry-token", "Sentry organization or user auth token",
            "https://docs.sentry.io/account/auth-tokens/ (sntrys_, sntryu_)",
            "sntrys_[A-Za-z0-9+/=_-]{60,} | sntryu_[a-f0-9]{64}", ["sntrys_", "sntryu_"], Prefixed(7, IsB64Any, 60, 4096)),
        Anchor("square-access-token", "Square access token or OAuth application secret",
            "https://developer.squareup.com/docs/build-basics/access-tokens (sq0atp-, sq0csp-; production access tokens EAAA…); " + GitleaksSource + " (square-access-token)",
            "sq0(atp|csp)-[A-Za-z0-9_-]{22,64} | EAAA[A-Za-z0-9_-]{60}", ["sq0atp-", "sq0csp-", "EAAA"], SquareToken), // BuiltInRules.Platforms.cs
        Anchor("pinecone-api-key", "Pinecone API key", "https://docs.pinecone.io/guides/projects/manage-api-keys (pcsk_)",
            "pcsk_[A-Za-z0-9_]{50,}", ["pcsk_"], Prefixed(5, IsB64Url, 50, 200)),
        Anchor("langsmith-api-key", "LangSmith (LangChain) personal access token or service key",
            "https://docs.smith.langchain.com/administration/how_to_guides/organization_management/create_account_api_key (lsv2_pt_, lsv2_sk_)",
            "lsv2_(pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}", ["lsv2_pt_", "lsv2_sk_"], Prefixed(8, IsB64Url, 43, 43)),
        Anchor("discord-webhook-url", "Discord webhook URL (id and token of an incoming webhook)",
            "https://discord.com/developers/docs/resources/webhook#execute-webhook",
            "https://discord.com/api/webhooks/<17–20 digits>/[A-Za-z0-9_-]{60,68}", ["api/webhooks/"], DiscordWebhook),
        Anchor("putty-private-key", "PuTTY private-key file (.ppk, versions 2 and 3)",
            "https://the.earth.li/~sgtatham/putty/0.81/htmldoc/AppendixC.html (PPK file format)",
            "PuTTY-User-Key-File-[23]: <algorithm>\\nEncryption: …\\nPrivate-Lines: n\\n<base64>", ["PuTTY-User-Key-File-"], PuttyKey),
        Anchor(PrivateKeyDerId, "Private key pasted as base64 DER without its PEM armor (PKCS#1 RSA, PKCS#8, SEC 1 EC, OpenSSH)",
            "RFC 8017 A.1.2 (RSAPrivateKey), RFC 5208 §5 (PKCS#8 PrivateKeyInfo), RFC 5915 §3 (ECPrivateKey), RFC 8410 §7 (Ed25519), https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.key (openssh-key-v1)",
            "MII?·AIBAAKCAQEA… | MII?·IBADANBgkqhkiG9w0BAQEFAASC… | MHcCAQEEI… | MC4CAQAwBQYDK2VwBCIEI… | b3BlbnNzaC1rZXktdjE…, 100+ base64 characters (64+ after the openssh-key-v1 magic)",
            ["IBAAKCAQEA", "IBAAKCAYEA", "IBAAKCAgEA", "IBADANBgkqhkiG9w0BAQEFAASC", "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49", "MHcCAQEEI", "MC4CAQAwBQYDK2VwBCIEI", "b3BlbnNzaC1rZXktdjE"], DerPrivateKey),
        new(EncodedUserPasswordId, "user:password pair encoded in base64 as HTTP Basic credentials are: Docker's config.json \"auth\", npm's _auth, a Basic value pasted into a body, query or header",
            "RFC 7617 §2 (Basic: base64 of user-id \":\" password); https://docs.docker.com/reference/cli/docker/login/ (config.json auths.*.auth); https://docs.npmjs.com/cli/configuring-npm/npmrc (_auth)",
            "base64(user:password), 16+ characters, the whole blob", [], "user:password", RuleTrigger.EncodedUserPassword, NoMatcher),
        new(TelegramBotTokenId, "Telegram Bot API token (bot id, colon, 35-character secret starting AA)",
            "https://core.telegram.org/bots/api#authorizing-your-bot",
            "[0-9]{8,10}:AA[A-Za-z0-9_-]{33}", [], "bot token", RuleTrigger.RunShape, NoMatcher),
        new(DiscordBotTokenId, "Discord bot token (base64 of the bot's numeric id, a timestamp and an HMAC, dot-separated)",
            "https://discord.com/developers/docs/reference#authentication",
            "base64(17–20 digits).[A-Za-z0-9_-]{6}.[A-Za-z0-9_-]{27,}", [], "bot token", RuleTrigger.RunShape, NoMatcher),
        new(AzureClientSecretId, "Microsoft Entra ID (Azure AD) application client secret (three characters, a digit, Q~, 31–34 more)",
            "https://github.com/microsoft/security-utilities (SEC101/156 AadClientAppIdentifiableCredentials: [A-Za-z0-9_~.-]{3}8Q~[A-Za-z0-9_~.-]{34}); gitleaks config azure-ad-client-secret (any digit before Q~, 31–34 after)",
            "[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}", [], "Q~", RuleTrigger.RunShape, NoMatcher),
        new(JwkPrivateKeyId, "Private or secret key as a JSON Web Key (the \"d\" of an RSA, EC or OKP key, the \"k\" of a symmetric one)",
            "RFC 7517 §4 (JWK members, kty), RFC 7518 §6.2.2.1 (EC d), §6.3.2.1 (RSA d), §6.4.1 (oct k), RFC 8037 §2 (OKP d)",
            "{…\"kty\": …, \"d\": \"<base64url, 32+>\"…} | {…\"kty\": \"oct\", \"k\": \"<base64url, 16+>\"…}", [], "\"d\": ", RuleTrigger.RunShape, NoMatcher),
    ];

    private static bool IsHexAnyCase(char c) => char.IsAsciiHexDigit(c);

    /// <summary>
    /// A matcher for <c>prefix + first + separator + second</c> of fixed lengths (Postman <c>PMAK-</c>, Dynatrace
    /// <c>dt0c01.</c>, Brevo <c>xkeysib-</c>): the anchor (<paramref name="prefixLength"/> characters) starts a word,
    /// exactly <paramref name="firstLength"/> characters of <paramref name="first"/>, <paramref name="separator"/>, exactly
    /// <paramref name="secondLength"/> of <paramref name="second"/>, and the word ends.
    /// </summary>
    private static TokenMatcher TwoParts(int prefixLength, Func<char, bool> first, int firstLength, char separator, Func<char, bool> second, int secondLength) =>
        (ReadOnlySpan<char> t, int a, out int start, out int length) =>
        {
            int sep = a + prefixLength + firstLength, end = sep + 1 + secondLength;
            return BoundaryBefore(t, a) && Span(t, a + prefixLength, firstLength + 1, first) == firstLength && sep < t.Length && t[sep] == separator
                && Span(t, sep + 1, secondLength + 1, second) == secondLength && BoundaryAfter(t, end)
                ? Ok(a, end, out start, out length) : Fail(out start, out length);
        };

    private static bool IsB64Any(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '_' or '-';

    /// <summary>
    /// A matcher for <c>prefix + body</c>: the anchor (<paramref name="prefixLength"/> characters) starts a word, the
    /// body has <paramref name="min"/>–<paramref name="max"/> characters of <paramref name="body"/>, and ends a word.
    /// </summary>
    private static TokenMatcher Prefixed(int prefixLength, Func<char, bool> body, int min, int max) =>
        (ReadOnlySpan<char> t, int a, out int start, out int length) =>
        {
            int n = Span(t, a + prefixLength, max + 1, body);
            if (!BoundaryBefore(t, a) || n < min || n > max || !BoundaryAfter(t, a + prefixLength + n))
            {
                return Fail(out start, out length);
            }

            return Ok(a, a + prefixLength + n, out start, out length);
        };

    private static bool TerraformToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        // a is at ".atlasv1.": 14 letters and digits before it, 60+ after.
        int s = a - 14;
        if (s < 0 || Span(t, s, 14, IsAlnum) != 14 || !BoundaryBefore(t, s))
        {
            return Fail(out start, out length);
        }

        int n = Span(t, a + 9, 256, IsB64Url);
        return n is >= 60 and < 256 && BoundaryAfter(t, a + 9 + n) ? Ok(s, a + 9 + n, out start, out length) : Fail(out start, out length);
    }

    private static readonly TokenMatcher s_grafanaCloud = Prefixed(4, IsB64Any, 32, 4096);

    private static bool GrafanaToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        if (t[a..].StartsWith("glsa_", StringComparison.Ordinal))
        {
            if (BoundaryBefore(t, a) && Span(t, a + 5, 32, IsAlnum) == 32 && a + 37 < t.Length && t[a + 37] == '_'
                && Span(t, a + 38, 9, IsLowerHex) == 8 && BoundaryAfter(t, a + 46))
            {
                return Ok(a, a + 46, out start, out length);
            }

            return Fail(out start, out length);
        }

        return s_grafanaCloud(t, a, out start, out length);
    }

    private static bool AtlassianToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int n = Span(t, a + 6, 400, c => IsB64Url(c) || c == '=');
        return BoundaryBefore(t, a) && n is >= 150 and < 400 && BoundaryAfter(t, a + 6 + n) ? Ok(a, a + 6 + n, out start, out length) : Fail(out start, out length);
    }

    private static bool NotionToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        bool ntn = t[a..].StartsWith("ntn_", StringComparison.Ordinal);
        int prefix = ntn ? 4 : 7, want = ntn ? 46 : 43;

        // "secret_" is also the end of ordinary identifiers (client_secret_file): it must start a token.
        if (a > 0 && RunScanner.IsTokenChar(t[a - 1]))
        {
            return Fail(out start, out length);
        }

        int n = Span(t, a + prefix, want + 1, IsAlnum);
        if (n != want || !BoundaryAfter(t, a + prefix + n) || (a + prefix + n < t.Length && t[a + prefix + n] is '_' or '-')
            || !HasUpperLowerDigit(t.Slice(a + prefix, n)))
        {
            return Fail(out start, out length);
        }

        return Ok(a, a + prefix + n, out start, out length);
    }

    private static bool AgeSecretKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        const int Len = 16 + 58;
        static bool Bech32Upper(char c) => c is (>= 'A' and <= 'Z' and not 'B' and not 'I' and not 'O') or (>= '0' and <= '9' and not '1');
        return BoundaryBefore(t, a) && Span(t, a + 16, 59, Bech32Upper) == 58 && BoundaryAfter(t, a + Len)
            ? Ok(a, a + Len, out start, out length) : Fail(out start, out length);
    }

    private static bool DatabricksToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        if (!BoundaryBefore(t, a) || Span(t, a + 4, 33, IsLowerHex) != 32)
        {
            return Fail(out start, out length);
        }

        int e = a + 36;
        if (e + 1 < t.Length && t[e] == '-' && char.IsAsciiDigit(t[e + 1]))
        {
            e += 1 + Span(t, e + 1, 3, char.IsAsciiDigit);
        }

        return BoundaryAfter(t, e) ? Ok(a, e, out start, out length) : Fail(out start, out length);
    }

    private static bool DopplerToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        // "dp." kind "." [config "."] body: the body is the last dot-separated part, 40–44 letters and digits.
        if (!BoundaryBefore(t, a))
        {
            return Fail(out start, out length);
        }

        int dot = t[(a + 3)..Math.Min(t.Length, a + 10)].IndexOf('.');
        if (dot < 0)
        {
            return Fail(out start, out length);
        }

        int i = dot + a + 4;
        int n = Span(t, i, 45, IsAlnum);
        int config = Span(t, i, 41, IsB64Url); // a config name may hold '_' and '-' (dev_personal)
        if (config is > 0 and <= 40 && i + config < t.Length && t[i + config] == '.' && t[a + 3] == 's' && t[a + 4] == 't')
        {
            i += config + 1; // service token: dp.st.<config>.<body>
            n = Span(t, i, 45, IsAlnum);
        }

        return n is >= 40 and <= 44 && BoundaryAfter(t, i + n) && (i + n >= t.Length || t[i + n] is not ('_' or '-'))
            ? Ok(a, i + n, out start, out length) : Fail(out start, out length);
    }

    private static bool DiscordWebhook(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        // a is at "api/webhooks/": the host before it is discord.com or discordapp.com (canary., ptb.).
        int s = a;
        var before = t[Math.Max(0, a - 24)..a];
        int host = before.LastIndexOf("discord", StringComparison.Ordinal);
        if (host < 0 || !(before[host..].SequenceEqual("discord.com/") || before[host..].SequenceEqual("discordapp.com/")))
        {
            return Fail(out start, out length);
        }

        s = a - before.Length + host;
        int id = a + 13;
        int digits = Span(t, id, 21, char.IsAsciiDigit);
        if (digits is < 17 or > 20 || id + digits >= t.Length || t[id + digits] != '/')
        {
            return Fail(out start, out length);
        }

        int tok = id + digits + 1;
        int n = Span(t, tok, 69, IsB64Url);
        return n is >= 60 and <= 68 && BoundaryAfter(t, tok + n) ? Ok(s, tok + n, out start, out length) : Fail(out start, out length);
    }

    /// <summary>A PuTTY key file: the version line, then within 4 KiB an <c>Encryption:</c> line and <c>Private-Lines:</c>; the span runs to the end of the <c>Private-MAC</c> line.</summary>
    private static bool PuttyKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        if (!BoundaryBefore(t, a) || a + 23 >= t.Length || t[a + 20] is not ('2' or '3') || t[a + 21] != ':')
        {
            return Fail(out start, out length);
        }

        var window = t[a..Math.Min(t.Length, a + 4096)];
        int enc = window.IndexOf("Encryption:", StringComparison.Ordinal);
        int priv = window.IndexOf("Private-Lines:", StringComparison.Ordinal);
        if (enc < 0 || priv < enc)
        {
            return Fail(out start, out length);
        }

        int mac = window.IndexOf("Private-MAC:", StringComparison.Ordinal);
        int end = priv;
        if (mac > priv)
        {
            end = mac + 13;
            while (end < window.Length && window[end] is not ('\n' or '\r' or '"' or '\\' or ' '))
            {
                end++;
            }
        }

        return Ok(a, a + end, out start, out length);
    }

    /// <summary>
    /// Base64 DER of a private key without PEM armor: the anchor sits where the structure puts it (after <c>MII</c> and
    /// two length characters for RSA and PKCS#8, at the start otherwise), and 100+ base64 characters follow (line breaks
    /// allowed). Public keys (SubjectPublicKeyInfo, <c>MIIBIjANBgkq…</c>) and certificates (<c>MIID…CCA…</c>) differ
    /// from these in their first bytes.
    /// </summary>
    /// <summary>The line before <paramref name="s"/> (a line's start), at most 128 characters: back to the line break (real or JSON-escaped) before it.</summary>
    private static ReadOnlySpan<char> ArmorLineBefore(ReadOnlySpan<char> t, int s)
    {
        var before = t[Math.Max(0, s - 128)..s].TrimEnd("\r\n").TrimEnd('\\'); // the line break itself: "\n", "\r\n", JSON's "\\n"
        int k = before.LastIndexOfAny('\n', '\\');
        return k < 0 ? before : before[(k + 1)..];
    }

    private static bool DerPrivateKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int s = t[a] == 'I' ? a - 6 : a;
        if (s < 0 || (t[a] == 'I' && !t[s..].StartsWith("MII", StringComparison.Ordinal)) || (s > 0 && RunScanner.IsTokenChar(t[s - 1]) && !TextDecoders.IsEscapeLetterAt(t, s - 1)))
        {
            return Fail(out start, out length); // a JSON string's "\nMII…" starts after the escape's letter (r33)
        }

        // Inside PEM armor the private-key rule reports the block — armor it can read: "-----BEGIN RSA PRIVATE KEY-----",
        // not "-----BEGIN=20RSA=20PRIVATE=20KEY-----" (quoted-printable, r33), whose body is reported here.
        var head = t[Math.Max(0, s - 8)..s];
        if ((head.EndsWith("-----\n", StringComparison.Ordinal) || head.EndsWith("-----\r\n", StringComparison.Ordinal) || head.EndsWith("-----\\n", StringComparison.Ordinal))
            && ArmorLineBefore(t, s).Contains("BEGIN ", StringComparison.Ordinal))
        {
            return Fail(out start, out length);
        }

        int e = s, chars = 0;
        while (e < t.Length && chars < 65536)
        {
            int n = Span(t, e, 4096, IsB64Std);
            chars += n;
            e += n;
            if (e + 1 < t.Length && t[e] == '\n' && IsB64Std(t[e + 1]))
            {
                e++;
            }
            else if (e + 2 < t.Length && t[e] == '\r' && t[e + 1] == '\n' && IsB64Std(t[e + 2]))
            {
                e += 2;
            }
            else if (e + 2 < t.Length && t[e] == '\\' && t[e + 1] == 'n' && IsB64Std(t[e + 2]))
            {
                e += 2; // JSON-escaped line break
            }
            else
            {
                break;
            }
        }

        while (e < t.Length && t[e] == '=')
        {
            e += e + 2 < t.Length && t[e + 1] == '3' && t[e + 2] == 'D' ? 3 : 1; // "=3D": padding in quoted-printable (RFC 2045 §6.7, r33)
        }

        // The openssh-key-v1 magic is in private keys only (PROTOCOL.key: the public key has its own format), so its
        // first line alone (70 characters, as a key split into one query parameter per line sends it) is enough.
        return chars >= (t[s] == 'b' ? 64 : 100) && BoundaryAfter(t, e) ? Ok(s, e, out start, out length) : Fail(out start, out length);
    }

    /// <summary>
    /// A Telegram bot token at the run <paramref name="rs"/> (just after the colon): 8–10 digits of the bot id before
    /// the colon, then <c>AA</c> and 33 base64url characters (35 in all; <c>/method</c> may follow, as in
    /// <c>api.telegram.org/bot&lt;token&gt;/sendMessage</c>).
    /// </summary>
    internal static bool TelegramBotToken(ReadOnlySpan<char> t, int rs, out int start, out int length)
    {
        int d = rs - 1;
        while (d > 0 && char.IsAsciiDigit(t[d - 1]) && rs - 1 - d < 11)
        {
            d--;
        }

        int digits = rs - 1 - d;
        if (digits is < 8 or > 10 || (d > 0 && char.IsAsciiDigit(t[d - 1])) || Span(t, rs, 36, IsB64Url) != 35)
        {
            return Fail(out start, out length);
        }

        return Ok(d, rs + 35, out start, out length);
    }

    /// <summary>
    /// A JSON Web Key's private member at the token run <paramref name="rs"/>..<paramref name="re"/> (r27 red team: a
    /// private JWK sent as a file's content): the run is a string member's value (also inside a JSON string, <c>\"d\":
    /// \"…</c>) named <c>d</c> (the private exponent or key of RSA, EC and OKP keys; 32+ base64url characters: 43 for
    /// P-256 and Ed25519) or <c>k</c> (a symmetric key's value; 16+), the value ends at its closing quote, and the
    /// member <c>"kty"</c> stands in the same object (between the nearest braces, within 2 KiB before or 4 KiB after it)
    /// with a key type of the JWA registry (<c>RSA</c>, <c>EC</c>, <c>OKP</c>, <c>oct</c>) — a public JWK set (a JWKS endpoint's
    /// <c>n</c>/<c>e</c>/<c>x</c>/<c>y</c>) has no <c>d</c> or <c>k</c>. The value must look drawn (upper- and lower-case
    /// letters, <see cref="ContextRules.LooksGenerated"/>, no placeholder word): documentation's
    /// <c>"REPLACE_WITH_YOUR_PRIVATE_KEY…"</c> and <c>"your-256-bit-secret…"</c> are not keys.
    /// </summary>
    internal static bool JwkPrivateMember(ReadOnlySpan<char> t, int rs, int re, out int start, out int length)
    {
        int q = rs - 1; // the value's opening quote
        int p = q - (q > 0 && t[q - 1] == '\\' ? 1 : 0);
        while (p > 0 && t[p - 1] is ' ' or '\t' or '\n' or '\r')
        {
            p--;
        }

        if (p < 4 || t[p - 1] != ':')
        {
            return Fail(out start, out length);
        }

        p--;
        while (p > 0 && t[p - 1] is ' ' or '\t')
        {
            p--;
        }

        // "d" or \"d\" (inside a JSON string): the name's closing quote, its one letter, its opening quote
        int close = p - 1;
        bool escaped = close > 0 && t[close - 1] == '\\';
        int name = close - (escaped ? 2 : 1);
        if (name < 1 || t[close] != '"' || t[name] is not ('d' or 'k') || t[name - 1] != '"' || (escaped && (name < 2 || t[name - 2] != '\\')))
        {
            return Fail(out start, out length);
        }

        int e = re;
        while (e < t.Length && IsB64Url(t[e]))
        {
            e++;
        }

        if (e - rs < (t[name] == 'd' ? 32 : 16) || e >= t.Length || t[e] is not ('"' or '\\'))
        {
            return Fail(out start, out length);
        }

        // drawn, not a documentation placeholder ("REPLACE_WITH_YOUR_KEY…", "xxxx…", "your-256-bit-secret")
        if (!ContextRules.LooksGenerated(t[rs..e]) || !HasNoPlaceholderWord(t[rs..e]) || !t[rs..e].ContainsAnyInRange('A', 'Z') || !t[rs..e].ContainsAnyInRange('a', 'z'))
        {
            return Fail(out start, out length);
        }

        // "kty" in the same object: after the nearest '{' before the member and before the nearest '}' after it
        int from = Math.Max(0, rs - 2048);
        int open = t[from..rs].LastIndexOf('{');
        from = open < 0 ? from : from + open;
        int to = Math.Min(t.Length, e + 4096);
        int shut = t[e..to].IndexOf('}');
        to = shut < 0 ? to : e + shut;
        int kty = t[from..to].IndexOf("kty", StringComparison.Ordinal);
        if (kty < 0 || (t[name] == 'k' && !t[from..to].Contains("\"oct\\\"", StringComparison.Ordinal) && !t[from..to].Contains("\"oct\"", StringComparison.Ordinal)))
        {
            return Fail(out start, out length);
        }

        // and its value a key type of the JWA registry (RFC 7518 §6.1: EC, RSA, oct; RFC 8037: OKP)
        kty += from;
        var type = t[(kty + 3)..Math.Min(t.Length, kty + 16)];
        bool keyType = type.Contains("\"RSA", StringComparison.Ordinal) || type.Contains("\"EC", StringComparison.Ordinal) || type.Contains("\"OKP", StringComparison.Ordinal) || type.Contains("\"oct", StringComparison.Ordinal);
        return keyType && kty > 0 && t[kty - 1] is '"' or '\\' && kty + 3 < t.Length && t[kty + 3] is '"' or '\\' ? Ok(rs, e, out start, out length) : Fail(out start, out length);
    }

    /// <summary>The characters of a Microsoft Entra ID client secret (Microsoft security-utilities SEC101/156: URL-unreserved characters).</summary>
    private static bool IsEntraSecretChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '~' or '.' or '-';

    /// <summary>
    /// A Microsoft Entra ID (Azure AD) client secret around the token run at <paramref name="rs"/>, which follows a
    /// <c>~</c> or a <c>.</c> (r27): the secret's alphabet adds <c>~</c> and <c>.</c> to the token characters, so its
    /// <c>Q~</c> marker always ends a run. The <c>Q~</c> is looked for in the 38 characters before the run; the secret
    /// is the three characters and the digit before it and 31–34 characters after it (37–40 in all), with no secret
    /// character on either side, nor base64's <c>+</c> or <c>/</c> (nor <c>=</c> after it: <c>SECRET=…</c> may come
    /// before). Shape only: the secret has no checksum.
    /// </summary>
    /// <param name="t">The text.</param>
    /// <param name="rs">Start of a token run; <c>t[rs - 1]</c> is <c>~</c> or <c>.</c>.</param>
    /// <param name="start">The secret's start.</param>
    /// <param name="length">Its length (37–40 characters).</param>
    /// <returns>True when a secret of that shape holds the run's start.</returns>
    internal static bool EntraClientSecretBefore(ReadOnlySpan<char> t, int rs, out int start, out int length)
    {
        int from = Math.Max(0, rs - 38);
        int q = t[from..rs].LastIndexOf("Q~");
        if (q < 0)
        {
            return Fail(out start, out length);
        }

        q += from;
        int s = q - 4;
        if (s < 0 || !char.IsAsciiDigit(t[q - 1]) || (s > 0 && (IsEntraSecretChar(t[s - 1]) || t[s - 1] is '+' or '/')))
        {
            return Fail(out start, out length);
        }

        for (int i = s; i < q - 1; i++)
        {
            if (!IsEntraSecretChar(t[i]))
            {
                return Fail(out start, out length);
            }
        }

        int e = q + 2;
        while (e < t.Length && e - q - 2 < 35 && IsEntraSecretChar(t[e]))
        {
            e++;
        }

        int after = e - q - 2;
        if (after is < 31 or > 34 || (e < t.Length && (IsEntraSecretChar(t[e]) || t[e] is '+' or '/' or '=')) || t[e - 1] == '.' || !t[(q + 2)..e].ContainsAnyInRange('0', '9'))
        {
            return Fail(out start, out length);
        }

        return Ok(s, e, out start, out length);
    }

    /// <summary>
    /// A Discord bot token whose first part is the run <paramref name="rs"/>..<paramref name="re"/>: base64 of the
    /// bot's numeric id (17–20 digits), then <c>.</c>, 6 base64url characters (a timestamp), <c>.</c>, and 27–40
    /// base64url characters (an HMAC).
    /// </summary>
    internal static bool DiscordBotToken(ReadOnlySpan<char> t, int rs, int re, out int start, out int length)
    {
        Span<byte> id = stackalloc byte[24];
        int n = Base64Helpers.DecodeLenient(t[rs..re], id);
        if (n is < 17 or > 20 || id[..n].ContainsAnyExceptInRange((byte)'0', (byte)'9') || id[0] == (byte)'0'
            || Span(t, re + 1, 7, IsB64Url) != 6 || t[re + 7] != '.')
        {
            return Fail(out start, out length);
        }

        int m = Span(t, re + 8, 41, IsB64Url);
        return m is >= 27 and <= 40 && BoundaryAfter(t, re + 8 + m) ? Ok(rs, re + 8 + m, out start, out length) : Fail(out start, out length);
    }
}
