using System.Net;
using BotBottle.Egress;

namespace BotBottle.Tests.Egress;

public class AddressPolicyTests
{
    [Theory]
    [InlineData("8.8.8.8", AddressClass.Public)]
    [InlineData("93.184.216.34", AddressClass.Public)]
    [InlineData("2606:4700::1111", AddressClass.Public)]
    [InlineData("127.0.0.1", AddressClass.Loopback)]
    [InlineData("127.255.0.9", AddressClass.Loopback)]
    [InlineData("::1", AddressClass.Loopback)]
    [InlineData("10.1.2.3", AddressClass.Private)]
    [InlineData("172.16.0.1", AddressClass.Private)]
    [InlineData("172.31.255.255", AddressClass.Private)]
    [InlineData("172.32.0.1", AddressClass.Public)]
    [InlineData("192.168.1.1", AddressClass.Private)]
    [InlineData("fd12:3456::1", AddressClass.Private)]
    [InlineData("169.254.1.1", AddressClass.LinkLocal)]
    [InlineData("fe80::1", AddressClass.LinkLocal)]
    [InlineData("febf:ffff::1", AddressClass.LinkLocal)] // last /16 of fe80::/10
    [InlineData("fec0::1", AddressClass.Private)] // first address past fe80::/10 (deprecated site-local)
    [InlineData("fe7f::1", AddressClass.SpecialPurpose)] // just below fe80::/10, outside 2000::/3
    [InlineData("100.64.0.1", AddressClass.SharedAddressSpace)]
    [InlineData("169.254.169.254", AddressClass.Metadata)]
    [InlineData("fd00:ec2::254", AddressClass.Metadata)]
    [InlineData("100.100.100.200", AddressClass.Metadata)]
    [InlineData("192.0.0.192", AddressClass.Metadata)]
    [InlineData("fe80::a9fe:a9fe", AddressClass.Metadata)]
    [InlineData("fe80::a9fe:a9ff", AddressClass.LinkLocal)] // neighbours of the metadata addresses keep their range's class
    [InlineData("fe80:1::a9fe:a9fe", AddressClass.LinkLocal)]
    [InlineData("fd00:ec2::253", AddressClass.Private)]
    [InlineData("192.0.0.191", AddressClass.SpecialPurpose)]
    [InlineData("169.254.169.253", AddressClass.LinkLocal)]
    [InlineData("100.100.100.201", AddressClass.SharedAddressSpace)]
    [InlineData("0.0.0.0", AddressClass.Reserved)]
    [InlineData("224.0.0.1", AddressClass.Reserved)]
    [InlineData("255.255.255.255", AddressClass.Reserved)]
    [InlineData("192.0.2.1", AddressClass.SpecialPurpose)]
    [InlineData("203.0.113.80", AddressClass.SpecialPurpose)]
    [InlineData("240.1.2.3", AddressClass.SpecialPurpose)]
    [InlineData("2001:db8::1", AddressClass.SpecialPurpose)]
    [InlineData("ff02::1", AddressClass.Reserved)]
    [InlineData("::ffff:10.0.0.1", AddressClass.Private)]
    [InlineData("::ffff:169.254.169.254", AddressClass.Metadata)]
    [InlineData("64:ff9b::a9fe:a9fe", AddressClass.Metadata)]
    [InlineData("2002:7f00:1::", AddressClass.Loopback)]
    [InlineData("::7f00:1", AddressClass.Loopback)]
    public void Classifies_every_special_range_including_embedded_ipv4(string address, AddressClass expected)
    {
        Assert.Equal(expected, AddressPolicy.Classify(IPAddress.Parse(address)));
    }

    /// <summary>
    /// Every documented cloud metadata endpoint: AWS, GCP, Azure and OCI 169.254.169.254; AWS IMDS over IPv6
    /// fd00:ec2::254; Alibaba Cloud 100.100.100.200; Oracle Cloud's legacy 192.0.0.192; OpenStack over IPv6
    /// fe80::a9fe:a9fe — and their IPv4-in-IPv6 spellings.
    /// </summary>
    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("fd00:ec2::254")]
    [InlineData("100.100.100.200")]
    [InlineData("192.0.0.192")]
    [InlineData("fe80::a9fe:a9fe")]
    [InlineData("::ffff:100.100.100.200")]
    [InlineData("64:ff9b::c000:c0")]
    [InlineData("2002:c000:00c0::1")]
    public void Metadata_addresses_are_refused_even_with_allow_private(string address)
    {
        var why = AddressPolicy.Refusal(IPAddress.Parse(address), allowPrivate: true);
        Assert.NotNull(why);
        Assert.Contains("metadata", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Allow_private_opens_private_ranges_but_never_metadata_or_reserved()
    {
        Assert.Null(AddressPolicy.Refusal(IPAddress.Parse("10.0.0.5"), allowPrivate: true));
        Assert.Null(AddressPolicy.Refusal(IPAddress.Loopback, allowPrivate: true));
        Assert.NotNull(AddressPolicy.Refusal(IPAddress.Parse("10.0.0.5"), allowPrivate: false));
        Assert.Contains("metadata", AddressPolicy.Refusal(IPAddress.Parse("169.254.169.254"), allowPrivate: true), StringComparison.Ordinal);
        Assert.NotNull(AddressPolicy.Refusal(IPAddress.Parse("0.0.0.0"), allowPrivate: true));
        Assert.NotNull(AddressPolicy.Refusal(IPAddress.Parse("224.0.0.1"), allowPrivate: true));
        Assert.NotNull(AddressPolicy.Refusal(IPAddress.Parse("203.0.113.80"), allowPrivate: false));
        Assert.Null(AddressPolicy.Refusal(IPAddress.Parse("203.0.113.80"), allowPrivate: true));
        Assert.Null(AddressPolicy.Refusal(IPAddress.Parse("1.1.1.1"), allowPrivate: false));
    }
}
