using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BotBottle.Policy;
using BotBottle.Sidecar.Egress;

namespace BotBottle.Tests;

/// <summary>
/// What the policy judges is what the upstream receives (issue 15 items 4–6): the <c>Host</c> header must name the
/// request's target (no domain fronting with the route's credential attached), paths are normalised before rules
/// match and forwarded as matched, method-override headers are judged as the method they name, and a route reaches
/// only its ports. Real proxy, real TLS through CONNECT, real sockets; every refusal has a positive control that the
/// same request shape passes when it is legitimate.
/// </summary>
public class RequestTargetTests
{
    private static EgressPolicy Policy(params EgressRoute[] routes) => new([.. routes], EgressLogLevel.All);

    private static EgressRoute WithToken(EgressRoute r) => r with { Auth = new RouteAuth(AuthScheme.Bearer, "UPSTREAM_TOKEN") };

    [Fact]
    public async Task Plain_http_with_a_Host_header_naming_another_host_is_refused()
    {
        // Plain http is only ever allowed on a route without a credential (UpstreamTlsTests: a credential needs TLS).
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route("other.test")));
        var authority = $"other.test:{h.Upstream.HttpPort}";

        // Positive control: the same request with an honest Host header is forwarded.
        var ok = await EgressProxyTests.RawAsync(h, $"GET http://{authority}/honest HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", ok, StringComparison.Ordinal);
        Assert.Contains(h.Upstream.Received, r => r.Path == "/honest");

        var fronted = await EgressProxyTests.RawAsync(h, $"GET http://{authority}/front HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 403", fronted, StringComparison.Ordinal);
        Assert.Contains("X-BotBottle-Reason: HostMismatch", fronted, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Upstream.Received, r => r.Path == "/front");
    }

    [Fact]
    public async Task A_header_a_route_requires_cannot_be_shown_to_the_policy_and_then_dropped_as_hop_by_hop()
    {
        // Red team 8: a field that Connection names is hop-by-hop (RFC 9110 §7.6.1), so the proxy drops it; the policy
        // judged it anyway, so the route's header condition held for a request that reached the upstream without it.
        var route = ProxyHarness.Route() with
        {
            Matches = [new RouteMatch { Headers = [new HeaderMatch("X-Tenant", new ValuePattern(PatternKind.Exact, "mine"))] }],
        };
        await using var h = await ProxyHarness.StartAsync(Policy(route));
        var tls = $"upstream.test:{h.Upstream.HttpsPort}";

        // Control: the condition holds and the field is forwarded.
        var ok = await TunnelAsync(h, "upstream.test", h.Upstream.HttpsPort, $"GET /tenant-kept HTTP/1.1\r\nHost: {tls}\r\nX-Tenant: mine\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", ok, StringComparison.Ordinal);
        Assert.Equal("mine", h.Upstream.Last("/tenant-kept").Headers["X-Tenant"]);

        var dropped = await TunnelAsync(h, "upstream.test", h.Upstream.HttpsPort, $"GET /tenant-dropped HTTP/1.1\r\nHost: {tls}\r\nX-Tenant: mine\r\nConnection: close, X-Tenant\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 403", dropped, StringComparison.Ordinal);
        Assert.Contains("X-BotBottle-Reason: NoMatch", dropped, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Upstream.Received, r => r.Path == "/tenant-dropped");
    }

    [Fact]
    public async Task Several_Host_headers_are_refused_outside_and_inside_tunnels()
    {
        await using var h = await ProxyHarness.StartAsync(Policy(WithToken(ProxyHarness.Route()), ProxyHarness.Route("other.test")));
        var authority = $"other.test:{h.Upstream.HttpPort}";
        var plain = await EgressProxyTests.RawAsync(h, $"GET http://{authority}/two HTTP/1.1\r\nHost: {authority}\r\nHost: attacker.example\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 403", plain, StringComparison.Ordinal);
        Assert.Contains("X-BotBottle-Reason: HostMismatch", plain, StringComparison.Ordinal);

        var tls = $"upstream.test:{h.Upstream.HttpsPort}";
        var control = await TunnelAsync(h, "upstream.test", h.Upstream.HttpsPort, $"GET /one HTTP/1.1\r\nHost: {tls}\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", control, StringComparison.Ordinal);
        var tunnel = await TunnelAsync(h, "upstream.test", h.Upstream.HttpsPort, $"GET /two-tls HTTP/1.1\r\nHost: {tls}\r\nHost: attacker.example\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 403", tunnel, StringComparison.Ordinal);
        Assert.Contains("HostMismatch", tunnel, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Upstream.Received, r => r.Path.StartsWith("/two", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dot_segments_cannot_climb_out_of_a_prefix_rule_and_the_normalised_path_is_forwarded()
    {
        var route = ProxyHarness.Route() with
        {
            Matches = [new RouteMatch { Paths = [new ValuePattern(PatternKind.Prefix, "/repos/myorg/")], Methods = ["POST"] }],
        };
        await using var h = await ProxyHarness.StartAsync(Policy(route));

        // Positive control: dot segments that stay inside the prefix are resolved and the result is forwarded.
        var inside = await h.CurlAsync("--path-as-is", "-X", "POST", "-o", "/dev/null", "-w", "%{http_code}", h.Https("/repos/myorg/a/../proj"));
        Assert.Equal("200", inside.StandardOutput);
        Assert.Contains(h.Upstream.Received, r => r.Path == "/repos/myorg/proj");

        foreach (var path in new[] { "/repos/myorg/../../user/repos", "/repos/myorg/%2e%2e/%2e%2e/user/repos", "/repos/myorg/%2E%2E/%2e./user/repos" })
        {
            var r = await h.CurlAsync("--path-as-is", "-X", "POST", "-D", "-", "-o", "/dev/null", h.Https(path));
            Assert.Contains("HTTP/1.1 403", r.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("NoMatch", r.StandardOutput, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(h.Upstream.Received, r => r.Path.Contains("user", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/repos/myorg/..;/..;/user/repos")]
    [InlineData("/repos/myorg%2F..%2F..%2Fuser/repos")]
    [InlineData("/repos/myorg/..%5C..%5Cuser/repos")]
    [InlineData("/repos/myorg/x%00/y")]
    public async Task Paths_servers_disagree_on_are_refused_on_routes_with_path_rules(string path)
    {
        var route = ProxyHarness.Route() with { Matches = [new RouteMatch { Paths = [new ValuePattern(PatternKind.Prefix, "/repos/myorg/")] }] };
        await using var h = await ProxyHarness.StartAsync(Policy(route));
        var control = await h.CurlAsync("--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", h.Https("/repos/myorg/x"));
        Assert.Equal("200", control.StandardOutput);
        var r = await h.CurlAsync("--path-as-is", "-D", "-", "-o", "/dev/null", h.Https(path));
        Assert.Contains("HTTP/1.1 403", r.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("InvalidPath", r.StandardOutput, StringComparison.Ordinal);
        Assert.Single(h.Upstream.Received);
    }

    [Theory]
    [InlineData("X-HTTP-Method-Override")]
    [InlineData("X-HTTP-Method")]
    [InlineData("X-Method-Override")]
    public async Task A_method_override_header_is_judged_as_the_method_it_names(string header)
    {
        var route = ProxyHarness.Route() with { Matches = [new RouteMatch { Paths = [new ValuePattern(PatternKind.Prefix, "/api/")], Methods = ["POST"] }] };
        await using var h = await ProxyHarness.StartAsync(Policy(route));
        using var client = h.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(h.Https("/api/items"), new StringContent("x"))).StatusCode);
        var sameMethod = new HttpRequestMessage(HttpMethod.Post, h.Https("/api/same")) { Content = new StringContent("x") };
        sameMethod.Headers.Add(header, "POST");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(sameMethod)).StatusCode);

        var overridden = new HttpRequestMessage(HttpMethod.Post, h.Https("/api/items/1")) { Content = new StringContent("x") };
        overridden.Headers.Add(header, "DELETE");
        var r = await client.SendAsync(overridden);
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Contains("DELETE", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(h.Upstream.Received, x => x.Path == "/api/items/1");
    }

    [Fact]
    public async Task A_route_reaches_only_its_ports_through_connect_and_plain_http()
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()));
        h.SetPolicy(Policy(ProxyHarness.Route() with { Ports = [h.Upstream.HttpsPort] }));
        using var client = h.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(h.Https("/listed"))).StatusCode);

        var plain = await EgressProxyTests.RawAsync(h, $"GET http://upstream.test:{h.Upstream.HttpPort}/other-port HTTP/1.1\r\nHost: upstream.test:{h.Upstream.HttpPort}\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 403", plain, StringComparison.Ordinal);
        Assert.Contains("PortNotAllowed", plain, StringComparison.Ordinal);

        // CONNECT to an unlisted port: the tunnel opens (so the agent can read why), the request inside is refused.
        var tunnel = await TunnelAsync(h, "upstream.test", h.Upstream.HttpPort, $"GET /other-port-tls HTTP/1.1\r\nHost: upstream.test:{h.Upstream.HttpPort}\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 403", tunnel, StringComparison.Ordinal);
        Assert.Contains("PortNotAllowed", tunnel, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Upstream.Received, r => r.Path.StartsWith("/other-port", StringComparison.Ordinal));
    }

    /// <summary>Opens a CONNECT tunnel, does TLS trusting only the bottle CA, sends <paramref name="request"/> raw and returns the response text.</summary>
    internal static async Task<string> TunnelAsync(ProxyHarness h, string host, int port, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(h.Endpoint);
        var s = tcp.GetStream();
        await s.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n"));
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await s.ReadAsync(one) == 1)
        {
            head.Append((char)one[0]);
        }

        Assert.StartsWith("HTTP/1.1 200", head.ToString(), StringComparison.Ordinal);
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(h.BottleCaPath));
        await using var ssl = new SslStream(s, leaveInnerStreamOpen: false, (_, cert, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return cert is not null && chain.Build(new X509Certificate2(cert));
        });
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host, ApplicationProtocols = [SslApplicationProtocol.Http11] });
        await ssl.WriteAsync(Encoding.Latin1.GetBytes(request));
        await ssl.FlushAsync();
        using var ms = new MemoryStream();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await ssl.CopyToAsync(ms, cts.Token);
        }
        catch (IOException)
        {
        }

        return Encoding.Latin1.GetString(ms.ToArray());
    }
}
