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
    [InlineData("[fe80::a9fe:a9fe]", "fe80::a9fe:a9fe")]
    [InlineData("[fd00:ec2::254]", "fd00:ec2::254")]
    public void Ip_literals_are_recognised_in_every_spelling(string host, string expected)
    {
        var ip = HostName.TryParseIpLiteral(host);
        Assert.NotNull(ip);
        Assert.Equal(IPAddress.Parse(expected), ip);
    }

    /// <summary>
    /// An IPv6 literal with a zone id (RFC 6874 spells it <c>%25</c> in URLs) is an address, never a name: the policy
    /// refuses it as an IP literal, whatever the spelling.
    /// </summary>
    [Theory]
    [InlineData("fe80::1%25eth0")]
    [InlineData("[fe80::1%25eth0]")]
    [InlineData("fe80::1%eth0")]
    [InlineData("fe80::1%1")]
    public void An_ipv6_literal_with_a_zone_id_is_refused_as_a_literal(string host)
    {
        Assert.False(HostName.IsValidDnsName(host));
        var policy = new CompiledEgressPolicy(new BotBottle.Policy.EgressPolicy([new BotBottle.Policy.EgressRoute { Host = "example.com" }]));
        var decision = policy.Evaluate("GET", host, "/", "", []);
        Assert.False(decision.Allowed);
        Assert.Equal(EgressDenial.IpLiteral, decision.Denial);
        var ip = HostName.TryParseIpLiteral(host);
        Assert.NotNull(ip);
        Assert.Equal(IPAddress.Parse("fe80::1").GetAddressBytes(), ip.GetAddressBytes());
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
