using System.Net;
using System.Net.Sockets;

namespace BotBottle.Egress;

/// <summary>What kind of destination an address is, for SSRF decisions.</summary>
public enum AddressClass
{
    /// <summary>A public unicast address.</summary>
    Public,

    /// <summary>Loopback: 127.0.0.0/8, ::1.</summary>
    Loopback,

    /// <summary>RFC 1918 private (10/8, 172.16/12, 192.168/16) or IPv6 unique-local fc00::/7.</summary>
    Private,

    /// <summary>Link-local: 169.254.0.0/16, fe80::/10.</summary>
    LinkLocal,

    /// <summary>Carrier-grade NAT shared space 100.64.0.0/10 (RFC 6598).</summary>
    SharedAddressSpace,

    /// <summary>A cloud instance-metadata endpoint: always refused.</summary>
    Metadata,

    /// <summary>
    /// Special-purpose space that is not on the public Internet but can be a real network somewhere (documentation
    /// and benchmarking ranges, IETF protocol assignments, 240.0.0.0/4): reachable only with <c>allow_private</c>.
    /// </summary>
    SpecialPurpose,

    /// <summary>Unspecified, "this network", multicast or broadcast: never an upstream.</summary>
    Reserved,
}

/// <summary>
/// Classifies resolved addresses and decides whether egress may connect to them. IPv4 embedded in IPv6
/// (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16, IPv4-compatible ::/96) is classified by the
/// embedded IPv4 address, so no spelling of a private address slips through.
/// Sources: RFC 1918, RFC 6598, RFC 3927, RFC 4193, RFC 4291, RFC 6052, RFC 3056, RFC 5737, RFC 2544, RFC 6890
/// (special-purpose registries); metadata endpoints from AWS/GCP/Azure/OCI (169.254.169.254, fd00:ec2::254),
/// Alibaba Cloud (100.100.100.200), Oracle Cloud (192.0.0.192) and OpenStack over IPv6 (fe80::a9fe:a9fe).
/// </summary>
public static class AddressPolicy
{
    /// <summary>Classifies <paramref name="address"/>.</summary>
    public static AddressClass Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (TryEmbeddedIPv4(address) is { } v4)
            {
                return Classify(v4);
            }

