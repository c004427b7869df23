using System.Net;
using BotBottle.Egress;

namespace BotBottle.Tests.Egress;

public class HostNameTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("2130706433", "127.0.0.1")]
    [InlineData("0x7f000001", "127.0.0.1")]
    [InlineData("0177.0.0.1", "127.0.0.1")]
    [InlineData("0x7f.1", "127.0.0.1")]
    [InlineData("127.1", "127.0.0.1")]
    [InlineData("127.0.1", "127.0.0.1")]
    [InlineData("0", "0.0.0.0")]
    [InlineData("169.254.169.254", "169.254.169.254")]
    [InlineData("0xA9.0xFE.0xA9.0xFE", "169.254.169.254")]
    [InlineData("025177524776", "169.254.169.254")]
    [InlineData("10.0.0.1.", "10.0.0.1")]
    [InlineData("[::1]", "::1")]
    [InlineData("::ffff:127.0.0.1", "::ffff:127.0.0.1")]
    [InlineData("[::ffff:7f00:1]", "::ffff:127.0.0.1")]
    [InlineData("fe80::1%25eth0", null)]
    public void Ip_literals_are_recognised_in_every_spelling(string host, string? expected)
    {
        var ip = HostName.TryParseIpLiteral(host);
        if (expected is null)
        {
            Assert.True(ip is null || ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6);
            return;
        }

        Assert.NotNull(ip);
        Assert.Equal(IPAddress.Parse(expected), ip);
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("1password.com")]
    [InlineData("123.example")]
    [InlineData("a.b.c.d.e")]
    [InlineData("0x7f.example")]
    [InlineData("256.1.1.1.1")]
    [InlineData("08.1.1.1")]
    public void Names_that_only_look_numeric_are_not_literals(string host)
    {
        Assert.Null(HostName.TryParseIpLiteral(host));
    }

    [Theory]
    [InlineData("api.github.com", true)]
    [InlineData("API.GitHub.com.", true)]
    [InlineData("_service.example.com", true)]
    [InlineData("xn--bcher-kva.example", true)]
    [InlineData("-bad.example", false)]
    [InlineData("bad-.example", false)]
    [InlineData("a..b", false)]
    [InlineData("*.example.com", false)]
    [InlineData("exa mple.com", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("", false)]
    public void Dns_name_validity(string host, bool valid)
    {
        Assert.Equal(valid, HostName.IsValidDnsName(host));
    }
}
