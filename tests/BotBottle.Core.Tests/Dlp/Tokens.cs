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
        return prefix + random + Checksums.Base62Crc32(random);
    }

    public static string Npm(int seed = 2)
    {
        string random = Random(Base62, 30, seed);
        return "npm_" + random + Checksums.Base62Crc32(random);
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
    };

    /// <summary>The sample embedded in the context it needs (a field name, a JSON file, a URL).</summary>
    public static string InContext(string ruleId) => ruleId switch
    {
        "aws-secret-access-key" => "aws_secret_access_key = " + Samples[ruleId],
        "gcp-service-account-key" => "{\"type\": \"service_account\", \"project_id\": \"demo\", \"private_key_id\": \"" + Random(LowerHex, 40, 60)
            + "\", \"private_key\": \"" + Samples[ruleId] + "\", \"client_email\": \"bot@demo.iam.gserviceaccount.com\"}",
        "azure-storage-account-key" => "DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=" + Samples[ruleId] + ";EndpointSuffix=core.windows.net",
        "azure-shared-access-key" => "Endpoint=sb://demo.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=" + Samples[ruleId],
        "url-credentials" => "postgres://" + Samples[ruleId] + "@db.internal.example:5432/app",
        _ => "value: " + Samples[ruleId] + " end",
    };

    public static byte[] Bytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }
}
