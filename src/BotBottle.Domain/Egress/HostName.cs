using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace BotBottle.Egress;

/// <summary>
/// Host-name handling for egress decisions: normalisation and IP-literal detection in every spelling a resolver
/// or HTTP client accepts — dotted quad, fewer than four parts (<c>127.1</c>), decimal (<c>2130706433</c>), octal
/// (<c>0177.0.0.1</c>), hex (<c>0x7f.1</c>), bracketed IPv6, IPv4-mapped IPv6 — following the inet_aton(3) grammar
/// and the WHATWG URL Standard's IPv4 parser (https://url.spec.whatwg.org/#concept-ipv4-parser).
/// </summary>
public static class HostName
{
    /// <summary>
    /// Lower-cases <paramref name="host"/>, removes IPv6 brackets and one trailing dot. Does not validate.
    /// </summary>
    public static string Normalize(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var h = host.Trim();
        if (h.Length > 1 && h[0] == '[' && h[^1] == ']')
        {
            h = h[1..^1];
        }

        if (h.Length > 1 && h[^1] == '.')
        {
            h = h[..^1];
        }

        return h.ToLowerInvariant();
    }

    /// <summary>
    /// Returns the address when <paramref name="host"/> is an IP literal in any spelling a client could use to reach
    /// it, otherwise <see langword="null"/>. Names that merely contain digits (<c>1password.com</c>, <c>123.example</c>)
    /// are not literals.
    /// </summary>
    public static IPAddress? TryParseIpLiteral(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var h = Normalize(host);
        if (h.Length == 0)
        {
            return null;
        }

        if (h.Contains(':', StringComparison.Ordinal))
        {
            // IPv6 (possibly with a zone id, possibly IPv4-mapped). IPAddress.TryParse handles all RFC 4291 forms.
            return IPAddress.TryParse(h, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6 : null;
        }

        return TryParseIPv4(h, out var v4) ? v4 : null;
    }

    /// <summary>
    /// The WHATWG/inet_aton IPv4 parser: 1–4 dot-separated parts, each decimal, octal (leading 0) or hex (0x); the
    /// last part fills the remaining bytes. A name whose last label is not numeric is not an IPv4 literal.
    /// </summary>
    private static bool TryParseIPv4(string h, out IPAddress? address)
    {
        address = null;
        var parts = h.Split('.');
        if (parts.Length > 4)
        {
            return false;
        }

        Span<ulong> values = stackalloc ulong[4];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryParsePart(parts[i], out values[i]))
            {
                return false;
            }
        }

        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (values[i] > 255)
            {
                return false;
            }
        }

        var lastBytes = 5 - parts.Length; // 4 parts: 1 byte; 1 part: 4 bytes
        if (values[parts.Length - 1] >= 1UL << (8 * lastBytes))
        {
            return false;
        }

        ulong ip = values[parts.Length - 1];
        for (var i = 0; i < parts.Length - 1; i++)
        {
            ip |= values[i] << (8 * (3 - i));
        }

        address = new IPAddress(new[] { (byte)(ip >> 24), (byte)(ip >> 16), (byte)(ip >> 8), (byte)ip });
        return true;
    }

    private static bool TryParsePart(string part, out ulong value)
    {
        value = 0;
        if (part.Length == 0)
        {
            return false;
        }

        var style = NumberStyles.None;
        var digits = part.AsSpan();
        int radix = 10;
        if (digits.Length > 1 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
        {
            radix = 16;
            digits = digits[2..];
            style = NumberStyles.AllowHexSpecifier;
            if (digits.Length == 0)
            {
                return true; // "0x" is 0 in the WHATWG parser
            }
        }
        else if (digits.Length > 1 && digits[0] == '0')
        {
            radix = 8;
            digits = digits[1..];
        }

        if (digits.Length > 32)
        {
            return false;
        }

        if (radix == 8)
        {
            foreach (var c in digits)
            {
                if (c is < '0' or > '7')
                {
                    return false;
                }

                value = (value * 8) + (ulong)(c - '0');
                if (value > uint.MaxValue)
                {
                    return false;
                }
            }

            return true;
        }

        foreach (var c in digits)
        {
            var ok = radix == 16 ? char.IsAsciiHexDigit(c) : char.IsAsciiDigit(c);
            if (!ok)
            {
                return false;
            }
        }

        return ulong.TryParse(digits, style, CultureInfo.InvariantCulture, out value) && value <= uint.MaxValue;
    }

    /// <summary>
    /// <see langword="true"/> when <paramref name="host"/> is a syntactically valid DNS host name for egress
    /// (RFC 1123 labels of letters, digits and hyphens, 1–63 characters each, 253 in all; underscores allowed for
    /// service names; not an IP literal).
    /// </summary>
    public static bool IsValidDnsName(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var h = Normalize(host);
        if (h.Length is 0 or > 253 || TryParseIpLiteral(h) is not null)
        {
            return false;
        }

        foreach (var label in h.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' || c == '_'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
