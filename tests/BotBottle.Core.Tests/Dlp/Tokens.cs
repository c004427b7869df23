using System.Text;
using BotBottle.Dlp;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Synthesises strings that have the shape of each credential format. Every value is made up here from a seeded
/// random generator; none is a real key.
/// </summary>
internal static class Tokens
{
    public const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    public const string UpperBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    public const string B64Url = Base62 + "-_";
    public const string B64 = Base62 + "+/";
    public const string LowerHex = "0123456789abcdef";
    public const string Digits = "0123456789";
    public const string UpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    public const string LowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string Random(string alphabet, int length, int seed)
    {
        var rnd = new Random(seed);
        var sb = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            sb.Append(alphabet[rnd.Next(alphabet.Length)]);
        }

        return sb.ToString();
    }

    /// <summary>Random text from <paramref name="alphabet"/> that contains at least one upper-case letter, lower-case letter and digit.</summary>
    public static string Mixed(string alphabet, int length, int seed) => "A1b" + Random(alphabet, length - 3, seed);

    public static string GitHub(string prefix, int seed = 1)
    {
        string random = Random(Base62, 30, seed);
        return prefix + random + PublishedChecksum(random);
    }

    public static string Npm(int seed = 2)
    {
        string random = Random(Base62, 30, seed);
        return "npm_" + random + PublishedChecksum(random);
    }

    /// <summary>
    /// The checksum of GitHub's 2021 token format and npm's, built here without the product's code: CRC-32 from
    /// System.IO.Hashing (IEEE 802.3, as the GitHub blog's "CRC32" and zlib), base62-encoded in the alphabet
    /// <c>0-9A-Za-z</c> (the PyPI <c>base62</c> package's default charset, which CredSweeper's ValueGitHubCheck uses to
    /// verify real tokens) and left-padded with <c>0</c> to six characters
    /// (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/).
    /// </summary>
    public static string PublishedChecksum(string randomPart)
    {
        uint crc = System.IO.Hashing.Crc32.HashToUInt32(Encoding.ASCII.GetBytes(randomPart));
        var sb = new StringBuilder();
        for (int i = 0; i < 6; i++)
        {
            sb.Insert(0, Base62[(int)(crc % 62)]);
            crc /= 62;
        }

        return sb.ToString();
    }

    /// <summary>Published example values (documentation, test vectors), each with its source.</summary>
    public static class Published
    {
        /// <summary>AWS's documented example access key ID (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html).</summary>
        public const string AwsExampleKeyId = "AKIAIOSFODNN7EXAMPLE";

        /// <summary>AWS's documented example secret access key (same page).</summary>
        public const string AwsExampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

        /// <summary>
        /// The personal access token GitHub's documentation uses in command-line examples
        /// (docs.github.com, "Managing your personal access tokens"); its CRC-32 does not verify — a documented example.
        /// </summary>
        public const string GitHubDocsExampleToken = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";

        /// <summary>
        /// A ghp_ token whose checksum was computed outside this repository with Python's <c>zlib.crc32</c> and the
        /// <c>0-9A-Za-z</c> base62 alphabet (random part "abcdefghijABCDEFGHIJ0123456789" → "2C2O59").
        /// </summary>
        public const string GitHubTokenPythonChecksum = "ghp_abcdefghijABCDEFGHIJ0123456789" + PythonChecksumOfAbc;

        /// <summary>zlib.crc32(b"abcdefghijABCDEFGHIJ0123456789") in base62 0-9A-Za-z, padded to 6 (computed with CPython 3.11).</summary>
        public const string PythonChecksumOfAbc = "2C2O59";

        /// <summary>Bitcoin wiki WIF example (https://en.bitcoin.it/wiki/Wallet_import_format): private key 0C28FCA3…72AA1D, uncompressed.</summary>
        public const string WifUncompressed = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ";

        /// <summary>The same key in compressed WIF (version 0x80, key, 0x01, base58check; verified with CPython hashlib).</summary>
        public const string WifCompressed = "KwdMAjGmerYanjeui5SHS7JkmpZvVipYvB2LJGU1ZxJwYvP98617";

        /// <summary>BIP-32 test vector 1, chain m (https://github.com/bitcoin/bips/blob/master/bip-0032.mediawiki#test-vector-1).</summary>
        public const string Bip32Vector1Xprv = "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi";

        /// <summary>BIP-39 test vector (entropy 00…00, 128 bits; trezor/python-mnemonic vectors.json, first English vector).</summary>
        public const string Bip39AllZero12 = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

        /// <summary>BIP-39 test vector (entropy 7f7f…7f, 128 bits; same file).</summary>
        public const string Bip39Legal12 = "legal winner thank year wave sausage worth useful legal winner thank yellow";

        /// <summary>The IBAN example of ISO 13616 / the SWIFT IBAN registry for the United Kingdom.</summary>
        public const string IbanGb = "GB82 WEST 1234 5698 7654 32";

        /// <summary>The SWIFT IBAN registry example for Germany.</summary>
        public const string IbanDe = "DE89370400440532013000";

        /// <summary>Well-known card test numbers (Stripe docs https://docs.stripe.com/testing: 4242…, 5555…4444, 3782…0005; Visa 4111…1111).</summary>
        public static readonly string[] TestCards = ["4242424242424242", "4111111111111111", "5555555555554444", "378282246310005", "6011111111111117"];
    }

    public static string B64Of(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    public static string B64UrlOf(string s) => B64Of(s).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string B64UrlOf(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Jwt(int seed = 3)
    {
        var rnd = new Random(seed);
        var sig = new byte[32];
        rnd.NextBytes(sig);
        return B64UrlOf("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + B64UrlOf("{\"sub\":\"1234567890\",\"name\":\"Test User\",\"iat\":1516239022}") + "." + B64UrlOf(sig);
    }

    public static string PemBody(int seed, int lines = 4)
    {
        var rnd = new Random(seed);
        var sb = new StringBuilder();
        for (int i = 0; i < lines; i++)
        {
            var bytes = new byte[48];
            rnd.NextBytes(bytes);
            sb.Append(Convert.ToBase64String(bytes)).Append('\n');
        }

        return sb.ToString();
    }

    public static string Pem(string label = "RSA PRIVATE KEY", int seed = 4) =>
        $"-----BEGIN {label}-----\n{PemBody(seed)}-----END {label}-----";

    /// <summary>A Luhn-valid number with the given prefix and length.</summary>
    public static string Card(string prefix, int length, int seed = 5)
    {
        var rnd = new Random(seed);
        var digits = new StringBuilder(prefix);
        while (digits.Length < length - 1)
        {
            digits.Append((char)('0' + rnd.Next(10)));
        }

        for (char check = '0'; check <= '9'; check++)
        {
            string candidate = digits.ToString() + check;
            if (Checksums.IsLuhnValid(Encoding.ASCII.GetBytes(candidate).Select(b => (byte)(b - '0')).ToArray()))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("unreachable");
    }

    public static string Hex(string s, bool upper = false)
    {
        string hex = Convert.ToHexString(Encoding.UTF8.GetBytes(s));
        return upper ? hex : hex.ToLowerInvariant();
    }

    public static string PercentAll(string s) => string.Concat(Encoding.UTF8.GetBytes(s).Select(b => "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    public static string FullWidth(string s) => string.Concat(s.Select(c => c is >= '!' and <= '~' ? (char)(c + 0xFEE0) : c));

    public static string ZeroWidth(string s) => string.Join("\u200B", s.ToCharArray());

    public static string JsonEscapeAll(string s) => string.Concat(s.Select(c => "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>One true-positive sample per rule id: (text containing the token, the token itself).</summary>
    public static IReadOnlyDictionary<string, string> Samples { get; } = new Dictionary<string, string>
    {
        ["aws-access-key-id"] = "AKIA" + Random(UpperBase32, 16, 10),
        ["aws-secret-access-key"] = Mixed(B64, 40, 11),
        ["gcp-api-key"] = "AIza" + Random(B64Url, 35, 12),
        ["gcp-service-account-key"] = "-----BEGIN PRIVATE KEY-----\\n" + PemBody(13).Replace("\n", "\\n", StringComparison.Ordinal) + "-----END PRIVATE KEY-----\\n",
        ["azure-storage-account-key"] = Convert.ToBase64String(Bytes(64, 14)),
        ["azure-shared-access-key"] = Convert.ToBase64String(Bytes(32, 15)),
        ["github-pat-classic"] = GitHub("ghp_", 16),
        ["github-oauth-token"] = GitHub("gho_", 17),
        ["github-user-to-server-token"] = GitHub("ghu_", 18),
        ["github-server-to-server-token"] = GitHub("ghs_", 19),
        ["github-refresh-token"] = GitHub("ghr_", 20),
        ["github-pat-fine-grained"] = "github_pat_" + Random(Base62, 22, 21) + "_" + Random(Base62, 59, 22),
        ["gitlab-pat"] = "glpat-" + Random(B64Url, 20, 23),
        ["gitlab-deploy-token"] = "gldt-" + Random(B64Url, 20, 24),
        ["gitlab-runner-token"] = "glrt-" + Random(B64Url, 20, 25),
        ["slack-bot-token"] = "xoxb-" + Random(Digits, 12, 26) + "-" + Random(Digits, 13, 27) + "-" + Random(Base62, 24, 28),
        ["slack-user-token"] = "xoxp-" + Random(Digits, 12, 29) + "-" + Random(Digits, 12, 30) + "-" + Random(Digits, 13, 31) + "-" + Random(LowerHex, 32, 32),
        ["slack-app-token"] = "xapp-1-A" + Random(UpperBase32, 10, 33) + "-" + Random(Digits, 13, 34) + "-" + Random(LowerHex, 64, 35),
        ["slack-token"] = "xoxe.xoxp-1-" + Mixed(Base62, 60, 36),
        ["slack-webhook-url"] = "https://hooks.slack.com/services/T" + Random(UpperBase32, 8, 37) + "/B" + Random(UpperBase32, 10, 38) + "/" + Random(Base62, 24, 39),
        ["stripe-secret-key"] = "sk_live_" + Random(Base62, 32, 40),
        ["stripe-restricted-key"] = "rk_test_" + Random(Base62, 32, 41),
        ["twilio-api-key"] = "SK" + Random(LowerHex, 32, 42),
        ["sendgrid-api-key"] = "SG." + Random(B64Url, 22, 43) + "." + Random(B64Url, 43, 44),
        ["openai-api-key"] = "sk-proj-" + Mixed(B64Url, 48, 45),
        ["anthropic-api-key"] = "sk-ant-api03-" + Random(B64Url, 93, 46) + "AA",
        ["huggingface-token"] = "hf_" + "Ab" + Random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 32, 47),
        ["npm-access-token"] = Npm(48),
        ["pypi-token"] = "pypi-AgEIcHlwaS5vcmc" + Random(B64Url, 70, 49),
        ["nuget-api-key"] = "oy2" + Random("abcdefghijklmnopqrstuvwxyz234567", 43, 50),
        ["dockerhub-pat"] = "dckr_pat_" + Random(B64Url, 27, 51),
        ["private-key"] = Pem("RSA PRIVATE KEY", 52),
        ["jwt"] = Jwt(53),
        ["url-credentials"] = "deploy:" + Mixed(Base62, 16, 54),
        ["payment-card"] = Card("4", 16, 55),
        ["credential-assignment"] = "Zq7" + Mixed(Base62, 13, 56),
        ["crypto-wif-private-key"] = Published.WifCompressed,
        ["crypto-extended-private-key"] = Published.Bip32Vector1Xprv,
        ["crypto-seed-phrase"] = Published.Bip39Legal12,
        ["iban"] = Published.IbanDe,
        ["host-encoded-data"] = Hex("AKIA" + Random(UpperBase32, 16, 57)),
        ["authorization-credential"] = Random(LowerHex, 40, 58),
        ["us-ssn"] = "219-09-9999",
        ["credential-combo-line"] = "Wq7!" + Mixed(Base62, 12, 113),
        ["shopify-access-token"] = "shpat_" + Random(LowerHex, 32, 70),
        ["google-oauth-client-secret"] = "GOCSPX-" + Random(B64Url, 28, 71),
        ["google-oauth-access-token"] = "ya29." + Random(B64Url, 120, 72),
        ["digitalocean-token"] = "dop_v1_" + Random(LowerHex, 64, 73),
        ["hashicorp-vault-token"] = "hvs." + Random(B64Url, 90, 74),
        ["terraform-cloud-token"] = Random(Base62, 14, 75) + ".atlasv1." + Random(B64Url, 67, 76),
        ["grafana-token"] = "glsa_" + Random(Base62, 32, 77) + "_" + Random(LowerHex, 8, 78),
        ["atlassian-api-token"] = "ATATT3xFfGF0" + Random(B64Url, 170, 79) + "=" + Random("0123456789ABCDEF", 8, 80),
        ["linear-api-key"] = "lin_api_" + Random(Base62, 40, 81),
        ["notion-token"] = "ntn_" + Random(Digits, 11, 82) + Mixed(Base62, 35, 83),
        ["postman-api-key"] = "PMAK-" + Random(LowerHex, 24, 84) + "-" + Random(LowerHex, 34, 85),
        ["age-secret-key"] = "AGE-SECRET-KEY-1" + Random("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58, 86),
        ["groq-api-key"] = "gsk_" + Random(Base62, 52, 87),
        ["replicate-api-token"] = "r8_" + Random(Base62, 37, 88),
        ["xai-api-key"] = "xai-" + Random(Base62, 80, 89),
        ["databricks-token"] = "dapi" + Random(LowerHex, 32, 90),
        ["doppler-token"] = "dp.pt." + Random(Base62, 43, 91),
        ["pulumi-access-token"] = "pul-" + Random(LowerHex, 40, 92),
        ["sentry-token"] = "sntrys_" + Random(B64, 80, 93),
        ["square-access-token"] = "sq0atp-" + Random(B64Url, 22, 94),
        ["pinecone-api-key"] = "pcsk_" + Random(Base62, 5, 95) + "_" + Random(Base62, 64, 96),
        ["langsmith-api-key"] = "lsv2_pt_" + Random(LowerHex, 32, 97) + "_" + Random(LowerHex, 10, 98),
        ["discord-webhook-url"] = "discord.com/api/webhooks/1" + Random(Digits, 17, 99) + "/" + Random(B64Url, 68, 100),
        ["putty-private-key"] = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAI"
            + Random(B64, 43, 101) + "\n" + Random(B64, 20, 102) + "\nPrivate-Lines: 1\nAAAAI" + Random(B64, 39, 103) + "\nPrivate-MAC: " + Random(LowerHex, 64, 104),
        ["private-key-der"] = "MIIEpAIBAAKCAQEA" + Random(B64, 300, 105),
        ["telegram-bot-token"] = "7" + Random(Digits, 9, 106) + ":AA" + Random(B64Url, 33, 107),
        ["discord-bot-token"] = B64Of("1" + Random(Digits, 17, 108)) + "." + Random(B64Url, 6, 109) + "." + Random(B64Url, 38, 110),
        ["encoded-user-password"] = B64Of("octocat:" + Mixed(Base62, 16, 111)),
        ["azure-ad-client-secret"] = Mixed(Base62, 3, 168) + "8Q~" + Random(Base62, 16, 169) + "." + Mixed(Base62, 17, 170),
        ["private-key-jwk"] = Random(B64Url, 43, 171),
        ["onepassword-secret"] = "A3-" + Mixed(UpperAlnum, 6, 120).ToUpperInvariant() + "-" + Random(UpperAlnum, 11, 121) + "-" + Random(UpperAlnum, 5, 122) + "-" + Random(UpperAlnum, 5, 123) + "-" + Random(UpperAlnum, 5, 124),
        ["adobe-client-secret"] = "p8e-" + Mixed(Base62, 32, 125),
        ["alibaba-access-key-id"] = "LTAI" + Mixed(Base62, 20, 126),
        ["artifactory-token"] = "AKCp" + Mixed(Base62, 69, 127),
        ["aws-bedrock-api-key"] = "ABSK" + Random(B64, 130, 128) + "=",
        ["clickhouse-cloud-secret"] = "4b1d" + Mixed(Base62, 38, 129),
        ["clojars-token"] = "CLOJARS_" + "a1" + Random(LowerAlnum, 58, 130),
        ["duffel-api-token"] = "duffel_live_" + Mixed(B64Url, 43, 133),
        ["dynatrace-api-token"] = "dt0c01." + Random(UpperAlnum, 24, 134) + "." + Random(UpperAlnum, 64, 135),
        ["easypost-api-key"] = "EZAK" + Mixed(Base62, 54, 136),
        ["facebook-access-token"] = "EAAC" + Mixed(Base62, 150, 137),
        ["flutterwave-secret-key"] = "FLWSECK_TEST-" + Random("abcdefgh0123456789", 32, 138) + "-X",
        ["flyio-token"] = "fo1_" + Mixed(B64Url, 43, 139),
        ["frameio-api-token"] = "fio-u-" + Mixed(B64Url, 64, 140),
        ["gitlab-other-token"] = "glptt-" + "a1" + Random(LowerHex, 38, 141),
        ["grafana-api-key"] = "eyJrIjoi" + Mixed(Base62, 80, 142) + "==",
        ["heroku-api-key"] = "HRKU-AA" + Mixed(B64Url, 58, 143),
        ["infracost-api-token"] = "ico-" + Mixed(Base62, 32, 144),
        ["openshift-token"] = "sha256~" + Mixed(B64Url, 43, 146),
        ["perplexity-api-key"] = "pplx-" + Mixed(Base62, 48, 147),
        ["planetscale-token"] = "pscale_tkn_" + Mixed(B64Url, 43, 148),
        ["prefect-api-key"] = "pnu_" + Mixed(Base62, 36, 149),
        ["readme-api-key"] = "rdme_" + "a1" + Random(LowerAlnum, 68, 150),
        ["rubygems-api-key"] = "rubygems_" + "a1" + Random(LowerHex, 46, 151),
        ["scalingo-api-token"] = "tk-us-" + Mixed(B64Url, 48, 152),
        ["brevo-api-key"] = "xkeysib-" + Random(LowerHex, 64, 153) + "-" + Mixed(Base62, 16, 154),
        ["settlemint-token"] = "sm_pat_" + Mixed(Base62, 16, 155),
        ["shippo-api-token"] = "shippo_live_" + Random(LowerHex, 40, 156),
        ["sourcegraph-token"] = "sgp_" + Random(LowerHex, 16, 157) + "_" + Random(LowerHex, 40, 158),
        ["supabase-token"] = "sbp_" + "a1" + Random(LowerHex, 38, 159),
        ["new-relic-api-key"] = "NRAK-" + "A1" + Random(UpperAlnum, 25, 160),
        ["mapbox-secret-token"] = "sk.eyJ1IjoiZXhhbXBsZSIsImEiOiJjbH" + Random(B64Url, 20, 161) + "In0." + Random(B64Url, 22, 162),
        ["cookie-file-session"] = Mixed(B64Url, 40, 163),
        ["pkcs12-key-store"] = "MIIKPAIBAzCCCgYGCSqGSIb3DQEHAaCC" + Random(B64, 300, 164),
        ["mailchimp-api-key"] = "a1" + Random(LowerHex, 30, 165) + "-us21",
        ["braintree-access-token"] = "access_token$production$" + "a1" + Random(LowerAlnum, 14, 166) + "$" + Random(LowerHex, 32, 167),
        ["solana-keypair"] = "[" + string.Join(",", Bytes(64, 168)) + "]",
        // r30 round (BuiltInRules.Services30.cs)
        ["stripe-webhook-secret"] = "whsec_" + Mixed(Base62, 32, 3001),
        ["mailgun-api-key"] = "key-" + "a1" + Random(LowerAlnum, 30, 3002),
        ["airtable-access-token"] = "pat" + Mixed(Base62, 14, 3003) + "." + Random(LowerHex, 64, 3004),
        ["firebase-server-key"] = "AAAA" + Mixed(B64Url, 7, 3005) + ":APA91b" + Mixed(B64Url, 134, 3006),
        ["dropbox-access-token"] = "sl.u." + Mixed(B64Url, 1300, 3007),
        ["figma-access-token"] = "figd_" + Mixed(B64Url, 40, 3008),
        ["tailscale-key"] = "tskey-auth-k" + Mixed(Base62, 11, 3009) + "CNTRL-" + Mixed(Base62, 32, 3010),
        ["openrouter-api-key"] = "sk-or-v1-" + "a1" + Random(LowerHex, 62, 3011),
        ["deepseek-api-key"] = "sk-" + "a1" + Random(LowerHex, 30, 3012),
        ["netlify-access-token"] = "nfp_" + Mixed(Base62, 36, 3013),
        ["render-api-key"] = "rnd_" + Mixed(Base62, 28, 3014),
        ["vercel-token"] = "vcp_" + Mixed(Base62, 40, 3015),
        ["bitbucket-app-password"] = "ATBB" + Mixed(Base62, 32, 3016),
        ["adafruit-io-key"] = "aio_" + Mixed(Base62, 28, 3017),
        ["slack-session-token"] = "xoxc-" + "1234567890-2345678901-3456789012-" + Random(LowerHex, 64, 3018),
        ["cloudflare-api-token"] = "cfut_" + Mixed(Base62, 40, 3019) + Random(LowerHex, 8, 3020),
        ["contentful-access-token"] = "CFPAT-" + Mixed(B64Url, 43, 3021),
        ["circleci-token"] = "CCIPAT_" + Mixed(Base62, 22, 3022) + "_" + Random(LowerHex, 40, 3023),
        ["buildkite-token"] = "bkua_" + "a1" + Random(LowerHex, 38, 3024),
        ["google-oauth-refresh-token"] = "1//0" + Mixed(B64Url, 99, 3025),
        ["aws-session-token"] = "IQoJb3JpZ2luX2Vj" + Mixed(B64, 400, 3026),
        ["twitch-oauth-token"] = "oauth:" + "a1" + Random(LowerAlnum, 28, 3027),
        ["cloudflare-origin-ca-key"] = "v1.0-" + Random(LowerHex, 24, 3028) + "-" + Random(LowerHex, 146, 3029),
        ["azure-devops-pat"] = Mixed(Base62, 76, 3030) + "AZDO" + Mixed(Base62, 4, 3031),
        // r31 round (BuiltInRules.Services31.cs)
        ["nostr-private-key"] = Bech32("nsec", 3101),
        // r32 round (BuiltInRules.Services32.cs)
        ["ethereum-keystore"] = Random(LowerHex, 64, 3201),
        ["minisign-secret-key"] = Convert.ToBase64String([.. "EdScB2"u8, .. Bytes(153, 3202)]),
        ["kerberos-keytab"] = Keytab(3203),
        ["teams-webhook-url"] = "https://contoso.webhook.office.com/webhookb2/" + Guid(3204) + "@" + Guid(3205) + "/IncomingWebhook/" + Random(LowerHex, 32, 3206) + "/" + Guid(3207),
        // r33 round (BuiltInRules.Services33.cs): openssl enc -a output, "Salted__", an 8-byte salt and three cipher blocks
        ["password-encrypted-data"] = Convert.ToBase64String([.. "Salted__"u8, .. Bytes(56, 3301)]),
        ["twilio-account-credentials"] = "AC" + Random(LowerHex, 32, 3309) + ":" + Random(LowerHex, 32, 3310),
    };

    /// <summary>A random GUID in its 8-4-4-4-12 lower-case hex form (RFC 9562 §4).</summary>
    public static string Guid(int seed) => new System.Guid(Bytes(16, seed)).ToString("D");

    /// <summary>
    /// A Kerberos keytab (MIT krb5 doc/formats/keytab_file_format.rst, version 0x502) with one entry for
    /// <c>svc-build@CORP.EXAMPLE</c> and a random 32-byte AES-256 key, in base64 without padding (its length is a
    /// multiple of 3 bytes).
    /// </summary>
    public static string Keytab(int seed)
    {
        var entry = new List<byte> { 0, 1 }; // one component
        foreach (string part in new[] { "CORP.EXAMPLE", "svc-build" })
        {
            entry.Add(0);
            entry.Add((byte)part.Length);
            entry.AddRange(Encoding.ASCII.GetBytes(part));
        }

        entry.AddRange([0, 0, 0, 1, 0x67, 0x53, 0x1c, 0x60, 3, 0, 18, 0, 32]); // name type, timestamp, kvno, AES-256, key length
        entry.AddRange(Bytes(32, seed));
        while ((entry.Count + 6) % 3 != 0)
        {
            entry.Add(0);
        }

        var file = new List<byte> { 5, 2, 0, 0, 0, (byte)entry.Count };
        file.AddRange(entry);
        return Convert.ToBase64String([.. file]);
    }

    /// <summary>The sample embedded in the context it needs (a field name, a JSON file, a URL).</summary>
    public static string InContext(string ruleId) => ruleId switch
    {
        "aws-secret-access-key" => "aws_secret_access_key = " + Samples[ruleId],
        "gcp-service-account-key" => "{\"type\": \"service_account\", \"project_id\": \"demo\", \"private_key_id\": \"" + Random(LowerHex, 40, 60)
            + "\", \"private_key\": \"" + Samples[ruleId] + "\", \"client_email\": \"bot@demo.iam.gserviceaccount.com\"}",
        "azure-storage-account-key" => "DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=" + Samples[ruleId] + ";EndpointSuffix=core.windows.net",
        "azure-shared-access-key" => "Endpoint=sb://demo.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=" + Samples[ruleId],
        "url-credentials" => "postgres://" + Samples[ruleId] + "@db.internal.example:5432/app",
        "credential-assignment" => "DB_PASSWORD=" + Samples[ruleId] + "\nLOG_LEVEL=info",
        "us-ssn" => "ssn: " + Samples[ruleId] + "\n",
        "credential-combo-line" => "accounts:\njane.doe@acme-corp.com:" + Samples[ruleId] + "\n",
        "solana-keypair" => "secretKey: " + Samples[ruleId] + "\n",
        "mailchimp-api-key" => "mailchimp api key " + Samples[ruleId] + " end",
        "ethereum-keystore" => "{\"address\":\"" + Random(LowerHex, 40, 3208) + "\",\"crypto\":{\"cipher\":\"aes-128-ctr\",\"ciphertext\":\"" + Samples[ruleId]
            + "\",\"cipherparams\":{\"iv\":\"" + Random(LowerHex, 32, 3209) + "\"},\"kdf\":\"scrypt\",\"kdfparams\":{\"dklen\":32,\"n\":262144,\"p\":1,\"r\":8,\"salt\":\""
            + Random(LowerHex, 64, 3210) + "\"},\"mac\":\"" + Random(LowerHex, 64, 3211) + "\"},\"id\":\"" + Guid(3212) + "\",\"version\":3}",
        "private-key-jwk" => "{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\": \"" + Random(B64Url, 43, 172) + "\", \"d\": \"" + Samples[ruleId] + "\"}",
        "cookie-file-session" => "# Netscape HTTP Cookie File\n#HttpOnly_.github.com\tTRUE\t/\tTRUE\t1767225600\tuser_session\t" + Samples[ruleId] + "\n",
        _ => "value: " + Samples[ruleId] + " end",
    };

    public static byte[] Bytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    /// <summary>
    /// A Bech32 string (BIP-173: https://github.com/bitcoin/bips/blob/master/bip-0173.mediawiki) of <paramref name="hrp"/> and
    /// 32 random bytes — a NIP-19 <c>nsec1…</c> / <c>npub1…</c>; <paramref name="breakChecksum"/> changes its last character.
    /// Written from the BIP's description independently of the engine's validator, so that the two check each other.
    /// </summary>
    public static string Bech32(string hrp, int seed, bool breakChecksum = false)
    {
        const string alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
        var values = new List<int>();
        int acc = 0, bits = 0;
        foreach (byte b in Bytes(32, seed))
        {
            acc = (acc << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                values.Add((acc >> bits) & 31);
            }
        }

        if (bits > 0)
        {
            values.Add((acc << (5 - bits)) & 31);
        }

        var expanded = hrp.Select(c => c >> 5).Append(0).Concat(hrp.Select(c => c & 31)).Concat(values).Concat(new int[6]);
        uint[] gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
        uint chk = 1;
        foreach (int v in expanded)
        {
            uint top = chk >> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ (uint)v;
            for (int i = 0; i < 5; i++)
            {
                if (((top >> i) & 1) != 0)
                {
                    chk ^= gen[i];
                }
            }
        }

        chk ^= 1;
        string text = hrp + "1" + string.Concat(values.Select(v => alphabet[v])) + string.Concat(Enumerable.Range(0, 6).Select(i => alphabet[(int)((chk >> (5 * (5 - i))) & 31)]));
        return breakChecksum ? text[..^1] + (text[^1] == 'q' ? 'p' : 'q') : text;
    }
}
