using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using BotBottle.Policy;
using BotBottle.Sidecar.Egress;

namespace BotBottle.Tests;

/// <summary>The proxy with the real DLP inspector: outbound scanning in every location and encoding, each action, WebSocket messages, inbound injection.</summary>
public class EgressDlpTests
{
    // A synthetic AWS access key id shape (AKIA + 16 base32 characters); not a real key.
    private const string AwsKey = "AKIAQ2W3E4R5T6Y7U2I3";

    private static EgressPolicy Policy(DlpAction action = DlpAction.Block, bool inbound = false) => new(
    [
        ProxyHarness.Route() with
        {
            Dlp = new RouteDlp { OutboundOnMatch = action, InboundDetectors = inbound ? [InboundDetector.Injection] : [] },
        },
    ], EgressLogLevel.All);

    private static Task<ProxyHarness> Start(EgressPolicy policy) =>
        ProxyHarness.StartAsync(policy, SidecarInspector.Create(new Dictionary<string, string> { ["UPSTREAM_TOKEN"] = ProxyHarness.Secret }));

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private static string Hex(string s) => Convert.ToHexString(Encoding.UTF8.GetBytes(s)).ToLowerInvariant();

    public static TheoryData<string, string> Placements => new()
    {
        { "path", "/p/" + AwsKey },
        { "query", "/q?key=" + AwsKey },
        { "known secret in query", "/q?t=" + ProxyHarness.Secret },
        { "known secret percent-encoded twice", "/q?t=" + Uri.EscapeDataString(Uri.EscapeDataString(ProxyHarness.Secret)) },
        { "known secret base64", "/q?t=" + Uri.EscapeDataString(B64(ProxyHarness.Secret)) },
        { "known secret base64 shifted", "/q?t=" + Uri.EscapeDataString(B64("x" + ProxyHarness.Secret)) },
        { "known secret hex", "/q?t=" + Hex(ProxyHarness.Secret) },
        { "token base64", "/q?t=" + Uri.EscapeDataString(B64("id=" + AwsKey)) },
    };

    [Theory]
    [MemberData(nameof(Placements))]
    public async Task Credentials_in_the_url_are_blocked_in_every_encoding(string what, string pathAndQuery)
    {
        await using var h = await Start(Policy());
        using var client = h.CreateClient();
        var r = await client.GetAsync(h.Https(pathAndQuery));
        Assert.True(r.StatusCode == HttpStatusCode.Forbidden, $"{what}: {r.StatusCode}");
        Assert.Equal("Dlp", r.Headers.GetValues(Responses.ReasonHeader).Single());
        var body = await r.Content.ReadAsStringAsync();
        Assert.DoesNotContain(ProxyHarness.Secret, body, StringComparison.Ordinal);
        Assert.Empty(h.Upstream.Received);
    }

    [Fact]
    public async Task Credentials_in_headers_json_form_multipart_and_text_bodies_are_blocked()
    {
        await using var h = await Start(Policy());
        using var client = h.CreateClient();

        var header = new HttpRequestMessage(HttpMethod.Get, h.Https("/h"));
        header.Headers.Add("X-Debug", "token=" + AwsKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(header)).StatusCode);

        var json = await client.PostAsync(h.Https("/j"), new StringContent("{\"config\":{\"aws\":\"" + AwsKey + "\"}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, json.StatusCode);
        Assert.Contains("$.config.aws", await json.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var form = await client.PostAsync(h.Https("/f"), new FormUrlEncodedContent([new("secret", ProxyHarness.Secret)]));
        Assert.Equal(HttpStatusCode.Forbidden, form.StatusCode);

        using var multipart = new MultipartFormDataContent { { new StringContent(B64(ProxyHarness.Secret)) { Headers = { { "Content-Transfer-Encoding", "base64" } } }, "upload", "x.txt" } };
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync(h.Https("/m"), multipart)).StatusCode);

        var text = await client.PostAsync(h.Https("/t"), new StringContent("here is the key " + AwsKey + " ok"));
        Assert.Equal(HttpStatusCode.Forbidden, text.StatusCode);

        Assert.Empty(h.Upstream.Received);
    }

