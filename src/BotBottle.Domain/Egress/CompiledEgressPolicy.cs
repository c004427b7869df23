using System.Collections.Frozen;
using System.Text.RegularExpressions;
using BotBottle.Policy;

namespace BotBottle.Egress;

/// <summary>
/// An <see cref="EgressPolicy"/> prepared for fast evaluation: a frozen host → route map and pre-compiled
/// (NonBacktracking, so linear-time) regexes. Thread-safe, and immutable but for a memo of the last valid host name
/// (see <c>_lastValidHost</c>); the proxy swaps whole instances on reload,
/// so a request always sees one consistent policy.
/// </summary>
public sealed class CompiledEgressPolicy
{
    private readonly FrozenDictionary<string, CompiledRoute> _routes;

    // Wildcard routes ("*.example.com") keyed by their domain ("example.com"), looked up by span without allocating.
    private readonly FrozenDictionary<string, CompiledRoute>.AlternateLookup<ReadOnlySpan<char>> _wildcards;
    private readonly bool _hasWildcards;

    /// <summary>
    /// The last host that passed the name checks (not an IP literal, a valid DNS name) and its normal form. Those checks
    /// depend on the name alone, never on the routes, so remembering the last one is safe across threads (one reference,
    /// written whole) and needs no reset on reload; a request naming the same host again skips them (the profile of GET
    /// 1 KiB showed them at ~0.8 % of the sidecar's CPU: the name normalised twice, parsed as an IP literal twice, split
    /// into labels). Routes, ports and everything after are judged on every request as before.
    /// </summary>
    private ValidHost? _lastValidHost;

    private sealed record ValidHost(string Host, string Normalized);

