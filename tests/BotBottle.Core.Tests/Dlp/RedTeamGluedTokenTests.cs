using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Twelfth red-team round, family 1 (<c>glue12</c>): a single letter or digit glued directly before a vendor token
/// (<c>xghp_…</c>, <c>lsk-ant-api03-…</c> — a msgpack str8 or protobuf length byte 108 = <c>l</c> does this by
/// accident) or after a fixed-length one (<c>AKIA…XYZ2</c>, <c>ghp_…abc</c>) hid it from every vendor rule, in the
/// body, the URL path and query, headers, and inside base64 and hex. The tokens are made up here in each vendor's
/// documented format (GitHub and npm with a valid CRC-32, <see cref="Tokens.GitHub"/>); none is a real key. Every
/// malicious case here passed speed12 ac12322's engine; the look-alikes (identifiers, a wrong checksum, blobs) must
/// stay quiet. Formats: BuiltInRules.Glued.cs.
/// </summary>
public sealed class RedTeamGluedTokenTests
{
    private static readonly string Ghp = Tokens.GitHub("ghp_", 1201);
    private static readonly string Gho = Tokens.GitHub("gho_", 1202);
    private static readonly string Npm = Tokens.Npm(1203);
    private static readonly string Anthropic = "sk-ant-api03-" + Tokens.Mixed(Tokens.B64Url, 93, 1204) + "AA";
    private static readonly string OpenAi = "sk-proj-" + Tokens.Mixed(Tokens.B64Url, 74, 1205) + "T3BlbkFJ" + Tokens.Mixed(Tokens.B64Url, 74, 1206);
    private static readonly string Stripe = "sk_live_" + Tokens.Mixed(Tokens.Base62, 99, 1207);
    private static readonly string Slack = "xoxb-702344049035-7896342864557-" + Tokens.Mixed(Tokens.Base62, 24, 1208);
    private static readonly string Aws = "AKIA" + "Q7" + Tokens.Random(Tokens.UpperBase32, 14, 1209);
    private static readonly string Google = "AIza" + Tokens.Mixed(Tokens.B64Url, 35, 1210);
    private static readonly string FineGrained = "github_pat_" + Tokens.Mixed(Tokens.Base62, 22, 1211) + "_" + Tokens.Mixed(Tokens.Base62, 59, 1212);
    private static readonly string GitLab = "glpat-" + Tokens.Mixed(Tokens.B64Url, 20, 1213);

    public static TheoryData<string, string, string> GluedBefore() => new()
    {
        { "github-pat-classic", "x", Ghp },
        { "github-oauth-token", "7", Gho },
        { "npm-access-token", "q", Npm },
        { "anthropic-api-key", "l", Anthropic },
        { "anthropic-api-key", "1", Anthropic },
        { "anthropic-api-key", "apikey", Anthropic },
        { "openai-api-key", "Z", OpenAi },
        { "stripe-secret-key", "k", Stripe },
        { "slack-bot-token", "8", Slack },
        { "aws-access-key-id", "id", Aws },
        { "gcp-api-key", "k", Google },
        { "github-pat-fine-grained", "a", FineGrained },
        { "gitlab-pat", "x", GitLab },
    };

    [Theory]
    [MemberData(nameof(GluedBefore))]
    public void A_token_glued_after_a_letter_or_digit_is_found_with_its_own_span(string rule, string glue, string token)
    {
        foreach (var (body, type) in new[]
        {
            (glue + token, "text/plain"),
            ("{\"v\":\"" + glue + token + "\"}", "application/json"),
            ("key=" + glue + token + "&n=1", "application/x-www-form-urlencoded"),
        })
        {
            var findings = ScanBody(body, type);
            var f = findings.FirstOrDefault(x => x.RuleId == rule);
            Assert.True(f is not null, $"{rule} in {body}: {Describe(findings)}");
            Assert.Equal((DlpEncodings.Plain, body.IndexOf(token, StringComparison.Ordinal), token.Length), (f.Encoding, f.Start, f.Length));
        }
    }

    public static TheoryData<string, string, string> GluedAfter() => new()
    {
        { "github-pat-classic", Ghp, "abc" },
        { "npm-access-token", Npm, "Q" },
        { "aws-access-key-id", Aws, "XYZ2" },
        { "aws-access-key-id", Aws, "a" },
        { "github-pat-fine-grained", FineGrained, "x" },
    };

    [Theory]
    [MemberData(nameof(GluedAfter))]
    public void A_fixed_length_token_with_characters_glued_after_it_is_found(string rule, string token, string glue)
    {
        var findings = ScanBody("token: " + token + glue + "\n", "text/plain");
        var f = findings.FirstOrDefault(x => x.RuleId == rule);
        Assert.True(f is not null, Describe(findings));
        Assert.Equal((7, token.Length), (f.Start, f.Length));
    }

