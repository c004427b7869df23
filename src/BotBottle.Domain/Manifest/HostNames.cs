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

        if (wildcard && PublicSuffixes.Contains(host[2..]))
        {
            suggestion = "*.example." + host[2..];
            return $"'{host[2..]}' is a public suffix (https://publicsuffix.org): '*.{host[2..]}' would allow every registrant's names under it, including ones anyone can set up to receive data; name the registrable domain, as in '*.example.{host[2..]}'";
        }

        return null;
    }

    /// <summary>
    /// Multi-label public suffixes a wildcard route must not stand on: the common second-level registries of the ICANN
    /// section of the Public Suffix List (https://publicsuffix.org/list/public_suffix_list.dat) and, from its private
    /// section, shared hosting domains where anyone can run a site that receives requests. Not the whole list (single
    /// labels such as <c>com</c> are refused by the two-label rule); a small embedded set of the suffixes seen in
    /// practice.
    /// </summary>
    internal static readonly System.Collections.Frozen.FrozenSet<string> PublicSuffixes = System.Collections.Frozen.FrozenSet.ToFrozenSet(
    [
        // ICANN section: second-level registries
        "co.uk", "org.uk", "me.uk", "ac.uk", "gov.uk", "ltd.uk", "plc.uk", "net.uk", "sch.uk", "nhs.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au", "id.au", "co.nz", "net.nz", "org.nz", "govt.nz", "ac.nz",
        "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "com.br", "net.br", "org.br", "gov.br", "com.cn", "net.cn", "org.cn",
        "gov.cn", "edu.cn", "co.in", "net.in", "org.in", "gov.in", "ac.in", "co.za", "org.za", "gov.za", "com.mx", "gob.mx",
        "org.mx", "com.ar", "com.tr", "gov.tr", "com.sg", "edu.sg", "gov.sg", "com.hk", "com.tw", "co.kr", "or.kr", "co.il",
        "org.il", "com.my", "co.id", "or.id", "co.th", "in.th", "com.vn", "com.ph", "com.pk", "com.sa", "com.eg", "com.ng",
        "co.ke", "com.ua", "com.pl", "co.at", "or.at", "com.es", "com.co", "com.pe", "com.ru", "co.it", "com.gr",
        // private section: shared hosting (anyone can publish a site under these)
        "github.io", "gitlab.io", "herokuapp.com", "vercel.app", "netlify.app", "pages.dev", "workers.dev", "web.app",
        "firebaseapp.com", "appspot.com", "azurewebsites.net", "cloudfront.net", "s3.amazonaws.com", "fly.dev",
        "onrender.com", "glitch.me", "ngrok.io", "ngrok-free.app", "blogspot.com", "repl.co", "trycloudflare.com",
    ], StringComparer.Ordinal);
}