    /// <summary>Compiles <paramref name="policy"/>.</summary>
    /// <exception cref="ArgumentException">A regex in a route's <c>matches</c> does not compile (the manifest loader reports this earlier, with a location).</exception>
    public CompiledEgressPolicy(EgressPolicy policy)
    {
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _routes = policy.Routes.ToFrozenDictionary(r => HostName.Normalize(r.Host), r => new CompiledRoute(r), StringComparer.Ordinal);
        var wildcards = _routes.Where(p => p.Key.StartsWith(WildcardPrefix, StringComparison.Ordinal)).ToFrozenDictionary(p => p.Key[WildcardPrefix.Length..], p => p.Value, StringComparer.Ordinal);
        _hasWildcards = wildcards.Count > 0;
        _wildcards = wildcards.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The prefix of a wildcard route's host: <c>*.example.com</c> covers every name under <c>example.com</c>.</summary>
    public const string WildcardPrefix = "*.";

    /// <summary>The source policy.</summary>
    public EgressPolicy Policy { get; }

    /// <summary>
    /// Looks up the route for a host (case-insensitive, trailing dot ignored): the route whose host is exactly
    /// <paramref name="host"/>, else the most specific wildcard route covering it (<c>*.b.example.com</c> before
    /// <c>*.example.com</c> for <c>a.b.example.com</c>; a wildcard never covers its own domain). A wildcard host
    /// itself (<c>*.example.com</c>) finds its own route. <see langword="null"/> when no route covers the host.
    /// </summary>
    public EgressRoute? FindRoute(string host) => Lookup(HostName.Normalize(host))?.Route;

    private CompiledRoute? Lookup(string host)
    {
        if (_routes.TryGetValue(host, out var exact))
        {
            return exact;
        }

        if (!_hasWildcards)
        {
            return null;
        }

        // Leftmost dot first, so the longest (most specific) covering domain wins.
        var span = host.AsSpan();
        for (var dot = span.IndexOf('.'); dot >= 0 && dot < span.Length - 1; dot = NextDot(span, dot))
        {
            if (_wildcards.TryGetValue(span[(dot + 1)..], out var covering))
            {
                return covering;
            }
        }

        return null;

        static int NextDot(ReadOnlySpan<char> s, int from)
        {
            var i = s[(from + 1)..].IndexOf('.');
            return i < 0 ? -1 : from + 1 + i;
        }
    }

    /// <summary>
    /// Evaluates the request line and headers, in this order: host validity and IP literals, the route, the port,
    /// plain HTTP on a route that injects a credential (refused), the <c>Host</c> header against the target's authority, the path (normalised, RFC 3986 §5.2.4; hazards refused
    /// on routes with path rules), git over HTTPS, and <c>matches</c> — judged for the request's method and for every
    /// method a method-override header names (one that is neither in the IANA registry, <see cref="HttpMethods"/>, nor named
    /// by a <c>matches</c> entry is refused; so is a TRACE or TRACK on a route that injects a credential). Address checks after DNS resolution are the caller's (the proxy
    /// resolves and pins). The proxy and the offline check both call this, so they decide alike.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <returns>The decision; when allowed, <see cref="EgressDecision.Path"/> is the normalised path to forward.</returns>
    public EgressDecision Evaluate(EgressRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Method);
        ArgumentNullException.ThrowIfNull(request.Host);
        ArgumentNullException.ThrowIfNull(request.Path);
        ArgumentNullException.ThrowIfNull(request.Headers);
        var host = request.Host;
        string h;
        if (Volatile.Read(ref _lastValidHost) is { } known && known.Host.Equals(host, StringComparison.Ordinal))
        {
            h = known.Normalized; // judged before (a tunnel's requests all name its host): the same answer, without the work
        }
        else
        {
            h = HostName.Normalize(host);
            if (HostName.TryParseIpLiteral(h) is { } ip)
            {
                return EgressDecision.Deny(EgressDenial.IpLiteral, $"'{host}' is an IP address literal ({ip}); egress is allowed by host name only.");
            }

            if (!HostName.IsValidDnsName(h))
            {
                return EgressDecision.Deny(EgressDenial.InvalidHost, $"'{host}' is not a valid host name.");
            }

            Volatile.Write(ref _lastValidHost, new ValidHost(host, h));
        }

        if (Lookup(h) is not { } compiled)
        {
            return EgressDecision.Deny(EgressDenial.NoRoute, $"no egress route allows {h}.");
        }

        var route = compiled.Route;
        if (!route.AllowsPort(request.Scheme, request.Port))
        {
            return EgressDecision.Deny(EgressDenial.PortNotAllowed, $"the route for {h} allows port(s) {route.PortsText}, not {request.Port} ({request.Scheme}); a route lists other ports with 'ports'.", route);
        }

        if (route.Auth is not null && !request.Scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            // An injected credential only ever travels inside TLS to the route's host.
            return EgressDecision.Deny(EgressDenial.CredentialNeedsTls,
                $"the route for {h} injects a credential, which is never sent over plain {request.Scheme}://; use https://{h}.", route);
        }

        if (HostHeaderProblem(request, h) is { } hostProblem)
        {
            return EgressDecision.Deny(EgressDenial.HostMismatch, hostProblem, route);
        }

        var path = RequestPath.Normalize(request.Path, out var hazards);
        if (hazards != PathHazard.None && compiled.HasPathRules)
        {
            return EgressDecision.Deny(EgressDenial.InvalidPath,
                $"the path cannot be matched safely against the route for {h}'s path rules ({Describe(hazards)}); send it without them.", route);
        }

        var git = GitService(path, request.Query);
        if (git == "git-receive-pack")
        {
            return EgressDecision.Deny(EgressDenial.GitPush, $"git push over HTTPS to {h} is always refused; push to the bottle's git gate remote instead.", route);
        }

        if (git == "git-upload-pack" && !route.Git.Fetch)
        {
            return EgressDecision.Deny(EgressDenial.GitFetchNotAllowed, $"git clone/fetch over HTTPS from {h} needs 'git: {{fetch: true}}' on its route.", route);
        }

        if (DnsOverHttpsSign(path, request.Query, request.Headers) is { } doh)
        {
            return EgressDecision.Deny(EgressDenial.DnsOverHttps, $"DNS-over-HTTPS to {h} is always refused ({doh}): names are resolved by the sidecar, not by a resolver outside the bottle.", route);
        }

        // The method as sent, then every method a method-override header names (the list only exists when one does).
        var sent = request.Method.ToUpperInvariant();
        List<string>? overrides = null;
        for (var i = 0; i < request.Headers.Count; i++) // indexed: foreach over the interface allocates an enumerator
        {
            var (name, value) = request.Headers[i];
            if (!IsMethodOverrideHeader(name))
            {
                continue;
            }

            var named = value.Trim();
            if (named.Length == 0 || !named.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
            {
                return EgressDecision.Deny(EgressDenial.NoMatch, $"the {name} header does not name an HTTP method.", route);
            }

            (overrides ??= []).Add(named.ToUpperInvariant());
        }

        if (route.Auth is not null && (IsEchoMethod(sent) || (overrides?.Exists(IsEchoMethod) ?? false)))
        {
            // TRACE echoes the request as received (RFC 9110 §9.3.8): the injected credential would come back to the agent.
            return EgressDecision.Deny(EgressDenial.TraceWithCredential,
                $"the route for {h} injects a credential, and a TRACE or TRACK asks the server to echo the request back with it (RFC 9110 §9.3.8); it is never sent on such a route.", route);
        }

        if (!HttpMethods.IsRegistered(sent) && !compiled.NamesMethod(sent))
        {
            // The name is not echoed: it may be the very secret (red team 11: curl -X "$TOKEN").
            return EgressDecision.Deny(EgressDenial.UnregisteredMethod,
                $"the request's method ({sent.Length} characters) is not a registered HTTP method (IANA HTTP Method Registry) and no 'matches' entry of the route for {h} names it; use a registered method, or name this one in the route's 'matches' methods.", route);
        }

        if (overrides?.Find(m => !HttpMethods.IsRegistered(m) && !compiled.NamesMethod(m)) is { } unregistered)
        {
            return EgressDecision.Deny(EgressDenial.UnregisteredMethod,
                $"a method-override header names a method ({unregistered.Length} characters) that is not a registered HTTP method (IANA HTTP Method Registry) and no 'matches' entry of the route for {h} names it.", route);
        }

        if (!compiled.Matches(sent, path, request.Headers))
        {
            return EgressDecision.Deny(EgressDenial.NoMatch, $"the route for {h} does not allow {sent} {path} (no 'matches' entry fits).", route);
        }

        foreach (var method in overrides?.Distinct(StringComparer.Ordinal) ?? [])
        {
            if (method != sent && !compiled.Matches(method, path, request.Headers))
            {
                return EgressDecision.Deny(EgressDenial.NoMatch,
                    $"the route for {h} does not allow {method} (named by a method-override header on a {sent}) {path} (no 'matches' entry fits).", route);
            }
        }

        return EgressDecision.Allow(route, path);
    }

    /// <summary><c>TRACE</c> (RFC 9110 §9.3.8) or <c>TRACK</c> (IIS's variant): methods whose response is the request as the server received it.</summary>
    private static bool IsEchoMethod(string upperMethod) => upperMethod is "TRACE" or "TRACK";

    private static bool IsMethodOverrideHeader(string name)
    {
        for (var i = 0; i < EgressRequest.MethodOverrideHeaders.Count; i++)
        {
            if (EgressRequest.MethodOverrideHeaders[i].Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Evaluates an HTTPS request to port 443 (see <see cref="Evaluate(EgressRequest)"/>).</summary>
    /// <param name="method">Request method, as sent.</param>
    /// <param name="host">Target host (no port).</param>
    /// <param name="path">Path without the query string, as sent (percent-encoded).</param>
    /// <param name="query">Query string without '?', or empty.</param>
    /// <param name="headers">Request headers.</param>
    public EgressDecision Evaluate(string method, string host, string path, string query, IReadOnlyList<KeyValuePair<string, string>> headers) =>
        Evaluate(new EgressRequest(method, "https", host, 443, path, query, headers));

    /// <summary>
    /// What makes the request a DNS-over-HTTPS query, or <see langword="null"/>: a <c>Content-Type</c> or <c>Accept</c> of
    /// <c>application/dns-message</c> (RFC 8484 §6) or <c>application/dns-json</c> (the JSON APIs of Google Public DNS and
    /// Cloudflare); a <c>dns</c> query parameter whose base64url value decodes to a DNS message header with at least one
    /// question (RFC 8484 §4.1, RFC 1035 §4.1.1), in the query or a path parameter, on any path; or <c>name=</c> on the
    /// JSON APIs' root paths <c>/resolve</c> and <c>/dns-query</c> (slashes merged, <c>;</c> parameters dropped). A
    /// POST of DNS wire format under another content type is not recognised here (the policy sees no body). Requests
    /// whose path and query hold neither <c>dns</c>, <c>resolve</c> nor <c>%</c> are answered after the header loop,
    /// without allocating.
    /// </summary>
    internal static string? DnsOverHttpsSign(string path, string query, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = headers[i];
            if ((name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || name.Equals("Accept", StringComparison.OrdinalIgnoreCase))
                && (value.Contains("application/dns-message", StringComparison.OrdinalIgnoreCase) || value.Contains("application/dns-json", StringComparison.OrdinalIgnoreCase)))
            {
                return $"{name}: {value.Trim()}";
            }
        }

        // Every remaining sign is a parameter: without a query and without ';' path parameters there is none (the
        // common case, decided without splitting anything). Nor is there one when neither path nor query names
        // "resolve" or "dns" (possibly percent-encoded): ordinary requests allocate nothing here.
        if ((query.Length == 0 && !path.Contains(';', StringComparison.Ordinal))
            || (!path.Contains("resolve", StringComparison.OrdinalIgnoreCase) && !path.Contains("dns", StringComparison.OrdinalIgnoreCase)
                && !query.Contains("dns", StringComparison.OrdinalIgnoreCase) && !path.Contains('%', StringComparison.Ordinal) && !query.Contains('%', StringComparison.Ordinal)))
        {
            return null;
        }

        // The path as a server that merges slashes and drops ';' parameters would route it: "//resolve/", "/resolve;x".
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(seg => seg.Split(';')[0]).Where(seg => seg.Length > 0).ToArray();
        bool jsonPath = segments.Length == 1 && (segments[0].Equals("resolve", StringComparison.OrdinalIgnoreCase) || segments[0].Equals("dns-query", StringComparison.OrdinalIgnoreCase));

        // Path parameters (RFC 3986 §3.3) carry "dns=" as well as the query does.
        var parameters = path.Split('/').SelectMany(seg => seg.Split(';').Skip(1));
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries).Concat(parameters))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (key.Equals("dns", StringComparison.OrdinalIgnoreCase) && IsDnsMessage(value))
            {
                return "a 'dns' parameter holding a DNS query";
            }

            if (jsonPath && key.Equals("name", StringComparison.OrdinalIgnoreCase) && value.Length > 0)
            {
                return $"'name' on {path}";
            }
        }

        return null;
    }