    [Fact]
    public void A_glued_github_token_is_validated_by_its_checksum_on_both_sides()
    {
        var f = Assert.Single(ScanBody("xx" + Ghp + "abc", "text/plain"), x => x.RuleId == "github-pat-classic");
        Assert.True(f.Validated);
        Assert.Equal((2, 40), (f.Start, f.Length));
    }

    [Fact]
    public void A_glued_token_is_found_in_the_path_the_query_and_a_header()
    {
        var report = Engine.ScanRequest(Request("/c/a" + Ghp + "?t=b" + Npm + "&k=Z" + Anthropic, null, null, "api.example.com", ("X-T", "Z" + Gho)), DlpDetectors.All);
        var found = report.Findings.Select(f => (f.RuleId, f.Location.Kind)).ToHashSet();
        Assert.Contains(("github-pat-classic", DlpLocationKind.Path), found);
        Assert.Contains(("npm-access-token", DlpLocationKind.Query), found);
        Assert.Contains(("anthropic-api-key", DlpLocationKind.Query), found);
        Assert.Contains(("github-oauth-token", DlpLocationKind.Header), found);
    }

    [Fact]
    public void A_glued_token_is_found_inside_base64_and_hex()
    {
        var b64 = ScanBody("v=" + Tokens.B64Of("x" + Ghp), "text/plain");
        Assert.Contains(b64, f => f.RuleId == "github-pat-classic" && f.Encoding == DlpEncodings.Base64 && f.Validated);
        var hex = ScanBody(Tokens.Hex("Q" + Ghp), "text/plain");
        Assert.Contains(hex, f => f.RuleId == "github-pat-classic" && f.Encoding == DlpEncodings.Hex && f.Validated);
    }

    [Fact]
    public void A_key_after_a_printable_protobuf_or_msgpack_length_byte_is_found()
    {
        // protobuf field 1, wire type 2 (0x0a), varint length 108 = 'l'; msgpack str8 (0xd9) with length 56 = '8'.
        var proto = new byte[] { 0x0a, 108 }.Concat(Encoding.ASCII.GetBytes(Anthropic)).Concat(new byte[] { 0x10, 0x01 }).ToArray();
        var pack = new byte[] { 0x81, 0xa1, (byte)'t', 0xd9, 56 }.Concat(Encoding.ASCII.GetBytes(Slack)).ToArray();
        foreach (var (bytes, rule) in new[] { (proto, "anthropic-api-key"), (pack, "slack-bot-token") })
        {
            var request = new DlpRequest { Method = "POST", Host = "api.example.com", PathAndQuery = "/collect", Headers = [], Body = bytes, ContentType = "application/octet-stream" };
            var findings = Engine.ScanRequest(request, DlpDetectors.All).Findings;
            Assert.True(findings.Any(f => f.RuleId == rule), $"{rule}: {Describe(findings)}");
        }
    }

    public static TheoryData<string> LookAlikes() => new()
    {
        // A GitHub-shaped value whose CRC-32 does not verify, glued to a letter (before and after).
        "x" + Ghp[..^1] + (Ghp[^1] == 'A' ? 'B' : 'A'),
        Ghp[..^1] + (Ghp[^1] == 'A' ? 'B' : 'A') + "abc",
        "my_npm_token_value_for_the_registry_config_file_here=1",
        "mynpm_" + Tokens.Random(Tokens.Base62, 36, 77),
        "task-ant-runner-configuration-for-the-build-pipeline-and-more-words",
        "mask_live_session_identifier_value_for_tests_and_fixtures",
        "Xsk_live_" + Tokens.Random("abcdefghijklmnopqrstuvwxyz", 30, 78),
        "disk-" + Tokens.Mixed(Tokens.B64Url, 48, 79),
        "risk-Ab3" + Tokens.Random(Tokens.B64Url, 60, 80),
        "XAKIAABCDEFGHIJKLMNOPQ",
        "AKIA" + Tokens.Random(Tokens.UpperBase32, 40, 81),
        "xAKIA" + "Q7" + Tokens.Random(Tokens.UpperBase32, 14, 82) + "-suffix",
        Tokens.Random(Tokens.B64, 40, 84) + "AIza" + Tokens.Mixed(Tokens.Base62, 35, 85) + "+" + Tokens.Random(Tokens.B64, 20, 86),
        "cmd=" + Tokens.B64Of("log line: xghp_" + Tokens.Random(Tokens.Base62, 36, 87) + " done"),
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void Glued_look_alikes_stay_clean(string body)
    {
        var findings = ScanBody(body, "text/plain").Where(f => f.Detector == DlpFinding.TokenPatternsDetector && f.RuleId != "host-encoded-data").ToList();
        Assert.True(findings.Count == 0, $"{body}: {Describe(findings)}");
    }
}
