using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Eighth issue-16 reach round: WordPress's keys and salts, vendor keys assigned in code (<c>MAILGUN_KEY = "…"</c>,
/// <c>const DATADOG_KEY = '…'</c>), PEM keys whose every line a tool decorated (<c>cat -n</c>, <c>cat -A</c>, a
/// <c>readlines()</c> list, markdown quotes), credential values past 256 characters (STS session tokens, SSO caches),
/// with the look-alikes that must stay quiet.
/// </summary>
public sealed class EighthReachTests
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
            string text = string.Format(CultureInfo.InvariantCulture, form, name, new string(' ', 16 - name.Length), Draw(random, WordPressAlphabet, 64));
            if (!Found(text))
            {
                missed.Add(text);
            }
        }

        Assert.Empty(missed);
    }

    [Fact]
    public void A_whole_wp_config_reports_every_key_and_salt()
    {
        var random = new Random(7);
        string config = "<?php\ndefine( 'DB_NAME', 'wordpress' );\ndefine( 'DB_HOST', 'localhost' );\n"
            + string.Concat(new[] { "AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT" }
                .Select(n => $"define( '{n}',{new string(' ', 17 - n.Length)}'{Draw(random, WordPressAlphabet, 64)}' );\n"))
            + "$table_prefix = 'wp_';\n";
        Assert.Equal(8, Scan(config).Count(f => f.RuleId == "credential-assignment"));
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
    public void Wordpress_look_alikes_stay_quiet(string text) => Assert.False(Found(text), text);

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

    /// <summary>A real key, as <c>openssl genrsa -traditional</c> / <c>ssh-keygen -m PEM</c> (PKCS#1) or <c>openssl genpkey</c> (PKCS#8) writes it.</summary>
    private static string[] KeyLines(bool pkcs8)
    {
        if (pkcs8)
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return ec.ExportPkcs8PrivateKeyPem().Split('\n');
        }

        using var rsa = RSA.Create(2048);
        return rsa.ExportRSAPrivateKeyPem().Split('\n');
    }

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
        foreach (bool pkcs8 in new[] { false, true })
        {
            string text = Decorate(KeyLines(pkcs8), how);
            Assert.True(Scan(text).Exists(f => f.RuleId == BuiltInRules.PrivateKeyId), how + (pkcs8 ? " (PKCS#8)" : " (PKCS#1)") + ": " + text[..120]);
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
            Assert.True(Found(text), length + ": " + text[..80]);
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
}
