using System.Globalization;
using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, eighth round (<c>dlpreach8</c>): the classes the seventh round left open — a key split across JSON string
/// values, array elements and NDJSON lines (RFC 8259 §4–5, https://github.com/ndjson/ndjson-spec), RFC 2047 §4.2
/// <c>Q</c> encoded-words, a vendor prefix alone in one header joined with another header's value, a spelled-out key
/// glued to words on both sides — then a secret in an XML element named by its key (XML 1.0 §3.1), and the benign
/// look-alikes that must stay quiet. Every malicious case here passed main d2140a6's engine (checked by running these
/// tests against its <c>BotBottle.Domain.dll</c>) except the header-prefix join, the spelled-out key glued on both
/// sides and the JSON splits of a Slack bot token whose first half is 16+ characters (found alone), which are kept as
/// guards.
/// </summary>
public sealed class RedTeamEighthRoundTests
{
    private static readonly string[] Rules = ["github-pat-classic", "aws-access-key-id", "stripe-secret-key", "slack-bot-token"];

    private static string Key(string rule) => Tokens.Samples[rule];

    /// <summary>The length of the rule's vendor prefix (<c>ghp_</c>, <c>AKIA</c>, <c>sk_live_</c>, <c>xoxb-</c>).</summary>
    private static int PrefixLength(string rule) => rule switch { "stripe-secret-key" => 8, "slack-bot-token" => 5, _ => 4 };

    private static List<DlpFinding> ScanJson(string body, string contentType = "application/json") =>
        [.. Engine.ScanRequest(Request("/graphql", body, contentType), DlpDetectors.All).Findings];

    /// <summary>
    /// The split shapes: halves (member values, GraphQL variables — GraphQL over HTTP, JSON encoding — and NDJSON
    /// lines), the vendor prefix alone then the rest as array elements (compact and pretty-printed), three array
    /// elements. Member values are found when the first piece is 16+ characters (a token run the hot path stops at);
    /// the vendor prefix alone as a member value (<c>{"a": "ghp_", "b": "…"}</c>) and a 20-character AWS key id cut in
    /// halves of 10 are not found (see docs/dlp-rules.md, eighth round).
    /// </summary>
    public static TheoryData<string, string> JsonSplits()
    {
        var data = new TheoryData<string, string>();
        foreach (var rule in Rules)
        {
            string k = Key(rule);
            int half = k.Length / 2;
            int p = PrefixLength(rule); // the vendor prefix alone
            if (half >= 16)
            {
                data.Add(rule, "{\"a\":\"" + k[..half] + "\",\"b\":\"" + k[half..] + "\"}");
                data.Add(rule, "{\"a\": \"" + k[..half] + "\", \"b\": \"" + k[half..] + "\"}");
                data.Add(rule, "{\"i\": 1, \"v\": \"" + k[..half] + "\"}\n{\"i\": 2, \"v\": \"" + k[half..] + "\"}\n");
            }

            if (half - p >= 16)
            {
                data.Add(rule, "{\"parts\": [\"" + k[..p] + "\", \"" + k[p..half] + "\", \"" + k[half..] + "\"]}");
            }

            if (half >= 16)
            {
                data.Add(rule, "{\"query\":\"mutation($a:String!,$b:String!){note(a:$a,b:$b)}\",\"variables\":{\"a\":\"" + k[..half] + "\",\"b\":\"" + k[half..] + "\"}}");
            }

            data.Add(rule, "[\"" + k[..p] + "\",\"" + k[p..] + "\"]");
            data.Add(rule, "{\"v\": [\n  \"" + k[..p] + "\",\n  \"" + k[p..] + "\"\n]}");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(JsonSplits))]
    public void A_key_split_across_json_string_values_array_elements_or_ndjson_lines_is_found(string rule, string body)
    {
        Assert.Contains(ScanJson(body), x => x.RuleId == rule);
        Assert.Contains(ScanJson(body, "application/x-ndjson"), x => x.RuleId == rule);
    }

    [Fact]
    public void A_key_split_across_json_values_in_a_form_field_is_found()
    {
        string k = Key("github-pat-classic");
        string json = "{\"parts\":[\"ghp_\",\"" + k[4..] + "\"]}";
        string body = "note=hello&data=" + Uri.EscapeDataString(json);
        Assert.NotEmpty(Engine.ScanRequest(Request("/submit", body, "application/x-www-form-urlencoded"), DlpDetectors.All).Findings);
    }

    [Theory]
    [InlineData("{\"tags\": [\"sk_\", \"sk_learn\", \"ghp\", \"ghp_docs\", \"AKIA\", \"npm_\", \"xoxb-\"], \"n\": 7}")]
    [InlineData("[\"sk_live_mode\",\"sk_test_mode\",\"enabled\",\"disabled\",\"primary\",\"secondary\",\"tertiary\"]")]
    [InlineData("{\"prefix\": \"ghp_\", \"description\": \"GitHub personal access tokens start with this prefix\", \"docs\": \"https://docs.github.com/en/authentication\"}")]
    [InlineData("{\"prefix\": \"AKIA\", \"kind\": \"long-term access key id prefix\", \"length\": 20}")]
    [InlineData("{\"names\":[\"sk_live_orders\",\"sk_live_refunds\",\"sk_live_payouts\",\"sk_live_invoices\"]}")]
    [InlineData("{\"names\":[\"sk_live_orders\",\"sk_live_refunds\",\"sk_live_payouts\",\"sk_live_invoices\"],\"prefix\": \"ghp_\", \"description\": \"GitHub personal access tokens start with this prefix\"}")]
    [InlineData("{\"level\":\"info\",\"msg\":\"token prefix ghp_ rotated\"}\n{\"level\":\"info\",\"msg\":\"next batch\",\"id\":\"a1b2c3d4e5f6a7b8c9d0\"}\n")]
    [InlineData("{\"ghp_count\": 3, \"sk_live_count\": 1, \"values\": [\"alpha\", \"beta\", \"gamma\", \"delta\", \"epsilon\", \"zeta\", \"eta\", \"theta\"]}")]
    [InlineData("{\"sha\":\"3f2a9c01e8b7d6c5a4f3e2d1c0b9a8f7e6d5c4b3\",\"node_id\":\"MDY6Q29tbWl0MTIzNDU2Nzg5\",\"tags\":[\"ghp_scan\",\"v1.2.3\",\"release-2024-05\"]}")]
    public void Json_arrays_of_short_prefix_like_words_and_ndjson_logs_are_not_findings(string body)
    {
        Assert.Empty(ScanJson(body));
        Assert.Empty(ScanJson(body, "application/x-ndjson"));
    }

