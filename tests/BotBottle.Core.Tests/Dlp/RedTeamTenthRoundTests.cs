using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, tenth round (<c>reach10</c>): shapes the ninth round documented as still passing — the rest of a Stripe,
/// GitLab or Slack key after its vendor prefix alone as the JSON member value before (RFC 8259 §4), PostgreSQL
/// password file lines (libpq "The Password File", https://www.postgresql.org/docs/current/libpq-pgpass.html), an
/// inline value of a name ending in <c>credentials</c> (paths such as <c>GOOGLE_APPLICATION_CREDENTIALS</c> stay
/// clean), and Apache <c>.htpasswd</c> <c>{SHA}</c> entries (https://httpd.apache.org/docs/2.4/misc/password_encryptions.html)
/// — and the near-miss shapes that must stay quiet. Every malicious case here passed main 665912e's engine.
/// </summary>
public sealed class RedTeamTenthRoundTests
{
    private static string Key(string rule) => Tokens.Samples[rule];

    /// <summary>The vendor prefix alone as one member value, the rest as the next (compact, spaced, pretty-printed, nested after a number member).</summary>
    public static TheoryData<string, string> PrefixAloneMembers()
    {
        var data = new TheoryData<string, string>();
        foreach (var (rule, p) in new[]
        {
            ("stripe-secret-key", 8), ("stripe-restricted-key", 8), ("gitlab-pat", 6), ("slack-bot-token", 5), ("slack-user-token", 5),
        })
        {
            string k = rule == "stripe-restricted-key" ? "rk_live_" + Key(rule)[8..] : Key(rule); // the sample is rk_test_
            foreach (var body in PrefixAloneMemberBodies(k, p))
            {
                data.Add(rule, body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PrefixAloneMembers))]
    public void A_stripe_gitlab_or_slack_key_split_after_its_prefix_across_json_member_values_is_found(string rule, string body)
    {
        var findings = ScanBody(body);
        Assert.Contains(findings, x => x.RuleId == rule && x.Encoding == DlpEncodings.Concat);
    }

    [Theory]
    [InlineData("{\"prefix\":\"sk_live_\",\"object_id\":\"5f1c2a3b4d5e6f708192a3b4\"}")] // a MongoDB ObjectId (24 lower-case hex)
    [InlineData("{\"prefix\":\"sk_live_\",\"etag\":\"0123456789abcdef0123456789abcdef\"}")] // an MD5 digest
    [InlineData("{\"kind\":\"glpat-\",\"branch\":\"feature-login-refresh\"}")]
    [InlineData("{\"prefix\":\"xoxb-\",\"ts\":\"1733300000-1733300999-release-notes-for-workspace\"}")]
    [InlineData("{\"type\":\"sk_live_\",\"label\":\"PaymentsRefundWorkerAlpha\"}")]
    [InlineData("{\"prefix\":\"glpat-\",\"name\":\"GitLabPersonalTokens\"}")]
    public void Json_members_that_name_a_prefix_next_to_ids_or_words_are_not_findings(string body) =>
        Assert.Empty(ScanBody(body));

    [Theory]
    [InlineData("db.example.com:5432:appdb:appuser:Xk9mQ2vLp7zR4tW8yB3n\n", "text/plain")]
    [InlineData("# ~/.pgpass\n*:*:*:postgres:S3cr3tPassw0rdLongEnough\n", "text/plain")]
    [InlineData("10.0.3.7:5432:orders:svc_orders:Zq7pLmN2vR8sT4wXk0F5\r\n", "text/plain")]
    [InlineData("db\\:primary:5432:app:app:Zq7pLmN2vR8sT4wXk0F5", "text/plain")]
    [InlineData("{\"path\":\"/home/u/.pgpass\",\"content\":\"localhost:5432:*:app:Zq7pLmN2vR8sT4wXk0F5\\nreplica:6432:app:ro:Hj4kLmN2vR8sT4wXk0F9\\n\"}", "application/json")]
    public void A_pgpass_line_is_found(string body, string contentType) =>
        Assert.Contains(ScanBody(body, contentType), x => x.RuleId == "credential-assignment");

    [Theory]
    [InlineData("10:11:12:13:Zq7pLmN2vR8sT4wXk0F5\n")] // a clock, not a host
    [InlineData("db.example.com:5432:appdb:appuser:${PGPASSWORD_FROM_VAULT}\n")]
    [InlineData("a.b:1:2:3:4:Zq7pLmN2vR8sT4wXk0F5\n")] // five fields before
    [InlineData("addr fe80::1:2:3:4abcdef0123456789abcdef\n")]
    [InlineData("image: nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n")]
    [InlineData("web01:8080:GET:/index:ReqIdZq7pLmN2vR8sT4wXk0F5 extra\n")] // the value does not end the line
    [InlineData("web01:http:GET:index:Zq7pLmN2vR8sT4wXk0F5\n")] // the port is not a number
    public void Colon_separated_lines_that_are_no_pgpass_entry_are_not_findings(string body) =>
        Assert.Empty(ScanBody(body, "text/plain"));

    [Theory]
    [InlineData("SERVICE_CREDENTIALS=Zq7pLmN2vR8sT4wXk0F5\n", "text/plain")]
    [InlineData("export DB_CREDENTIAL=\"Zq7pLmN2vR8sT4wXk0F5\"\n", "text/plain")]
    [InlineData("registry:\n  credentials: Zq7pLmN2vR8sT4wXk0F5\n", "text/plain")]
    [InlineData("{\"credentials\": \"Zq7pLmN2vR8sT4wXk0F5\"}", "application/json")]
    [InlineData("{\"smtpCredentials\":\"Hj4kLmN2vR8sT4wXk0F9\"}", "application/json")]
    [InlineData("db_credentials = \"Zq7pLmN2vR8sT4wXk0F5\"\n", "text/plain")]
    [InlineData("[ci]\ncredentials = Zq7pLmN2vR8sT4wXk0F5\n", "text/plain")]
    public void An_inline_credentials_value_is_found(string body, string contentType) =>
        Assert.Contains(ScanBody(body, contentType), x => x.RuleId == "credential-assignment");

    [Theory]
    [InlineData("GOOGLE_APPLICATION_CREDENTIALS=/path/to/key.json\n")]
    [InlineData("GOOGLE_APPLICATION_CREDENTIALS=/var/run/secrets/google/key2024.json\n")]
    [InlineData("GOOGLE_APPLICATION_CREDENTIALS=secrets/service-account-2024.json\n")]
    [InlineData("GOOGLE_APPLICATION_CREDENTIALS=~/keys/sa2024prod.json\n")]
    [InlineData("AWS_CREDENTIALS=${AWS_CREDENTIALS_FROM_VAULT_2024}\n")]
    [InlineData("fetchOptions:\n  credentials: include\n  mode: cors\n")]
    [InlineData("{\"credentials\": \"same-origin\", \"mode\": \"cors\"}")]
    [InlineData("{\"credentials\": \"service_account_credentials_v2\"}")]
    [InlineData("{\"credential\": \"DefaultAzureCredential2024Chain\"}")]
    public void Credentials_names_with_a_path_a_reference_or_a_word_are_not_findings(string body) =>
        Assert.Empty(ScanBody(body, "text/plain"));

    [Theory]
    [InlineData("admin:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n", "text/plain")]
    [InlineData("{\"file\":\".htpasswd\",\"content\":\"admin:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\\nops:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=\\n\"}", "application/json")]
    public void An_htpasswd_sha_entry_is_found(string body, string contentType) =>
        Assert.Contains(ScanBody(body, contentType), x => x.RuleId == "credential-assignment");

    [Theory]
    [InlineData("Use htpasswd -s to write {SHA} entries such as user:{SHA}<base64>.\n")]
    [InlineData("checksum {SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g= of the file\n")]
    public void Sha_mentions_that_are_no_htpasswd_entry_are_not_findings(string body) =>
        Assert.Empty(ScanBody(body, "text/plain"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_jwt_cut_at_its_dots_over_two_headers_is_found(bool headerBetween)
    {
        string jwt = Key("jwt");
        int dot = jwt.IndexOf('.');
        (string, string)[] headers = headerBetween
            ? [("X-Part-A", jwt[..(dot + 1)]), ("Accept", "application/json"), ("X-Part-B", jwt[(dot + 1)..])]
            : [("X-Part-A", jwt[..(dot + 1)]), ("X-Part-B", jwt[(dot + 1)..])];
        var findings = Engine.ScanRequest(Request("/", headers: headers), DlpDetectors.All).Findings;

        // Since the thirteenth round (BuiltInRules.JwtShapes.cs) the second piece, payload.signature with the registered
        // claims sub and iat, is a JWT without its header on its own, found in X-Part-B before any join; the join of
        // the two pieces (encoding concat) is what finds it when the payload has no such claims.
        Assert.Contains(findings, x => x.RuleId == "jwt" && (x.Encoding == DlpEncodings.Concat || x.Location.Name == "X-Part-B"));
    }

    [Fact]
    public void Dotted_header_values_after_a_base64_json_header_are_not_findings()
    {
        var findings = Engine.ScanRequest(
            Request("/", headers: [("X-Trace-Context", "eyJ0eXAiOiJ0cmFjZSJ9.v1"), ("X-Client-Version", "10.2.3"), ("X-Build", "2026.12.05.1")]),
            DlpDetectors.All).Findings;
        Assert.Empty(findings);
    }
}