    /// <summary>
    /// base64url (RFC 4648 §5, no padding; base64 accepted too) that starts with a 12-byte DNS header with QDCOUNT ≥ 1
    /// and a query opcode (RFC 1035 §4.1.1). Only the first 16 characters are decoded, without allocating.
    /// </summary>
    private static bool IsDnsMessage(string b64url)
    {
        if (b64url.Length < 16)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[12];
        if (BotBottle.Dlp.Base64Helpers.DecodeLenient(b64url, bytes) < 12)
        {
            return false;
        }

        bool isQuery = (bytes[2] & 0x80) == 0;
        int opcode = (bytes[2] >> 3) & 0x0F;
        int questions = (bytes[4] << 8) | bytes[5];
        return isQuery && opcode is 0 or 2 && questions >= 1;
    }

    /// <summary>
    /// Why the request's <c>Host</c> header(s) do not name the target's authority, or <see langword="null"/>: at most one
    /// <c>Host</c> (RFC 9112 §3.2), and when present it must be the target's host and port (the scheme's default port
    /// when it names none).
    /// </summary>
    private static string? HostHeaderProblem(EgressRequest request, string host)
    {
        string? value = null;
        for (var i = 0; i < request.Headers.Count; i++)
        {
            var (name, v) = request.Headers[i];
            if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (value is not null)
            {
                return "the request carries more than one Host header.";
            }

            value = v;
        }

        if (value is null)
        {
            return null;
        }

        if (!TrySplitAuthority(value.Trim(), EgressRoute.DefaultPort(request.Scheme), out var hh, out var hp)
            || !HostName.Normalize(hh).Equals(host, StringComparison.Ordinal) || hp != request.Port)
        {
            return $"the Host header '{value}' does not name the request's target {host}:{request.Port}.";
        }

        return null;
    }

