namespace BotBottle.Dlp;

/// <summary>
/// The built-in credential formats and their confirming matchers. Each matcher is a hand-written span validator:
/// anchored at the literal the prefilter found, bounded in length, allocation-free. See <c>docs/dlp-rules.md</c>.
/// </summary>
internal static partial class BuiltInRules
{
    /// <summary>Rule set version. Bump (YYYY.MM) whenever a rule is added, removed or changes what it matches.</summary>
    public const string Version = "2026.12";

    public const string PrivateKeyId = "private-key";
    public const string GcpServiceAccountId = "gcp-service-account-key";
    public const string UrlCredentialsId = "url-credentials";
    public const string PaymentCardId = "payment-card";
    public const string CredentialAssignmentId = "credential-assignment";
    public const string HostEncodedDataId = "host-encoded-data";
    public const string AuthorizationCredentialId = "authorization-credential";
    public const string UsSsnId = "us-ssn";

    /// <summary>The id of the rule for credential-dump lines, an e-mail address and its password (<see cref="ContextRules.ComboLineAt"/>).</summary>
    public const string CredentialComboLineId = "credential-combo-line";

    public static TokenRule[] Create() => WithGluedPolicies(
    [
        Anchor("aws-access-key-id", "AWS access key ID (long-term AKIA, temporary ASIA, ABIA, ACCA)",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids",
            "(AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}, or [A-Z0-9]{9}EXAMPLE as AWS's documentation prints it (AKIAI44QH8DHBEXAMPLE; unvalidated)", ["AKIA", "ASIA", "ABIA", "ACCA"], AwsAccessKeyId, AwsAccessKeyIdAlphabet),
        new("aws-secret-access-key", "AWS secret access key (40 base64 characters named secret_access_key / SecretAccessKey)",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
            "aws_secret_access_key = [A-Za-z0-9/+]{40}",
            ["secret_access_key", "SECRET_ACCESS_KEY", "SecretAccessKey", "secretAccessKey", "secret-access-key", "SECRET-ACCESS-KEY"],
            "aws_secret_access_key", RuleTrigger.NamedValue, AwsSecretAccessKey),
        Anchor("gcp-api-key", "Google Cloud / Firebase API key",
            "https://cloud.google.com/docs/authentication/api-keys",
            "AIza[0-9A-Za-z_-]{35}", ["AIza"], GcpApiKey),
        new(GcpServiceAccountId, "Google Cloud service-account key file (private_key of a \"type\": \"service_account\" JSON key)",
            "https://cloud.google.com/iam/docs/keys-create-delete",
            "{\"type\": \"service_account\", …, \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n…\"}", [], "service_account private_key", RuleTrigger.PemHeader, PrivateKey),
        Anchor("azure-storage-account-key", "Azure Storage account key (AccountKey= in a connection string)",
            "https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string",
            "AccountKey=[A-Za-z0-9+/]{86}==", ["AccountKey="], AzureAccountKey),
        Anchor("azure-shared-access-key", "Azure Service Bus / Event Hubs shared access key (SharedAccessKey= in a connection string)",
            "https://learn.microsoft.com/azure/service-bus-messaging/service-bus-sas",
            "SharedAccessKey=[A-Za-z0-9+/]{43}=", ["SharedAccessKey="], AzureSharedAccessKey),
        Anchor("github-pat-classic", "GitHub personal access token (classic)", GitHubTokenSource,
            "ghp_[A-Za-z0-9]{30}<CRC32 base62, 6>", ["ghp_"], GitHubToken, ChecksumValidator),
        Anchor("github-oauth-token", "GitHub OAuth access token", GitHubTokenSource,
            "gho_[A-Za-z0-9]{30}<CRC32 base62, 6>", ["gho_"], GitHubToken, ChecksumValidator),
        Anchor("github-user-to-server-token", "GitHub App user-to-server token", GitHubTokenSource,
            "ghu_[A-Za-z0-9]{30}<CRC32 base62, 6>", ["ghu_"], GitHubToken, ChecksumValidator),
        Anchor("github-server-to-server-token", "GitHub App installation (server-to-server) token", GitHubTokenSource,
            "ghs_[A-Za-z0-9]{30}<CRC32 base62, 6>", ["ghs_"], GitHubToken, ChecksumValidator),
        Anchor("github-refresh-token", "GitHub App refresh token", GitHubTokenSource,
            "ghr_[A-Za-z0-9]{30}<CRC32 base62, 6>", ["ghr_"], GitHubToken, ChecksumValidator),
        Anchor("github-pat-fine-grained", "GitHub fine-grained personal access token",
            "https://github.blog/changelog/2022-10-18-introducing-fine-grained-personal-access-tokens/",
            "github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}", ["github_pat_"], GitHubFineGrained),
        Anchor("gitlab-pat", "GitLab personal, project or group access token",
            GitLabSource, "glpat-[A-Za-z0-9_-]{20,}", ["glpat-"], GitLabToken, GitLabValidator),
        Anchor("gitlab-deploy-token", "GitLab deploy token", GitLabSource, "gldt-[A-Za-z0-9_-]{20,}", ["gldt-"], GitLabToken, GitLabValidator),
        Anchor("gitlab-runner-token", "GitLab runner authentication token", GitLabSource, "glrt-[A-Za-z0-9_-]{20,}", ["glrt-"], GitLabToken, GitLabValidator),
        Anchor("slack-bot-token", "Slack bot token", SlackTokenSource, "xoxb-[0-9]+-[0-9]+-[A-Za-z0-9]{24}", ["xoxb-"], SlackToken, SlackValidator),
        Anchor("slack-user-token", "Slack user token", SlackTokenSource, "xoxp-[0-9]+-[0-9]+-[0-9]+-[a-f0-9]{32}", ["xoxp-"], SlackToken, SlackValidator),
        Anchor("slack-app-token", "Slack app-level token", SlackTokenSource, "xapp-1-[A-Z0-9]+-[0-9]+-[a-f0-9]{64}", ["xapp-"], SlackToken, SlackValidator),
        Anchor("slack-token", "Slack workspace, legacy, configuration or refresh token", SlackTokenSource,
            "xox[arse][-.][A-Za-z0-9.-]{20,}", ["xoxa-", "xoxr-", "xoxs-", "xoxe-", "xoxe."], SlackToken, SlackValidator),
        Anchor("slack-webhook-url", "Slack incoming-webhook or workflow URL",
            "https://api.slack.com/messaging/webhooks",
            "https://hooks.slack.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{24}", ["hooks.slack."], SlackWebhook),
        Anchor("stripe-secret-key", "Stripe secret key (live or test mode)", StripeSource,
            "sk_(live|test)_[A-Za-z0-9]{24,} (8–23 with a digit, or with _: not validated)", ["sk_live_", "sk_test_"], StripeKey, StripeValidator),
        Anchor("stripe-restricted-key", "Stripe restricted key (live or test mode)", StripeSource,
            "rk_(live|test)_[A-Za-z0-9]{24,} (8–23 with a digit, or with _: not validated)", ["rk_live_", "rk_test_"], StripeKey, StripeValidator),
        Anchor("twilio-api-key", "Twilio API key SID",
            "https://www.twilio.com/docs/iam/api-keys/key-resource-v1",
            "SK[0-9a-f]{32}", TwilioAnchors(), TwilioKey),
        Anchor("sendgrid-api-key", "SendGrid (Twilio SendGrid) API key",
            "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys",
            "SG.[A-Za-z0-9_-]{22}.[A-Za-z0-9_-]{43} (other lengths 16–32 / 30–64, or a secret without upper, lower and digit: not validated)", ["SG."], SendGridKey, SendGridValidator),
        Anchor("openai-api-key", "OpenAI API key (user, project, service-account or admin key)",
            "https://platform.openai.com/docs/api-reference/authentication",
            "sk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}", ["sk-"], OpenAiKey, OpenAiValidator),
        Anchor("anthropic-api-key", "Anthropic API or admin key",
            "https://docs.anthropic.com/en/api/overview#authentication",
            "sk-ant-(api|admin)[0-9]{2}-[A-Za-z0-9_-]{32,}", ["sk-ant-"], AnthropicKey, AnthropicValidator),
        Anchor("huggingface-token", "Hugging Face user access token",
            "https://huggingface.co/docs/hub/security-tokens",
            "hf_[A-Za-z0-9]{34}", ["hf_"], HuggingFaceToken),
        Anchor("npm-access-token", "npm access token",
            "https://github.blog/2021-09-23-announcing-npms-new-access-token-format/",
            "npm_[A-Za-z0-9]{30}<CRC32 base62, 6>", ["npm_"], NpmToken, ChecksumValidator),
        Anchor("pypi-token", "PyPI (or TestPyPI) API token",
            "https://pypi.org/help/#apitoken",
            "pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}", ["pypi-AgE"], PyPiToken),
        Anchor("nuget-api-key", "NuGet.org API key",
            "https://learn.microsoft.com/nuget/nuget-org/publish-a-package#create-an-api-key (format: NuGetGallery ApiKeyV4, oy2 + 43 base32 chars)",
            "oy2[a-z0-9]{43}", ["oy2"], NuGetKey),
        Anchor("dockerhub-pat", "Docker Hub personal or organization access token",
            "https://docs.docker.com/security/for-developers/access-tokens/",
            "dckr_(pat|oat)_[A-Za-z0-9_-]{27,}", ["dckr_pat_", "dckr_oat_"], DockerHubToken),
        new(PrivateKeyId, "Private key in PEM / OpenSSH / PGP armor (RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8, PGP)",
            "RFC 7468 (PEM textual encoding), RFC 4880 §6.2 (PGP armor), https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.key",
            "-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?----- + base64 body (fewer than 64 characters or cut with an ellipsis: not validated)", ["-----BEGIN "], "-----BEGIN … PRIVATE KEY-----", RuleTrigger.PemHeader, PrivateKey)
        {
            Validator = PrivateKeyValidator,
        },
        Anchor("jwt", "JSON Web Token (JWS or JWE, header decodes to JSON with \"alg\")",
            "RFC 7519 (JWT), RFC 7515 §7.1 (JWS compact serialization), RFC 7516 §7.1 (JWE)",
            "eyJ[A-Za-z0-9_-]+.[A-Za-z0-9_-]+.[A-Za-z0-9_-]*", ["eyJ"], Jwt),
        new(UrlCredentialsId, "Credentials in a URL (scheme://user:password@host)",
            "RFC 3986 §3.2.1 (userinfo; \"user:password\" is deprecated); github.com/go-sql-driver/mysql README, \"DSN (Data Source Name)\"",
            "[a-z][a-z0-9+.-]*://user:password@host | user:password@(tcp|tcp4|tcp6|unix)(address)/dbname", ["://"], "user:***@", RuleTrigger.UrlAuthority, UrlCredentials),
        new(PaymentCardId, "Payment card number (Luhn-valid, known issuer prefix and length)",
            "ISO/IEC 7812-1 (IIN, Luhn check digit, Annex B); issuer ranges: https://en.wikipedia.org/wiki/Payment_card_number#Issuer_identification_number_(IIN)",
            "4[0-9]{15} / 5[1-5][0-9]{14} / 3[47][0-9]{13} / 6011…, optionally grouped by spaces or dashes", [], "card", RuleTrigger.DigitRun, PaymentCard),
        new(CredentialAssignmentId, "Literal value assigned to a credential-named key (password, secret, api_key, token, private_key…: config, .env, JSON/YAML, form fields) or sent in a credential-named header (X-Api-Key, Private-Token) or cookie",
            "Context rule: hard-coded credentials, CWE-798 https://cwe.mitre.org/data/definitions/798.html; .env format https://hexdocs.pm/dotenvy/dotenv-file-format.html; cookies RFC 6265 §4.2",
            "(password|passwd|pwd|secret|api_key|apikey|token|private_key)\\s*(=|:|=>|:=)\\s*<literal, 6+ chars, not a reference or placeholder>", [], "…=", RuleTrigger.Assignment, NoMatcher),
        new("crypto-wif-private-key", "Bitcoin private key in Wallet Import Format (base58check, version 0x80 / testnet 0xEF)",
            "https://en.bitcoin.it/wiki/Wallet_import_format (base58check: https://en.bitcoin.it/wiki/Base58Check_encoding)",
            "[5KL9c][1-9A-HJ-NP-Za-km-z]{50,51} with a valid base58check checksum", [], "WIF", RuleTrigger.RunShape, NoMatcher),
        Anchor("crypto-extended-private-key", "BIP-32 extended private key (xprv, tprv; SLIP-132 yprv, zprv, uprv, vprv)",
            "https://github.com/bitcoin/bips/blob/master/bip-0032.mediawiki#serialization-format (base58check)",
            "xprv[1-9A-HJ-NP-Za-km-z]{107} (base58check of 78 bytes)", ["xprv", "tprv", "yprv", "zprv", "uprv", "vprv"], CryptoRules.ExtendedPrivateKey, CryptoRules.ExtendedKeyValidator),
        new("crypto-seed-phrase", "BIP-39 mnemonic seed phrase (12–24 wordlist words; checksum verified, or exactly 12/24 words: not validated)",
            "https://github.com/bitcoin/bips/blob/master/bip-0039.mediawiki (wordlist bip-0039/english.txt, embedded)",
            "12|15|18|21|24 BIP-39 English words separated by spaces, commas or line breaks", [], "seed phrase", RuleTrigger.SeedPhrase, NoMatcher),
        new("iban", "International Bank Account Number (country length and mod-97 check)",
            "ISO 13616-1 (IBAN), ISO/IEC 7064 MOD 97-10; lengths: SWIFT IBAN Registry https://www.swift.com/standards/data-standards/iban",
            "[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}, compact or in groups of 4", [], "IBAN", RuleTrigger.Iban, NoMatcher),
        new(HostEncodedDataId, "Encoded data in the host name (hex, base32 or base64 in subdomain labels, or chunked across labels)",
            "RFC 1035 §2.3.4 (labels up to 63 octets), RFC 4648 (base16/32/64); DNS/host-name exfiltration: MITRE ATT&CK T1048 https://attack.mitre.org/techniques/T1048/",
            "<hex 16+ | [a-z0-9]{20+} with 3+ digits | 8+-char data labels, 24+ together>.example.com", [], "host data", RuleTrigger.HostData, NoMatcher),
        new(AuthorizationCredentialId, "A credential in the agent's own Authorization header (Basic user:password, or an opaque Bearer/token credential of 20+ characters) on a route whose auth does not replace that header",
            "RFC 9110 §11.6.2 (Authorization), RFC 7617 §2 (Basic: base64 of user-id \":\" password), RFC 6750 §2.1 (Bearer, token68 of RFC 9110 §11.2)",
            "Authorization: Basic base64(user:password) | Authorization: Bearer|token <20+ token68 characters, letters and digits>", [], "Authorization: ", RuleTrigger.AuthorizationHeader, NoMatcher),
        new(UsSsnId, "US Social Security number (area 001–899 except 666, group 01–99, serial 0001–9999) next to an SSN label or in a table column whose header names it",
            "SSA: SSN randomization and the never-assigned ranges, https://www.ssa.gov/employer/randomization.html and https://www.ssa.gov/history/ssn/geocard.html; POMS RM 10201.050",
            "ssn: 078-05-1120 | social_security_number=078051120 | ddd-dd-dddd under a CSV column headed ssn", [], "SSN", RuleTrigger.NationalId, NoMatcher),
        new(CredentialComboLineId, "E-mail address and password on one line (a credential dump or combo list row)",
            "RFC 5322 §3.4.1 (addr-spec), RFC 5321 §4.5.3.1 (local-part 64, domain 255 octets); CSV: RFC 4180; combo lists: MITRE ATT&CK T1110.004 (Credential Stuffing) https://attack.mitre.org/techniques/T1110/004/",
            "<local>@<host.tld>(:|;|\\||,|\\t| )<password: 8+ chars, 3+ classes; 6+ with letters and digits/symbols under a header naming a password column>", [], "email:", RuleTrigger.ComboLine, NoMatcher),
        .. VendorRules(),
        .. PlatformRules(), // BuiltInRules.Platforms.cs
        .. FileRules(), // BuiltInRules.Files.cs
        .. ServiceRules(), // BuiltInRules.Services.cs
        .. Services30Rules(), // BuiltInRules.Services30.cs
        .. Services31Rules(), // BuiltInRules.Services31.cs
        .. Services32Rules(), // BuiltInRules.Services32.cs
        .. Services33Rules(), // BuiltInRules.Services33.cs
    ]);