            return ClassifyV6(address);
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return AddressClass.Reserved;
        }

        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        uint ip = ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];

        if (ip == 0xA9FEA9FE /* 169.254.169.254 */ || ip == 0x646464C8 /* 100.100.100.200 */ || ip == 0xC00000C0 /* 192.0.0.192 */)
        {
            return AddressClass.Metadata;
        }

        if (In(ip, 0x7F000000, 8))
        {
            return AddressClass.Loopback;
        }

        if (In(ip, 0x0A000000, 8) || In(ip, 0xAC100000, 12) || In(ip, 0xC0A80000, 16))
        {
            return AddressClass.Private;
        }

        if (In(ip, 0xA9FE0000, 16))
        {
            return AddressClass.LinkLocal;
        }

        if (In(ip, 0x64400000, 10))
        {
            return AddressClass.SharedAddressSpace;
        }

        if (In(ip, 0x00000000, 8) /* this network */ || In(ip, 0xE0000000, 4) /* multicast */ || ip == 0xFFFFFFFF /* broadcast */)
        {
            return AddressClass.Reserved;
        }

        if (In(ip, 0xC0000000, 24) /* IETF protocol assignments */ || In(ip, 0xC0000200, 24) || In(ip, 0xC6336400, 24) || In(ip, 0xCB007100, 24) /* documentation */
            || In(ip, 0xC6120000, 15) /* benchmarking */ || In(ip, 0xF0000000, 4) /* reserved for future use */)
        {
            return AddressClass.SpecialPurpose;
        }

        return AddressClass.Public;
    }

    /// <summary>
    /// <see langword="null"/> when egress may connect to <paramref name="address"/>; otherwise why not. Metadata and
    /// reserved addresses are always refused; loopback, private, link-local and shared space only when
    /// <paramref name="allowPrivate"/> is <see langword="false"/>.
    /// </summary>
    public static string? Refusal(IPAddress address, bool allowPrivate)
    {
        var c = Classify(address);
        return c switch
        {
            AddressClass.Public => null,
            AddressClass.Metadata => $"{address} is a cloud metadata address, which is always refused",
            AddressClass.Reserved => $"{address} is an unspecified, multicast or broadcast address",
            _ when allowPrivate => null,
            AddressClass.Loopback => $"{address} is a loopback address (the route does not set allow_private)",
            AddressClass.Private => $"{address} is a private address (the route does not set allow_private)",
            AddressClass.LinkLocal => $"{address} is a link-local address (the route does not set allow_private)",
            AddressClass.SpecialPurpose => $"{address} is special-purpose, not public, address space (the route does not set allow_private)",
            _ => $"{address} is in the carrier-grade NAT shared space (the route does not set allow_private)",
        };
    }

    private static AddressClass ClassifyV6(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return AddressClass.Loopback;
        }

        if (address.Equals(IPAddress.IPv6None))
        {
            return AddressClass.Reserved;
        }

        // fd00:ec2::254 — AWS IMDS over IPv6.
        if (b[0] == 0xfd && b[1] == 0x00 && b[2] == 0x0e && b[3] == 0xc2 && b[14] == 0x02 && b[15] == 0x54 && b[4..14].IndexOfAnyExcept((byte)0) < 0)
        {
            return AddressClass.Metadata;
        }

        // fe80::a9fe:a9fe — OpenStack's metadata service over IPv6 (169.254.169.254 in the interface identifier).
        if (b[0] == 0xfe && b[1] == 0x80 && b[2..12].IndexOfAnyExcept((byte)0) < 0 && b[12] == 0xa9 && b[13] == 0xfe && b[14] == 0xa9 && b[15] == 0xfe)
        {
            return AddressClass.Metadata;
        }

        if ((b[0] & 0xfe) == 0xfc)
        {
            return AddressClass.Private; // fc00::/7 unique local
        }

        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        {
            return AddressClass.LinkLocal; // fe80::/10
        }

        if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
        {
            return AddressClass.Private; // fec0::/10 deprecated site-local
        }

        if (b[0] == 0xff)
        {
            return AddressClass.Reserved; // multicast
        }

        if ((b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) || (b[0] == 0x01 && b[1..8].IndexOfAnyExcept((byte)0) < 0) || (b[0] & 0xe0) != 0x20)
        {
            return AddressClass.SpecialPurpose; // documentation 2001:db8::/32, discard 100::/64, outside 2000::/3
        }

        return AddressClass.Public;
    }

    /// <summary>The IPv4 address embedded in an IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 address.</summary>
    internal static IPAddress? TryEmbeddedIPv4(IPAddress v6)
    {
        if (v6.IsIPv4MappedToIPv6)
        {
            return v6.MapToIPv4();
        }

        Span<byte> b = stackalloc byte[16];
        v6.TryWriteBytes(b, out _);
        // ::a.b.c.d (deprecated IPv4-compatible), excluding :: and ::1.
        if (b[..12].IndexOfAnyExcept((byte)0) < 0 && (b[12] | b[13] | b[14]) != 0)
        {
            return new IPAddress(b[12..]);
        }

        // 64:ff9b::/96 NAT64 well-known prefix (RFC 6052).
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return new IPAddress(b[12..]);
        }

        // 2002:a.b.c.d::/48 6to4 (RFC 3056).
        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return new IPAddress(b[2..6]);
        }

        return null;
    }

    private static bool In(uint ip, uint network, int prefix) => prefix == 0 || (ip >> (32 - prefix)) == (network >> (32 - prefix));
}
