using BotBottle.Egress;
using BotBottle.Policy;

namespace BotBottle.Tests.Egress;

public class CompiledEgressPolicyTests
{
    private static readonly KeyValuePair<string, string>[] NoHeaders = [];

    private static CompiledEgressPolicy Compile(params EgressRoute[] routes) => new(new EgressPolicy([.. routes]));

    [Fact]
    public void Default_deny_and_exact_case_insensitive_host_match()
    {
        var p = Compile(new EgressRoute { Host = "api.github.com" });
        Assert.True(p.Evaluate("GET", "API.GitHub.com.", "/user", "", NoHeaders).Allowed);
        var sub = p.Evaluate("GET", "evil.api.github.com", "/", "", NoHeaders);
        Assert.Equal(EgressDenial.NoRoute, sub.Denial);
        Assert.Equal(EgressDenial.NoRoute, p.Evaluate("GET", "github.com", "/", "", NoHeaders).Denial);
    }

    [Fact]
    public void A_wildcard_route_covers_names_under_its_domain_at_any_depth_but_not_the_domain_itself()
    {
        var p = Compile(new EgressRoute { Host = "*.example.com", Ports = [8443] });
        Assert.True(p.Evaluate(new EgressRequest("GET", "https", "a.example.com", 8443, "/", "", NoHeaders)).Allowed);
        Assert.True(p.Evaluate(new EgressRequest("GET", "https", "A.b.Example.COM.", 8443, "/", "", NoHeaders)).Allowed);
        Assert.Equal(EgressDenial.NoRoute, p.Evaluate("GET", "example.com", "/", "", NoHeaders).Denial);
        Assert.Equal(EgressDenial.NoRoute, p.Evaluate("GET", "a.notexample.com", "/", "", NoHeaders).Denial);
        Assert.Equal(EgressDenial.NoRoute, p.Evaluate("GET", "example.com.evil.test", "/", "", NoHeaders).Denial);
        Assert.Equal(EgressDenial.PortNotAllowed, p.Evaluate("GET", "a.example.com", "/", "", NoHeaders).Denial);

        // A request cannot name the pattern itself as its host.
        Assert.Equal(EgressDenial.InvalidHost, p.Evaluate("GET", "*.example.com", "/", "", NoHeaders).Denial);
    }

    [Fact]
    public void An_exact_route_beats_a_wildcard_and_the_most_specific_wildcard_wins()
    {
        var exact = new EgressRoute { Host = "api.example.com", Ports = [1] };
        var inner = new EgressRoute { Host = "*.b.example.com", Ports = [2] };
        var outer = new EgressRoute { Host = "*.example.com", Ports = [3] };
        var p = Compile(outer, exact, inner);
        Assert.Same(exact, p.FindRoute("API.example.com"));
        Assert.Same(inner, p.FindRoute("x.b.example.com"));
        Assert.Same(inner, p.FindRoute("y.x.b.example.com"));
        Assert.Same(outer, p.FindRoute("b.example.com"));
        Assert.Same(outer, p.FindRoute("x.api.example.com"));
        Assert.Same(outer, p.FindRoute("*.example.com"));
        Assert.Null(p.FindRoute("example.com"));
        Assert.Null(p.FindRoute("com"));
    }