    [Theory]
    [InlineData(DlpAction.Block)]
    [InlineData(DlpAction.Redact)]
    public async Task A_connect_target_carrying_data_in_its_host_name_is_refused_before_the_tunnel_opens(DlpAction action)
    {
        // Hex of "AWS_SECRET=k0F5dhSJvX" as a subdomain label; the route lists the name (routes are exact hosts), so
        // only DLP on the CONNECT target can stop it. A host name cannot be redacted: redact refuses too.
        const string Blob = "4157535f5345435245543d6b3046356468534a7658.upstream.test";
        const string Plain = "docs.upstream.test";
        var dlp = new RouteDlp { OutboundOnMatch = action };
        await using var h = await ProxyHarness.StartAsync(
            new EgressPolicy([ProxyHarness.Route(Blob) with { Dlp = dlp }, ProxyHarness.Route(Plain) with { Dlp = dlp }], EgressLogLevel.All),
            SidecarInspector.Create(new Dictionary<string, string>()),
            o => o with { ResolveOverrides = new Dictionary<string, IPAddress[]>(o.ResolveOverrides) { [Blob] = [IPAddress.Loopback], [Plain] = [IPAddress.Loopback] } },
            upstreamCertificateName: Plain);

        // Control: the same route shape with an ordinary name opens its tunnel, TLS is intercepted and the request
        // inside reaches the upstream.
        var ok = await RequestTargetTests.TunnelAsync(h, Plain, h.Upstream.HttpsPort, $"GET /control HTTP/1.1\r\nHost: {Plain}:{h.Upstream.HttpsPort}\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", ok, StringComparison.Ordinal);
        Assert.Single(h.Upstream.Received, r => r.Path == "/control");

        // The data-bearing name: 403 with the DLP reason, in plain text, before any TLS handshake or upstream contact.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(h.Endpoint);
        var s = tcp.GetStream();
        await s.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {Blob}:{h.Upstream.HttpsPort} HTTP/1.1\r\nHost: {Blob}:{h.Upstream.HttpsPort}\r\n\r\n"));
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms);
        var answer = Encoding.ASCII.GetString(ms.ToArray());
        Assert.StartsWith("HTTP/1.1 403", answer, StringComparison.Ordinal);
        Assert.Contains($"{Responses.ReasonHeader}: Dlp", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("host-encoded-data", answer, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Upstream.Received, r => r.Path != "/control");
    }