    /// <summary>Splits <c>host[:port]</c> (or <c>[v6][:port]</c>); the port defaults to <paramref name="defaultPort"/>. Userinfo and paths are refused.</summary>
    /// <param name="authority">The authority (RFC 3986 §3.2) as sent.</param>
    /// <param name="defaultPort">Port when none is given.</param>
    /// <param name="host">The host part (IPv6 literals keep their brackets).</param>
    /// <param name="port">The port.</param>
    /// <returns>Whether it parsed.</returns>
    public static bool TrySplitAuthority(string authority, int defaultPort, out string host, out int port)
    {
        host = string.Empty;
        port = defaultPort;
        if (string.IsNullOrEmpty(authority) || authority.Contains('@', StringComparison.Ordinal) || authority.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }

        string portText;
        if (authority[0] == '[')
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = authority[..(close + 1)];
            portText = close + 1 < authority.Length && authority[close + 1] == ':' ? authority[(close + 2)..] : string.Empty;
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            portText = colon < 0 ? string.Empty : authority[(colon + 1)..];
        }

        if (portText.Length > 0 && (!int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            return false;
        }

        return host.Length > 0;
    }

    private static string Describe(PathHazard hazards) => string.Join(", ", new (PathHazard Flag, string Text)[]
    {
        (PathHazard.EncodedSlash, "an encoded '/' (%2F)"),
        (PathHazard.Backslash, "a '\\' or %5C"),
        (PathHazard.DotSegmentWithParameters, "a dot segment with parameters ('..;')"),
        (PathHazard.MalformedEscape, "a malformed %-escape"),
        (PathHazard.EncodedNul, "an encoded NUL (%00)"),
    }.Where(x => hazards.HasFlag(x.Flag)).Select(x => x.Text));

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

        /// <summary>Whether some <c>matches</c> entry lists <paramref name="upperMethod"/> (upper-cased) among its methods.</summary>
        public bool NamesMethod(string upperMethod) => _matches.Any(m => m.NamesMethod(upperMethod));

        /// <summary>Whether some <c>matches</c> entry has path conditions (then unsafe paths are refused).</summary>
        public bool HasPathRules => _matches.Any(m => m.HasPaths);

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

        public bool HasPaths => _paths.Length > 0;

        public bool NamesMethod(string upperMethod) => Array.IndexOf(_methods, upperMethod) >= 0;

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