    [Theory]
    // RFC 8484 §4.1.1's example query for www.example.com, A record, by GET.
    [InlineData("GET", "/dns-query", "dns=AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB", null)]
    [InlineData("GET", "/any/path", "ct=1&dns=AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB", null)]
    [InlineData("POST", "/dns-query", "", "Content-Type: application/dns-message")]
    [InlineData("GET", "/q", "", "Accept: application/dns-message")]
    [InlineData("GET", "/resolve", "name=example.com&type=A", null)]
    [InlineData("GET", "/dns-query", "name=example.com&type=AAAA", "Accept: application/dns-json")]
    [InlineData("GET", "/DNS-QUERY", "name=example.com", null)]
    [InlineData("GET", "//resolve/", "name=example.com", null)]
    [InlineData("GET", "/resolve;x", "name=example.com", null)]
    [InlineData("GET", "/dns-query;dns=AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB", "", null)]
    [InlineData("GET", "/q", "d%6Es=AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB", null)] // the key percent-encoded: past the cheap guard
    [InlineData("GET", "/q", "dns=AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB%3D%3D", null)] // padded (lenient decoding)
    public void Dns_over_https_is_refused_whatever_the_route(string method, string path, string query, string? header)
    {
        var p = Compile(new EgressRoute { Host = "*.google.com" }, new EgressRoute { Host = "cloudflare-dns.com" });
        KeyValuePair<string, string>[] headers = header is null ? [] : [new(header[..header.IndexOf(':', StringComparison.Ordinal)], header[(header.IndexOf(':', StringComparison.Ordinal) + 1)..])];
        foreach (var host in new[] { "dns.google.com", "cloudflare-dns.com" })
        {
            var d = p.Evaluate(method, host, path, query, headers);
            Assert.Equal(EgressDenial.DnsOverHttps, d.Denial);
            Assert.Contains("DNS-over-HTTPS", d.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/api/resolve", "name=left-pad")]
    [InlineData("/resolve", "")]
    [InlineData("/search", "dns=short")]
    [InlineData("/search", "dns=aGVsbG8gd29ybGQgdGhpcyBpcyB0ZXh0")] // base64 of text, not a DNS query header
    [InlineData("/dns-query", "")]
    public void Requests_that_only_look_like_dns_over_https_pass(string path, string query)
    {
        var p = Compile(new EgressRoute { Host = "api.example.com" });
        Assert.True(p.Evaluate("GET", "api.example.com", path, query, [new("Accept", "application/json")]).Allowed);
    }

    [Fact]
    public void A_host_judged_before_is_judged_alike_whatever_came_between()
    {
        // The policy remembers the last name that passed the name checks; every other name is still checked in full.
        var p = Compile(new EgressRoute { Host = "example.com" });
        foreach (var _ in Enumerable.Range(0, 2))
        {
            Assert.True(p.Evaluate("GET", "example.com", "/", "", NoHeaders).Allowed);
            Assert.True(p.Evaluate("GET", "example.com", "/", "", NoHeaders).Allowed);
            Assert.Equal(EgressDenial.IpLiteral, p.Evaluate("GET", "2130706433", "/", "", NoHeaders).Denial);
            Assert.Equal(EgressDenial.IpLiteral, p.Evaluate("GET", "2130706433", "/", "", NoHeaders).Denial);
            Assert.True(p.Evaluate("GET", "EXAMPLE.com.", "/", "", NoHeaders).Allowed);
            Assert.Equal(EgressDenial.InvalidHost, p.Evaluate("GET", "exa mple.com", "/", "", NoHeaders).Denial);
            Assert.Equal(EgressDenial.NoRoute, p.Evaluate("GET", "other.example", "/", "", NoHeaders).Denial);
            Assert.Equal(EgressDenial.NoRoute, p.Evaluate("GET", "other.example", "/", "", NoHeaders).Denial);
        }
    }

    [Fact]
    public void Ip_literals_and_invalid_names_are_refused_before_routes()
    {
        var p = Compile(new EgressRoute { Host = "example.com" });
        Assert.Equal(EgressDenial.IpLiteral, p.Evaluate("GET", "2130706433", "/", "", NoHeaders).Denial);
        Assert.Equal(EgressDenial.InvalidHost, p.Evaluate("GET", "exa mple.com", "/", "", NoHeaders).Denial);
    }

    [Fact]
    public void Matches_need_one_entry_whose_every_part_holds()
    {
        var p = Compile(new EgressRoute
        {
            Host = "h.example",
            Matches =
            [
                new RouteMatch { Paths = [new ValuePattern(PatternKind.Exact, "/exact")] },
                new RouteMatch { Paths = [new ValuePattern(PatternKind.Prefix, "/v1/")], Methods = ["GET", "HEAD"] },
                new RouteMatch { Paths = [new ValuePattern(PatternKind.Regex, "^/items/[0-9]+$")], Headers = [new HeaderMatch("Accept", new ValuePattern(PatternKind.Prefix, "application/json"))] },
            ],
        });
        Assert.True(p.Evaluate("DELETE", "h.example", "/exact", "", NoHeaders).Allowed);
        Assert.False(p.Evaluate("GET", "h.example", "/exact/more", "", NoHeaders).Allowed);
        Assert.True(p.Evaluate("head", "h.example", "/v1/x", "", NoHeaders).Allowed);
        Assert.False(p.Evaluate("POST", "h.example", "/v1/x", "", NoHeaders).Allowed);
        Assert.False(p.Evaluate("GET", "h.example", "/items/12", "", NoHeaders).Allowed);
        Assert.True(p.Evaluate("GET", "h.example", "/items/12", "", [new("accept", "application/json; q=1")]).Allowed);
        Assert.False(p.Evaluate("GET", "h.example", "/items/12x", "", [new("Accept", "application/json")]).Allowed);
        Assert.Equal(EgressDenial.NoMatch, p.Evaluate("GET", "h.example", "/nope", "", NoHeaders).Denial);
    }

    [Theory]
    [InlineData("/o/r.git/git-receive-pack", "", "git-receive-pack")]
    [InlineData("/o/r.git/info/refs", "service=git-receive-pack", "git-receive-pack")]
    [InlineData("/o/r.git/info/refs", "foo=1&service=git%2Dreceive%2Dpack", "git-receive-pack")]
    [InlineData("/o/r.git/GIT-RECEIVE-PACK/", "", "git-receive-pack")]
    [InlineData("/o/r.git/git%2Dreceive-pack", "", "git-receive-pack")]
    [InlineData("/o/r.git/git-upload-pack", "", "git-upload-pack")]
    [InlineData("/o/r.git/info/refs", "service=git-upload-pack", "git-upload-pack")]
    [InlineData("/o/r.git/info/refs", "", null)]
    [InlineData("/api/receive-pack", "", null)]
    public void Git_smart_http_services_are_recognised(string path, string query, string? expected)
    {
        Assert.Equal(expected, CompiledEgressPolicy.GitService(path, query));
    }

    [Fact]
    public void Git_push_is_refused_even_on_a_route_with_fetch_and_no_matches()
    {
        var p = Compile(new EgressRoute { Host = "github.com", Git = new RouteGit(true) });
        Assert.Equal(EgressDenial.GitPush, p.Evaluate("POST", "github.com", "/o/r.git/git-receive-pack", "", NoHeaders).Denial);
        Assert.True(p.Evaluate("POST", "github.com", "/o/r.git/git-upload-pack", "", NoHeaders).Allowed);
        var noFetch = Compile(new EgressRoute { Host = "github.com" });
        Assert.Equal(EgressDenial.GitFetchNotAllowed, noFetch.Evaluate("GET", "github.com", "/o/r.git/info/refs", "service=git-upload-pack", NoHeaders).Denial);
    }
}