    [Fact]
    public async Task Benign_traffic_passes_untouched()
    {
        await using var h = await Start(Policy());
        using var client = h.CreateClient();
        var json = """{"messages":[{"role":"user","content":"Why does the AKIA prefix matter? See docs about api_key handling and sk- prefixes."}],"max_tokens":512}""";
        var r = await client.PostAsync(h.Https("/v1/messages"), new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(json, h.Upstream.Last("/v1/messages").BodyText);
    }

    [Fact]
    public async Task Redact_replaces_matches_rescans_and_forwards()
    {
        await using var h = await Start(Policy(DlpAction.Redact));
        using var client = h.CreateClient();
        var r = await client.PostAsync(h.Https("/redact"), new StringContent($$"""{"note":"key {{AwsKey}} and secret {{ProxyHarness.Secret}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var seen = h.Upstream.Last("/redact");
        Assert.DoesNotContain(AwsKey, seen.BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain(ProxyHarness.Secret, seen.BodyText, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:", seen.BodyText, StringComparison.Ordinal);
        Assert.Equal(seen.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), seen.Headers["Content-Length"]);
    }

    /// <summary>
    /// A sidecar with no supervisor to hold requests (no supervise plane) fails closed on a <c>supervise</c> route:
    /// the finding is refused, not forwarded. Holding a request until the operator approves or denies it, with the
    /// real supervisor and the host's ProposalService, is <see cref="TokenSupervisionTests"/>.
    /// </summary>
    [Fact]
    public async Task Supervise_without_a_supervisor_fails_closed_and_says_so()
    {
        await using var h = await Start(Policy(DlpAction.Supervise));
        using var client = h.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(h.Https("/q?k=nothing-secret"))).StatusCode); // control: clean requests pass

        var r = await client.GetAsync(h.Https("/q?k=" + AwsKey));
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal("Dlp", r.Headers.GetValues(Responses.ReasonHeader).Single());
        Assert.Equal("supervise", r.Headers.GetValues(Responses.DecisionHeader).Single());
        Assert.Contains("cannot hold requests", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(h.Upstream.Received); // only the control
        Assert.DoesNotContain(h.Upstream.Received, x => x.Query.Contains(AwsKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_injected_credential_is_not_flagged_but_the_agent_sending_it_is()
    {
        var route = ProxyHarness.Route() with { Auth = new RouteAuth(AuthScheme.Bearer, "UPSTREAM_TOKEN") };
        await using var h = await Start(new EgressPolicy([route]));
        using var client = h.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(h.Https("/ok"))).StatusCode);
        Assert.Equal("Bearer " + ProxyHarness.Secret, h.Upstream.Last("/ok").Headers["Authorization"]);

        var leaking = new HttpRequestMessage(HttpMethod.Get, h.Https("/leak"));
        leaking.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ProxyHarness.Secret);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(leaking)).StatusCode);
    }

    [Fact]
    public async Task A_websocket_message_carrying_a_credential_closes_the_socket_with_1008()
    {
        await using var h = await Start(Policy());
        using var ws = new ClientWebSocket();
        ws.Options.Proxy = new WebProxy(h.ProxyUri);
        ws.Options.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.Issuer.Contains("BotBottle test bottle CA", StringComparison.Ordinal);
        await ws.ConnectAsync(new Uri($"wss://upstream.test:{h.Upstream.HttpsPort}/ws"), CancellationToken.None);
        await ws.SendAsync(Encoding.UTF8.GetBytes("harmless"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var echo = await ws.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal("harmless", Encoding.UTF8.GetString(buffer, 0, echo.Count));

        // Split across two frames so a per-frame scan would miss it.
        await ws.SendAsync(Encoding.UTF8.GetBytes("key=AKIAQ2W3E4"), WebSocketMessageType.Text, false, CancellationToken.None);
        await ws.SendAsync(Encoding.UTF8.GetBytes("R5T6Y7U2I3 bye"), WebSocketMessageType.Text, true, CancellationToken.None);
        var closed = await ws.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, closed.MessageType);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, ws.CloseStatus);
        Assert.DoesNotContain(h.Upstream.Received, r => r.Method == "WS" && r.BodyText.Contains("R5T6Y7U2I3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Responses_with_high_confidence_prompt_injection_are_withheld_on_routes_that_scan_them()
    {
        await using var h = await Start(Policy(inbound: true));
        using var client = h.CreateClient();
        var r = await client.GetAsync(h.Https("/inject"));
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal("Injection", r.Headers.GetValues(Responses.ReasonHeader).Single());

        await using var plain = await Start(Policy(inbound: false));
        using var c2 = plain.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await c2.GetAsync(plain.Https("/inject"))).StatusCode);
    }

    [Fact]
    public async Task A_redacted_path_stays_redacted_in_the_log_when_the_response_is_withheld_as_injection()
    {
        // The request's path held a key, the route redacts, so the upstream saw "[REDACTED:…]"; its answer was then
        // withheld as a prompt injection. That refusal's log record carried the path as the agent sent it, key and all.
        var output = new StringWriter();
        await using (var h = await ProxyHarness.StartAsync(Policy(DlpAction.Redact, inbound: true), SidecarInspector.Create(new Dictionary<string, string>()), log: new EgressLog(output)))
        {
            using var client = h.CreateClient();
            var r = await client.GetAsync(h.Https("/inject/" + AwsKey));
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Equal("Injection", r.Headers.GetValues(Responses.ReasonHeader).Single());
            var seen = Assert.Single(h.Upstream.Received, x => x.Path.StartsWith("/inject/", StringComparison.Ordinal));
            Assert.DoesNotContain(AwsKey, seen.Path, StringComparison.Ordinal); // redacted on the way out

            // Control: the same refusal without a finding keeps its path.
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(h.Https("/inject/plain-page"))).StatusCode);
        }

        var log = output.ToString();
        Assert.DoesNotContain(AwsKey, log, StringComparison.Ordinal);
        Assert.Contains("\"path\":\"/[redacted]\"", log, StringComparison.Ordinal);
        Assert.Contains("/inject/plain-page", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Permessage_deflate_is_never_negotiated_so_a_compressed_credential_cannot_slip_through()
    {
        // Issue 15 item 10: the client offers permessage-deflate and the upstream accepts it when offered.
        await using var h = await Start(Policy());
        using var ws = new ClientWebSocket();
        ws.Options.Proxy = new WebProxy(h.ProxyUri);
        ws.Options.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.Issuer.Contains("BotBottle test bottle CA", StringComparison.Ordinal);
        ws.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        ws.Options.CollectHttpResponseDetails = true;
        await ws.ConnectAsync(new Uri($"wss://upstream.test:{h.Upstream.HttpsPort}/ws?deflate=1"), CancellationToken.None);
        Assert.False(ws.HttpResponseHeaders?.ContainsKey("Sec-WebSocket-Extensions") ?? false, "an extension was negotiated");
        Assert.DoesNotContain(h.Upstream.Received, r => r.Method == "UPGRADE" && r.Headers.ContainsKey("Sec-WebSocket-Extensions"));

        await ws.SendAsync(Encoding.UTF8.GetBytes("key=AKIAQ2W3E4R5T6Y7U2I3 key=AKIAQ2W3E4R5T6Y7U2I3"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var closed = await ws.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, closed.MessageType);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, ws.CloseStatus);
        Assert.DoesNotContain(h.Upstream.Received, r => r.Method == "WS");
    }

    [Theory]
    [InlineData(0x89, 126, 1002)] // ping longer than 125 bytes (RFC 6455 §5.5)
    [InlineData(0x09, 4, 1002)] // a fragmented (non-final) ping
    [InlineData(0x83, 4, 1002)] // reserved opcode 3
    [InlineData(0xC1, 4, 1002)] // RSV1 set without a negotiated extension
    public async Task Control_frames_follow_rfc6455_and_unknown_opcodes_close_the_socket(int first, int length, int code)
    {
        await using var h = await Start(Policy());
        var (stream, tcp) = await PlainWebSocketAsync(h);
        using (tcp)
        {
            // Control: a well-formed ping passes and the server's pong comes back.
            await stream.WriteAsync(Frame(0x89, new byte[4]));
            var pong = new byte[2];
            await stream.ReadExactlyAsync(pong);
            Assert.Equal(0x8A, pong[0]);
            await stream.ReadExactlyAsync(new byte[pong[1] & 0x7f]);

            await stream.WriteAsync(Frame((byte)first, new byte[length]));
            var close = new byte[4];
            await stream.ReadExactlyAsync(close);
            Assert.Equal(0x88, close[0]);
            Assert.Equal(code, (close[2] << 8) | close[3]);
        }
    }

    [Fact]
    public async Task A_credential_in_a_ping_payload_closes_the_socket()
    {
        await using var h = await Start(Policy());
        var (stream, tcp) = await PlainWebSocketAsync(h);
        using (tcp)
        {
            await stream.WriteAsync(Frame(0x89, Encoding.ASCII.GetBytes("AKIAQ2W3E4R5T6Y7U2I3")));
            var close = new byte[4];
            await stream.ReadExactlyAsync(close);
            Assert.Equal(0x88, close[0]);
            Assert.Equal(1008, (close[2] << 8) | close[3]);
        }
    }

    [Fact]
    public async Task A_policy_close_waits_for_the_upstream_frame_in_flight_and_nothing_follows_it()
    {
        // The upstream has sent half of a 1000-byte frame and sends the rest only after it sees the proxy's Close: the
        // proxy's Close to the client must come after the whole frame, never inside it, and after it the client gets
        // nothing more (not the upstream's Close reply) but a clean end of stream once it has replied.
        await using var h = await Start(Policy());
        var (stream, tcp) = await PlainWebSocketAsync(h, "/ws-split");
        using (tcp)
        {
            var head = new byte[4];
            await stream.ReadExactlyAsync(head);
            Assert.Equal(new byte[] { 0x82, 126, 0x03, 0xE8 }, head);
            var payload = new byte[1000];
            await stream.ReadExactlyAsync(payload.AsMemory(0, 500));

            await stream.WriteAsync(Frame(0x81, Encoding.ASCII.GetBytes("key=AKIAQ2W3E4R5T6Y7U2I3")));
            await stream.ReadExactlyAsync(payload.AsMemory(500));
            Assert.All(payload, b => Assert.Equal((byte)'d', b));
            var close = new byte[4];
            await stream.ReadExactlyAsync(close);
            Assert.Equal(0x88, close[0]);
            Assert.Equal(1008, (close[2] << 8) | close[3]);
            await stream.ReadExactlyAsync(new byte[close[1] - 2]);

            await stream.WriteAsync(Frame(0x88, [0x03, 0xF0]));
            Assert.Equal(0, await stream.ReadAsync(new byte[64]));
        }

        Assert.DoesNotContain(h.Upstream.Received, r => r.Method == "WS");
    }

    /// <summary>A masked client frame (RFC 6455 §5.2) with a zero mask key.</summary>
    private static byte[] Frame(byte first, byte[] payload)
    {
        var head = payload.Length <= 125 ? new byte[] { first, (byte)(0x80 | payload.Length) } : [first, 0x80 | 126, (byte)(payload.Length >> 8), (byte)payload.Length];
        return [.. head, 0, 0, 0, 0, .. payload];
    }

    private static async Task<(Stream Stream, System.Net.Sockets.TcpClient Tcp)> PlainWebSocketAsync(ProxyHarness h, string path = "/ws")
    {
        var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(h.Endpoint);
        var s = tcp.GetStream();
        var authority = $"upstream.test:{h.Upstream.HttpPort}";
        await s.WriteAsync(Encoding.ASCII.GetBytes($"GET http://{authority}{path} HTTP/1.1\r\nHost: {authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await s.ReadAsync(one) == 1)
        {
            head.Append((char)one[0]);
        }

        Assert.StartsWith("HTTP/1.1 101", head.ToString(), StringComparison.Ordinal);
        return (s, tcp);
    }
}
