using System.Net;
using System.Text;
using BotBottle.Policy;
using BotBottle.Sidecar.Egress;
using BotBottle.Sidecar.Http;

namespace BotBottle.Tests;

/// <summary>
/// What the proxy's per-request hot path keeps per connection or skips instead of allocating per request (issue 20):
/// the body-budget reservation and response byte count held by the session, the log entry of an allowed request not
/// built when the log would drop it, common field names shared rather than copied. Real proxy, real sockets, real TLS.
/// </summary>
public class HotPathTests
{
    private const string AwsKey = "AKIAQ2W3E4R5T6Y7U2I3"; // the synthetic key shape EgressDlpTests uses; not a real key

    [Fact]
    public async Task Chunked_and_sized_bodies_on_one_connection_each_return_their_budget_reservation()
    {
        await using var h = await ProxyHarness.StartAsync(new EgressPolicy([ProxyHarness.Route()], EgressLogLevel.All), configure: o => o with { BodyBudgetBytes = 64 * 1024 });
        using var client = h.CreateClient();

        // Three chunked bodies of 40 KiB each through one keep-alive tunnel: each one alone fits the 64 KiB budget, two
        // together would not, so a reservation that leaked from one request to the next would turn the next into a 503.
        var chunk = new string('c', 40 * 1024);
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, h.Https($"/chunked-{i}")) { Content = new StringContent(chunk) };
            request.Headers.TransferEncodingChunked = true;
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
            Assert.Equal(chunk.Length, h.Upstream.Last($"/chunked-{i}").Body.Length);
        }

        // A sized body after them: reserved up front, released after. The release follows the response's last byte,
        // so the check waits for the next request on the same connection (a session serves one request at a time).
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(h.Https("/sized"), new StringContent(chunk))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(h.Https("/after-sized"))).StatusCode);
        Assert.Equal(0, h.Proxy.BodyBudget.Used);
        Assert.Equal(1, h.Upstream.ConnectionCount); // control: one upstream connection, so one client connection carried them all

        // Control: a chunked body larger than the whole budget still gets 503 (the session's reserve delegate is the one used).
        using var big = new HttpRequestMessage(HttpMethod.Post, h.Https("/too-big")) { Content = new StringContent(new string('b', 70 * 1024)) };
        big.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.SendAsync(big)).StatusCode);
        Assert.Equal(0, h.Proxy.BodyBudget.Used);
    }

    [Theory]
    [InlineData(EgressLogLevel.Blocked, false)]
    [InlineData(EgressLogLevel.All, true)]
    public async Task Allowed_requests_are_logged_only_at_level_all_and_redactions_at_every_level_above_off(EgressLogLevel level, bool allowedLogged)
    {
        var output = new StringWriter();
        var policy = new EgressPolicy([ProxyHarness.Route() with { Dlp = new RouteDlp { OutboundOnMatch = DlpAction.Redact } }], level);
        await using (var h = await ProxyHarness.StartAsync(policy, SidecarInspector.Create(new Dictionary<string, string>()), log: new EgressLog(output)))
        {
            using var client = h.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(h.Https("/clean"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(h.Https("/q?key=" + AwsKey))).StatusCode);
            Assert.DoesNotContain(AwsKey, h.Upstream.Last("/q").Query, StringComparison.Ordinal); // control: it was redacted
        }

        var requests = output.ToString().Split('\n').Where(l => l.Contains("\"event\":\"request\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(allowedLogged, requests.Any(l => l.Contains("\"decision\":\"allow\"", StringComparison.Ordinal) && l.Contains("/clean", StringComparison.Ordinal)));
        Assert.Single(requests, l => l.Contains("\"decision\":\"redact\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Field_names_keep_their_spelling_and_common_ones_share_one_string()
    {
        var head = HttpHead.ParseRequest("GET /x HTTP/1.1\r\nHost: a.test\r\ncontent-TYPE: text/plain\r\nContent-Type: text/plain\r\nX-Odd: 1\r\n\r\n"u8);
        Assert.Equal(["Host", "content-TYPE", "Content-Type", "X-Odd"], head.Headers.Select(f => f.Name));
        Assert.Same("Host", head.Headers[0].Name);
        Assert.Same("Content-Type", head.Headers[2].Name);
        Assert.Same("GET", head.Method);
        Assert.Empty(head.ConnectionTokens);
        Assert.False(head.IsHopByHop("X-Odd"));

        var listed = HttpHead.ParseRequest("GET /x HTTP/1.1\r\nHost: a.test\r\nConnection: keep-alive, X-Odd\r\nX-Odd: 1\r\n\r\n"u8);
        Assert.Equal(["keep-alive", "X-Odd"], listed.ConnectionTokens);
        Assert.True(listed.IsHopByHop("x-odd"));
        Assert.True(listed.KeepAlive);
    }

    [Fact]
    public void Connection_tokens_keep_alive_and_close_are_shared_strings_and_others_keep_their_spelling()
    {
        // nginx answers every keep-alive response with "Connection: keep-alive": no array and no new string for it.
        var response = HttpHead.ParseResponse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n"u8);
        Assert.Same("keep-alive", response.ConnectionTokens[0]);
        Assert.True(response.KeepAlive);
        var closing = HttpHead.ParseRequest("GET /x HTTP/1.1\r\nHost: a.test\r\nConnection: ,close , Keep-Alive,, X-Odd\r\n\r\n"u8);
        Assert.Same("close", closing.ConnectionTokens[0]);
        Assert.Equal(["close", "Keep-Alive", "X-Odd"], closing.ConnectionTokens); // empty entries skipped, each trimmed, spelling kept
        Assert.False(closing.KeepAlive);
        Assert.True(closing.IsHopByHop("x-odd"));
    }

    [Theory]
    [InlineData("5", 5L)]
    [InlineData("5, 5", 5L)]
    [InlineData("5 ,5,5", 5L)]
    [InlineData("0", 0L)]
    [InlineData("5, 6", null)]
    [InlineData("5,", null)]
    [InlineData(",5", null)]
    [InlineData("5 6", null)]
    [InlineData("1234567890123456789", null)]
    [InlineData("-5", null)]
    [InlineData("+5", null)]
    public void Content_length_lists_parse_without_splitting_into_strings(string value, long? expected)
    {
        var head = Encoding.Latin1.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {value}\r\n\r\n");
        if (expected is { } length)
        {
            Assert.Equal(length, HttpHead.ParseResponse(head).ContentLength);
        }
        else
        {
            Assert.Equal(502, Assert.Throws<HttpParseException>(() => HttpHead.ParseResponse(head)).Status);
        }
    }

    [Fact]
    public void Numbers_are_formatted_in_place_in_heads()
    {
        using var b = new HeadBuilder();
        b.Append("Host: h:").Append(65535).Crlf().Header("Content-Length", 0).Header("Content-Length", long.MaxValue);
        Assert.Equal($"Host: h:65535\r\nContent-Length: 0\r\nContent-Length: {long.MaxValue}\r\n", Encoding.Latin1.GetString(b.Memory.Span));
    }
}
