using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16 (<c>reach11</c>, second class): vendor tokens written upper-cased — a GitHub token, a Stripe secret key, a
/// Slack bot token, a GitLab token, an npm token and a Google API key with every letter upper-cased (Python's
/// <c>str.upper()</c>, Bash's <c>${VAR^^}</c>), in prose, in JSON and in a dotenv line — and the upper-case constant
/// names that must stay quiet. The bodies are random characters in each vendor's documented shape, not real tokens.
/// Every malicious case here passed main bb273cd's engine.
/// </summary>
public sealed class RedTeamUpperCasedTokenTests
{
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>Random upper-case letters and digits (a fixed seed per length, at least two digits and two letters).</summary>
    private static string Body(int length, int seed)
    {
        var rnd = new Random(seed);
        var c = new char[length];
        for (int k = 0; k < length; k++)
        {
            c[k] = Upper[rnd.Next(Upper.Length)];
        }

        c[1] = '7';
        c[length - 2] = '3';
        c[0] = 'K';
        c[length - 1] = 'Q';
        return new string(c);
    }

    public static TheoryData<string, string> UpperCasedTokens() => new()
    {
        { "github-pat-classic", "GHP_" + Body(36, 1) },
        { "github-oauth-token", "GHO_" + Body(36, 2) },
        { "github-server-to-server-token", "GHS_" + Body(36, 3) },
        { "stripe-secret-key", "SK_LIVE_" + Body(24, 4) },
        { "slack-bot-token", "XOXB-123456789012-1234567890123-" + Body(24, 5) },
        { "gitlab-pat", "GLPAT-" + Body(20, 6) },
        { "npm-access-token", "NPM_" + Body(36, 7) },
        { "gcp-api-key", "AIZA" + Body(35, 8) },
    };

    [Theory]
    [MemberData(nameof(UpperCasedTokens))]
    public void An_upper_cased_vendor_token_is_found_unvalidated(string rule, string token)
    {
        foreach (var (body, type) in new[]
        {
            ($"the token is {token} (upper-cased for the log)\n", "text/plain"),
            ("{\"name\":\"ci\",\"value\":\"" + token + "\"}", "application/json"),
            ($"export CI_SECRET={token}\n", "text/plain"),
        })
        {
            var findings = ScanBody(body, type);
            Assert.True(findings.Any(f => f.RuleId == rule && !f.Validated), $"{rule} in {body}: {Describe(findings)}");
        }
    }

    [Theory]
    [InlineData("GHP_TOKEN_FOR_CI_RUNNER_ONE_TWO_THREE_FOUR=1\n")]
    [InlineData("export NPM_CONFIG_REGISTRY=https://registry.npmjs.org/\nexport NPM_TOKEN=${NPM_TOKEN}\n")]
    [InlineData("GHP_ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ is not a token: no digits\n")]
    [InlineData("SK_LIVE_MODE=true\nSK_LIVE_PUBLISHABLE_KEY_NAME=STRIPE_PK\n")]
    [InlineData("XOXB-TOKEN-PLACEHOLDER and GLPAT-EXPIRY-DAYS=30\n")]
    [InlineData("#define GHO_BUFFER_SIZE_1024_BYTES_FOR_HEADER2 1\n")]
    public void Upper_case_constant_names_are_not_findings(string body) =>
        Assert.Empty(ScanBody(body, "text/plain"));
}