    /// <summary>The matcher of rules whose trigger runs its own check (the engine never calls it).</summary>
    private static bool NoMatcher(ReadOnlySpan<char> t, int a, out int start, out int length) => Fail(out start, out length);

    private const string GitHubTokenSource = "https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/";
    private const string GitLabSource = "https://docs.gitlab.com/security/tokens/#token-prefixes";
    private const string SlackTokenSource = "https://api.slack.com/authentication/token-types";
    private const string StripeSource = "https://docs.stripe.com/keys";

    private static TokenRule Anchor(string id, string description, string source, string shape, string[] anchors, TokenMatcher matcher, TokenValidator? validator = null) =>
        new(id, description, source, shape, anchors, anchors[0].Length > 3 ? anchors[0] : anchors[0] + "…", RuleTrigger.Anchor, matcher) { Validator = validator };

    private static string[] TwilioAnchors()
    {
        var anchors = new string[16];
        for (int i = 0; i < 16; i++)
        {
            anchors[i] = "SK" + "0123456789abcdef"[i];
        }

        return anchors;
    }

    // ---- character classes -------------------------------------------------------------------------------------

    internal static bool IsAlnum(char c) => char.IsAsciiLetterOrDigit(c);

    internal static bool IsB64Url(char c) => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_';

    internal static bool IsB64Std(char c) => char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/';

    private static bool IsUpperBase32(char c) => char.IsAsciiLetterUpper(c) || (c >= '2' && c <= '7');

    private static bool IsLowerHex(char c) => char.IsAsciiDigit(c) || (c >= 'a' && c <= 'f');

