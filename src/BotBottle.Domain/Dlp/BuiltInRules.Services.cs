namespace BotBottle.Dlp;

/// <summary>
/// Service credentials the r24 reach round of the DLP issue met without a rule: a Mailchimp API key, a Braintree
/// (PayPal) access token, and a Solana keypair written as its 64 bytes (found by the character-code list walk,
/// DlpEngine.Spelled.cs). Each is a run-start check (no prefilter literal: a literal's
/// encoded forms cost every body), anchored, bounded and allocation-free like the others.
/// </summary>
internal static partial class BuiltInRules
{
    public const string MailchimpApiKeyId = "mailchimp-api-key";
    public const string BraintreeAccessTokenId = "braintree-access-token";
    public const string SolanaKeypairId = "solana-keypair";

    private static TokenRule[] ServiceRules() =>
    [
        new(MailchimpApiKeyId, "Mailchimp Marketing API key (32 hex digits and the data center)",
            "https://mailchimp.com/developer/marketing/guides/quick-start/ (\"the part after the dash in your API key is your data center\", e.g. us6); gitleaks rule mailchimp-api-key",
            "[0-9a-f]{32}-us[0-9]{1,2} with mailchimp / mc_api / list-manage.com within 256 characters", [], "-us", RuleTrigger.RunShape, NoMatcher),
        new(BraintreeAccessTokenId, "Braintree (PayPal) access token",
            "GitHub secret scanning, supported patterns: PayPal braintree_access_token, https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns; Braintree's access_token$<environment>$<merchant id>$<key> form",
            "access_token$(production|sandbox)$[0-9a-z]{16}$[0-9a-f]{32}", [], "access_token$", RuleTrigger.RunShape, NoMatcher),
        new(SolanaKeypairId, "Solana keypair (the 64-byte secret key as a JSON array of numbers: solana-keygen's id.json, Keypair.fromSecretKey)",
            "Solana CLI, file system wallets: https://docs.anza.xyz/cli/wallets/file-system (solana-keygen new --outfile ~/.config/solana/id.json); @solana/web3.js Keypair.fromSecretKey (64 bytes: Ed25519 seed and public key, RFC 8032 §5.1.5)",
            "[n0, …, n63] with each n 0–255, 32+ distinct, the whole file or after secretKey / keypair / wallet / solana", [], "[64 bytes]", RuleTrigger.RunShape, NoMatcher),
    ];

    /// <summary>
    /// A Mailchimp API key that is the token run <paramref name="rs"/>..<paramref name="re"/>: 32 lower-case hex digits,
    /// <c>-us</c> and one or two digits (the data center), with Mailchimp named near it (<see cref="MailchimpNamed"/>).
    /// Checked first: the <c>-us</c> at offset 32 (two compares).
    /// </summary>
    internal static bool MailchimpApiKey(ReadOnlySpan<char> t, int rs, int re)
    {
        int len = re - rs;
        return len is 36 or 37 && t[rs + 32] == '-' && t[rs + 33] == 'u' && t[rs + 34] == 's'
            && char.IsAsciiDigit(t[rs + 35]) && (len == 36 || char.IsAsciiDigit(t[rs + 36]))
            && !t.Slice(rs, 32).ContainsAnyExcept(ContextRules.LowerHexChars) && MailchimpNamed(t, rs, re);
    }

    /// <summary>
    /// Is Mailchimp named within 256 characters before the key or 64 after it (<c>mailchimp</c>, <c>Mailchimp</c>,
    /// <c>MailchimpMarketing</c>, <c>mc_api</c>, <c>mcapi</c>, a <c>list-manage.com</c> URL)? An MD5 digest with a
    /// <c>-us1</c> suffix names a cache entry or an ETag (r24 review).
    /// </summary>
    private static bool MailchimpNamed(ReadOnlySpan<char> t, int rs, int re)
    {
        var around = t[Math.Max(0, rs - 256)..Math.Min(t.Length, re + 64)];
        foreach (var word in (ReadOnlySpan<string>)["chimp", "mc_api", "mcapi", "mc-api", "list-manage.com"])
        {
            if (around.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A Braintree access token whose merchant id is the token run at <paramref name="rs"/> (after <c>$</c>):
    /// <c>access_token$production$</c> or <c>access_token$sandbox$</c> before it, then 16 lower-case letters and digits,
    /// <c>$</c> and 32 lower-case hex digits. Returns the token's start (<paramref name="start"/>) and end, or −1.
    /// </summary>
    internal static int BraintreeAccessToken(ReadOnlySpan<char> t, int rs, out int start)
    {
        start = rs - (t[rs - 2] == 'n' ? 24 : 21);
        if (start < 0 || !t[start..rs].SequenceEqual(t[rs - 2] == 'n' ? "access_token$production$" : "access_token$sandbox$")
            || rs + 49 > t.Length || t[rs + 16] != '$' || t.Slice(rs, 16).ContainsAnyExcept(ContextRules.LowerAlphanumerics)
            || t.Slice(rs + 17, 32).ContainsAnyExcept(ContextRules.LowerHexChars) || (rs + 49 < t.Length && char.IsAsciiLetterOrDigit(t[rs + 49])))
        {
            return -1;
        }

        return rs + 49;
    }
}
