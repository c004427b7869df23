using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using BotBottle.Policy;
using BotBottle.Sidecar.Egress;

namespace BotBottle.Tests;

public class EgressProxyTests
{
    private static EgressPolicy Policy(params EgressRoute[] routes) => new([.. routes], EgressLogLevel.All);

    [Fact]
    public async Task Allowed_https_request_is_intercepted_with_a_leaf_from_the_bottle_ca_and_forwarded()
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()));
        using var client = h.CreateClient();
        var r = await client.GetAsync(h.Https("/echo?x=1"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.Equal("/echo", doc.RootElement.GetProperty("path").GetString());
        Assert.Equal("?x=1", doc.RootElement.GetProperty("query").GetString());
        Assert.Equal($"upstream.test:{h.Upstream.HttpsPort}", doc.RootElement.GetProperty("host").GetString());
    }

    [Fact]
    public async Task Curl_through_the_proxy_trusting_only_the_bottle_ca_succeeds_and_sees_our_issuer()
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()));
        var r = await h.CurlAsync("-v", h.Https("/echo"));
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Contains("\"path\":\"/echo\"", r.StandardOutput, StringComparison.Ordinal);
        Assert.Matches("issuer: .*BotBottle test bottle CA", r.StandardError);
        Assert.Contains("ALPN: server accepted http/1.1", r.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_http_absolute_form_is_forwarded()
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()));
        var r = await h.CurlAsync(h.Http("/plain"));
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Contains("\"path\":\"/plain\"", r.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unlisted_host_gets_a_readable_403_that_points_to_egress_allow()
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()));
        using var client = h.CreateClient();
        var r = await client.GetAsync(h.Https("/x", "other.test"));
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal("block", r.Headers.GetValues(Responses.DecisionHeader).Single());
        Assert.Equal("NoRoute", r.Headers.GetValues(Responses.ReasonHeader).Single());
        var body = await r.Content.ReadAsStringAsync();
        Assert.Contains("no egress route allows other.test", body, StringComparison.Ordinal);
        Assert.Contains("egress-allow", body, StringComparison.Ordinal);
        Assert.Empty(h.Upstream.Received); // nothing reached any upstream
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("2130706433")]
    [InlineData("0177.0.0.1")]
    [InlineData("0x7f.1")]
    [InlineData("127.1")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("[::1]")]
    public async Task Ip_literals_in_every_spelling_are_refused(string literal)
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()));
        var viaConnect = await RawAsync(h, $"CONNECT {literal}:{h.Upstream.HttpsPort} HTTP/1.1\r\nHost: upstream.test\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 403", viaConnect, StringComparison.Ordinal);
        Assert.Contains("IpLiteral", viaConnect, StringComparison.Ordinal);

        // Spoofing the Host header does not help: the target decides.
        var viaAbsolute = await RawAsync(h, $"GET http://{literal}:{h.Upstream.HttpPort}/ HTTP/1.1\r\nHost: upstream.test\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 403", viaAbsolute, StringComparison.Ordinal);
        Assert.Empty(h.Upstream.Received);
    }

    [Fact]
    public async Task Host_header_that_differs_from_the_tunnel_is_refused()
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route(), ProxyHarness.Route("other.test")));
        var r = await h.CurlAsync("-H", "Host: evil.example", h.Https("/echo"));
        Assert.Contains("HostMismatch", r.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(h.Upstream.Received);
    }

    [Fact]
    public async Task Matches_restrict_paths_methods_and_headers()
    {
        var route = ProxyHarness.Route() with
        {
            Matches =
            [
                new RouteMatch { Paths = [new ValuePattern(PatternKind.Prefix, "/api/")], Methods = ["GET"] },
                new RouteMatch { Paths = [new ValuePattern(PatternKind.Regex, "^/upload/[0-9]+$")], Methods = ["POST"], Headers = [new HeaderMatch("X-Client", new ValuePattern(PatternKind.Exact, "bot"))] },
            ],
        };
        await using var h = await ProxyHarness.StartAsync(Policy(route));
        using var client = h.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(h.Https("/api/v1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(h.Https("/other"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync(h.Https("/api/v1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync(h.Https("/upload/12"), new StringContent("x"))).StatusCode);
        var ok = new HttpRequestMessage(HttpMethod.Post, h.Https("/upload/12")) { Content = new StringContent("x") };
        ok.Headers.Add("X-Client", "bot");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(ok)).StatusCode);
        var denied = await client.GetAsync(h.Https("/other"));
        Assert.Equal("NoMatch", denied.Headers.GetValues(Responses.ReasonHeader).Single());
    }

    [Fact]
    public async Task Auth_is_injected_and_the_agents_own_authorization_is_stripped()
    {
        var route = ProxyHarness.Route() with { Auth = new RouteAuth(AuthScheme.Bearer, "UPSTREAM_TOKEN") };
        await using var h = await ProxyHarness.StartAsync(Policy(route));
        using var client = h.CreateClient();
        var withFake = new HttpRequestMessage(HttpMethod.Get, h.Https("/auth1"));
        withFake.Headers.Add("Authorization", "Bearer placeholder-the-agent-holds");
        withFake.Headers.Add("Proxy-Authorization", "Basic Zm9vOmJhcg==");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(withFake)).StatusCode);
        var seen = h.Upstream.Last("/auth1");
        Assert.Equal("Bearer " + ProxyHarness.Secret, seen.Headers["Authorization"]);
        Assert.False(seen.Headers.ContainsKey("Proxy-Authorization"));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(h.Https("/auth2"))).StatusCode);
        Assert.Equal("Bearer " + ProxyHarness.Secret, h.Upstream.Last("/auth2").Headers["Authorization"]);
    }

    [Fact]
    public async Task Token_scheme_injects_github_style_token()
    {
        var route = ProxyHarness.Route() with { Auth = new RouteAuth(AuthScheme.Token, "UPSTREAM_TOKEN") };
        await using var h = await ProxyHarness.StartAsync(Policy(route));
        using var client = h.CreateClient();
        await client.GetAsync(h.Https("/tok"));
        Assert.Equal("token " + ProxyHarness.Secret, h.Upstream.Last("/tok").Headers["Authorization"]);
    }

    [Fact]
    public async Task Header_scheme_replaces_every_case_variant_of_the_named_header()
    {
        // Anthropic reads an API key from x-api-key; an agent holding a placeholder sends it under any spelling.
        var route = ProxyHarness.Route() with { Auth = new RouteAuth(AuthScheme.Header, "UPSTREAM_TOKEN") { Name = "x-api-key" } };
        await using var h = await ProxyHarness.StartAsync(Policy(route));
        // Inside a CONNECT tunnel (a credential only travels over TLS), raw so every spelling reaches the proxy.
        var raw = $"GET /hdr HTTP/1.1\r\nHost: upstream.test:{h.Upstream.HttpsPort}\r\n"
            + "x-api-key: placeholder-1\r\nX-API-KEY: placeholder-2\r\nX-Api-Key: placeholder-3\r\nAuthorization: Bearer agent-own\r\nConnection: close\r\n\r\n";
        Assert.StartsWith("HTTP/1.1 200", await RequestTargetTests.TunnelAsync(h, "upstream.test", h.Upstream.HttpsPort, raw), StringComparison.Ordinal);
        var seen = h.Upstream.Last("/hdr");

        // Kestrel joins repeated fields (any case) with ','; exactly the real value means every variant was dropped.
        Assert.Equal(ProxyHarness.Secret, seen.Headers["x-api-key"]);

        // The agent's own Authorization is stripped on every route that injects a credential (PRODUCT.md §1.4), so a
        // placeholder or a stray Bearer never reaches the upstream next to the real key.
        Assert.False(seen.Headers.ContainsKey("Authorization"), $"Authorization reached the upstream: {seen.Headers.GetValueOrDefault("Authorization")}");
    }

    [Theory]
    [InlineData(AuthScheme.Bearer, null)]
    [InlineData(AuthScheme.Header, "x-api-key")]
    public async Task Another_accounts_key_in_any_well_known_credential_field_never_reaches_the_upstream(AuthScheme scheme, string? name)
    {
        // An agent handed someone else's key sends it next to the injected one, in the field another service reads
        // (Anthropic x-api-key, Azure api-key, Google x-goog-api-key, GitLab PRIVATE-TOKEN/JOB-TOKEN, OpenStack
        // X-Auth-Token): the upstream could act for that account. Every one is dropped, in any spelling; an ordinary
        // field passes.
        var route = ProxyHarness.Route() with { Auth = new RouteAuth(scheme, "UPSTREAM_TOKEN") { Name = name } };
        await using var h = await ProxyHarness.StartAsync(Policy(route));
        var raw = $"GET /carriers HTTP/1.1\r\nHost: upstream.test:{h.Upstream.HttpsPort}\r\n"
            + "X-Api-Key: other-1\r\nApi-Key: other-2\r\nx-goog-api-key: other-3\r\nPrivate-Token: other-4\r\nJOB-TOKEN: other-5\r\n"
            + "x-auth-token: other-6\r\nX-Request-Id: kept\r\nConnection: close\r\n\r\n";
        Assert.StartsWith("HTTP/1.1 200", await RequestTargetTests.TunnelAsync(h, "upstream.test", h.Upstream.HttpsPort, raw), StringComparison.Ordinal);
        var seen = h.Upstream.Last("/carriers");

        var injected = route.Auth!.HeaderName;
        Assert.Equal(route.Auth.HeaderValue(ProxyHarness.Secret), seen.Headers[injected]);
        foreach (var field in new[] { "x-api-key", "api-key", "x-goog-api-key", "PRIVATE-TOKEN", "JOB-TOKEN", "X-Auth-Token" })
        {
            if (!field.Equals(injected, StringComparison.OrdinalIgnoreCase))
            {
                Assert.False(seen.Headers.ContainsKey(field), $"{field} reached the upstream: {seen.Headers.GetValueOrDefault(field)}");
            }
        }

        Assert.Equal("kept", seen.Headers["X-Request-Id"]);
    }

    [Fact]
    public async Task Without_an_injected_credential_the_agents_own_key_fields_are_relayed()
    {
        // Stripping is for routes that inject: on a plain route the agent's fields are its own business (and DLP's).
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()));
        var raw = $"GET /plain HTTP/1.1\r\nHost: upstream.test:{h.Upstream.HttpsPort}\r\nx-goog-api-key: public-demo\r\nConnection: close\r\n\r\n";
        Assert.StartsWith("HTTP/1.1 200", await RequestTargetTests.TunnelAsync(h, "upstream.test", h.Upstream.HttpsPort, raw), StringComparison.Ordinal);
        Assert.Equal("public-demo", h.Upstream.Last("/plain").Headers["x-goog-api-key"]);
    }

    [Fact]
    public async Task Basic_scheme_sends_user_and_secret_as_rfc7617_credentials()
    {
        var route = ProxyHarness.Route() with { Auth = new RouteAuth(AuthScheme.Basic, "UPSTREAM_TOKEN") { User = "ci-bot" } };
        await using var h = await ProxyHarness.StartAsync(Policy(route));
        var raw = $"GET /basic HTTP/1.1\r\nHost: upstream.test:{h.Upstream.HttpsPort}\r\n"
            + "authorization: Basic cGxhY2Vob2xkZXI6cGxhY2Vob2xkZXI=\r\nAUTHORIZATION: Bearer other\r\nConnection: close\r\n\r\n";
        Assert.StartsWith("HTTP/1.1 200", await RequestTargetTests.TunnelAsync(h, "upstream.test", h.Upstream.HttpsPort, raw), StringComparison.Ordinal);
        var value = h.Upstream.Last("/basic").Headers["Authorization"];
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ci-bot:" + ProxyHarness.Secret)), value);
    }

    [Fact]
    public async Task Basic_scheme_with_a_password_sends_the_secret_as_the_user_id()
    {
        // Stripe API reference, "Authentication": the API key is the basic-auth user name, with no password.
        var route = ProxyHarness.Route() with { Auth = new RouteAuth(AuthScheme.Basic, "UPSTREAM_TOKEN") { Password = string.Empty } };
        await using var h = await ProxyHarness.StartAsync(Policy(route));
        var raw = $"GET /stripe HTTP/1.1\r\nHost: upstream.test:{h.Upstream.HttpsPort}\r\n"
            + "Authorization: Basic cGxhY2Vob2xkZXI6\r\nConnection: close\r\n\r\n";
        Assert.StartsWith("HTTP/1.1 200", await RequestTargetTests.TunnelAsync(h, "upstream.test", h.Upstream.HttpsPort, raw), StringComparison.Ordinal);
        var value = h.Upstream.Last("/stripe").Headers["Authorization"];
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(ProxyHarness.Secret + ":")), value);
    }

    [Theory]
    [InlineData("private.test", false, "private address")]
    [InlineData("metadata.test", true, "metadata")]
    [InlineData("mixed.test", false, "private address")]
    [InlineData("upstream.test", false, "loopback")]
    public async Task Names_that_resolve_to_forbidden_addresses_are_refused(string host, bool allowPrivate, string why)
    {
        await using var h = await ProxyHarness.StartAsync(Policy(new EgressRoute { Host = host, AllowPrivate = allowPrivate }));
        using var client = h.CreateClient();
        var r = await client.GetAsync(h.Https("/ssrf", host));
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal("ForbiddenAddress", r.Headers.GetValues(Responses.ReasonHeader).Single());
        Assert.Contains(why, await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(h.Upstream.Received);
    }

    [Fact]
    public async Task Git_push_over_https_is_always_refused_and_fetch_needs_the_flag()
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route() with { Git = new RouteGit(true) }, ProxyHarness.Route("other.test")));
        using var client = h.CreateClient();
        var push = await client.PostAsync(h.Https("/org/repo.git/git-receive-pack"), new ByteArrayContent([0, 0, 0, 0]));
        Assert.Equal(HttpStatusCode.Forbidden, push.StatusCode);
        Assert.Equal("GitPush", push.Headers.GetValues(Responses.ReasonHeader).Single());
        var adv = await client.GetAsync(h.Https("/org/repo.git/info/refs?service=git-receive-pack"));
        Assert.Equal("GitPush", adv.Headers.GetValues(Responses.ReasonHeader).Single());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(h.Https("/org/repo.git/info/refs?service=git-upload-pack"))).StatusCode);

        var fetchElsewhere = await client.GetAsync(h.Https("/org/repo.git/info/refs?service=git-upload-pack", "other.test"));
        Assert.Equal("GitFetchNotAllowed", fetchElsewhere.Headers.GetValues(Responses.ReasonHeader).Single());
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", "400")]
    [InlineData("GET http://upstream.test/ HTTP/1.1\r\nHost: upstream.test\r\n folded: value\r\n\r\n", "400")]
    [InlineData("POST http://upstream.test/ HTTP/1.1\r\nHost: upstream.test\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", "400")]
    [InlineData("POST http://upstream.test/ HTTP/1.1\r\nHost: upstream.test\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", "400")]
    [InlineData("POST http://upstream.test/ HTTP/1.1\r\nHost: upstream.test\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "501")]
    [InlineData("GET /not-a-proxy-request HTTP/1.1\r\nHost: upstream.test\r\n\r\n", "400")]
    [InlineData("GET http://upstream.test/ HTTP/2.0\r\nHost: upstream.test\r\n\r\n", "505")]
    [InlineData("GET http://upstream.test/ HTTP/1.1\r\nHost : upstream.test\r\n\r\n", "400")]
    [InlineData("GET http://user:pw@upstream.test/ HTTP/1.1\r\nHost: upstream.test\r\n\r\n", "400")]
    public async Task Malformed_requests_are_answered_with_an_error_status(string raw, string status)
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()));
        var response = await RawAsync(h, raw);
        Assert.StartsWith($"HTTP/1.1 {status}", response, StringComparison.Ordinal);
        Assert.Empty(h.Upstream.Received);
    }

    [Fact]
    public async Task Oversized_heads_get_431()
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()));
        var big = new string('a', 70 * 1024);
        var response = await RawAsync(h, $"GET http://upstream.test/ HTTP/1.1\r\nHost: upstream.test\r\nX-Big: {big}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 431", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slow_clients_are_cut_off()
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()), configure: o => o with { HeadTimeout = TimeSpan.FromMilliseconds(500) });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(h.Endpoint);
        var s = tcp.GetStream();
        await s.WriteAsync("GET http://upstream.test/ HTTP/1.1\r\nHost: upst"u8.ToArray());
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var n = await s.ReadAsync(buffer, cts.Token);
        Assert.StartsWith("HTTP/1.1 408", Encoding.ASCII.GetString(buffer, 0, n), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bodies_keep_alive_chunked_uploads_and_expect_continue_work()
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()));
        var payload = new string('z', 300_000);
        var file = Path.Combine(h.Directory, "payload.txt");
        await File.WriteAllTextAsync(file, payload);
        var r = await h.CurlAsync("-H", "Transfer-Encoding: chunked", "-H", "Expect: 100-continue", "--data-binary", "@" + file, h.Https("/upload"));
        Assert.True(r.ExitCode == 0, r.StandardError);
        var seen = h.Upstream.Last("/upload");
        Assert.Equal(payload, seen.BodyText);
        Assert.Equal(payload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), seen.Headers["Content-Length"]);

        using var client = h.CreateClient();
        for (var i = 0; i < 20; i++)
        {
            var resp = await client.PostAsync(h.Https($"/ka/{i}"), new StringContent(new string('q', i * 1000)));
            Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        }

        // One agent connection → one upstream TLS connection reused for all 20 (plus curl's one).
        Assert.InRange(h.Upstream.ConnectionCount, 1, 3);
    }

    [Fact]
    public async Task Large_and_chunked_responses_stream_through()
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()));
        using var client = h.CreateClient();
        var bytes = await client.GetByteArrayAsync(h.Https("/bytes/5000000"));
        Assert.Equal(5_000_000, bytes.Length);
        var chunked = await client.GetStringAsync(h.Https("/chunked/50"));
        Assert.Equal(string.Concat(Enumerable.Range(0, 50).Select(i => $"part-{i};")), chunked);
        var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, h.Https("/bytes/100")));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task Response_bodies_arrive_byte_exact_whatever_part_came_with_the_head()
    {
        // The proxy sends the body bytes that arrived with the response head in the same write as the head and relays
        // the rest; sizes around the 16 KiB read buffer and the 64 KiB relay buffer, one keep-alive connection, so a
        // byte left behind or sent twice would also corrupt the next response.
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()));
        using var client = h.CreateClient();
        foreach (var n in new[] { 0, 1, 1000, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 20_000, 65_536, 70_001, 300_000, 3 })
        {
            var bytes = await client.GetByteArrayAsync(h.Https($"/pattern/{n}"));
            Assert.Equal(n, bytes.Length);
            var firstWrong = Enumerable.Range(0, n).FirstOrDefault(i => bytes[i] != TestUpstream.PatternByte(i), -1);
            Assert.True(firstWrong < 0, $"/pattern/{n}: byte {firstWrong} differs");
        }

        Assert.Equal(1, h.Upstream.ConnectionCount);
    }

    [Theory]
    [InlineData("chunked", true)]
    [InlineData("length", true)]
    [InlineData("chunked", false)]
    [InlineData("length", false)]
    public async Task A_streamed_response_reaches_the_client_before_the_upstream_finishes(string framing, bool tls)
    {
        // The proxy holds response bytes to send them together (CorkingStream); it must send what it has whenever the
        // upstream pauses. The upstream sends its second event only after the test has read the first one through the
        // proxy: a proxy that waited for more before sending would deadlock (ended by the hang guard below).
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()));
        using var client = h.CreateClient();
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var url = tls ? h.Https($"/stream/{framing}/{framing}-{tls}") : h.Http($"/stream/{framing}/{framing}-{tls}");
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, hangGuard.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(framing == "chunked", response.Headers.TransferEncodingChunked == true);
        await using var body = await response.Content.ReadAsStreamAsync(hangGuard.Token);
        var first = "data: first\n\n"u8.ToArray();
        var got = new byte[first.Length];
        await body.ReadExactlyAsync(got, hangGuard.Token);
        Assert.Equal(first, got);

        h.Upstream.Gate($"{framing}-{tls}").SetResult();
        using var rest = new StreamReader(body);
        Assert.Equal("data: second\n\n", await rest.ReadToEndAsync(hangGuard.Token));
    }

    [Fact]
    public async Task A_pooled_connection_the_upstream_closed_is_retried_on_a_fresh_one()
    {
        // An HTTP/1.1 upstream that closes every connection right after its answer without saying so (no
        // "Connection: close"). The proxy pools the connection and, taking it again within a second, sends the next
        // request on it without a liveness check (UpstreamPool.UncheckedReuseMilliseconds); the request fails before any
        // response byte and must be retried once on a fresh connection, invisibly to the client.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connections = 0;
        using var stop = new CancellationTokenSource();
        var serve = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var c = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref connections);
                var s = c.GetStream();
                var head = new List<byte>();
                var one = new byte[1];
                while (head.Count < 4 || !head[^4..].SequenceEqual("\r\n\r\n"u8.ToArray()))
                {
                    if (await s.ReadAsync(one, stop.Token) == 0)
                    {
                        break;
                    }

                    head.Add(one[0]);
                }

                await s.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray(), stop.Token);
            }
        });
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route() with { Ports = [port] }));
        using var client = h.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("ok", await client.GetStringAsync($"http://upstream.test:{port}/{i}"));
        }

        Assert.Equal(3, Volatile.Read(ref connections));
        await stop.CancelAsync();
        try
        {
            await serve;
        }
        catch (OperationCanceledException)
        {
        }
    }

    [Fact]
    public async Task Websocket_messages_round_trip_through_the_proxy()
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()));
        using var ws = new ClientWebSocket();
        ws.Options.Proxy = new WebProxy(h.ProxyUri);
        var bottleCa = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(h.BottleCaPath));
        ws.Options.RemoteCertificateValidationCallback = (_, cert, _, errors) => cert is not null && new System.Security.Cryptography.X509Certificates.X509Certificate2(cert).Issuer == bottleCa.Subject;
        await ws.ConnectAsync(new Uri($"wss://upstream.test:{h.Upstream.HttpsPort}/ws"), CancellationToken.None);
        var msg = Encoding.UTF8.GetBytes("hello through the bottle");
        await ws.SendAsync(msg, WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var r = await ws.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal("hello through the bottle", Encoding.UTF8.GetString(buffer, 0, r.Count));
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Fact]
    public async Task Allowlist_endpoint_lists_routes_without_secret_values()
    {
        var route = ProxyHarness.Route() with { Auth = new RouteAuth(AuthScheme.Bearer, "UPSTREAM_TOKEN") };
        await using var h = await ProxyHarness.StartAsync(Policy(route));
        var r = await h.CurlAsync("http://_egress.local/allowlist");
        Assert.True(r.ExitCode == 0, r.StandardError);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        var first = doc.RootElement.GetProperty("routes")[0];
        Assert.Equal("upstream.test", first.GetProperty("host").GetString());
        Assert.Equal("UPSTREAM_TOKEN", first.GetProperty("auth").GetProperty("token_ref").GetString());
        Assert.DoesNotContain(ProxyHarness.Secret, r.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_swaps_under_load_without_failing_in_flight_requests()
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()));
        using var client = h.CreateClient();
        using var stop = new CancellationTokenSource();
        using var completed = new SemaphoreSlim(0);
        var failures = 0;
        var done = 0;
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var r = await client.PostAsync(h.Https("/load"), new StringContent(new string('l', 2000)));
                if (r.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }

                Interlocked.Increment(ref done);
                completed.Release();
            }
        })).ToArray();

        for (var i = 0; i < 50; i++)
        {
            // Alternate between two policies that both allow upstream.test; other.test comes and goes. Each policy
            // stays until requests have completed under it (counted, not timed).
            h.SetPolicy(i % 2 == 0 ? Policy(ProxyHarness.Route(), ProxyHarness.Route("other.test")) : Policy(ProxyHarness.Route()));
            var target = Volatile.Read(ref done) + 2;
            while (Volatile.Read(ref done) < target)
            {
                await completed.WaitAsync();
            }
        }

        h.SetPolicy(Policy(ProxyHarness.Route(), ProxyHarness.Route("other.test")));
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        Assert.Equal(0, failures);
        Assert.True(done > 50, $"only {done} requests completed");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(h.Https("/now", "other.test"))).StatusCode);
        Assert.Equal(51, h.Policy.Generation);
    }

    [Fact]
    public async Task Connections_over_the_limit_get_503()
    {
        await using var h = await ProxyHarness.StartAsync(Policy(ProxyHarness.Route()), configure: o => o with { MaxConnections = 2 });
        // Two keep-alive connections, each answered once: the proxy has accepted and is holding both (no sleep).
        using var a = new TcpClient();
        using var b = new TcpClient();
        await a.ConnectAsync(h.Endpoint);
        await b.ConnectAsync(h.Endpoint);
        Assert.StartsWith("HTTP/1.1 200", await LocalHeadAsync(a), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", await LocalHeadAsync(b), StringComparison.Ordinal);
        var third = await RawAsync(h, "GET /allowlist HTTP/1.1\r\nHost: _egress.local\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 503", third, StringComparison.Ordinal);
    }

    /// <summary>Sends <c>GET /allowlist</c> to the proxy's own endpoint on a kept-alive connection and returns the response head.</summary>
    private static async Task<string> LocalHeadAsync(TcpClient tcp)
    {
        var s = tcp.GetStream();
        await s.WriteAsync("GET /allowlist HTTP/1.1\r\nHost: _egress.local\r\n\r\n"u8.ToArray());
        var sb = new StringBuilder();
        var buffer = new byte[1];
        while (!sb.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await s.ReadAsync(buffer) == 1)
        {
            sb.Append((char)buffer[0]);
        }

        return sb.ToString();
    }

    /// <summary>
    /// Sends raw bytes to the proxy and returns what comes back: up to the end of the head of a response other than 200,
    /// else up to the close (callers expecting 200 send <c>Connection: close</c>). The 60 s guard ends a hang; it is not
    /// a deadline for the proxy (at 5 s a loaded machine could cut an answer short and fail the caller's assertion).
    /// </summary>
    internal static async Task<string> RawAsync(ProxyHarness h, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(h.Endpoint);
        var s = tcp.GetStream();
        await s.WriteAsync(Encoding.Latin1.GetBytes(request));
        var sb = new StringBuilder();
        var buffer = new byte[8192];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            int n;
            while ((n = await s.ReadAsync(buffer, cts.Token)) > 0)
            {
                sb.Append(Encoding.Latin1.GetString(buffer, 0, n));
                if (sb.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && !sb.ToString().StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }

        return sb.ToString();
    }
}