    private static bool IsLowerAlnum(char c) => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c);

    private static bool BoundaryBefore(ReadOnlySpan<char> t, int i) => i == 0 || !IsAlnum(t[i - 1]);

    private static bool BoundaryAfter(ReadOnlySpan<char> t, int i) => i >= t.Length || !IsAlnum(t[i]);

    /// <summary>Number of chars from <paramref name="from"/> (at most <paramref name="max"/>) that satisfy <paramref name="pred"/>.</summary>
    private static int Span(ReadOnlySpan<char> t, int from, int max, Func<char, bool> pred)
    {
        int n = 0;
        while (from + n < t.Length && n < max && pred(t[from + n]))
        {
            n++;
        }

        return n;
    }

    private static bool HasUpperLowerDigit(ReadOnlySpan<char> s)
    {
        bool upper = false, lower = false, digit = false;
        foreach (char c in s)
        {
            upper |= char.IsAsciiLetterUpper(c);
            lower |= char.IsAsciiLetterLower(c);
            digit |= char.IsAsciiDigit(c);
        }

        return upper && lower && digit;
    }

    private static bool Fail(out int start, out int length)
    {
        start = 0;
        length = 0;
        return false;
    }

    private static bool Ok(int s, int e, out int start, out int length)
    {
        start = s;
        length = e - s;
        return true;
    }

    /// <summary>True when every character of <paramref name="s"/> is the same (<c>xxxx…</c>): a placeholder, not a value.</summary>
    private static bool IsOneCharRepeated(ReadOnlySpan<char> s) => !s.IsEmpty && !s.ContainsAnyExcept(s[0]);

    private static readonly string[] s_placeholderWords = ["EXAMPLE", "FAKE", "DUMMY", "SAMPLE", "PLACEHOLDER", "REDACTED"];

    /// <summary>
    /// The generic validation every token gets: a value containing a placeholder word (<c>EXAMPLE</c>, <c>FAKE</c>,
    /// <c>DUMMY</c>, <c>SAMPLE</c>, <c>PLACEHOLDER</c>, <c>REDACTED</c>, any case) is not validated — it is still
    /// reported, since sending a credential-shaped value out is the event (issue 16).
    /// </summary>
    internal static bool HasNoPlaceholderWord(ReadOnlySpan<char> token)
    {
        foreach (var word in s_placeholderWords)
        {
            if (token.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>GitHub 2021 tokens and npm tokens: the CRC-32 in the last 6 characters must verify.</summary>
    private static bool ChecksumValidator(ReadOnlySpan<char> token) =>
        token.Length == 40 && Checksums.IsValidBase62Crc32(token.Slice(4, 30), token.Slice(34, 6));

    /// <summary>SendGrid keys as issued: <c>SG.</c> + 22 + <c>.</c> + 43.</summary>
    private static bool SendGridValidator(ReadOnlySpan<char> token) => token.Length == 69 && token[25] == '.' && HasUpperLowerDigit(token[26..]);

    /// <summary>Stripe keys as issued have an alphanumeric body.</summary>
    private static bool StripeValidator(ReadOnlySpan<char> token) => token.Length >= 8 + 24 && !token[8..].Contains('_');

    // ---- matchers ----------------------------------------------------------------------------------------------

    private static bool AwsAccessKeyId(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        const int Len = 20;
        if (!BoundaryBefore(t, a) || a + Len > t.Length || !(Span(t, a + 4, 16, IsUpperBase32) == 16 || IsDocumentedExampleKeyId(t, a)) || !BoundaryAfter(t, a + Len)
            || !t.Slice(a + 5, 15).ContainsAnyExcept(t[a + 4]))
        {
            return Fail(out start, out length); // (r31) one letter 16 times, AKIAXXXXXXXXXXXXXXXX, is a mask in a file's layout, not a key
        }

        return Ok(a, a + Len, out start, out length);
    }

    /// <summary>
    /// Is <paramref name="t"/>[<paramref name="k"/>…] an access key id (AKIA/ASIA and 16 upper-case base32 characters)
    /// that starts a Signature Version 4 credential:
    /// <c>Credential=</c> before it (the <c>Authorization: AWS4-HMAC-SHA256 Credential=…</c> field, or a presigned URL's
    /// <c>X-Amz-Credential=</c> query parameter) and the credential scope after it, <c>/yyyyMMdd/region/service/aws4_request</c>
    /// (its slashes percent-encoded in a URL)? https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
    /// (Authorization header and query-string forms). Such a request is the key being used — <c>aws s3 cp</c>, a
    /// presigned download — and carries only a signature, never the secret access key (r33 red team: every
    /// <c>aws</c> CLI call and presigned URL was blocked); <c>DlpEngine.DropSigV4KeyIds</c> drops those findings.
    /// </summary>
    internal static bool SigV4KeyIdAt(ReadOnlySpan<char> t, int k) =>
        k + 20 <= t.Length && t.Slice(k, 4) is "AKIA" or "ASIA" && Span(t, k + 4, 16, IsUpperBase32) == 16 && SigV4CredentialScope(t, k, k + 20);

    /// <summary>Is [<paramref name="a"/>, <paramref name="e"/>) a key id with <c>Credential=</c> before it and a credential scope after it (see <see cref="SigV4KeyIdAt"/>)?</summary>
    private static bool SigV4CredentialScope(ReadOnlySpan<char> t, int a, int e)
    {
        if (a < 11 || !t[(a - 11)..a].Equals("Credential=", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = t[e..Math.Min(t.Length, e + 96)];
        bool encoded = rest.StartsWith("%2F", StringComparison.OrdinalIgnoreCase);
        if (!encoded && !rest.StartsWith("/", StringComparison.Ordinal))
        {
            return false;
        }

        int sep = encoded ? 3 : 1;
        var date = rest[sep..];
        if (date.Length < 8 + sep || date[..8].ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        int end = rest.IndexOf("aws4_request", StringComparison.Ordinal);
        return end > 0 && !rest[..end].ContainsAny(' ', '"', ',');
    }

    /// <summary>
    /// A key id in AWS's documentation form: <c>AKIA</c>, upper-case letters and digits, ending in <c>EXAMPLE</c>
    /// (<c>AKIAI44QH8DHBEXAMPLE</c> holds an <c>8</c>, outside the issued alphabet; r35 red team). Other ids with
    /// <c>0</c>, <c>1</c>, <c>8</c> or <c>9</c> stay near misses.
    /// </summary>
    private static bool IsDocumentedExampleKeyId(ReadOnlySpan<char> t, int a) =>
        a + 20 <= t.Length && Span(t, a + 4, 16, IsUpperAlnum) == 16 && t.Slice(a + 13, 7).SequenceEqual("EXAMPLE");

    /// <summary>
    /// Is the key id's body in the alphabet AWS issues, base32 <c>[A-Z2-7]</c>? An id with <c>0</c>, <c>1</c>, <c>8</c> or
    /// <c>9</c> cannot be a real one — AWS's own documentation prints <c>AKIAI44QH8DHBEXAMPLE</c> — but sent out that one
    /// is still reported, unvalidated (r35 red team; issue 16: a credential-shaped value is the event).
    /// </summary>
    private static bool AwsAccessKeyIdAlphabet(ReadOnlySpan<char> token)
    {
        foreach (char c in token[4..])
        {
            if (!IsUpperBase32(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Anchored at the name (an encoded <c>secret_access_key</c> found by the prefilter): the value follows.</summary>
    private static bool AwsSecretAccessKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int i = a;
        while (i < t.Length && (t[i] == '_' || t[i] == '-' || char.IsAsciiLetter(t[i])) && i - a < 24)
        {
            i++;
        }

        int skipped = 0;
        while (i < t.Length && skipped < 12 && IsNameValueSeparator(t[i]))
        {
            i++;
            skipped++;
        }

        return AwsSecretValue(t, i, out start, out length);
    }

    /// <summary>
    /// Anchored at a run of exactly 40 token characters, with no name before it: the shape of the secret access keys
    /// AWS's documentation prints (<c>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</c>, <c>je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY</c>,
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html): 30 base64 characters with
    /// upper case, lower case and digits, then <c>EXAMPLEKEY</c>. An agent that sends one out is the event (issue 16);
    /// the finding is not validated (<see cref="HasNoPlaceholderWord"/>). A random 40-character value without a name
    /// stays unreported: alone it cannot be told from a hash or an id.
    /// </summary>
    internal static bool AwsDocumentationSecret(ReadOnlySpan<char> t, int v, out int start, out int length)
    {
        const int Len = 40;
        if (v + Len > t.Length || !t.Slice(v + Len - 10, 10).SequenceEqual("EXAMPLEKEY") || !HasUpperLowerDigit(t.Slice(v, Len - 10)))
        {
            return Fail(out start, out length);
        }

        return AwsSecretValue(t, v, out start, out length);
    }

    /// <summary>
    /// Anchored at a run of exactly 40 token characters (how the engine finds plain values): the value must be named
    /// like an AWS secret access key just before it (<c>aws_secret_access_key=</c>, <c>"SecretAccessKey": "</c>,
    /// <c>AWS_SECRET_ACCESS_KEY: </c>…).
    /// </summary>
    internal static bool AwsSecretFromValue(ReadOnlySpan<char> t, int v, out int start, out int length)
    {
        int i = v;
        int skipped = 0;
        while (i > 0 && skipped < 12 && IsNameValueSeparator(t[i - 1]))
        {
            i--;
            skipped++;
        }

        if (skipped == 0)
        {
            return Fail(out start, out length);
        }

        // Both accepted names end in "key": a name whose last letter is not a 'y' fails here without being collected.
        int last = i;
        while (last > 0 && (char.IsAsciiDigit(t[last - 1]) || t[last - 1] is '_' or '-' or '.'))
        {
            last--;
        }

        if (last == 0 || (t[last - 1] | 0x20) != 'y')
        {
            return Fail(out start, out length);
        }

        Span<char> name = stackalloc char[48];
        int n = 0;
        while (i > 0 && n < name.Length && (char.IsAsciiLetterOrDigit(t[i - 1]) || t[i - 1] is '_' or '-' or '.'))
        {
            char c = t[--i];
            if (char.IsAsciiLetter(c))
            {
                name[n++] = char.ToLowerInvariant(c);
            }
        }

        // name holds the identifier's letters in reverse order
        var reversed = name[..n];
        reversed.Reverse();
        bool named = reversed.EndsWith("secretaccesskey", StringComparison.Ordinal)
            || (reversed.Contains("aws", StringComparison.Ordinal) && reversed.EndsWith("secretkey", StringComparison.Ordinal));
        if (!named)
        {
            return Fail(out start, out length);
        }

        return AwsSecretValue(t, v, out start, out length);
    }

    private static bool IsNameValueSeparator(char c) => c is ' ' or '\t' or '"' or '\'' or '`' or ':' or '=' or '>' or '\\' or ',';

    private static bool AwsSecretValue(ReadOnlySpan<char> t, int i, out int start, out int length)
    {
        const int Len = 40;
        if (i + Len > t.Length || Span(t, i, Len, IsB64Std) != Len)
        {
            return Fail(out start, out length);
        }

        if ((i + Len < t.Length && (IsB64Std(t[i + Len]) || t[i + Len] is '=' or '-' or '_')) || (i > 0 && (IsB64Std(t[i - 1]) || t[i - 1] is '-' or '_')))
        {
            return Fail(out start, out length);
        }

        var key = t.Slice(i, Len);
        if (!HasUpperLowerDigit(key) && !key.Contains("EXAMPLE", StringComparison.Ordinal))
        {
            return Fail(out start, out length);
        }

        return Ok(i, i + Len, out start, out length);
    }

    private static bool GcpApiKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        const int Len = 39;
        if (!BoundaryBefore(t, a) || Span(t, a + 4, 35, IsB64Url) != 35 || (a + Len < t.Length && IsB64Url(t[a + Len])))
        {
            return Fail(out start, out length);
        }

        return Ok(a, a + Len, out start, out length);
    }

    private static bool AzureAccountKey(ReadOnlySpan<char> t, int a, out int start, out int length) =>
        AzureKey(t, a + "AccountKey=".Length, 86, 2, out start, out length);

    private static bool AzureSharedAccessKey(ReadOnlySpan<char> t, int a, out int start, out int length) =>
        AzureKey(t, a + "SharedAccessKey=".Length, 43, 1, out start, out length);

    private static bool AzureKey(ReadOnlySpan<char> t, int i, int chars, int padding, out int start, out int length)
    {
        int end = i + chars + padding;
        if (end > t.Length || Span(t, i, chars, IsB64Std) != chars || Span(t, i + chars, padding, c => c == '=') != padding)
        {
            return Fail(out start, out length);
        }

        if (end < t.Length && (IsB64Std(t[end]) || t[end] == '='))
        {
            return Fail(out start, out length);
        }

        return Ok(i, end, out start, out length);
    }

    private static bool GitHubToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        const int Len = 40; // 4 prefix + 30 random + 6 checksum
        if (!BoundaryBefore(t, a) || Span(t, a + 4, 36, IsAlnum) != 36 || !BoundaryAfter(t, a + Len) || IsOneCharRepeated(t.Slice(a + 4, 36)))
        {
            return Fail(out start, out length);
        }

        // A wrong checksum is still reported (not validated): see ChecksumValidator.
        return Ok(a, a + Len, out start, out length);
    }

    private static bool GitHubFineGrained(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int i = a + "github_pat_".Length;
        if (!BoundaryBefore(t, a) || Span(t, i, 22, IsAlnum) != 22 || i + 22 >= t.Length || t[i + 22] != '_'
            || Span(t, i + 23, 59, IsAlnum) != 59 || !BoundaryAfter(t, i + 82))
        {
            return Fail(out start, out length);
        }

        return Ok(a, i + 82, out start, out length);
    }

    private static bool GitLabToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int prefix = t[a + 3] == '-' ? 4 : t[a + 4] == '-' ? 5 : 6; // glrt- / gldt- / glpat-
        int i = a + prefix;
        int n = Span(t, i, 256, c => IsB64Url(c) || c == '.');
        while (n > 0 && t[i + n - 1] == '.')
        {
            n--;
        }

        // Issued tokens carry 20+ characters; since r36 12–19 written by hand (both cases and a digit) are reported too, not validated (GitLabValidator).
        if (!BoundaryBefore(t, a) || n < 12 || (n < 20 && !(IsHandWrittenKey(t, a, t.Slice(i, n)) && t.Slice(i, n).ContainsAnyInRange('a', 'z'))))
        {
            return Fail(out start, out length);
        }

        return Ok(a, i + n, out start, out length);
    }

    /// <summary>GitLab tokens as issued: 20+ characters after the prefix.</summary>
    private static bool GitLabValidator(ReadOnlySpan<char> token) => token.Length - (token.IndexOf('-') + 1) >= 20;

    private static bool SlackToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int i = a + 5;
        int n = Span(t, i, 512, c => IsAlnum(c) || c == '-' || c == '.');
        while (n > 0 && (t[i + n - 1] == '.' || t[i + n - 1] == '-'))
        {
            n--;
        }

        // Issued tokens are long (SlackValidator: 20+ characters, 4+ digits); since r36 a hand-written one of 12+
        // characters with dash-separated parts and 3+ digits ("xoxb-FAKE-TOKEN-123") is reported too, not validated,
        // unless it reads as a template ("xoxb-your-token-here").
        if (!BoundaryBefore(t, a) || n < 12)
        {
            return Fail(out start, out length);
        }

        var body = t.Slice(i, n);
        int digits = ContextRules.CountDigits(body);
        if (!body.Contains('-') || digits < 3 || IsTemplateBody(body) || ((n < 20 || digits < 4) && !IsHandWrittenKey(t, a, body)))
        {
            return Fail(out start, out length);
        }

        return Ok(a, i + n, out start, out length);
    }

    /// <summary>Slack tokens as issued: 20+ characters after the prefix, 4+ of them digits.</summary>
    private static bool SlackValidator(ReadOnlySpan<char> token) => token.Length >= 5 + 20 && ContextRules.CountDigits(token[5..]) >= 4;

    /// <summary>Does a short key body read as a template (<c>YOUR_KEY_HERE</c>, <c>XXXX1234</c>, <c>your-token</c>, <c>mock_key_123</c>) rather than a value?</summary>
    private static bool IsTemplateBody(ReadOnlySpan<char> body) =>
        body.Contains("your", StringComparison.OrdinalIgnoreCase) || body.Contains("here", StringComparison.OrdinalIgnoreCase)
        || body.Contains("xxx", StringComparison.OrdinalIgnoreCase) || body.Contains("key_goes", StringComparison.OrdinalIgnoreCase)
        || body.Contains("mock", StringComparison.OrdinalIgnoreCase) || body.Contains("dummy", StringComparison.OrdinalIgnoreCase)
        || body.Contains("prefix", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// r36: does a key body shorter than the vendor issues read as one written by hand to stand for a key
    /// (<c>FAKE_KEY_12345</c>, <c>51FAKEKEY</c>) rather than a test's dummy or a name (<c>1234567890</c>,
    /// <c>mock_key_123</c>, <c>abc123def456</c>, <c>A0000000000</c>): a capital, a digit, 5+ distinct letters and digits,
    /// no template word; and the prefix is not glued to a name by <c>_</c> or <c>-</c> (<c>test_mask_sk_live_…</c>,
    /// <c>sha256-sk-…</c>). <paramref name="capital"/> false: the capital is not asked for (after an Anthropic key's
    /// kind and version).
    /// </summary>
    private static bool IsHandWrittenKey(ReadOnlySpan<char> t, int a, ReadOnlySpan<char> body, bool capital = true) =>
        (a == 0 || t[a - 1] is not ('_' or '-')) && (!capital || body.ContainsAnyInRange('A', 'Z')) && body.ContainsAnyInRange('0', '9')
        && !FewDistinct(body, 5) && !IsTemplateBody(body);

    private static bool SlackWebhook(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        // a is at "hooks.slack."; "com/services/", "com/workflows/" or "com/triggers/" follows.
        if (a > 0 && (IsAlnum(t[a - 1]) || t[a - 1] == '.' || t[a - 1] == '-'))
        {
            return Fail(out start, out length);
        }

        int i = a + "hooks.slack.".Length;
        var rest = t[i..];
        int kind = rest.StartsWith("com/services/", StringComparison.Ordinal) ? 13
            : rest.StartsWith("com/workflows/", StringComparison.Ordinal) ? 14
            : rest.StartsWith("com/triggers/", StringComparison.Ordinal) ? 13 : 0;
        if (kind == 0)
        {
            return Fail(out start, out length);
        }

        i += kind;
        int n = Span(t, i, 256, c => IsB64Url(c) || c == '/');
        if (n < 20)
        {
            return Fail(out start, out length);
        }

        int s = a;
        if (a >= 8 && t.Slice(a - 8, 8).SequenceEqual("https://"))
        {
            s = a - 8;
        }
        else if (a >= 7 && t.Slice(a - 7, 7).SequenceEqual("http://"))
        {
            s = a - 7;
        }

        return Ok(s, i + n, out start, out length);
    }

    private static bool StripeKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int i = a + "sk_live_".Length;
        int n = Span(t, i, 256, c => IsAlnum(c) || c == '_');
        while (n > 0 && t[i + n - 1] == '_')
        {
            n--;
        }

        // Issued keys carry 24+ characters (older) or 99; since r36 a shorter body of 8+ written by hand is reported too, not validated
        // (StripeValidator): the placeholders test authors write ("sk_live_FAKE_KEY_12345", "sk_test_51FAKEKEY") are
        // credential-shaped values on their way out (issue 16). Masks, dummies and templates are not (IsHandWrittenKey).
        var body = t.Slice(i, n);
        if (!BoundaryBefore(t, a) || n < 8 || !BoundaryAfter(t, i + n) || IsOneCharRepeated(body)
            || (n < 24 && !IsHandWrittenKey(t, a, body)))
        {
            return Fail(out start, out length);
        }

        return Ok(a, i + n, out start, out length);
    }

    private static bool TwilioKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        const int Len = 34;
        if (!BoundaryBefore(t, a) || Span(t, a + 2, 32, IsLowerHex) != 32 || !BoundaryAfter(t, a + Len))
        {
            return Fail(out start, out length);
        }

        return Ok(a, a + Len, out start, out length);
    }

    private static bool SendGridKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        // Issued keys are SG.<22>.<43>; SendGrid-shaped values with other segment lengths (16–32, 30–64) are reported
        // too, not validated (see SendGridValidator).
        int i = a + 3;
        int id = Span(t, i, 33, IsB64Url);
        if (!BoundaryBefore(t, a) || id < 16 || id > 32 || i + id >= t.Length || t[i + id] != '.')
        {
            return Fail(out start, out length);
        }

        int secret = Span(t, i + id + 1, 65, IsB64Url);
        int end = i + id + 1 + secret;
        if (secret < 30 || secret > 64 || (end < t.Length && IsB64Url(t[end])))
        {
            return Fail(out start, out length);
        }

        // A random secret mixes upper, lower and digits; since r36 the issued lengths (22 and 43) are reported without
        // that too, not validated (a hand-written "SG.abcdefghijklmnopqrstuv.…" is SendGrid-shaped), but not a mask of
        // one character repeated ("SG.xxxx….yyyy…", documentation's).
        bool issued = id == 22 && secret == 43 && !IsOneCharRepeated(t.Slice(i, id)) && !IsOneCharRepeated(t.Slice(i + id + 1, secret));
        if (!issued && !HasUpperLowerDigit(t.Slice(i + id + 1, secret)))
        {
            return Fail(out start, out length);
        }

        return Ok(a, end, out start, out length);
    }

    private static bool OpenAiKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int i = a + 3;
        if (!BoundaryBefore(t, a) || t[i..].StartsWith("ant-", StringComparison.Ordinal))
        {
            return Fail(out start, out length);
        }

        int n = Span(t, i, 512, IsB64Url);
        if (n < 16 || !HasUpperLowerDigit(t.Slice(i, n)) || (n < 32 && !(ShortOpenAiBody(t.Slice(i, n)) && IsHandWrittenKey(t, a, t.Slice(i, n)))))
        {
            return Fail(out start, out length);
        }

        return Ok(a, i + n, out start, out length);
    }

    /// <summary>
    /// r36: a key written short by hand (<c>sk-proj-abc123EXAMPLE</c>, <c>sk-FAKEsij9uHIexupF0gSk683u</c>), reported not
    /// validated (OpenAiValidator): a project / service-account / admin prefix and 8+ more, or 20+ with no <c>-</c>;
    /// not a template.
    /// </summary>
    private static bool ShortOpenAiBody(ReadOnlySpan<char> body)
    {
        if (IsTemplateBody(body))
        {
            return false;
        }

        foreach (string kind in (ReadOnlySpan<string>)["proj-", "svcacct-", "admin-"])
        {
            if (body.StartsWith(kind, StringComparison.Ordinal))
            {
                return body.Length - kind.Length >= 8;
            }
        }

        return body.Length >= 20 && !body.Contains('-');
    }

    /// <summary>OpenAI keys as issued: 32+ characters after <c>sk-</c>.</summary>
    private static bool OpenAiValidator(ReadOnlySpan<char> token) => token.Length >= 3 + 32;

    private static bool AnthropicKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int i = a + "sk-ant-".Length;
        int kind = Span(t, i, 12, char.IsAsciiLetterLower);
        int ver = Span(t, i + kind, 4, char.IsAsciiDigit);
        if (!BoundaryBefore(t, a))
        {
            return Fail(out start, out length);
        }

        if (kind < 3 || ver < 2 || i + kind + ver >= t.Length || t[i + kind + ver] != '-')
        {
            // r36: a key written by hand without the kind and version (sk-ant-FAKEauQ92jDUWS2ijUAQyw3K): 16+ characters,
            // not validated (AnthropicValidator)
            int m = Span(t, i, 512, IsB64Url);
            var body = t.Slice(i, m);
            return m >= 16 && IsHandWrittenKey(t, a, body) ? Ok(a, i + m, out start, out length) : Fail(out start, out length);
        }

        int j = i + kind + ver + 1;
        int n = Span(t, j, 512, IsB64Url);
        if (n < 32 && (n < 8 || !IsHandWrittenKey(t, a, t.Slice(j, n), capital: false))) // r36: 8–31 written by hand reported too, not validated
        {
            return Fail(out start, out length);
        }

        return Ok(a, j + n, out start, out length);
    }

    /// <summary>Anthropic keys as issued: <c>sk-ant-</c>, kind and version (<c>api03-</c>), 32+ characters.</summary>
    private static bool AnthropicValidator(ReadOnlySpan<char> token)
    {
        var rest = token[7..];
        int kind = rest.IndexOfAnyExceptInRange('a', 'z');
        if (kind < 3)
        {
            return false;
        }

        int ver = rest[kind..].IndexOfAnyExceptInRange('0', '9');
        return ver >= 2 && rest[(kind + ver)..] is ['-', ..] && rest.Length - (kind + ver + 1) >= 32;
    }

    private static bool HuggingFaceToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int i = a + 3;
        int n = Span(t, i, 64, IsAlnum);
        if (!BoundaryBefore(t, a) || n < 30 || n > 40 || !BoundaryAfter(t, i + n))
        {
            return Fail(out start, out length);
        }

        var body = t.Slice(i, n);
        if (!body.ContainsAnyInRange('A', 'Z') || !body.ContainsAnyInRange('a', 'z'))
        {
            return Fail(out start, out length);
        }

        return Ok(a, i + n, out start, out length);
    }

    private static bool NpmToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        const int Len = 40;
        if (!BoundaryBefore(t, a) || Span(t, a + 4, 36, IsAlnum) != 36 || !BoundaryAfter(t, a + Len) || IsOneCharRepeated(t.Slice(a + 4, 36)))
        {
            return Fail(out start, out length);
        }

        return Ok(a, a + Len, out start, out length);
    }

    private static bool PyPiToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        // The macaroon's first caveat names the index: "pypi.org" or "test.pypi.org", base64-encoded after "AgE".
        var rest = t[a..];
        int prefix = rest.StartsWith("pypi-AgEIcHlwaS5vcmc", StringComparison.Ordinal) ? 20
            : rest.StartsWith("pypi-AgENdGVzdC5weXBpLm9yZw", StringComparison.Ordinal) ? 27 : 0;
        if (prefix == 0 || !BoundaryBefore(t, a))
        {
            return Fail(out start, out length);
        }

        int n = Span(t, a + prefix, 4096, IsB64Url);
        if (n < 50)
        {
            return Fail(out start, out length);
        }

        return Ok(a, a + prefix + n, out start, out length);
    }

    private static bool NuGetKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        const int Len = 46;
        if (!BoundaryBefore(t, a) || Span(t, a + 3, 43, IsLowerAlnum) != 43 || !BoundaryAfter(t, a + Len))
        {
            return Fail(out start, out length);
        }

        return Ok(a, a + Len, out start, out length);
    }

    private static bool DockerHubToken(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int i = a + "dckr_pat_".Length;
        int n = Span(t, i, 256, IsB64Url);
        if (!BoundaryBefore(t, a) || n < 27)
        {
            return Fail(out start, out length);
        }

        return Ok(a, i + n, out start, out length);
    }

    private static bool Jwt(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        if (a > 0 && (IsB64Url(t[a - 1]) || t[a - 1] == '.'))
        {
            return Fail(out start, out length);
        }

        int h = Span(t, a, 4096, IsB64Url);
        if (h < 10)
        {
            return Fail(out start, out length);
        }

        if (a + h >= t.Length || t[a + h] != '.')
        {
            return JwtOtherGlue(t, a, h, out start, out length); // BuiltInRules.JwtShapes.cs: header~payload~sig, joined without dots
        }

        int p = Span(t, a + h + 1, 1 << 20, IsB64Url);
        int end = a + h + 1 + p;
        if (p < 2 || end >= t.Length || t[end] != '.')
        {
            return JwtClaimsAndSignature(t, a, h, p, out start, out length); // BuiltInRules.JwtShapes.cs: payload.signature
        }

        int sig = Span(t, end + 1, 1 << 20, IsB64Url);
        if (sig == 0 && end + 2 < t.Length && t[end + 1] == '.' && t[end + 2] == '.' && (end + 3 >= t.Length || !IsB64Url(t[end + 3])))
        {
            // "eyJhbGci….eyJzdWIiOi...": a token cut short in documentation, an ellipsis for its signature (r28). An
            // unsigned token ("alg":"none") at a sentence's end ("….eyJ…fQ..") is still read, and so is a whole token
            // whose last dot was written as three ("h.p...sig").
            return Fail(out start, out length);
        }

        end += 1 + sig;

        // JWE compact serialization has five segments.
        for (int extra = 0; extra < 2 && end < t.Length && t[end] == '.'; extra++)
        {
            end += 1 + Span(t, end + 1, 1 << 20, IsB64Url);
        }

        if (!HeaderHasAlg(t.Slice(a, Math.Min(h, 1024))))
        {
            return Fail(out start, out length);
        }

        return Ok(a, end, out start, out length);
    }

    private static bool HeaderHasAlg(ReadOnlySpan<char> segment)
    {
        Span<byte> decoded = stackalloc byte[768];
        int n = Base64Helpers.DecodeLenient(segment, decoded);
        var json = decoded[..n];
        return json.Length > 0 && json[0] == (byte)'{' && json.IndexOf("\"alg\""u8) >= 0;
    }

    internal static bool PrivateKeyMatcher(ReadOnlySpan<char> t, int a, out int start, out int length) => PrivateKey(t, a, out start, out length);

    private static bool PrivateKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        // a is at "-----BEGIN " (or "-----BEGIN+": the header of a form field whose blanks became '+', HTML 4.01 §17.13.4.1,
        // sent without a form Content-Type so that no layer turns them back into blanks).
        if (!IsPemBegin(t, a))
        {
            return Fail(out start, out length);
        }

        int labelStart = a + "-----BEGIN ".Length;
        int close = t.Slice(labelStart, Math.Min(48, t.Length - labelStart)).IndexOf("-----", StringComparison.Ordinal);
        if (close < 0)
        {
            return Fail(out start, out length);
        }

        var label = t.Slice(labelStart, close);
        // (an OpenVPN static key file, openvpn --genkey secret: 2048 bits in hex under this armor; OpenVPN 2.6 reference
        // manual, --secret and --tls-auth; r23 reach round)
        if (!(PemLabelEndsWith(label, "PRIVATE KEY") || (label.Length == "PGP PRIVATE KEY BLOCK".Length && PemLabelEndsWith(label, "PGP PRIVATE KEY BLOCK"))
            || label.SequenceEqual("OpenVPN Static key V1")))
        {
            return Fail(out start, out length);
        }

        int headerEnd = labelStart + close + 5;

        // Key material must follow directly: after line breaks (real or JSON-escaped) and optional armor headers
        // ("Proc-Type: 4,ENCRYPTED", "DEK-Info: …", "Version: …", RFC 1421 / RFC 4880 §6.2), at least 32 base64
        // characters. A header merely mentioned in prose is followed by something else.
        int i = SkipLineBreaks(t, headerEnd);
        for (int headers = 0; headers < 8 && IsArmorHeader(t, i); headers++)
        {
            while (i < t.Length && t[i] is not ('\r' or '\n') && !(t[i] == '\\' && i + 1 < t.Length && t[i + 1] is 'n' or 'r'))
            {
                i++;
            }

            i = SkipLineBreaks(t, i);
        }

        int bodyEnd = KeyMaterial(t, i, 32);
        bool decorated = false;
        // (A percent-encoded key, "%0A" after the header, is the percent layer's: its finding says how it was encoded.)
        if (bodyEnd < 0 && !(headerEnd < t.Length && t[headerEnd] == '%') && DecoratedKeyLine(t, headerEnd) is int line and >= 0)
        {
            bodyEnd = KeyMaterial(t, line, 48);
            decorated = true;
        }

        if (bodyEnd < 0)
        {
            // The block with its lines in reverse order ("tac key.pem", or a whole reversed key read back by the reversed
            // layer, which reverses each line and their order): END line, body, then this BEGIN line last (r28).
            return LinesReversedKey(t, a, headerEnd, label, out start, out length);
        }

        // Cover the whole block: up to the END line when it is near, else the rest of the base64 body.
        // The END line ("-----END+" in a form-encoded key); a decorated key's END is looked for within 16 KiB, since a
        // blind skip must not stretch the finding over other text (and the findings it would then hide).
        int searchLen = Math.Min(t.Length - bodyEnd, decorated ? 16 * 1024 : 64 * 1024);
        int endLine = t.Slice(bodyEnd, searchLen).IndexOf("-----END", StringComparison.Ordinal);
        int end;
        if (endLine >= 0 && bodyEnd + endLine + "-----END ".Length <= t.Length)
        {
            int afterEnd = bodyEnd + endLine + "-----END ".Length;
            int closeEnd = t.Slice(afterEnd, Math.Min(64, t.Length - afterEnd)).IndexOf("-----", StringComparison.Ordinal);
            end = closeEnd >= 0 ? afterEnd + closeEnd + 5 : afterEnd;
        }
        else
        {
            end = bodyEnd;
            while (end < t.Length && end - bodyEnd < searchLen && (IsB64Std(t[end]) || t[end] is '=' or '\r' or '\n' or ' ' or '\\'))
            {
                end++;
            }
        }

        return Ok(a, end, out start, out length);
    }

    /// <summary>Does <paramref name="s"/> hold fewer than <paramref name="n"/> distinct letters and digits?</summary>
    private static bool FewDistinct(ReadOnlySpan<char> s, int n)
    {
        Span<char> seen = stackalloc char[n];
        int count = 0;
        foreach (char c in s)
        {
            if (char.IsAsciiLetterOrDigit(c) && !seen[..count].Contains(c))
            {
                if (count + 1 == n)
                {
                    return false;
                }

                seen[count++] = c;
            }
        }

        return true;
    }

    /// <summary>A private key block holds key material: 64+ base64 characters, none cut with an ellipsis (a block of 32–63, or one cut with <c>...</c>, is reported unvalidated).</summary>
    internal static bool PrivateKeyValidator(ReadOnlySpan<char> token)
    {
        int k = token.Length > 5 ? token[5..].IndexOf("-----", StringComparison.Ordinal) : -1;
        var body = k >= 0 ? token[(k + 10)..] : default;
        int end = body.IndexOf("-----END", StringComparison.Ordinal);
        body = end >= 0 ? body[..end] : body;
        if (body.Contains("...", StringComparison.Ordinal) || body.Contains('\u2026'))
        {
            return false;
        }

        int b64 = 0;
        foreach (char c in body)
        {
            b64 += IsB64Std(c) ? 1 : 0;
        }

        return b64 >= 64;
    }

    /// <summary>
    /// A private key block whose lines are in reverse order: the BEGIN line at <paramref name="a"/> (ending at
    /// <paramref name="headerEnd"/>, label <paramref name="label"/>) is preceded, across line breaks (no blanks: a key's
    /// lines hold none), by at least 64 base64 characters and, before them, by the END line of the same label (RFC 7468 §2). The finding runs from the
    /// END line to the end of the BEGIN line.
    /// </summary>
    private static bool LinesReversedKey(ReadOnlySpan<char> t, int a, int headerEnd, ReadOnlySpan<char> label, out int start, out int length)
    {
        int j = a, body = 0;
        while (j > 0 && a - j < 64 * 1024)
        {
            if (j > 1 && t[j - 2] == '\\' && t[j - 1] is 'n' or 'r')
            {
                j -= 2; // a JSON-escaped line break
            }
            else if (j > 5 && t[j - 6] == '\\' && t.Slice(j - 5, 5) is var u && (u.Equals("u002B", StringComparison.OrdinalIgnoreCase) || u.Equals("u002F", StringComparison.OrdinalIgnoreCase) || u.Equals("u003D", StringComparison.OrdinalIgnoreCase)))
            {
                body++;
                j -= 6; // '+', '/' or '=' JSON-escaped (System.Text.Json's default encoder writes '+' as \u002B)
            }
            else if (IsB64Std(t[j - 1]) || t[j - 1] is '=' or '\r' or '\n')
            {
                body += t[j - 1] is '\r' or '\n' ? 0 : 1; // no blanks: prose between an END and a BEGIN line is not a key's body
                j--;
            }
            else
            {
                break;
            }
        }

        // t[..j] must end with "-----END <label>-----".
        int endLine = j - (label.Length + "-----END ".Length + 5);
        if (body < 64 || endLine < 0 || !t[endLine..j].StartsWith("-----END ", StringComparison.Ordinal)
            || !t.Slice(endLine + "-----END ".Length, label.Length).SequenceEqual(label) || !t[(j - 5)..j].SequenceEqual("-----"))
        {
            return Fail(out start, out length);
        }

        return Ok(endLine, headerEnd, out start, out length);
    }

    /// <summary>
    /// True when <paramref name="t"/> holds <c>-----BEGIN </c> at <paramref name="a"/>, or <c>-----BEGIN+</c>: the header
    /// of a form field whose blanks became <c>+</c> (HTML 4.01 §17.13.4.1, <c>application/x-www-form-urlencoded</c>;
    /// Python's <c>urllib.parse.quote_plus</c>, <c>curl --data-urlencode</c> after <c>%20</c> → <c>+</c>).
    /// </summary>
    internal static bool IsPemBegin(ReadOnlySpan<char> t, int a) =>
        a >= 0 && a + 11 <= t.Length && t[(a + 10)..] is [' ' or '+', ..] && t[a..].StartsWith("-----BEGIN", StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="label"/> (the text between <c>-----BEGIN </c> and <c>-----</c>) ends with <paramref name="suffix"/>,
    /// a <c>+</c> in the label standing for a blank of the suffix (a form-encoded header, <see cref="IsPemBegin"/>).
    /// </summary>
    private static bool PemLabelEndsWith(ReadOnlySpan<char> label, string suffix)
    {
        if (label.Length < suffix.Length)
        {
            return false;
        }

        var tail = label[^suffix.Length..];
        for (int k = 0; k < suffix.Length; k++)
        {
            if (tail[k] != suffix[k] && !(suffix[k] == ' ' && tail[k] == '+'))
            {
                return false;
            }
        }

        return true;
    }

    private static int SkipLineBreaks(ReadOnlySpan<char> t, int i)
    {
        while (i < t.Length)
        {
            if (t[i] is '\r' or '\n' or ' ' or '\t')
            {
                i++;
            }
            else if (EscapedLineBreak(t, i) is int n and > 0)
            {
                i += n;
            }
            else
            {
                break;
            }
        }

        return i;
    }

    /// <summary>
    /// The end of <paramref name="need"/> base64 characters of key material from <paramref name="i"/>, or -1 when another
    /// character comes first. A JSON serializer may write <c>+</c> and <c>/</c> as escapes (RFC 8259 §7: <c>\u002B</c>,
    /// <c>\u002F</c>, <c>\/</c>; System.Text.Json's default encoder escapes <c>+</c>), with the backslash itself escaped
    /// again when that JSON was put in a JSON string (<c>\\u002B</c>); each such escape counts as its one character.
    /// </summary>
    private static int KeyMaterial(ReadOnlySpan<char> t, int i, int need)
    {
        int count = 0;
        while (count < need && i < t.Length)
        {
            if (IsB64Std(t[i]))
            {
                count++;
                i++;
                continue;
            }

            int k = i;
            while (k < t.Length && t[k] == '\\' && k - i < MaxEscapeBackslashes)
            {
                k++;
            }

            if (k == i || k >= t.Length)
            {
                return -1;
            }

            if (t[k] == '/')
            {
                i = k + 1;
            }
            else if (k + 5 <= t.Length && t.Slice(k, 4).SequenceEqual("u002") && t[k + 4] is 'B' or 'b' or 'F' or 'f')
            {
                i = k + 5;
            }
            else
            {
                return -1;
            }

            count++;
        }

        return count < need ? -1 : i;
    }

    /// <summary>Backslashes that may precede an escaped line break: JSON inside a JSON string escapes each backslash again (RFC 8259 §7), <c>\\n</c> for a doubly encoded one, <c>\\\\n</c> for three levels.</summary>
    private const int MaxEscapeBackslashes = 8;

    /// <summary>
    /// The length of a JSON-escaped line break at <paramref name="i"/> (RFC 8259 §7: <c>\n</c>, <c>\r</c>), also when the
    /// JSON text was itself put in a JSON string, once or more (<c>\\n</c>: the backslash escaped again, up to
    /// <see cref="MaxEscapeBackslashes"/> backslashes); 0 when none starts there.
    /// </summary>
    internal static int EscapedLineBreak(ReadOnlySpan<char> t, int i)
    {
        int k = i;
        while (k < t.Length && t[k] == '\\' && k - i < MaxEscapeBackslashes)
        {
            k++;
        }

        return k > i && k < t.Length && t[k] is 'n' or 'r' ? k + 1 - i : 0;
    }

    /// <summary>
    /// The start of the key material after a PEM header when tool output decorates every line (r21 reach round of
    /// the DLP issue): the first run of 48 base64 characters within 96 characters of the header's end, before any other
    /// armor line (<c>-----</c>). Whatever stands between is the decoration: <c>cat -A</c>'s <c>$</c>, <c>nl</c> /
    /// <c>cat -n</c> / <c>grep -rn</c> line numbers and file names, <c>&gt;</c> / <c>#</c> / <c>--</c> / <c>%</c>
    /// quotes and comments, <c>git diff</c>'s <c>-</c> / <c>+</c>, list bullets, log timestamps, HTML tags, table
    /// cells, the quotes and commas of a <c>readlines()</c> or JSON list, JSON escapes; a run of hex digits only is not
    /// key material (a digest, a request's id). Returns −1 when there is none;
    /// an undecorated body needs only 32 characters (<see cref="PrivateKey"/>), a decorated one 48, since the decoration
    /// is skipped blindly.
    /// </summary>
    private static int DecoratedKeyLine(ReadOnlySpan<char> t, int headerEnd)
    {
        int limit = Math.Min(t.Length, headerEnd + 96);
        int i = headerEnd;
        while (i < limit)
        {
            if (IsB64Std(t[i]))
            {
                // 48 characters, a JSON-escaped '+' or '/' (\u002B, \/: System.Text.Json escapes '+') counting as one
                int r = i + 1;
                int count = 1;
                while (r < t.Length && count < 48)
                {
                    int escaped = IsB64Std(t[r]) ? 1 : JsonEscapedBase64Length(t, r);
                    if (escaped == 0)
                    {
                        break;
                    }

                    r += escaped;
                    count++;
                }

                // 48 hex digits are a digest or an id (a model request's metadata.user_id beside code that names the
                // header, r27), not base64 key material, which holds other letters
                if (count >= 48 && t[i..r].ContainsAnyExcept(ContextRules.HexChars))
                {
                    return i;
                }

                i = r;
            }
            else if (t[i] == '-' && t[i..].StartsWith("-----", StringComparison.Ordinal))
            {
                return -1; // the END line or another block: no key material in between
            }
            else
            {
                i++;
            }
        }

        return -1;
    }

    /// <summary>The length of a JSON-escaped <c>+</c> or <c>/</c> at <paramref name="i"/> (<c>\u002B</c>, <c>\u002F</c>, <c>\/</c>, with up to <see cref="MaxEscapeBackslashes"/> backslashes), or 0.</summary>
    private static int JsonEscapedBase64Length(ReadOnlySpan<char> t, int i)
    {
        int k = i;
        while (k < t.Length && t[k] == '\\' && k - i < MaxEscapeBackslashes)
        {
            k++;
        }

        if (k == i || k >= t.Length)
        {
            return 0;
        }

        if (t[k] == '/')
        {
            return k + 1 - i;
        }

        return k + 5 <= t.Length && t.Slice(k, 4).SequenceEqual("u002") && t[k + 4] is 'B' or 'b' or 'F' or 'f' ? k + 5 - i : 0;
    }

    /// <summary>An RFC 1421 / RFC 4880 armor header line: <c>Name-With-Dashes: value</c>.</summary>
    private static bool IsArmorHeader(ReadOnlySpan<char> t, int i)
    {
        int n = Span(t, i, 32, c => char.IsAsciiLetter(c) || c == '-');
        return n >= 4 && i + n < t.Length && t[i + n] == ':';
    }

    /// <summary>True when the PEM block at <paramref name="pemStart"/> is the private_key of a GCP service-account JSON key.</summary>
    internal static bool IsGcpServiceAccountContext(ReadOnlySpan<char> t, int pemStart)
    {
        int from = Math.Max(0, pemStart - 4096);
        var before = t[from..pemStart];
        int to = Math.Min(t.Length, pemStart + 8192);
        var around = t[from..to];
        return before.Contains("\"private_key\"", StringComparison.Ordinal)
            && around.Contains("service_account", StringComparison.Ordinal);
    }

    private static readonly string[] s_placeholderPasswords =
    [
        "password", "passwd", "pass", "pwd", "secret", "changeme", "example", "redacted", "pw", "token", "apikey", "api_key", "placeholder",
    ];

    private static readonly System.Buffers.SearchValues<char> s_authorityEnd = System.Buffers.SearchValues.Create("@/?\"'<>\\` \t\r\n");

    private static bool UrlCredentials(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        // a is at "://". Fast exit for the common case: the authority ends ('/', '?', quote, space…) before any '@'.
        var authority = t.Slice(a + 3, Math.Min(256, t.Length - a - 3));
        int stop = authority.IndexOfAny(s_authorityEnd);
        if (stop < 0 || authority[stop] != '@')
        {
            return Fail(out start, out length);
        }

        // The scheme must precede "://".
        int s = a;
        while (s > 0 && (char.IsAsciiLetterOrDigit(t[s - 1]) || t[s - 1] is '+' or '.' or '-') && a - s < 32)
        {
            s--;
        }

        if (a - s < 2 || !char.IsAsciiLetter(t[s]))
        {
            return Fail(out start, out length);
        }

        int u = a + 3;
        int limit = Math.Min(t.Length, u + 256);
        int at = -1, colon = -1;
        for (int i = u; i < limit; i++)
        {
            char c = t[i];
            if (c == '@')
            {
                at = i; // the last '@' of the authority ends the user information (r27): P@ssw0rd in user:P@ssw0rd@host is held unencoded in .env files
                continue;
            }

            // '#' ends the authority (RFC 3986 §3.5) except inside a password: a credential file or a paste holds
            // generated passwords unencoded (https://user:Xk9#mQ2v@host).
            if (c is '/' or '?' or '"' or '\'' or '<' or '>' or '\\' or '`' || (c == '#' && colon < 0) || char.IsWhiteSpace(c))
            {
                break;
            }

            if (c == ':' && colon < 0)
            {
                colon = i;
            }
        }

        if (at < 0 || colon < 0 || at - colon < 2 || at + 1 >= t.Length || !(char.IsAsciiLetterOrDigit(t[at + 1]) || t[at + 1] == '['))
        {
            return Fail(out start, out length);
        }

        // A password equal to the user name is a service's documented default (guest:guest for RabbitMQ, postgres:postgres
        // in the postgres image's examples, admin:admin), written into every compose file and README, and so is scott:tiger (r27).
        var password = t[(colon + 1)..at];
        if (IsPlaceholder(password) || password.Equals(t[u..colon], StringComparison.OrdinalIgnoreCase)
            || (password.SequenceEqual("tiger") && t[u..colon].SequenceEqual("scott")) // Oracle's demo user, SQLAlchemy's documentation URLs
            || ContextRules.IsLabelOrFixtureValue(default, password) // documentation's example passwords (P@ssw0rd, hunter2)
            || t[u..colon] is "anonymous" or "ftp") // anonymous FTP: the password is an e-mail address by convention (RFC 1635)
        {
            return Fail(out start, out length);
        }

        return Ok(u, at, out start, out length);
    }

    /// <summary>The protocols of a Go MySQL driver DSN that follow the credentials' <c>@</c> (<c>@tcp(</c>, <c>@unix(</c>, Go's net.Dial networks tcp4 / tcp6).</summary>
    private static readonly string[] s_dsnProtocols = ["tcp(", "unix(", "tcp6(", "tcp4("];

    /// <summary>
    /// Twelfth red-team round: credentials in a Go MySQL driver DSN, <c>[username[:password]@][protocol[(address)]]/dbname[?params]</c>
    /// (github.com/go-sql-driver/mysql README, "DSN (Data Source Name)"): <c>app:S3cr3t…@tcp(db:3306)/prod</c>,
    /// <c>user:pw@unix(/var/run/mysqld.sock)/db</c>. It has no <c>scheme://</c>, so the <c>url-credentials</c> rule's
    /// trigger never sees it; the engine calls this at the end of a token run that stops at <c>@</c>
    /// (<paramref name="at"/>): the password's last piece, so no work is added per character. The DSN starts after the
    /// nearest blank, quote, <c>=</c>, backtick, bracket or separator before <paramref name="at"/> (at most 256
    /// characters back); the first <c>:</c> in it ends the user name, and the password (up to <paramref name="at"/>,
    /// as the driver takes the last <c>@</c>) must pass the same placeholder filter as a URL's (<see cref="IsPlaceholder"/>:
    /// <c>${PASS}</c>, <c>&lt;pass&gt;</c>, <c>password</c>, <c>****</c> stay clean). The finding is <c>user:password</c>, as for a URL.
    /// </summary>
    internal static bool GoMySqlDsn(ReadOnlySpan<char> t, int at, out int start, out int length)
    {
        var after = t[(at + 1)..];
        bool protocol = false;
        foreach (var p in s_dsnProtocols)
        {
            protocol |= after.StartsWith(p, StringComparison.Ordinal);
        }

        if (!protocol)
        {
            return Fail(out start, out length);
        }

        int u = at;
        while (u > 0 && at - u < 256 && t[u - 1] is > ' ' and not ('"' or '\'' or '`' or '=' or '<' or '>' or '(' or '[' or '{' or ',' or ';' or '|'))
        {
            u--;
        }

        int colon = t[u..at].IndexOf(':');
        if (colon < 0 || at - (u + colon) < 2 || t[u..(u + colon)].Contains('/'))
        {
            return Fail(out start, out length);
        }

        if (IsPlaceholder(t[(u + colon + 1)..at]))
        {
            return Fail(out start, out length);
        }

        return Ok(u, at, out start, out length);
    }

    internal static bool IsPlaceholder(ReadOnlySpan<char> password)
    {
        if (password[0] is '$' or '<' or '{' or '[' || password.StartsWith("%(", StringComparison.Ordinal))
        {
            return true;
        }

        if (!password.ContainsAnyExcept(password[0]))
        {
            return true; // "****", "xxxxxxxx"
        }

        foreach (var p in s_placeholderPasswords)
        {
            if (password.Equals(p, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first card number at or after <paramref name="a"/>; the engine calls <see cref="FindCards"/> on digit runs directly.</summary>
    private static bool PaymentCard(ReadOnlySpan<char> t, int a, out int start, out int length) => FindCards(t, a, t.Length, out start, out length);

    /// <summary>
    /// Finds the first card number starting at or after <paramref name="from"/> and before <paramref name="end"/>:
    /// digit groups separated by one consistent separator (space, dash, or a dot in exactly the printed groupings 4-4-4-4
    /// and 4-6-5 — <c>4539.4270.3559.3463</c>; other dotted digit groups are versions, addresses and decimals), 13–19 digits in all, no letter, digit or
    /// decimal point directly before or after, a Luhn-valid check digit, and an issuer prefix whose length rules allow
    /// that many digits.
    /// </summary>
    internal static bool FindCards(ReadOnlySpan<char> t, int from, int end, out int start, out int length)
    {
        Span<byte> digits = stackalloc byte[19];
        int g = from;
        while (g < end)
        {
            // Move to the start of the next digit group.
            while (g < end && !char.IsAsciiDigit(t[g]))
            {
                g++;
            }

            if (g >= end)
            {
                break;
            }

            int groupStart = g;
            if (!CardBoundaryBefore(t, groupStart))
            {
                g = SkipGroup(t, g, end);
                continue;
            }

            int count = 0, i = groupStart, groups = 0, firstGroupLen = 0, shape = 0;
            char sep = '\0';
            bool shapeOk = true;
            while (i < end)
            {
                int len = 0;
                while (i < end && char.IsAsciiDigit(t[i]))
                {
                    if (count + len < 19)
                    {
                        digits[count + len] = (byte)(t[i] - '0');
                    }

                    len++;
                    i++;
                }

                if (groups == 0)
                {
                    firstGroupLen = len;
                }
                else if (len < 1 || len > 6)
                {
                    shapeOk = false;
                }

                count += len;
                groups++;
                shape = (shape * 10) + Math.Min(len, 9);
                if (count > 19 || !shapeOk)
                {
                    break;
                }

                if (count >= 13 && CardBoundaryAfter(t, i) && (groups == 1 || firstGroupLen == 4) && (sep != '.' || shape is 4444 or 465) && IsCard(digits[..count])
                    && !IsNumberInCodeOrList(t, groupStart, i, groups, sep) // BuiltInRules.NotCards.cs
                    && !(count == 13 && IsEan13(digits[..13]) && ProductCodesNamed(t, groupStart)))
                {
                    return Ok(groupStart, i, out start, out length);
                }

                if (i + 1 < end && (t[i] == ' ' || t[i] == '-' || (t[i] == '.' && firstGroupLen == 4 && len is 4 or 5 or 6)) && char.IsAsciiDigit(t[i + 1]) && (sep == '\0' || sep == t[i]))
                {
                    sep = t[i];
                    i++;
                    continue;
                }

                break;
            }

            g = SkipGroup(t, groupStart, end);
        }

        return Fail(out start, out length);
    }

    private static int SkipGroup(ReadOnlySpan<char> t, int g, int end)
    {
        while (g < end && char.IsAsciiDigit(t[g]))
        {
            g++;
        }

        return g;
    }

    // Not part of an identifier, a decimal fraction or a phone number: no letter, digit, '.', '_' or '+' directly before
    // (a JSON string's escaped \n or \t is a line or cell break, r32).
    private static bool CardBoundaryBefore(ReadOnlySpan<char> t, int i) =>
        i == 0 || !(char.IsAsciiLetterOrDigit(t[i - 1]) || t[i - 1] is '.' or '_' or '+') || TextDecoders.IsEscapeLetterAt(t, i - 1);

    // A '.' followed by a digit continues a decimal number; a ',' ends the card (CSV rows: "4111…,12/29,123").
    private static bool CardBoundaryAfter(ReadOnlySpan<char> t, int i) =>
        i >= t.Length || !(char.IsAsciiLetterOrDigit(t[i]) || t[i] == '_' || (t[i] == '.' && i + 1 < t.Length && char.IsAsciiDigit(t[i + 1])));

    /// <summary>Issuer prefix and length plausibility plus the Luhn check.</summary>
    internal static bool IsCard(ReadOnlySpan<byte> d)
    {
        int n = d.Length;
        int p2 = (d[0] * 10) + d[1];
        int p3 = (p2 * 10) + d[2];
        int p4 = (p3 * 10) + d[3];
        int p6 = (p4 * 100) + (d[4] * 10) + d[5];
        bool plausible =
            (d[0] == 4 && n is 13 or 16 or 19) // Visa
            || ((p2 is >= 51 and <= 55 || p4 is >= 2221 and <= 2720) && n == 16) // Mastercard
            || (p2 is 34 or 37 && n == 15) // American Express
            || ((p4 == 6011 || p3 is >= 644 and <= 649 || p2 == 65 || p6 is >= 622126 and <= 622925) && n is >= 16 and <= 19) // Discover
            || ((p3 is >= 300 and <= 305 || p2 is 36 or 38 or 39) && n is >= 14 and <= 19) // Diners Club
            || (p4 is >= 3528 and <= 3589 && n is >= 16 and <= 19) // JCB
            || (p2 == 62 && n is >= 16 and <= 19) // UnionPay
            || IsRegionalCard(p2, p3, p4, p6, n);
        return plausible && Checksums.IsLuhnValid(d);
    }

    /// <summary>
    /// Is a product code named within 2,048 characters before <paramref name="i"/>: <c>ean</c> as a word or a name's
    /// segment (<c>ean13</c>, <c>EAN-13</c>, <c>"ean"</c>, a CSV header's <c>,ean,</c>; not "mean", "boolean"), <c>gtin</c>,
    /// <c>barcode</c> or <c>upc</c>? Asked only of a Luhn-valid 13-digit Visa-prefixed number that is a valid EAN-13.
    /// </summary>
    private static bool ProductCodesNamed(ReadOnlySpan<char> t, int i)
    {
        var before = t[Math.Max(0, i - 2048)..i];
        if (before.Contains("gtin", StringComparison.OrdinalIgnoreCase) || before.Contains("barcode", StringComparison.OrdinalIgnoreCase)
            || before.Contains("upc", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        for (int k = before.IndexOf("ean", StringComparison.OrdinalIgnoreCase); k >= 0; )
        {
            if ((k == 0 || !char.IsAsciiLetter(before[k - 1])) && (k + 3 == before.Length || !char.IsAsciiLetter(before[k + 3])))
            {
                return true;
            }

            int next = before[(k + 3)..].IndexOf("ean", StringComparison.OrdinalIgnoreCase);
            k = next < 0 ? -1 : k + 3 + next;
        }

        return false;
    }

    /// <summary>
    /// Is <paramref name="d"/> (13 digits) a valid EAN-13 / GTIN-13: digits weighted 1, 3, 1, … from the left, the sum
    /// with the check digit a multiple of 10 (GS1 General Specifications, §7.9 check digit calculation)? Visa issued
    /// 13-digit numbers long ago and none now; product barcodes in a catalogue's <c>ean13</c> column are 13 digits,
    /// and one in ten of those starting with 4 (Germany's GS1 prefixes 400–440) passes Luhn as well (a red team's
    /// product CSV, r31/r32). Such a number is read as a barcode where a product code is named before it
    /// (<see cref="ProductCodesNamed"/>); Visa's 13-digit test number 4222222222222 is no EAN-13 at all.
    /// </summary>
    private static bool IsEan13(ReadOnlySpan<byte> d)
    {
        int sum = 0;
        for (int i = 0; i < 13; i++)
        {
            sum += d[i] * (i % 2 == 0 ? 1 : 3);
        }

        return sum % 10 == 0;
    }

    /// <summary>
    /// Issuer prefixes and lengths of the networks beyond the seven above (r32 round: a red team's Luhn-valid Maestro
    /// and Mir numbers were allowed even after <c>card:</c>). Prefixes (IIN ranges, ISO/IEC 7812-1 numbering) and lengths
    /// as each network publishes them: Maestro 5018, 5020, 5038, 5893, 6304, 6759, 6761–6763, 13–19 digits here (the
    /// scheme also issues 12, below the digit-run floor); Mir 2200–2204, 16–19 (NSPK); RuPay 60, 81, 82, 508, 16 (NPCI);
    /// Verve 506099–506198 and 650002–650027, 16, 18 or 19 (Interswitch); Troy 9792, 16 (BKM); Dankort 5019, 16 (Nets);
    /// Elo 504175, 506699–506778, 509000–509999, 627780, 636297, 636368, 16 (its 4 and 65 ranges are Visa's and
    /// Discover's lengths already); InterPayment 636, 16–19; InstaPayment 637–639, 16. UATP (prefix 1, 15 digits) is
    /// left out: 15-digit numbers starting with 1 are common ids. The Luhn check still decides (<see cref="IsCard"/>).
    /// </summary>
    private static bool IsRegionalCard(int p2, int p3, int p4, int p6, int n) =>
        (p4 is 5018 or 5020 or 5038 or 5893 or 6304 or 6759 or 6761 or 6762 or 6763 && n >= 13) // Maestro
        || (p4 is >= 2200 and <= 2204 && n >= 16) // Mir
        || (n == 16 && (p2 is 60 or 81 or 82 || p3 == 508 || p4 is 9792 or 5019 || p3 is >= 637 and <= 639 // RuPay, Troy, Dankort, InstaPayment
            || p6 is 504175 or 627780 or 636297 or 636368 || p6 is >= 506699 and <= 506778 || p6 is >= 509000 and <= 509999)) // Elo
        || (p6 is >= 506099 and <= 506198 or >= 650002 and <= 650027 && n is 16 or 18 or 19) // Verve
        || (p3 == 636 && n >= 16); // InterPayment
}

/// <summary>Small, allocation-free base64 and hex helpers used by matchers and the engine.</summary>
internal static class Base64Helpers
{
    private static readonly sbyte[] s_b64 = BuildB64();

    /// <summary>Value of a base64 or base64url character, or -1.</summary>
    public static int B64Value(char c) => c < 128 ? s_b64[c] : -1;

    /// <summary>Decodes base64 or base64url (both alphabets accepted), stopping at the first other character or when <paramref name="dest"/> is full.</summary>
    public static int DecodeLenient(ReadOnlySpan<char> src, Span<byte> dest)
    {
        int bits = 0, acc = 0, n = 0;
        foreach (char c in src)
        {
            int v = B64Value(c);
            if (v < 0)
            {
                break;
            }

            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                if (n == dest.Length)
                {
                    break;
                }

                dest[n++] = (byte)(acc >> bits);
            }
        }

        return n;
    }

    /// <summary>Value of a hex digit, or -1.</summary>
    public static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static sbyte[] BuildB64()
    {
        var t = new sbyte[128];
        Array.Fill(t, (sbyte)-1);
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < Alphabet.Length; i++)
        {
            t[Alphabet[i]] = (sbyte)i;
        }

        t['-'] = 62;
        t['_'] = 63;
        return t;
    }
}
