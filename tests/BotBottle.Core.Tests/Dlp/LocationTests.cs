using System.Text;
using System.Text.Json;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

public class LocationTests
{
    private static readonly string Token = Tokens.GitHub("ghp_", 600);

    private static DlpFinding Only(DlpRequest request) => Assert.Single(DlpTestHelpers.Engine.ScanRequest(request, DlpDetectors.All).Findings);

    [Fact]
    public void Path()
    {
        var req = Request("/repos/" + Token + "/issues?state=open");
        var f = Only(req);
        Assert.Equal("path", f.Location.ToString());
        Assert.Equal(Token, req.PathAndQuery.Substring(f.Start, f.Length));
    }

    [Fact]
    public void Query_parameter_is_named()
    {
        var req = Request("/search?q=x&access_token=" + Token + "&page=2");
        var f = Only(req);
        Assert.Equal("query:access_token", f.Location.ToString());
        Assert.Equal(Token, req.PathAndQuery.Substring(f.Start, f.Length));
    }

    [Fact]
    public void Query_parameter_name_holding_the_secret_is_not_echoed()
    {
        var req = Request("/x?" + Token + "=1");
        var f = Only(req);
        Assert.Equal("query:[REDACTED]", f.Location.ToString());
        Assert.DoesNotContain(Token, f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_value_is_named_and_indexed()
    {
        var req = Request(headers: [("Accept", "*/*"), ("X-Api-Key", "key " + Token)]);
        var f = Only(req);
        Assert.Equal(("header:X-Api-Key", 1, 4), (f.Location.ToString(), f.Location.Index, f.Start));
    }

    [Fact]
    public void Header_name_is_scanned()
    {
        var req = Request(headers: ("X-" + Token, "1"));
        var f = Only(req);
        Assert.Equal((DlpLocationKind.HeaderName, 0, 2), (f.Location.Kind, f.Location.Index, f.Start));
        Assert.Equal("header-name", f.Location.ToString());
    }

    [Fact]
    public void Host_name_is_scanned()
    {
        var akia = Tokens.Samples["aws-access-key-id"];
        var req = Request(host: akia.ToLowerInvariant() + "." + Tokens.Hex("some-bottle-secret-value") + ".exfil.example");
        var engine = DlpEngine.Create([new KnownSecret("BOTTLE", "some-bottle-secret-value")]);
        var findings = engine.ScanRequest(req, DlpDetectors.All).Findings;
        var f = Assert.Single(findings, x => x.Detector == DlpFinding.KnownSecretsDetector);
        Assert.Equal((DlpLocationKind.Host, "BOTTLE", DlpEncodings.Hex), (f.Location.Kind, f.RuleId, f.Encoding));

        // The hex label is also encoded data in the host name (issue 16).
        var data = Assert.Single(findings, x => x.RuleId == "host-encoded-data");
        Assert.Equal(DlpLocationKind.Host, data.Location.Kind);
    }

    [Fact]
    public void Json_body_findings_carry_the_json_path()
    {
        string body = "{\"a\":{\"b\":[1,{\"c\":\"x\"},{\"token\":\"" + Token + "\"}]},\"weird key\":\"" + Token + "\"}";
        var req = Request("/", body, "application/json");
        var findings = DlpTestHelpers.Engine.ScanRequest(req, DlpDetectors.All).Findings.OrderBy(f => f.Start).ToList();
        Assert.Equal(["body:$.a.b[2].token", "body:$['weird key']"], findings.Select(f => f.Location.ToString()));
        Assert.All(findings, f => Assert.Equal(Token, Encoding.UTF8.GetString(req.Body.Span.Slice(f.Start, f.Length))));
    }

    [Fact]
    public void Json_property_name_holding_the_secret_is_redacted_in_the_path()
    {
        string body = "{\"" + Token + "\":{\"n\":1}}";
        var f = Only(Request("/", body, "application/json"));
        Assert.Equal("body:$.[REDACTED]", f.Location.ToString());
    }

    [Fact]
    public void Json_number_and_escaped_string()
    {
        string card = Tokens.Card("4", 16, 601);
        string escaped = Tokens.JsonEscapeAll(Token);
        string body = "{\"n\":" + card + ",\"s\":\"" + escaped + "\"}";
        var findings = DlpTestHelpers.Engine.ScanRequest(Request("/", body, "application/json"), DlpDetectors.All).Findings.OrderBy(f => f.Start).ToList();
        Assert.Equal(["body:$.n", "body:$.s"], findings.Select(f => f.Location.ToString()));
        Assert.Equal(DlpEncodings.Escape, findings[1].Encoding);
    }

    [Fact]
    public void Body_offsets_are_byte_offsets_after_multibyte_text()
    {
        string body = "{\"note\":\"héllo wörld ✓ 😀\",\"t\":\"" + Token + "\"}";
        var req = Request("/", body, "application/json");
        var f = Only(req);
        Assert.Equal(Token, Encoding.UTF8.GetString(req.Body.Span.Slice(f.Start, f.Length)));
        Assert.Equal("body:$.t", f.Location.ToString());
    }

    [Fact]
    public void Malformed_json_falls_back_to_plain_text()
    {
        var req = Request("/", "{\"broken\": [1, 2, \"" + Token + "\"", "application/json");
        var f = Only(req);
        Assert.Equal(DlpLocationKind.Body, f.Location.Kind);
        Assert.Equal(Token, Encoding.UTF8.GetString(req.Body.Span.Slice(f.Start, f.Length)));
    }

    [Fact]
    public void Form_field_is_named()
    {
        var req = Request("/", "user=ada&api%5Fkey=" + Token + "&x=1", "application/x-www-form-urlencoded");
        var f = Only(req);
        Assert.Equal("body:api_key", f.Location.ToString());
    }

    [Theory]
    [InlineData("app.config['SECRET_KEY'] = 'x'\nk=")]
    [InlineData("release notes: the build moved on\nk=")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=")]
    public void A_body_sent_as_a_form_that_is_not_one_gives_no_field_name(string prefix)
    {
        // curl -d posts any file as application/x-www-form-urlencoded: the text before the first '=' is not a name,
        // and the finding's location (written to the audit) must not quote it.
        var f = Only(Request("/", prefix + Token, "application/x-www-form-urlencoded"));
        Assert.Equal("body", f.Location.ToString());
    }

    [Theory]
    [InlineData("user%5Bapi_token%5D", "user[api_token]")]
    [InlineData("data.key-1", "data.key-1")]
    public void Nested_and_dotted_form_names_are_kept(string raw, string name)
    {
        var f = Only(Request("/", "a=1&" + raw + "=" + Token, "application/x-www-form-urlencoded"));
        Assert.Equal("body:" + name, f.Location.ToString());
    }

    [Fact]
    public void Multipart_part_is_named()
    {
        string body = "--b1\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n--b1\r\nContent-Disposition: form-data; name=\"config\"; filename=\"c.txt\"\r\nContent-Type: text/plain\r\n\r\ntoken: " + Token + "\r\n--b1--\r\n";
        var f = Only(Request("/", body, "multipart/form-data; boundary=\"b1\""));
        Assert.Equal("body:config", f.Location.ToString());
    }

    [Fact]
    public void Plain_text_body()
    {
        var req = Request("/", "line one\nline two " + Token + "\n", "text/plain");
        var f = Only(req);
        Assert.Equal(("body", 18), (f.Location.ToString(), f.Start));
    }

    [Fact]
    public void Content_type_header_is_used_when_the_property_is_null()
    {
        var req = Request("/", "{\"k\":\"" + Token + "\"}", null, headers: ("Content-Type", "application/vnd.api+json; charset=utf-8"));
        Assert.Equal("body:$.k", Only(req).Location.ToString());
    }

    [Fact]
    public void Detectors_select_what_runs()
    {
        var engine = DlpEngine.Create([new KnownSecret("S", "known-secret-value-1")]);
        var req = Request("/?a=" + Token + "&b=known-secret-value-1");
        Assert.Equal(2, engine.ScanRequest(req, DlpDetectors.All).Findings.Count);
        Assert.Equal("github-pat-classic", Assert.Single(engine.ScanRequest(req, DlpDetectors.TokenPatterns).Findings).RuleId);
        Assert.Equal("S", Assert.Single(engine.ScanRequest(req, DlpDetectors.KnownSecrets).Findings).RuleId);
        Assert.Same(DlpReport.Clean, engine.ScanRequest(req, DlpDetectors.None));
    }

    [Fact]
    public void Detector_flags_convert_from_the_route_model()
    {
        Assert.Equal(DlpDetectors.All, BotBottle.Policy.RouteDlp.Default.OutboundDetectors.ToDlpDetectors());
        Assert.Equal(DlpDetectors.None, System.Collections.Immutable.ImmutableArray<BotBottle.Policy.OutboundDetector>.Empty.ToDlpDetectors());
        Assert.Equal(DlpDetectors.KnownSecrets, System.Collections.Immutable.ImmutableArray.Create(BotBottle.Policy.OutboundDetector.KnownSecrets).ToDlpDetectors());
        Assert.Equal(DlpDetectors.All, default(System.Collections.Immutable.ImmutableArray<BotBottle.Policy.OutboundDetector>).ToDlpDetectors());
        Assert.Equal(BotBottle.Policy.RouteDlp.Default.OutboundDetectors.AsEnumerable(), DlpDetectors.All.ToOutboundDetectors().AsEnumerable());
    }

    [Fact]
    public void ScanUtf8_reports_byte_offsets()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("ü " + Token);
        var findings = new List<DlpFinding>();
        DlpTestHelpers.Engine.ScanUtf8(bytes, DlpLocation.Body, DlpDetectors.All, findings);
        Assert.Equal(3, Assert.Single(findings).Start);
    }

    [Fact]
    public void Json_path_is_valid_for_deep_documents()
    {
        var doc = new Dictionary<string, object> { ["level1"] = new object[] { new Dictionary<string, object> { ["level2"] = new[] { "a", Token } } } };
        string body = JsonSerializer.Serialize(doc);
        Assert.Equal("body:$.level1[0].level2[1]", Only(Request("/", body, "application/json")).Location.ToString());
    }
}
