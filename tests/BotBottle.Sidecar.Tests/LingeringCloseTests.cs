using System.Net;
using System.Net.Sockets;
using System.Text;
using BotBottle.Policy;

namespace BotBottle.Tests;

/// <summary>
/// A refusal sent before the request body was read (body budget full, body over the limit) must reach the client as
/// the status it is, not as a reset (RFC 9112 §9.6: half-close, drain, then close). The bodies are 24 MiB, more than
/// the loopback send and receive buffers hold together (Linux <c>tcp_wmem</c> and <c>tcp_rmem</c> maxima, 4 and 6 MiB
/// by default), so the client can finish writing only if the proxy reads what it refused: a plain close resets the
/// connection under the client's write in every run. Real proxy, real sockets, real TLS.
/// </summary>
public class LingeringCloseTests
{
    private const int BodyBytes = 24 * 1024 * 1024;

    [Fact]
    public async Task A_503_for_a_sized_body_over_the_budget_reaches_a_client_still_writing_the_body()
    {
        await using var h = await ProxyHarness.StartAsync(new EgressPolicy([ProxyHarness.Route()], EgressLogLevel.All), configure: o => o with { BodyBudgetBytes = 64 * 1024 });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(h.Endpoint);
        var s = tcp.GetStream();
        var head = Encoding.ASCII.GetBytes($"POST {h.Http("/upload")} HTTP/1.1\r\nHost: upstream.test:{h.Upstream.HttpPort}\r\nContent-Type: application/octet-stream\r\nContent-Length: {BodyBytes}\r\n\r\n");
        await s.WriteAsync(head);

        // The whole body is written before anything is read, as simple clients do (and as HTTP/1.1 clients without
        // Expect: 100-continue may): the write completes only if the proxy drains what it did not want.
        await s.WriteAsync(new byte[BodyBytes]);
        tcp.Client.Shutdown(SocketShutdown.Send);
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms);
        var answer = Encoding.ASCII.GetString(ms.ToArray());
        Assert.StartsWith("HTTP/1.1 503", answer, StringComparison.Ordinal);
        Assert.Contains("memory budget", answer, StringComparison.Ordinal);
        Assert.Empty(h.Upstream.Received); // control: refused, not forwarded
        Assert.Equal(0, h.Proxy.BodyBudget.Used);
    }

    [Fact]
    public async Task A_413_through_a_tls_tunnel_reaches_an_http_client_that_sends_the_whole_body_first()
    {
        await using var h = await ProxyHarness.StartAsync(new EgressPolicy([ProxyHarness.Route()], EgressLogLevel.All), configure: o => o with { MaxBodyBytes = 1024 * 1024 });
        using var client = h.CreateClient();
        var content = new ByteArrayContent(new byte[BodyBytes]);
        var response = await client.PostAsync(h.Https("/big"), content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("cannot be inspected", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(h.Upstream.Received);

        // Control: the proxy still serves the next connection.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(h.Https("/after"))).StatusCode);
    }

    [Fact]
    public async Task A_refused_request_whose_announced_body_never_comes_is_answered_and_closed_not_held()
    {
        // An agent announces 1000 bytes to a denied host and sends 3: skipping the body to keep the connection would
        // wait forever (and hold a connection slot); after the idle timeout the refusal is sent and the connection closed.
        await using var h = await ProxyHarness.StartAsync(new EgressPolicy([ProxyHarness.Route()], EgressLogLevel.All), configure: o => o with { IdleTimeout = TimeSpan.FromSeconds(1) });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(h.Endpoint);
        var s = tcp.GetStream();
        await s.WriteAsync(Encoding.ASCII.GetBytes("POST http://denied.test/x HTTP/1.1\r\nHost: denied.test\r\nContent-Length: 1000\r\n\r\nabc"));
        using var ms = new MemoryStream();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // a guard against a hang, not a measurement
        await s.CopyToAsync(ms, guard.Token);
        Assert.StartsWith("HTTP/1.1 403", Encoding.ASCII.GetString(ms.ToArray()), StringComparison.Ordinal);
    }
}
