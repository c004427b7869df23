using System.Collections.Frozen;
using System.Text.RegularExpressions;
using BotBottle.Policy;

namespace BotBottle.Egress;

/// <summary>
/// An <see cref="EgressPolicy"/> prepared for fast evaluation: a frozen host → route map and pre-compiled
/// (NonBacktracking, so linear-time) regexes. Immutable and thread-safe; the proxy swaps whole instances on reload,
/// so a request always sees one consistent policy.
/// </summary>
public sealed class CompiledEgressPolicy
{
    private readonly FrozenDictionary<string, CompiledRoute> _routes;

    /// <summary>Compiles <paramref name="policy"/>.</summary>
    /// <exception cref="ArgumentException">A regex in a route's <c>matches</c> does not compile (the manifest loader reports this earlier, with a location).</exception>
    public CompiledEgressPolicy(EgressPolicy policy)
    {
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _routes = policy.Routes.ToFrozenDictionary(r => HostName.Normalize(r.Host), r => new CompiledRoute(r), StringComparer.Ordinal);
    }

    /// <summary>The source policy.</summary>
    public EgressPolicy Policy { get; }

    /// <summary>Looks up the route for a host (case-insensitive, trailing dot ignored).</summary>
    public EgressRoute? FindRoute(string host) => _routes.TryGetValue(HostName.Normalize(host), out var r) ? r.Route : null;

    /// <summary>
    /// Evaluates the request line and headers: host validity, IP literals, route, <c>matches</c>, and git over HTTPS.
    /// Address checks after DNS resolution are the caller's (the proxy resolves and pins).
    /// </summary>
    /// <param name="method">Request method, as sent.</param>
    /// <param name="host">Target host (no port).</param>
    /// <param name="path">Path without the query string, as sent (percent-encoded).</param>
    /// <param name="query">Query string without '?', or empty.</param>
    /// <param name="headers">Request headers.</param>
    public EgressDecision Evaluate(string method, string host, string path, string query, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(headers);
        var h = HostName.Normalize(host);
        if (HostName.TryParseIpLiteral(h) is { } ip)
        {
            return EgressDecision.Deny(EgressDenial.IpLiteral, $"'{host}' is an IP address literal ({ip}); egress is allowed by host name only.");
        }

        if (!HostName.IsValidDnsName(h))
        {
            return EgressDecision.Deny(EgressDenial.InvalidHost, $"'{host}' is not a valid host name.");
        }

        if (!_routes.TryGetValue(h, out var compiled))
        {
            return EgressDecision.Deny(EgressDenial.NoRoute, $"no egress route allows {h}.");
        }

        var route = compiled.Route;
        var git = GitService(path, query);
        if (git == "git-receive-pack")
        {
            return EgressDecision.Deny(EgressDenial.GitPush, $"git push over HTTPS to {h} is always refused; push to the bottle's git gate remote instead.", route);
        }

        if (git == "git-upload-pack" && !route.Git.Fetch)
        {
            return EgressDecision.Deny(EgressDenial.GitFetchNotAllowed, $"git clone/fetch over HTTPS from {h} needs 'git: {{fetch: true}}' on its route.", route);
        }

        if (!compiled.Matches(method, path, headers))
        {
            return EgressDecision.Deny(EgressDenial.NoMatch, $"the route for {h} does not allow {method} {path} (no 'matches' entry fits).", route);
        }

        return EgressDecision.Allow(route);
    }

    /// <summary>
    /// The git smart-HTTP service a request is for (https://git-scm.com/docs/http-protocol): <c>git-upload-pack</c>,
    /// <c>git-receive-pack</c>, or <see langword="null"/>. Looks at <c>/info/refs?service=…</c> and at the
    /// <c>…/git-upload-pack</c> / <c>…/git-receive-pack</c> POST endpoints, case-insensitively and after
    /// percent-decoding.
    /// </summary>
    public static string? GitService(string path, string query)
    {
        ArgumentNullException.ThrowIfNull(path);
        var p = Uri.UnescapeDataString(path).TrimEnd('/');
        if (p.EndsWith("/git-receive-pack", StringComparison.OrdinalIgnoreCase))
        {
            return "git-receive-pack";
        }

        if (p.EndsWith("/git-upload-pack", StringComparison.OrdinalIgnoreCase))
        {
            return "git-upload-pack";
        }

        if (p.EndsWith("/info/refs", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(query))
        {
            foreach (var pair in query.Split('&'))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && Uri.UnescapeDataString(pair[..eq]).Equals("service", StringComparison.OrdinalIgnoreCase))
                {
                    var v = Uri.UnescapeDataString(pair[(eq + 1)..]);
                    if (v.Equals("git-receive-pack", StringComparison.OrdinalIgnoreCase))
                    {
                        return "git-receive-pack";
                    }

                    if (v.Equals("git-upload-pack", StringComparison.OrdinalIgnoreCase))
                    {
                        return "git-upload-pack";
                    }
                }
            }
        }

        return null;
    }

    private sealed class CompiledRoute
    {
        private readonly CompiledMatch[] _matches;

        public CompiledRoute(EgressRoute route)
        {
            Route = route;
            _matches = [.. route.Matches.Select(m => new CompiledMatch(m))];
        }

        public EgressRoute Route { get; }

        public bool Matches(string method, string path, IReadOnlyList<KeyValuePair<string, string>> headers)
        {
            if (_matches.Length == 0)
            {
                return true;
            }

            foreach (var m in _matches)
            {
                if (m.IsMatch(method, path, headers))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private sealed class CompiledMatch
    {
        private readonly (PatternKind Type, string Value, Regex? Regex)[] _paths;
        private readonly string[] _methods;
        private readonly (string Name, PatternKind Type, string Value, Regex? Regex)[] _headers;

        public CompiledMatch(RouteMatch m)
        {
            _paths = [.. m.Paths.Select(p => (p.Type, p.Value, Compile(p)))];
            _methods = [.. m.Methods.Select(x => x.ToUpperInvariant())];
            _headers = [.. m.Headers.Select(h => (h.Name, h.Value.Type, h.Value.Value, Compile(h.Value)))];
        }

        public bool IsMatch(string method, string path, IReadOnlyList<KeyValuePair<string, string>> headers)
        {
            if (_methods.Length > 0 && Array.IndexOf(_methods, method.ToUpperInvariant()) < 0)
            {
                return false;
            }

            if (_paths.Length > 0)
            {
                var any = false;
                foreach (var p in _paths)
                {
                    if (Test(p.Type, p.Value, p.Regex, path))
                    {
                        any = true;
                        break;
                    }
                }

                if (!any)
                {
                    return false;
                }
            }

            foreach (var h in _headers)
            {
                var found = false;
                foreach (var (name, value) in headers)
                {
                    if (name.Equals(h.Name, StringComparison.OrdinalIgnoreCase) && Test(h.Type, h.Value, h.Regex, value))
                    {
                        found = true;
                        break;
                    }
                }

                if (!found)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool Test(PatternKind type, string pattern, Regex? regex, string value) => type switch
        {
            PatternKind.Exact => string.Equals(value, pattern, StringComparison.Ordinal),
            PatternKind.Prefix => value.StartsWith(pattern, StringComparison.Ordinal),
            _ => regex!.IsMatch(value),
        };

        private static Regex? Compile(ValuePattern m) =>
            m.Type == PatternKind.Regex ? new Regex(m.Value, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)) : null;
    }
}
