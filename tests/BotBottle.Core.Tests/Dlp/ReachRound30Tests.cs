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
    // The review's look-alikes: MD5 cache and lock keys after key- and oauth:, C identifiers after nfc_ / nfp_, a
    // content-hashed file name shaped like an Airtable token, non-secret values under a bare "pat" name.
    [InlineData("<li key=\"key-9dd4e461268c8034f5c8564e155c67a6\">item</li>")]
    [InlineData("2024-01-01 INFO lock acquired key-9dd4e461268c8034f5c8564e155c67a6\n")]
    [InlineData("redis GET cache:key-9dd4e461268c8034f5c8564e155c67a6")]
    [InlineData("redis key oauth:9dd4e461268c8034f5c8564e155c67 expired\n")]
    [InlineData("void nfc_hci_reset_pipes_per_host_target_id2(struct nfc_hci_dev *hdev, u8 gate);\n")]
    [InlineData("err = nfp_net_ring_reconfig_down_xdp_prog_swap_v4(nn, dp, extack);\n")]
    [InlineData("<script src=\"/assets/pathfinder2worker.2d711642b726b04401627ca9fbac32f5a8530ad1c1c2d3e4f5a6b7c8d9e0f1a2.js\"></script>")]
    [InlineData("{\"pat\": \"P0012345678901234567\", \"name\": \"John\"}")]
    [InlineData("fn matches(pat: Pattern123456789012345, x: u8) -> bool\n")]
    [InlineData("session:sk-9dd4e461268c8034f5c8564e155c67a6\n")]
    public void Look_alikes_stay_quiet(string text)
    {
        var findings = Scan(text);
        Assert.True(findings.Count == 0, text + ": " + Describe(findings));
    }

    /// <summary>
    /// The review's bypasses of the first version: a login in a Docker or npm auth field or a Basic header whose password
    /// looks like a Slack ID (the cursor exception applies only to a cursor-named value), an Airtable token whose id has
    /// no digit, a Doppler config of 35 characters, a 52-character Azure DevOps PAT with few digits, and a PAT in YAML
    /// quotes.
    /// </summary>
    [Theory]
    [InlineData("{\"auths\":{\"registry.example.com\":{\"auth\":\"Ym90Oks3UU0yWFI5UExUNA==\"}}}", "encoded-user-password")]
    [InlineData("//registry.npmjs.org/:_auth=YXBwOlFYN1IyTTlLVFA=\n", "encoded-user-password")]
    [InlineData("curl -H \"Authorization: Basic dXNlcjpYOUsyTTdRUlRaNFA=\" https://api.internal/x", "encoded-user-password")]
    [InlineData("token patqscwCLURvabvvB.87c2e0a28fc41c6e3791f6ba8341f9044e2fe0565771eec9a0db35209656325c", "airtable-access-token")]
    [InlineData("dp.st.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.FqAbu8tF7sjEbhQN9CpsFqAbu8tF7sjEbhQN9Cps123", "doppler-token")]
    [InlineData("# ado\nGH_PAT=qwb5pdkhx6pygpan2rlykei4iiaannkksumnlmytbx2kjqevtave\n", "credential-assignment")]
    [InlineData("jobs:\n  env:\n    GH_PAT: \"Xk9mQ2vLp7Zq8Rt3Wy6Ub1Nc\"\n", "credential-assignment")]
    public void The_reviews_bypasses_are_found(string text, string rule)
    {
        var findings = Scan(text);
        Assert.True(findings.Any(f => f.RuleId == rule), text + ": " + Describe(findings));
    }
}
