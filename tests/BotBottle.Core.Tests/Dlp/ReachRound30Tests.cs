using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r30 round of issue 16: tokens of developer services sent bare — no key name beside them — which a black-box red
/// team found missed (32 of its 87 misses; <c>BuiltInRules.Services30.cs</c>), a Doppler service token that names its
/// config, names of personal access tokens (<c>AZURE_DEVOPS_PAT=</c>), and Slack's pagination cursors (base64 of
/// <c>user:U061NFTT2</c>), which read as a user and password. Every generic theory of <see cref="TokenRuleTests"/> runs
/// over the new rules' samples too (<see cref="Tokens.Samples"/>); these add the shapes an agent sends them in and the
/// look-alikes that must stay quiet. All values are made up in the vendors' shapes.
/// </summary>
public sealed class ReachRound30Tests
{
    public static TheoryData<string, string> BareTokens()
    {
        var data = new TheoryData<string, string>();
        foreach (var rule in new[]
        {
            "stripe-webhook-secret", "mailgun-api-key", "airtable-access-token", "firebase-server-key", "dropbox-access-token", "figma-access-token",
            "tailscale-key", "openrouter-api-key", "deepseek-api-key", "netlify-access-token", "render-api-key", "vercel-token", "bitbucket-app-password",
            "adafruit-io-key", "slack-session-token", "cloudflare-api-token", "contentful-access-token", "circleci-token", "buildkite-token",
            "google-oauth-refresh-token", "aws-session-token", "twitch-oauth-token", "cloudflare-origin-ca-key", "azure-devops-pat",
        })
        {
            data.Add(rule, rule);
        }

        return data;
    }

    /// <summary>The token alone as a body, as a query value, in a JSON array and after <c>value: </c>: no key name names it.</summary>
    [Theory]
    [MemberData(nameof(BareTokens))]
    public void A_bare_token_is_found_in_every_shape(string rule, string _)
    {
        string token = Tokens.Samples[rule];
        foreach (var (body, contentType) in new[]
        {
            (token, "text/plain"),
            ("value: " + token + "\n", "text/plain"),
            ("[\"" + token + "\"]", "application/json"),
            ("k=" + Uri.EscapeDataString(token) + "&x=1", "application/x-www-form-urlencoded"),
        })
        {
            var findings = ScanBody(body, contentType);
            Assert.True(findings.Any(f => f.RuleId == rule), $"{rule} in {body[..Math.Min(body.Length, 80)]}: {Describe(findings)}");
        }
    }

    [Theory]
    [InlineData("value: dp.st.prd.DXbgd7KpXjoSeTbV8d6NcL9HNbKS3uXjN0vptMTt8v6")]
    [InlineData("the CI uses dp.st.dev_personal.DXbgd7KpXjoSeTbV8d6NcL9HNbKS3uXjN0vptMTt8v6 now\n")]
    public void A_doppler_service_token_naming_its_config_is_found(string text) =>
        Assert.Contains(Scan(text), f => f.RuleId == "doppler-token" && text.Substring(f.Start, f.Length).StartsWith("dp.st.", StringComparison.Ordinal));

    [Theory]
    [InlineData("AZURE_DEVOPS_PAT=ytzdruoza4dpngi7fxskyp6yofh6smd6rvll3ql24ymbxqu35lgk\n")]
    [InlineData("steps:\n  env:\n    ADO_PAT: ytzdruoza4dpngi7fxskyp6yofh6smd6rvll3ql24ymbxqu35lgk\n")]
    [InlineData("{\"pat\": \"ytzdruoza4dpngi7fxskyp6yofh6smd6rvll3ql24ymbxqu35lgk\"}")]
    [InlineData("export GH_PAT=\"Xk9mQ2vLp7Zq8Rt3Wy6Ub1Nc\"\n")]
    public void A_value_named_as_a_personal_access_token_is_found(string text) =>
        Assert.Contains(Scan(text), f => f.RuleId == "credential-assignment");

    /// <summary>
    /// Look-alikes: a cache key with an MD5 after <c>key-</c>, a task id after <c>sk-</c>, a compat constant, a PAT name
    /// with a URL or a word, <c>oauth:</c> with a short word, a Slack pagination cursor (base64 of <c>user:U061NFTT2</c>,
    /// <c>channel:C024BE91L</c>), an identifier after <c>vci_</c>, a path after <c>sl.</c>, a version string
    /// <c>v1.0-</c>, an Airtable-shaped id without its secret part.
    /// </summary>
    [Theory]
    [InlineData("restore-keys: node-cache-key-5d41402abc4b2a76b9719d911017c592\n")]
    [InlineData("{\"id\": \"task-sk-5d41402abc4b2a76b9719d911017c592\"}")]
    [InlineData("const compat = \"abcdefghij1234567890abcd\";\n")]
    [InlineData("PAT=https://dev.azure.com/org/project/_apis/1234567890\nGH_PAT=<your-token-here>\n")]
    [InlineData("scope: oauth:read_user and oauth:write\n")]
    [InlineData("GET /api/users.list?limit=200&cursor=dXNlcjpVMDYxTkZUVDI%3D")]
    [InlineData("{\"response_metadata\": {\"next_cursor\": \"Y2hhbm5lbDpDMDI0QkU5MUw=\"}}")]
    [InlineData("import { vci_integrationTestConfigurationHelper } from './config';\n")]
    [InlineData("see docs/sl.u.readme and sl.example for the layout\n")]
    [InlineData("version v1.0-rc1 and v1.0-beta.2 released\n")]
    [InlineData("{\"id\": \"patAbc123Def456Gh\", \"table\": \"tblXyz\"}")]
    public void Look_alikes_stay_quiet(string text)
    {
        var findings = Scan(text);
        Assert.True(findings.Count == 0, text + ": " + Describe(findings));
    }
}
