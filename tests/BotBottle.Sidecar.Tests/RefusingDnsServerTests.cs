using System.Net;
using System.Net.Sockets;
using BotBottle.Sidecar.Dns;

namespace BotBottle.Tests;

public class RefusingDnsServerTests
{
    [Fact]
    public async Task Every_query_is_answered_refused_with_its_question_and_id()
    {
        await using var server = new RefusingDnsServer(new IPEndPoint(IPAddress.Loopback, 0));
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        // A standard query for example.com A, id 0xBEEF, RD set.
        byte[] query = [0xBE, 0xEF, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 3, (byte)'c', (byte)'o', (byte)'m', 0, 0, 1, 0, 1];
        await udp.SendAsync(query, server.Endpoint);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var r = await udp.ReceiveAsync(cts.Token);
        var a = r.Buffer;
        Assert.Equal(0xBE, a[0]);
        Assert.Equal(0xEF, a[1]);
        Assert.True((a[2] & 0x80) != 0, "QR must be set");
        Assert.Equal(5, a[3] & 0x0F); // REFUSED
        Assert.Equal(query.Length, a.Length);
        Assert.Equal(query[12..], a[12..]);
        Assert.Equal(0, a[7]); // no answers
        Assert.Equal(1, server.Refused);
    }

    [Fact]
    public void Responses_and_runts_are_ignored()
    {
        Assert.Null(RefusingDnsServer.BuildRefusal([1, 2, 3]));
        Assert.Null(RefusingDnsServer.BuildRefusal([0, 1, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0]));
    }
}
