using System.Globalization;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Eighth issue-16 reach round: WordPress's keys and salts, vendor keys assigned in code (<c>MAILGUN_KEY = "…"</c>,
/// <c>const DATADOG_KEY = '…'</c>), with the look-alikes that must stay quiet.
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
}
