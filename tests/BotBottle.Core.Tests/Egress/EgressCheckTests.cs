using System.Text;
using BotBottle.Dlp;
using BotBottle.Egress;
using BotBottle.Policy;

namespace BotBottle.Tests.Egress;

public class EgressCheckTests
{
    private const string AwsKey = "AKIAQ2W3E4R5T6Y7U2I3";

    private static EgressVerdict Check(EgressPolicy policy, string method, string url, string body = "", params (string, string)[] headers) =>
        EgressCheck.Evaluate(new CompiledEgressPolicy(policy), new EgressInspector(DlpEngine.Create([new KnownSecret("TOKEN", "tok-0123456789abcdefghij")])),
            new EgressCheckRequest { Method = method, Url = url, Body = Encoding.UTF8.GetBytes(body), Headers = [.. headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2))] });

    private static EgressPolicy Routes(DlpAction action = DlpAction.Supervise) => new(
    [
        new EgressRoute { Host = "api.github.com", Dlp = new RouteDlp { OutboundOnMatch = action } },
        new EgressRoute { Host = "docs.example", Dlp = new RouteDlp { OutboundDetectors = [] } },
    ]);

    [Fact]
    public void Allow_has_no_reasons_and_policy_blocks_name_the_rule()
    {
        Assert.Equal(EgressVerdict.Allowed, Check(Routes(), "GET", "https://api.github.com/user"));
        var v = Check(Routes(), "GET", "https://evil.example/");
        Assert.Equal(EgressVerdictKind.Block, v.Verdict);
        Assert.Equal(("policy", "NoRoute", "host"), (v.Reasons[0].Detector, v.Reasons[0].Rule, v.Reasons[0].Location));
        Assert.Equal("IpLiteral", Check(Routes(), "GET", "http://2130706433/").Reasons[0].Rule);
        Assert.Equal("GitPush", Check(Routes(), "POST", "https://api.github.com/o/r.git/git-receive-pack").Reasons[0].Rule);
    }

    [Theory]
    [InlineData(DlpAction.Block, EgressVerdictKind.Block)]
    [InlineData(DlpAction.Redact, EgressVerdictKind.Redact)]
    [InlineData(DlpAction.Supervise, EgressVerdictKind.Supervise)]
    public void The_routes_action_decides_the_verdict_for_a_finding(DlpAction action, EgressVerdictKind expected)
    {
        var v = Check(Routes(action), "POST", "https://api.github.com/gists", "{\"files\":{\"a\":\"" + AwsKey + "\"}}", ("Content-Type", "application/json"));
        Assert.Equal(expected, v.Verdict);
        var r = Assert.Single(v.Reasons);
        Assert.Equal(("token_patterns", "aws-access-key-id", "body:$.files.a"), (r.Detector, r.Rule, r.Location));
        Assert.DoesNotContain(AwsKey, r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Known_secrets_are_found_in_the_url_and_credentials_in_userinfo()
    {
        var q = Check(Routes(DlpAction.Block), "GET", "https://api.github.com/search?q=tok-0123456789abcdefghij");
        Assert.Equal("known_secrets", q.Reasons[0].Detector);
        var userinfo = Check(Routes(DlpAction.Block), "GET", "https://user:hunter2-long-password@api.github.com/");
        Assert.Equal(EgressVerdictKind.Block, userinfo.Verdict);
    }

    [Fact]
    public void A_route_with_dlp_off_allows_content()
    {
        Assert.Equal(EgressVerdictKind.Allow, Check(Routes(), "POST", "https://docs.example/x", AwsKey).Verdict);
    }

    [Theory]
    [InlineData("GET", "ftp://x/")]
    [InlineData("GET", "/relative")]
    [InlineData("BAD METHOD", "https://api.github.com/")]
    public void Bad_input_is_InvalidRequest(string method, string url)
    {
        var ex = Assert.Throws<Errors.BotBottleException>(() => Check(Routes(), method, url));
        Assert.Equal("InvalidRequest", ex.ErrorId);
    }
}
