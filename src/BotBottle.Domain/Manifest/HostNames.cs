using System.Net;

namespace BotBottle.Manifest;

/// <summary>
/// Validation of route hosts: exact DNS host names (RFC 1123 §2.1, RFC 1035 §2.3.4), lower-case, or a wildcard
/// <c>*.</c> followed by such a name of at least two labels (<c>*.example.com</c>: every name under example.com, at any
/// depth, not example.com itself).
/// </summary>
internal static class HostNames
{
    /// <summary>
    /// Checks <paramref name="raw"/>; returns <see langword="null"/> and the lower-cased host when it is valid,
    /// otherwise the reason (and, when obvious, the host the operator meant in <paramref name="suggestion"/>).
    /// </summary>
    public static string? Validate(string raw, out string host, out string? suggestion)
    {
        host = raw.ToLowerInvariant();
        suggestion = null;
        if (raw.Length == 0)
        {
            return "a route host must not be empty";
        }

        if (raw.Contains("://", StringComparison.Ordinal))
        {
            if (Uri.TryCreate(raw, UriKind.Absolute, out var uri) && uri.IdnHost.Length > 0)
            {
                suggestion = uri.IdnHost.ToLowerInvariant();
            }

            return "a route host is a bare host name without a scheme (routes cover HTTP and HTTPS alike)";
        }

        // "*.example.com": every name under example.com (any depth), not example.com itself.
        var wildcard = raw.StartsWith("*.", StringComparison.Ordinal);
        var name = wildcard ? raw[2..] : raw;
        if (name.Contains('*', StringComparison.Ordinal))
        {
            return "a wildcard is allowed only as the whole first label, as in '*.example.com' (every name under example.com, not example.com itself)";
        }

        var bare = name.StartsWith('[') && name.EndsWith(']') ? name[1..^1] : name;
        if (IPAddress.TryParse(bare, out _))
        {
            return "IP literals are not allowed: the egress proxy refuses requests to raw IP addresses, so policy is written for host names";
        }

        var slash = name.IndexOfAny(['/', '?', '#']);
        if (slash >= 0)
        {
            suggestion = (wildcard ? "*." : "") + name[..slash].ToLowerInvariant();
            return "a route host has no path or query; restrict paths with 'matches' instead";
        }

        var colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            suggestion = (wildcard ? "*." : "") + name[..colon].ToLowerInvariant();
            return "a route host has no port; list the ports the route allows under 'ports' (default 443 for https and 80 for http)";
        }

        if (name.EndsWith('.'))
        {
            suggestion = raw.TrimEnd('.').ToLowerInvariant();
            return "a route host has no trailing dot";
        }

        if (raw.Any(c => c > 127))
        {
            return "a route host must be ASCII; write an internationalized name in its punycode (xn--) form";
        }

        if (raw.Length > 253)
        {
            return "a host name is at most 253 characters";
        }

        var labels = (wildcard ? host[2..] : host).Split('.');
        if (wildcard && labels.Length < 2)
        {
            return "a wildcard needs at least two labels after '*.': '*.example.com', not '*.com'";
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63)
            {
                return "each dot-separated label of a host name has 1 to 63 characters";
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                return "a host name label must not start or end with '-'";
            }

            if (!label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return "a host name has only letters, digits, '-' and '.'";
            }
        }

        return null;
    }
}
