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

    /// <summary>
    /// Fault injection: a rule whose confirming matcher throws (standing for any defect in the engine, which scans bytes
    /// the agent chose) makes the inspector block the request with <c>dlp/engine-error</c>, on every route action, instead
    /// of the exception reaching the proxy (which would drop the connection with no verdict and no audit record). The
    /// reason names the exception's type, not its message.
    /// </summary>
    [Theory]
    [InlineData(DlpAction.Block)]
    [InlineData(DlpAction.Redact)]
    [InlineData(DlpAction.Supervise)]
    public void A_failure_inside_the_DLP_engine_blocks_the_request(DlpAction action)
    {
        var throwing = new TokenRule("test-throws", "a rule whose matcher throws", "test", "zqxboom_…", ["zqxboom_"], "zqxboom_", RuleTrigger.Anchor,
            (ReadOnlySpan<char> text, int anchor, out int start, out int length) => throw new InvalidOperationException("secret-looking message zqxboom_"));
        var ctor = typeof(TokenRuleSet).GetConstructor(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance, [typeof(string), typeof(IReadOnlyList<TokenRule>)])!;
        var rules = (TokenRuleSet)ctor.Invoke(["test", new[] { throwing }]);
        var inspector = new EgressInspector(DlpEngine.Create([], rules));
        var policy = new CompiledEgressPolicy(new EgressPolicy([new EgressRoute { Host = "api.example.com", Dlp = new RouteDlp { OutboundOnMatch = action } }]));

        var clean = EgressCheck.Evaluate(policy, inspector, new EgressCheckRequest { Method = "POST", Url = "https://api.example.com/a", Body = Encoding.UTF8.GetBytes("nothing to see here, just text") });
        Assert.Equal(EgressVerdictKind.Allow, clean.Verdict);

        var v = EgressCheck.Evaluate(policy, inspector, new EgressCheckRequest { Method = "POST", Url = "https://api.example.com/a", Body = Encoding.UTF8.GetBytes("x=zqxboom_0123456789abcdefghij") });
        Assert.Equal(EgressVerdictKind.Block, v.Verdict);
        var reason = Assert.Single(v.Reasons);
        Assert.Equal(("dlp", "engine-error", "request"), (reason.Detector, reason.Rule, reason.Location));
        Assert.Contains(nameof(InvalidOperationException), reason.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("zqxboom_", reason.Message, StringComparison.Ordinal);
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

/// <summary>
/// The offline check decides exactly as the proxy (issue 15 items 4–6): the same <see cref="CompiledEgressPolicy.Evaluate(EgressRequest)"/>
/// judges the Host header, the normalised path, method overrides and ports.
/// </summary>
public class EgressCheckTargetTests
{
    private static EgressVerdict Check(EgressPolicy policy, string method, string url, params (string, string)[] headers) =>
        EgressCheck.Evaluate(new CompiledEgressPolicy(policy), new EgressInspector(DlpEngine.Create([])),
            new EgressCheckRequest { Method = method, Url = url, Headers = [.. headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2))] });

    private static readonly EgressPolicy GitHub = new(
    [
        new EgressRoute
        {
            Host = "api.github.com",
            Auth = new RouteAuth(AuthScheme.Bearer, "GITHUB_TOKEN"),
            Matches = [new RouteMatch { Paths = [new ValuePattern(PatternKind.Prefix, "/repos/myorg/")], Methods = ["GET", "POST"] }],
        },
        new EgressRoute { Host = "cdn.example" },
        new EgressRoute { Host = "internal.example", Ports = [8443] },
    ]);

    [Fact]
    public void A_Host_header_that_differs_from_the_url_is_refused()
    {
        Assert.Equal(EgressVerdictKind.Allow, Check(GitHub, "GET", "https://api.github.com/repos/myorg/x", ("Host", "api.github.com")).Verdict);
        var v = Check(GitHub, "GET", "https://api.github.com/repos/myorg/x", ("Host", "attacker.example"));
        Assert.Equal(EgressVerdictKind.Block, v.Verdict);
        Assert.Equal(("policy", "HostMismatch", "header:Host"), (v.Reasons[0].Detector, v.Reasons[0].Rule, v.Reasons[0].Location));
        Assert.Equal("HostMismatch", Check(GitHub, "GET", "https://api.github.com/repos/myorg/x", ("Host", "api.github.com"), ("host", "api.github.com")).Reasons[0].Rule);
        Assert.Equal("HostMismatch", Check(GitHub, "GET", "https://api.github.com/repos/myorg/x", ("Host", "api.github.com:8443")).Reasons[0].Rule);
    }

    [Fact]
    public void A_route_that_injects_a_credential_refuses_plain_http()
    {
        Assert.Equal(EgressVerdictKind.Allow, Check(GitHub, "GET", "https://api.github.com/repos/myorg/x").Verdict); // control: over TLS
        var v = Check(GitHub, "GET", "http://api.github.com/repos/myorg/x");
        Assert.Equal(EgressVerdictKind.Block, v.Verdict);
        Assert.Equal(("policy", "CredentialNeedsTls", "url"), (v.Reasons[0].Detector, v.Reasons[0].Rule, v.Reasons[0].Location));
        Assert.Contains("https://api.github.com", v.Reasons[0].Message, StringComparison.Ordinal);
        Assert.Equal(EgressVerdictKind.Allow, Check(GitHub, "GET", "http://cdn.example/x").Verdict); // no credential, plain http allowed
    }

    [Fact]
    public void A_method_that_is_not_registered_is_refused_unless_the_route_names_it_and_the_refusal_does_not_echo_it()
    {
        // Red team 11: curl -X "$TOKEN" carried the token in the request line, which DLP does not read.
        var token = BotBottle.Tests.Dlp.Tokens.GitHub("ghp_", 7);
        var policy = new EgressPolicy([new EgressRoute { Host = "cdn.example" }, new EgressRoute { Host = "dav.example", Matches = [new RouteMatch { Methods = ["purge"] }] }]);
        foreach (var m in new[] { "GET", "get", "PROPFIND", "MKCOL", "VERSION-CONTROL", "UPDATEREDIRECTREF", "PATCH", "TRACE" })
        {
            Assert.Equal(EgressVerdictKind.Allow, Check(policy, m, "https://cdn.example/x").Verdict);
        }

        foreach (var m in new[] { token, "PURGE", "PRI", "GETX", "TRACK", "X" })
        {
            var v = Check(policy, m, "https://cdn.example/x");
            Assert.Equal(EgressVerdictKind.Block, v.Verdict);
            Assert.Equal(("policy", "UnregisteredMethod", "method"), (v.Reasons[0].Detector, v.Reasons[0].Rule, v.Reasons[0].Location));
            Assert.Contains($"({m.Length} characters)", v.Reasons[0].Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(token.ToUpperInvariant(), Check(policy, token, "https://cdn.example/x").Reasons[0].Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(EgressVerdictKind.Allow, Check(policy, "PURGE", "https://dav.example/x").Verdict); // the route names it
        Assert.Equal(EgressVerdictKind.Block, Check(policy, "GET", "https://dav.example/x").Verdict); // and only it (control: matches still apply)

        var o = Check(policy, "POST", "https://cdn.example/x", ("X-HTTP-Method-Override", token));
        Assert.Equal("UnregisteredMethod", o.Reasons[0].Rule);
        Assert.DoesNotContain(token.ToUpperInvariant(), o.Reasons[0].Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("propfind", true)]
    [InlineData("BASELINE-CONTROL", true)]
    [InlineData("MKREDIRECTREF", true)]
    [InlineData("PRI", false)]
    [InlineData("TRACK", false)]
    [InlineData("GE", false)]
    [InlineData("GETT", false)]
    [InlineData("UPDATEREDIRECTREFS", false)]
    public void The_registry_holds_the_iana_methods_and_the_log_shows_others_by_length_only(string method, bool registered)
    {
        Assert.Equal(registered, HttpMethods.IsRegistered(method));
        Assert.Equal(registered ? method : $"[unregistered, {method.Length} chars]", HttpMethods.ForLog(method));
    }

    [Fact]
    public void A_trace_on_a_route_that_injects_a_credential_is_refused_even_when_the_route_has_no_method_rules()
    {
        // Red team 8: the server's echo of a TRACE (RFC 9110 §9.3.8) would carry the injected credential back to the agent.
        var open = new EgressPolicy([new EgressRoute { Host = "api.example", Auth = new RouteAuth(AuthScheme.Bearer, "API_TOKEN") }, new EgressRoute { Host = "cdn.example" }]);
        Assert.Equal(EgressVerdictKind.Allow, Check(open, "GET", "https://api.example/x").Verdict); // control: other methods pass
        Assert.Equal(EgressVerdictKind.Allow, Check(open, "TRACE", "https://cdn.example/x").Verdict); // no credential to echo
        foreach (var (method, headers) in new[] { ("TRACE", Array.Empty<(string, string)>()), ("track", []), ("POST", [("X-HTTP-Method-Override", "trace")]) })
        {
            var v = Check(open, method, "https://api.example/x", headers);
            Assert.Equal(EgressVerdictKind.Block, v.Verdict);
            Assert.Equal(("policy", "TraceWithCredential", "url"), (v.Reasons[0].Detector, v.Reasons[0].Rule, v.Reasons[0].Location));
            Assert.Contains("RFC 9110", v.Reasons[0].Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_header_condition_is_judged_on_the_fields_the_proxy_forwards()
    {
        // Red team 8: a field that Connection names is hop-by-hop and dropped by the proxy, so it cannot satisfy a condition.
        var tenant = new EgressPolicy([new EgressRoute { Host = "api.example", Matches = [new RouteMatch { Headers = [new HeaderMatch("X-Tenant", new ValuePattern(PatternKind.Exact, "mine"))] }] }]);
        Assert.Equal(EgressVerdictKind.Allow, Check(tenant, "GET", "https://api.example/x", ("X-Tenant", "mine"), ("Connection", "keep-alive")).Verdict); // control
        foreach (var connection in new[] { "X-Tenant", "close, x-tenant" })
        {
            var v = Check(tenant, "GET", "https://api.example/x", ("X-Tenant", "mine"), ("Connection", connection));
            Assert.Equal(("policy", "NoMatch"), (v.Reasons[0].Detector, v.Reasons[0].Rule));
        }

        // Upgrade stays judged: the proxy writes it again on the WebSocket upgrade it forwards.
        var ws = new EgressPolicy([new EgressRoute { Host = "ws.example", Matches = [new RouteMatch { Headers = [new HeaderMatch("Upgrade", new ValuePattern(PatternKind.Exact, "websocket"))] }] }]);
        Assert.Equal(EgressVerdictKind.Allow, Check(ws, "GET", "https://ws.example/socket", ("Connection", "Upgrade"), ("Upgrade", "websocket")).Verdict);
    }

    [Fact]
    public void The_hop_by_hop_test_agrees_with_the_list_in_every_letter_case_and_refuses_names_of_the_same_length()
    {
        foreach (var name in EgressRequest.HopByHopFields)
        {
            Assert.True(EgressRequest.IsHopByHopField(name), name);
            Assert.True(EgressRequest.IsHopByHopField(name.ToLowerInvariant()), name);
            Assert.True(EgressRequest.IsHopByHopField(name.ToUpperInvariant()), name);
        }

        foreach (var name in new[] { "Connection", "Upgrade", "Host", "", "T", "TF", "Trailor", "Keep-Alivf", "Proxy-Connectiom", "Transfer-Encodinh", "Proxy-Authenticatf", "Proxy-Authorizatiom", "X-Proxy-Connection" })
        {
            Assert.False(EgressRequest.IsHopByHopField(name), name);
        }

        // The fields the policy judges: nothing copied when nothing is left out, every listed field left out in any case.
        IReadOnlyList<KeyValuePair<string, string>> plain = [new("Host", "a.example"), new("Accept", "*/*"), new("Connection", "keep-alive")];
        Assert.Same(plain, EgressRequest.ForwardedFields(plain));
        IReadOnlyList<KeyValuePair<string, string>> mixed = [new("te", "trailers"), new("Accept", "*/*"), new("PROXY-AUTHORIZATION", "Basic eA=="), new("Connection", "X-A"), new("x-a", "1")];
        Assert.Equal(["Accept", "Connection"], EgressRequest.ForwardedFields(mixed).Select(h => h.Key));
    }

    [Theory]
    [InlineData("/repos/myorg/../../user/repos", "NoMatch")]
    [InlineData("/repos/myorg/%2e%2e/%2e%2e/user/repos", "NoMatch")]
    [InlineData("/repos/myorg/..;/..;/user/repos", "InvalidPath")]
    [InlineData("/repos/myorg%2F..%2F..%2Fuser/repos", "InvalidPath")]
    [InlineData("/repos/myorg/..\\..\\user/repos", "InvalidPath")]
    public void Paths_are_judged_after_normalisation(string path, string rule)
    {
        Assert.Equal(EgressVerdictKind.Allow, Check(GitHub, "POST", "https://api.github.com/repos/myorg/a/../b").Verdict);
        var v = Check(GitHub, "POST", "https://api.github.com" + path);
        Assert.Equal(EgressVerdictKind.Block, v.Verdict);
        Assert.Equal(rule, v.Reasons[0].Rule);
    }

    [Fact]
    public void Routes_without_path_rules_forward_encoded_slashes()
    {
        Assert.Equal(EgressVerdictKind.Allow, Check(GitHub, "GET", "https://cdn.example/api/v4/projects/group%2Fproject").Verdict);
    }

    [Theory]
    [InlineData("X-HTTP-Method-Override")]
    [InlineData("x-http-method")]
    [InlineData("X-Method-Override")]
    public void Method_overrides_are_judged_as_the_method_they_name(string header)
    {
        Assert.Equal(EgressVerdictKind.Allow, Check(GitHub, "POST", "https://api.github.com/repos/myorg/x", (header, "GET")).Verdict);
        var v = Check(GitHub, "POST", "https://api.github.com/repos/myorg/x", (header, "DELETE"));
        Assert.Equal(("policy", "NoMatch"), (v.Reasons[0].Detector, v.Reasons[0].Rule));
    }

    [Theory]
    [InlineData("https://cdn.example/", true)]
    [InlineData("http://cdn.example/", true)]
    [InlineData("https://cdn.example:443/", true)]
    [InlineData("https://cdn.example:8443/", false)]
    [InlineData("http://cdn.example:443/", false)]
    [InlineData("https://cdn.example:80/", false)]
    [InlineData("https://cdn.example:22/", false)]
    [InlineData("https://internal.example:8443/", true)]
    [InlineData("https://internal.example/", false)]
    [InlineData("http://internal.example:8443/", true)]
    public void Routes_reach_443_and_80_by_default_and_otherwise_only_the_ports_they_list(string url, bool allowed)
    {
        var v = Check(GitHub, "GET", url);
        Assert.Equal(allowed ? EgressVerdictKind.Allow : EgressVerdictKind.Block, v.Verdict);
        if (!allowed)
        {
            Assert.Equal(("PortNotAllowed", "port"), (v.Reasons[0].Rule, v.Reasons[0].Location));
        }
    }
}

public class RequestPathTests
{
    [Theory]
    [InlineData("/a/b/c/./../../g", "/a/g")]
    [InlineData("/mid/content=5/../6", "/mid/6")]
    [InlineData("/../../x", "/x")]
    [InlineData("/a/%2e%2E/b", "/b")]
    [InlineData("/%7Euser/%41%62", "/~user/Ab")]
    [InlineData("/a%2fb", "/a%2Fb")]
    [InlineData("/a/.", "/a/")]
    [InlineData("/a/..", "/")]
    [InlineData("/", "/")]
    public void Normalisation_follows_rfc3986(string raw, string expected)
    {
        Assert.Equal(expected, RequestPath.Normalize(raw, out _));
    }

    [Theory]
    [InlineData("/a%2Fb", PathHazard.EncodedSlash)]
    [InlineData("/a\\b", PathHazard.Backslash)]
    [InlineData("/a%5cb", PathHazard.Backslash)]
    [InlineData("/a/..;/b", PathHazard.DotSegmentWithParameters)]
    [InlineData("/a/.%3bx/b", PathHazard.DotSegmentWithParameters)]
    [InlineData("/a%zz", PathHazard.MalformedEscape)]
    [InlineData("/a%00", PathHazard.EncodedNul)]
    [InlineData("/a;b/c..;/d", PathHazard.None)]
    public void Hazards_are_reported(string raw, PathHazard expected)
    {
        RequestPath.Normalize(raw, out var hazards);
        Assert.Equal(expected, hazards);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/get/1k")]
    [InlineData("//a//b/")]
    [InlineData("/a./b../c.d")]
    [InlineData("/v1/messages")]
    public void A_path_that_is_already_normal_comes_back_as_the_same_string(string raw)
    {
        Assert.Same(raw, RequestPath.Normalize(raw, out var hazards));
        Assert.Equal(PathHazard.None, hazards);
        Assert.Equal(raw, RequestPath.RemoveDotSegments(raw)); // control: the full algorithm agrees
    }

    [Theory]
    [InlineData("/.well-known/x", "/.well-known/x")]
    [InlineData("/a/.b/../c", "/a/c")]
    [InlineData("a/b", "/a/b")]
    [InlineData("", "/")]
    [InlineData("/a;b/./c", "/a;b/c")]
    public void Paths_near_the_short_cut_are_still_normalised(string raw, string expected)
    {
        Assert.Equal(expected, RequestPath.Normalize(raw, out _));
    }
}
