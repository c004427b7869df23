using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, red team 12 (<c>/work/notes/redteam12.md</c>: C16, K10, K22, K23): a key cut between two different parts
/// of one request — two cookies of 10 characters, two <c>Cookie</c> headers, a host label and the path, a header and
/// the body — none of which holds it whole. The AWS key id is the red team's made-up value in AWS's documented shape
/// (<c>AKIA</c> + 16 of [A-Z2-7]); the GitHub token is made up with its CRC-32 checksum. Not real credentials.
/// </summary>
public sealed class RedTeamCrossPartSplitTests
{
    private const string AwsId = "AKIATSZJJV3SDAZWYHZC";

    private static readonly string GitHub = MakeGitHubToken();

    private static string MakeGitHubToken()
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var rnd = new Random(1313);
        var random = new string([.. Enumerable.Range(0, 30).Select(_ => alphabet[rnd.Next(alphabet.Length)])]);
        return "ghp_" + random + Checksums.Base62Crc32(random);
    }

    private static List<DlpFinding> Scan(DlpRequest request) => Engine.ScanRequest(request, DlpDetectors.All).Findings.ToList();

    [Fact]
    public void A_key_id_split_into_two_short_cookies_of_one_header_is_found()
    {
        var findings = Scan(Request(headers: ("Cookie", $"a={AwsId[..10]}; b={AwsId[10..]}")));
        Assert.True(findings.Any(f => f.RuleId == "aws-access-key-id" && f.Location.Kind == DlpLocationKind.Header && f.Encoding == DlpEncodings.Concat), Describe(findings));
    }

    [Fact]
    public void A_key_id_split_over_two_cookie_headers_is_found()
    {
        var findings = Scan(Request(headers: [("Cookie", $"a={AwsId[..10]}"), ("Accept", "*/*"), ("Cookie", $"b={AwsId[10..]}")]));
        Assert.True(findings.Any(f => f.RuleId == "aws-access-key-id" && f.Location.Kind == DlpLocationKind.Header && f.Location.Index == 0), Describe(findings));
    }

    [Theory]
    [InlineData("akiatszjjv.x.example.com", "/3SDAZWYHZC")] // the red team's: lower-cased label, wildcard label after it
    [InlineData("AKIATSZJJV.example.com", "/3SDAZWYHZC")]
    [InlineData("akiatszjjv.3sdazwyhzc.x.example.com", "/")] // all in labels: the host rule's, not this join's; must still block
    [InlineData("akiatszjjv3s.x.example.com", "/dazwyhzc/logo.png")]
    public void A_key_id_split_between_host_labels_and_the_path_is_found(string host, string path)
    {
        var findings = Scan(Request(path, host: host));
        Assert.True(findings.Any(f => f.Location.Kind == DlpLocationKind.Host && f.RuleId.StartsWith("aws-", StringComparison.Ordinal)), $"{host}{path}: {Describe(findings)}");
    }

    [Theory]
    [InlineData("x={0}")]
    [InlineData("{0}")]
    [InlineData("note=hello&x={0}&n=3")]
    public void A_token_head_in_a_header_and_its_tail_in_the_body_is_found(string bodyFormat)
    {
        var body = string.Format(System.Globalization.CultureInfo.InvariantCulture, bodyFormat, GitHub[20..]);
        var findings = Scan(Request("/collect", body, "application/x-www-form-urlencoded", headers: ("X-Req", GitHub[..20])));
        Assert.True(findings.Any(f => f.RuleId == "github-pat-classic" && f.Validated && f.Location.Kind == DlpLocationKind.Header), $"{body}: {Describe(findings)}");
    }

    public static TheoryData<string, string, (string, string)[], string?> LookAlikes() => new()
    {
        // CDN and cloud hosts with ids in labels and paths
        { "d1a2b3c4d5e6f7.cloudfront.net", "/static/js/main.4f3c2b1a.js", [], null },
        { "bucket-7f3a9c.s3.us-east-1.amazonaws.com", "/uploads/2026/12/AbCdEf123456.png", [], null },
        { "abc123def456-dsn.algolia.net", "/1/indexes/prod_AbC123/query", [], null },
        { "akamai-edge7.x.example.com", "/v2/Resource42/Item7", [], null },
        { "asia-east1-docker.pkg.dev", "/proj42/repo/image", [], null },
        // several Cookie headers with ordinary session cookies
        { "api.example.com", "/", [("Cookie", "_ga=GA1.2.1234567890.1700000000; theme=dark"), ("Cookie", "prefs=AbC123dEf456; lang=en")], null },
        // a header that starts like a prefix, a body of ordinary form values
        { "api.example.com", "/collect", [("X-Region", "asia-east1")], "zone=b&id=Ab12Cd34Ef56&n=3" },
        { "api.example.com", "/collect", [("X-Scanner-Rule", "ghp_")], "pattern=ghp_%5BA-Za-z0-9%5D%7B36%7D&name=github" },
        { "api.example.com", "/collect", [("X-Key-Prefix", "AKIA")], "description=Access+key+ids+start+with+AKIA&count=2&kind=Long7Term" },
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void Ordinary_hosts_cookies_and_headers_stay_clean(string host, string path, (string, string)[] headers, string? body)
    {
        var findings = Scan(Request(path, body, body is null ? null : "application/x-www-form-urlencoded", host: host, headers: headers));
        Assert.True(findings.Count == 0, $"{host}{path}: {Describe(findings)}");
    }
}
