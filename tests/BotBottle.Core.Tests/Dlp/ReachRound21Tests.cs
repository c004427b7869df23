using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r21 reach round of issue 16: WordPress's keys and salts, vendor keys assigned in code (<c>MAILGUN_KEY = "…"</c>,
/// <c>const DATADOG_KEY = '…'</c>), PEM keys whose every line a tool decorated (<c>cat -n</c>, <c>cat -A</c>, a
/// <c>readlines()</c> list, markdown quotes), credential values past 256 characters (STS session tokens, SSO caches),
/// <c>od -c</c> dumps, with the look-alikes that must stay quiet.
/// </summary>
public sealed class ReachRound21Tests
{
    /// <summary>
    /// <c>wp_generate_password(64, true, true)</c>'s alphabet (wp-includes/pluggable.php) less the quotes and backslash,
    /// as the WordPress.org secret-key service writes salts.
    /// </summary>
    private const string WordPressAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_ []{}<>~`+=,.;:/?|";

    private static string Draw(Random random, string alphabet, int length) =>
        string.Create(length, (random, alphabet), static (span, s) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = s.alphabet[s.random.Next(s.alphabet.Length)];
            }
        });

    private static bool Found(string text) => Scan(text).Exists(f => f.RuleId == "credential-assignment");

    [Theory]
    [InlineData("define( '{0}', {1}'{2}' );\n")]
    [InlineData("define(\"{0}\", \"{2}\");\n")]
    [InlineData("{0}='{2}'\n")]
    [InlineData("{0}=\"{2}\"\n")]
    public void Generated_wordpress_keys_and_salts_are_found(string form)
    {
        // df49f50 found none: the names hold no credential word and the values brackets and blanks.
        string[] names = ["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"];
        var random = new Random(20261207);
        var missed = new List<string>();
        for (int i = 0; i < 400; i++)
        {
            string name = names[i % names.Length];
            // A real wp-config.php or .env holds the database password beside the keys: its name starts the search.
            string text = "define( 'DB_PASSWORD', 'password_here' );\n" + string.Format(CultureInfo.InvariantCulture, form, name, new string(' ', 16 - name.Length), Draw(random, WordPressAlphabet, 64));
            if (!Found(text))
            {
                missed.Add(text);
            }
        }

        Assert.True(missed.Count == 0, string.Join('\n', missed));
    }

    [Fact]
    public void A_whole_wp_config_reports_every_key_and_salt()
    {
        var random = new Random(7);
        string config = "<?php\ndefine( 'DB_NAME', 'wordpress' );\ndefine( 'DB_HOST', 'localhost' );\n"
            + string.Concat(new[] { "AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT" }
                .Select(n => $"define( '{n}',{new string(' ', 17 - n.Length)}'{Draw(random, WordPressAlphabet, 64)}' );\n"))
            + "$table_prefix = 'wp_';\ndefine( 'DB_PASSWORD', 'password_here' );\n"; // after the keys: the search covers the whole text
        Assert.Equal(8, Scan(config).Count(f => f.RuleId == "credential-assignment"));
        Assert.DoesNotContain(Scan(config.Replace("DB_PASSWORD", "DB_CHARSET", StringComparison.Ordinal)), f => f.RuleId == "credential-assignment"); // salts alone: left (docs)
    }

    [Theory]
    [InlineData("define( 'AUTH_KEY',         'put your unique phrase here' );")] // wp-config-sample.php
    [InlineData("define( 'AUTH_KEY', getenv('WP_AUTH_KEY') );")]
    [InlineData("define( 'NONCE_SALT', $_ENV['NONCE_SALT'] );")]
    [InlineData("AUTH_KEY='generateme'")] // Bedrock's .env.example
    [InlineData("AUTH_KEY=${WP_AUTH_KEY}")]
    [InlineData("define( 'AUTH_KEY', 'short-Key-1' );")]
    [InlineData("define( 'AUTH_KEY', 'only lower case letters and spaces in this phrase' );")]
    [InlineData("$auth_key = wp_salt( 'auth' ); // AUTH_KEY . AUTH_SALT")]
    [InlineData("if ( ! defined( 'AUTH_KEY' ) || 'put your unique phrase here' === AUTH_KEY ) {")]
    public void Wordpress_look_alikes_stay_quiet(string text) => Assert.False(Found("define( 'DB_PASSWORD', 'password_here' );\n" + text), text);

    [Theory]
    [InlineData("MAILGUN_KEY = \"key-3ax6xnjp29jd6fds4gc373sgvjxteol0\"")] // Python module constant
    [InlineData("SENDGRID_KEY = 'Zq1f8Kd0Lm3nP9rT6vW2xY5b'")]
    [InlineData("const DATADOG_KEY = \"a3f9c2e81b7d4c6e9f0a2b3c4d5e6f70\";")]
    [InlineData("export const SENDGRID_KEY = \"Zq1f8Kd0Lm3nP9rT6vW2xY5b\";")]
    [InlineData("  private static final String MAILGUN_KEY = \"key-3ax6xnjp29jd6fds4gc373sgvjxteol0\";")]
    [InlineData("const val POSTMARK_KEY = \"Zq1f8Kd0Lm3nP9rT6vW2xY5b\"")]
    public void Vendor_keys_assigned_in_code_are_found(string text) => Assert.True(Found(text), text);

    [Theory]
    [InlineData("const STRIPE_KEY = \"pk_live_51Zq1f8Kd0Lm3nP9rT6vW2xY5bQ\";")] // publishable
    [InlineData("const CACHE_KEY = \"users:list:v2:page-1\";")]
    [InlineData("const SENDGRID_KEY = process.env.SENDGRID_KEY;")]
    [InlineData("const SENDGRID_KEY = \"${SENDGRID_KEY}\";")]
    [InlineData("return DATADOG_KEY = \"a3f9c2e81b7d4c6e9f0a2b3c4d5e6f70\";")] // not a declaration word
    [InlineData("const OPENAI_MODEL_KEY = \"gpt-4o-mini-2024-07-18\";")]
    [InlineData("const PRIMARY_KEY = \"a3f9c2e81b7d4c6e9f0a2b3c4d5e6f70\";")]
    public void Code_look_alikes_of_vendor_keys_stay_quiet(string text) => Assert.False(Found(text), text);

    /// <summary>
    /// Real keys, as <c>openssl genrsa -traditional</c> / <c>ssh-keygen -m PEM</c> (PKCS#1) or <c>openssl genpkey</c>
    /// (PKCS#8) write them: four of each, so a decoration is tried on lines with and without <c>+</c> and <c>/</c>.
    /// </summary>
    private static readonly Lazy<string[][]> s_keys = new(() => Enumerable.Range(0, 4).SelectMany(_ =>
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new[] { rsa.ExportRSAPrivateKeyPem().Split('\n'), ec.ExportPkcs8PrivateKeyPem().Split('\n') };
    }).ToArray());

    public static TheoryData<string> Decorations => new()
    {
        "nl", "cat-A", "grep-n", "quote", "comment", "br", "table", "readlines", "json-array", "json-string-nl", "br-only",
    };

    /// <summary>The PEM's lines as a tool prints them.</summary>
    private static string Decorate(string[] lines, string how) => how switch
    {
        "nl" => string.Concat(lines.Select((l, n) => $"{n + 1,6}\t{l}\n")), // nl / cat -n
        "cat-A" => string.Concat(lines.Select(l => l + "$\n")),
        "grep-n" => string.Concat(lines.Select((l, n) => $"{n + 1}:{l}\n")),
        "quote" => string.Concat(lines.Select(l => "> " + l + "\n")),
        "comment" => string.Concat(lines.Select(l => "# " + l + "\n")),
        "br" => string.Concat(lines.Select(l => l + "<br>\n")),
        "br-only" => string.Join("<br>", lines),
        "table" => string.Concat(lines.Select(l => "| " + l + " |\n")),
        "readlines" => "[" + string.Join(", ", lines.Select(l => "'" + l + "\\n'")) + "]", // Python print(f.readlines())
        "json-array" => JsonSerializer.Serialize(lines),
        "json-string-nl" => JsonSerializer.Serialize(new { body = string.Concat(lines.Select((l, n) => $"{n + 1,6}\t{l}\n")) }), // cat -n pasted into an issue
        _ => throw new ArgumentOutOfRangeException(nameof(how)),
    };

    [Theory]
    [MemberData(nameof(Decorations))]
    public void Pem_keys_with_every_line_decorated_are_found(string how)
    {
        // df49f50 needed the base64 body right after the header's line break: one '$', line number or '> ' hid the key.
        foreach (var key in s_keys.Value)
        {
            string text = Decorate(key, how);
            Assert.True(Scan(text).Exists(f => f.RuleId == BuiltInRules.PrivateKeyId), how + ": " + text[..Math.Min(text.Length, 160)]);
        }
    }

    [Theory]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----$\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----$\n")] // a documentation ellipsis
    [InlineData("     1\t-----BEGIN PRIVATE KEY-----\n     2\t<your key here>\n     3\t-----END PRIVATE KEY-----\n")]
    [InlineData("> -----BEGIN RSA PRIVATE KEY-----\n> (paste the key from the vault here)\n")]
    [InlineData("[\"-----BEGIN RSA PRIVATE KEY-----\", \"MIIEowIBAAKCAQEAxyz\", \"-----END RSA PRIVATE KEY-----\"]")]
    [InlineData("The file starts with -----BEGIN RSA PRIVATE KEY-----, then the base64 body follows on its own lines.")]
    public void Decorated_pem_headers_without_key_material_stay_quiet(string text) =>
        Assert.DoesNotContain(Scan(text), f => f.RuleId is BuiltInRules.PrivateKeyId or BuiltInRules.PrivateKeyDerId);

    [Theory]
    [InlineData("AWS_SESSION_TOKEN={0}\n")]
    [InlineData("aws_session_token = {0}\n")]
    [InlineData("{{\"Credentials\": {{\"SessionToken\": \"{0}\", \"Expiration\": \"2026-12-06T18:00:00Z\"}}}}")]
    [InlineData("{{\"accessToken\": \"{0}\", \"expiresAt\": \"2026-12-06T18:00:00Z\", \"region\": \"us-east-1\"}}")] // ~/.aws/sso/cache
    [InlineData("{{\"refresh_token\": \"{0}\"}}")]
    [InlineData("{{\"accessToken\": \"aoa{0}:MGUCMQDxk3Zq0v8Yb1Jx\"}}")] // an SSO access token's two parts joined by ':'
    public void Credential_values_past_256_characters_are_found(string form)
    {
        // STS session tokens run to ~400–1,000 base64 characters; df49f50 read at most 256 and dropped longer values.
        var random = new Random(20261208);
        foreach (int length in new[] { 300, 700, 1100 })
        {
            var bytes = new byte[length * 3 / 4];
            random.NextBytes(bytes);
            string text = string.Format(CultureInfo.InvariantCulture, form, "IQoJb3JpZ2luX2Vj" + Convert.ToBase64String(bytes));
            // Since r30 a token starting with the STS header is reported by its own rule (aws-session-token), wherever it is.
            Assert.True(Scan(text).Exists(f => f.RuleId is "credential-assignment" or "aws-session-token"), length + ": " + text[..80]);
        }
    }

    [Theory]
    [InlineData("{{\"nextForwardToken\": \"f/{0}\", \"events\": []}}")] // CloudWatch Logs pagination
    [InlineData("{{\"WorkUnitToken\": \"{0}\"}}")]
    [InlineData("{{\"NextToken\": \"{0}\"}}")]
    [InlineData("{{\"token\": \"{1}\"}}")] // prose under a credential name is a description
    [InlineData("{{\"token\": \"{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}\"}}")] // over 4,096 characters: not read
    public void Long_values_that_are_not_credentials_stay_quiet(string form)
    {
        var random = new Random(3);
        var bytes = new byte[600];
        random.NextBytes(bytes);
        string text = string.Format(CultureInfo.InvariantCulture, form, Convert.ToBase64String(bytes), string.Concat(Enumerable.Repeat("the session expired, sign in again. ", 10)));
        Assert.False(Found(text), text[..80]);
    }

    [Fact]
    public void Many_unclosed_credential_values_stay_linear()
    {
        // Each "token=" starts a read of up to 4,096 characters; the run search is vectorised, and this shape must
        // still finish (its speed is benchmarked, not timed here).
        string text = string.Concat(Enumerable.Repeat("token=\"" + new string('a', 40), 20_000));
        Assert.NotNull(Scan(text));
    }

    [Theory]
    [InlineData("const firebaseConfig = { apiKey: \"demo-key\", authDomain: \"app.firebaseapp.com\" };")]
    [InlineData("API_TOKEN=demo-token-123")]
    public void Demo_values_are_placeholders(string text) => Assert.False(Found(text), text);

    /// <summary>
    /// <c>od -c</c> as POSIX od(1) and GNU coreutils print it: a 7-digit octal offset, 16 bytes a line in four-character
    /// fields (the character, a C escape, or three octal digits), the closing offset alone.
    /// </summary>
    private static string OdC(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < bytes.Length; i += 16)
        {
            sb.Append(Convert.ToString(i, 8).PadLeft(7, '0'));
            for (int k = i; k < Math.Min(bytes.Length, i + 16); k++)
            {
                byte b = bytes[k];
                string field = b switch
                {
                    0 => "\\0", 7 => "\\a", 8 => "\\b", 9 => "\\t", 10 => "\\n", 11 => "\\v", 12 => "\\f", 13 => "\\r",
                    >= 0x20 and < 0x7F => ((char)b).ToString(),
                    _ => Convert.ToString(b, 8).PadLeft(3, '0'),
                };
                sb.Append(field.PadLeft(4));
            }

            sb.Append('\n');
        }

        return sb.Append(Convert.ToString(bytes.Length, 8).PadLeft(7, '0')).Append('\n').ToString();
    }

    /// <summary>A real <c>od -c</c> (GNU coreutils 9.1, Debian 12) of an AWS credentials file with made-up keys.</summary>
    private const string OdOfAwsCredentials =
        "0000000   [   d   e   f   a   u   l   t   ]  \\n   a   w   s   _   a   c\n"
        + "0000020   c   e   s   s   _   k   e   y   _   i   d       =       A   K\n"
        + "0000040   I   A   2   E   3   X   Q   7   R   B   S   W   K   L   M   N\n"
        + "0000060   O   P  \\n   a   w   s   _   s   e   c   r   e   t   _   a   c\n"
        + "0000100   c   e   s   s   _   k   e   y       =       w   J   8   k   P\n"
        + "0000120   2   x   Q   9   v   R   4   t   Y   6   u   I   1   o   P   3\n"
        + "0000140   a   S   5   d   F   7   g   H   0   j   K   2   l   Z   4   x\n"
        + "0000160   C   6   v  \\n   r   e   g   i   o   n       =       e   u   -\n"
        + "0000200   w   e   s   t   -   1  \\n\n"
        + "0000207\n";

    [Fact]
    public void Od_c_of_a_credentials_file_is_found_as_text_and_inside_json()
    {
        // df49f50 found nothing in any od -c dump: one character every four columns, an offset every 16 bytes.
        Assert.Equal(OdOfAwsCredentials, OdC("[default]\naws_access_key_id = AKIA2E3XQ7RBSWKLMNOP\naws_secret_access_key = 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\nregion = eu-west-1\n"));
        foreach (string body in new[] { OdOfAwsCredentials, JsonSerializer.Serialize(new { text = OdOfAwsCredentials }), OdOfAwsCredentials.Replace("\n", "\r\n", StringComparison.Ordinal) })
        {
            var findings = Scan(body);
            Assert.Contains(findings, f => f.RuleId == "aws-secret-access-key" && f.Encoding.Contains(DlpEncodings.OdChars, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Od_c_inside_json_is_found_wherever_its_first_line_falls()
    {
        // The first line's offset may sit in a block the spelled-out classifier does not mark; the later lines start
        // after an escaped line break ("\n0000020"), a letter before the digit.
        for (int pad = 0; pad < 64; pad++)
        {
            string body = "{\"" + new string('k', pad + 1) + "\": \"" + OdOfAwsCredentials.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"}";
            Assert.Contains(Scan(body), f => f.RuleId == "aws-secret-access-key");
        }
    }

    [Theory]
    [InlineData("ghp_")]
    [InlineData("gho_")]
    public void Od_c_of_tokens_with_blanks_and_non_ascii_bytes_is_found(string prefix)
    {
        // "café ☕" puts octal fields (303 251…) before the token, the blank before it a field of four blanks at a line's end.
        string token = Tokens.GitHub(prefix, 77);
        foreach (string text in new[] { "café ☕ token " + token + "\n", "export GH_TOKEN=" + token + "\n", token })
        {
            Assert.Contains(Scan(OdC(text)), f => f.RuleId.StartsWith("github", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("The quick brown fox jumps over the lazy dog, twice: the quick brown fox jumps over the lazy dog.\n")]
    [InlineData("#!/bin/sh\nset -eu\nexec /usr/bin/env python3 -m http.server 8080 --bind 127.0.0.1\n")]
    [InlineData("{\"name\": \"demo\", \"version\": \"1.0.0\", \"sha\": \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b\"}\n")]
    public void Od_c_of_ordinary_text_stays_quiet(string text) => Assert.Empty(Scan(OdC(text)));

    [Fact]
    public void Od_c_look_alikes_stay_linear()
    {
        // Lines of an od -c shape whose fields break the four-column rule one field before the end, many times over:
        // each line is read once forward (its speed is benchmarked, not timed here).
        string line = "0000000   a   b   c   d   e   f   g   h   i   j   k   l   m   n   o  pp\n";
        Assert.NotNull(Scan(string.Concat(Enumerable.Repeat(line, 20_000))));
    }

    // The adversarial review of the round: its false positives stay quiet, its one-edit bypasses are found.

    [Theory]
    [InlineData("GET /v1.0/users?$top=999&$skiptoken={0}")] // Microsoft Graph paging
    [InlineData("{{\"@odata.nextLink\": \"https://graph.microsoft.com/v1.0/users?$skiptoken={0}\"}}")]
    [InlineData("spec:\n  encryptedData:\n    password: Ag{0}\n")] // a SealedSecret, made to be committed
    [InlineData("DB_PASSWORD: AQICAHh{0}\n")] // KMS ciphertext
    [InlineData("{{\"captchaToken\": \"03AFcWeA{0}\"}}")]
    [InlineData("{{\"purchaseToken\": \"{0}\"}}")]
    [InlineData("{{\"resumptionToken\": \"{0}\"}}")]
    public void Long_cursors_proofs_and_ciphertext_stay_quiet(string form)
    {
        var bytes = new byte[400];
        new Random(11).NextBytes(bytes);
        string text = string.Format(CultureInfo.InvariantCulture, form, Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_').TrimEnd('='));
        Assert.False(Found(text), text[..60]);
    }

    [Theory]
    [InlineData("AUTH_KEY='$(openssl rand -base64 48 | tr -d \"\\n\")'")]
    [InlineData("NONCE_SALT=$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 64)")]
    [InlineData("AUTH_KEY=\"${WORDPRESS_AUTH_KEY:-$(pwgen -s 64 1)}\"")]
    [InlineData("define('AUTH_KEY',         '{{ index $secret.data \"auth-key\" | b64dec }}');")] // a Helm template
    [InlineData("define('AUTH_KEY', '<?php echo wp_generate_password( 64, true, true ); ?>');")]
    [InlineData("AUTH_KEY=https://api.wordpress.org/secret-key/1.1/salt/")]
    [InlineData("define('AUTH_KEY', 'DO-NOT-USE-IN-PRODUCTION-change-this-1');")]
    [InlineData("define('auth_key', 'r9#L]L6z~>H:x|k0Wn/8 Gv!.2]Ql@sP3]{Ue5F|c<m:5Z-^a6g');")] // not WordPress's spelling
    public void Wordpress_templates_and_commands_stay_quiet(string text) => Assert.False(Found("DB_PASSWORD=placeholder\n" + text), text);

    [Theory]
    [InlineData("WORDPRESS_AUTH_KEY='{0}'")] // the official Docker image's variables
    [InlineData("define ('AUTH_KEY', '{0}');")]
    [InlineData("    AUTH_KEY='{0}'")]
    [InlineData("'AUTH_KEY' => '{0}',")]
    [InlineData("const AUTH_KEY = '{0}';")]
    [InlineData("{{\"env\": \"AUTH_KEY={0}\\nWP_ENV=production\\n\"}}")]
    [InlineData("define('NONCE_SALT', '{1}');")] // openssl rand -hex 32
    public void Wordpress_forms_the_review_found_are_found(string form)
    {
        string text = "WORDPRESS_DB_PASSWORD=placeholder\n" + string.Format(CultureInfo.InvariantCulture, form, "r9#L]L6z~>H:x|k0Wn/8 Gv!.2]Ql@sP3]{Ue5F|c<m:5Z-^a6ggz<dIGvL7$fT4", "9f3c2a7e41b8d05c6e2f1a9b3d7c4e80f5a6b2c1d9e8f7a3b4c5d6e7f8091a2b");
        Assert.True(Found(text), text);
    }

    [Theory]
    [InlineData("export const AUTH_KEY = 'CARE_BOARD_AUTH_USER_V1';")]
    [InlineData("private static final String SESSION_KEY = \"USER_SESSION_ATTR_V2_2024\";")]
    [InlineData("private static final String CIPHER_KEY = \"AES/CBC/PKCS5Padding2024\";")]
    [InlineData("export const STRIPE_KEY = \"checkoutStripePaymentV2\";")]
    [InlineData("const OPENAI_KEY = \"TextEmbedding3Large2024\";")]
    [InlineData("export const SESSION_KEY = \"sessionState_v2_2024\";")]
    public void Constants_that_are_words_and_versions_stay_quiet(string text) => Assert.False(Found(text), text);

    [Theory]
    [InlineData("const DATADOG_KEY  = \"7c1e4b9d2a8f03e6b5d4c7a9e1f2b3c4\";")]
    [InlineData("const DATADOG_KEY = `7c1e4b9d2a8f03e6b5d4c7a9e1f2b3c4`;")]
    [InlineData("static readonly DATADOG_KEY = \"7c1e4b9d2a8f03e6b5d4c7a9e1f2b3c4\";")]
    public void Vendor_constants_the_review_found_are_found(string text) => Assert.True(Found(text), text);

    [Theory]
    [InlineData("git-diff")]
    [InlineData("grep-rn")]
    [InlineData("timestamp")]
    [InlineData("html-p")]
    [InlineData("bullet")]
    public void Pem_decorations_the_review_found_are_found(string how)
    {
        foreach (var key in s_keys.Value)
        {
            string text = how switch
            {
                "git-diff" => string.Concat(key.Select(l => "-" + l + "\n")),
                "grep-rn" => string.Concat(key.Select((l, n) => $"certs/server.key:{n + 1}:{l}\n")),
                "timestamp" => string.Concat(key.Select(l => "2026-12-06T10:00:00Z " + l + "\n")),
                "html-p" => string.Concat(key.Select(l => "<p>" + l + "</p>\n")),
                _ => string.Concat(key.Select(l => "- " + l + "\n")),
            };
            Assert.True(Scan(text).Exists(f => f.RuleId == BuiltInRules.PrivateKeyId), how + ": " + text[..120]);
        }
    }
}