    /// <summary>RFC 2047 §4.2: in a <c>Q</c> encoded-word <c>_</c> is a space and <c>=XX</c> a byte in hex.</summary>
    private static string QEncode(string s) =>
        string.Concat(s.Select(c => char.IsAsciiLetterOrDigit(c) ? c.ToString() : c == ' ' ? "_" : "=" + ((int)c).ToString("X2", CultureInfo.InvariantCulture)));

    [Fact]
    public void A_key_in_an_rfc2047_q_encoded_word_is_found()
    {
        foreach (var rule in Rules)
        {
            string word = "=?UTF-8?Q?" + QEncode("token " + Key(rule)) + "?=";
            Assert.Contains(Scan("Subject: " + word + "\r\n"), x => x.RuleId == rule);
            Assert.Contains(Engine.ScanRequest(Request(headers: [("X-Note", word)]), DlpDetectors.All).Findings, x => x.RuleId == rule);
            string lower = "=?utf-8?q?" + QEncode(Key(rule)).Replace("=5F", "=5f", StringComparison.Ordinal) + "?=";
            Assert.Contains(Scan("{\"subject\": \"" + lower + "\"}"), x => x.RuleId == rule);
        }
    }

    [Theory]
    [InlineData("Subject: =?UTF-8?Q?Caf=C3=A9_menu_for_Friday?=\r\n")]
    [InlineData("Subject: =?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@example.com>\r\n")]
    [InlineData("From: =?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>\r\n")]
    [InlineData("Subject: =?utf-8?q?Re=3A_the_=5Fprivate_field_and_sk=5Flearn_release_notes?=\r\n")]
    public void Q_encoded_words_of_ordinary_text_are_not_findings(string text)
    {
        Assert.Empty(Scan(text));
        Assert.Empty(Engine.ScanRequest(Request(headers: [("Subject", text[9..].TrimEnd())]), DlpDetectors.All).Findings);
    }

    [Fact]
    public void A_vendor_prefix_header_joined_with_another_headers_value_is_found()
    {
        foreach (var rule in Rules)
        {
            string k = Key(rule);
            int p = PrefixLength(rule);
            var request = Request(headers: [("X-Token-Prefix", k[..p]), ("Accept", "application/json"), ("X-Token-Body", k[p..])]);
            var f = Assert.Single(Engine.ScanRequest(request, DlpDetectors.All).Findings);
            Assert.Equal((rule, DlpEncodings.Concat), (f.RuleId, f.Encoding));
        }
    }

    [Fact]
    public void A_header_that_only_names_a_prefix_is_not_a_finding()
    {
        var request = Request(headers: [("X-Token-Prefix", "ghp_"), ("Accept", "application/json"), ("User-Agent", "curl/8.5.0"),
            ("X-Request-Id", "7f3a9c01-e8b7-4d6c-a5f4-e3d2c1b0a9f8"), ("X-Trace", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]);
        Assert.Empty(Engine.ScanRequest(request, DlpDetectors.All).Findings);
    }

    [Theory]
    [InlineData("key{0}end", " ")]
    [InlineData("id:x{0}y done", ".")]
    public void A_spelled_out_key_glued_to_words_on_both_sides_is_found(string shape, string sep)
    {
        foreach (var rule in Rules)
        {
            string spread = string.Join(sep, Key(rule).ToCharArray());
            string text = string.Format(CultureInfo.InvariantCulture, shape, spread);
            Assert.Contains(Scan(text), x => x.RuleId == rule && x.Encoding == DlpEncodings.Separated);
        }
    }

    [Theory]
    [InlineData("<config><user>app</user><password>Zx9kQ2vL7pR4mW8tYb</password></config>")]
    [InlineData("<settings>\n  <servers>\n    <server>\n      <id>repo</id>\n      <username>deploy</username>\n      <password>Tr0ub4dor-3xyzQ</password>\n    </server>\n  </servers>\n</settings>")]
    [InlineData("<Credentials><ApiKey>A1b2C3d4E5f6G7h8J9k0</ApiKey></Credentials>")]
    public void A_secret_in_an_xml_element_named_by_its_key_is_found(string xml)
    {
        Assert.Contains(Scan(xml), x => x.RuleId == BuiltInRules.CredentialAssignmentId);
    }

    [Theory]
    [InlineData("<settings><servers><server><id>repo</id><password>${env.REPO_PASSWORD}</password></server></servers></settings>")]
    [InlineData("<form><label for=\"password\">Password</label><input type=\"password\" name=\"password\"/></form>")]
    [InlineData("<config><password>changeme</password><token></token><secret>{{ vault_secret }}</secret></config>")]
    [InlineData("<doc><p>Use the <password>field</password> for the account password.</p></doc>")]
    public void Xml_elements_holding_references_placeholders_or_words_are_not_findings(string xml)
    {
        Assert.Empty(Scan(xml));
    }
}
