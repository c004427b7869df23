using System.Collections.Immutable;
using System.Text.RegularExpressions;
using PatternKind = BotBottle.Policy.PatternKind;
using ValuePattern = BotBottle.Policy.ValuePattern;
using BotBottle.Manifest.Yaml;
using BotBottle.Policy;
using YamlDotNet.RepresentationModel;

namespace BotBottle.Manifest;

/// <summary>A value and where it was written.</summary>
internal readonly record struct Located<T>(T Value, SourceLocation At);

/// <summary>
/// A route as one file declares it: every field is either set (with its location) or unset, so a child bottle's
/// route can be merged over a parent's by key (PRODUCT.md §3.2 <c>extends</c>; docs/manifest.md "Merge rules").
/// </summary>
internal sealed record RouteSpec(string Host, SourceLocation At)
{
    public Located<RouteAuth>? Auth { get; init; }

    public Located<ImmutableArray<int>>? Ports { get; init; }

    public Located<ImmutableArray<RouteMatch>>? Matches { get; init; }

    public Located<ImmutableArray<OutboundDetector>>? OutboundDetectors { get; init; }

    public Located<ImmutableArray<InboundDetector>>? InboundDetectors { get; init; }

    public Located<DlpAction>? OutboundOnMatch { get; init; }

    public Located<bool>? GitFetch { get; init; }

    public Located<bool>? AllowPrivate { get; init; }

    /// <summary>This route's fields over <paramref name="parent"/>'s: every field set here wins.</summary>
    public RouteSpec Over(RouteSpec parent) => parent with
    {
        Auth = Auth ?? parent.Auth,
        Ports = Ports ?? parent.Ports,
        Matches = Matches ?? parent.Matches,
        OutboundDetectors = OutboundDetectors ?? parent.OutboundDetectors,
        InboundDetectors = InboundDetectors ?? parent.InboundDetectors,
        OutboundOnMatch = OutboundOnMatch ?? parent.OutboundOnMatch,
        GitFetch = GitFetch ?? parent.GitFetch,
        AllowPrivate = AllowPrivate ?? parent.AllowPrivate,
    };

    /// <summary>The route with defaults for every unset field (PRODUCT.md §3.4).</summary>
    public EgressRoute ToRoute() => new()
    {
        Host = Host,
        Auth = Auth?.Value,
        Ports = Ports?.Value ?? [],
        Matches = Matches?.Value ?? [],
        Dlp = new RouteDlp
        {
            OutboundDetectors = OutboundDetectors?.Value ?? RouteDlp.Default.OutboundDetectors,
            InboundDetectors = InboundDetectors?.Value ?? RouteDlp.Default.InboundDetectors,
            OutboundOnMatch = OutboundOnMatch?.Value ?? RouteDlp.Default.OutboundOnMatch,
        },
        Git = GitFetch is { } f ? new RouteGit(f.Value) : RouteGit.Default,
        AllowPrivate = AllowPrivate?.Value ?? false,
    };
}

/// <summary>The route schema of PRODUCT.md §3.4, shared by bottles (<c>egress.routes</c>), routes files and proposals.</summary>
internal static class RouteParser
{
    private static readonly KeySchema RouteKeys = new("a route", ["host", "ports", "auth", "matches", "dlp", "git", "allow_private"]);
    private static readonly KeySchema AuthKeys = new("a route's auth", ["scheme", "token_ref", "name", "user", "password"]);
    private static readonly KeySchema MatchKeys = new("a matches entry", ["paths", "methods", "headers"]);
    private static readonly KeySchema ValueMatchKeys = new("a match condition", ["type", "value"]);
    private static readonly KeySchema DlpKeys = new("a route's dlp", ["outbound_detectors", "inbound_detectors", "outbound_on_match"]);
    private static readonly KeySchema GitKeys = new("a route's git", ["fetch"]);

    private static readonly string[] MatchTypes = ["exact", "prefix", "regex"];
    private static readonly string[] OutboundNames = ["token_patterns", "known_secrets"];
    /// <summary>Inbound detector names; <c>naive_injection_detection</c> is the original product's name for <c>injection</c>.</summary>
    private static readonly string[] InboundNames = ["injection", "naive_injection_detection"];
    private static readonly string[] Actions = ["block", "redact", "supervise"];
    private static readonly string[] Schemes = ["Bearer", "token", "basic", "header"];

    /// <summary>
    /// The auth fields that belong to one scheme, refused with any other (<c>name</c> and <c>user</c> are also required
    /// with theirs, <c>user</c> unless <c>password</c> is given). <c>Elsewhere</c> is a
    /// format string (<c>{0}</c> = the scheme given) placed before "remove …" when the field is given with another scheme.
    /// </summary>
    private static readonly (string Field, AuthScheme Owner, string Needs, string Elsewhere)[] SchemeFields =
    [
        ("name", AuthScheme.Header, "the header that carries the credential (e.g. x-api-key)", "scheme {0} always uses Authorization; "),
        ("user", AuthScheme.Basic, "the user-id sent with the secret from 'token_ref' (RFC 7617), or 'password' when the service takes the secret as the user-id (e.g. password: \"\" for Stripe or Chargebee)", string.Empty),
        ("password", AuthScheme.Basic, string.Empty, string.Empty),
    ];

    private static string SchemeName(AuthScheme scheme) => scheme.ToString().ToLowerInvariant();

    /// <summary>Parses a list of routes; duplicate hosts are recorded against the later entry.</summary>
    public static List<RouteSpec> ParseList(SchemaReader r, YamlNode node, string what)
    {
        var result = new List<RouteSpec>();
        var seq = r.Sequence(node, what);
        if (seq is null)
        {
            return result;
        }

        foreach (var item in seq.Children)
        {
            var spec = Parse(r, item);
            if (spec is null)
            {
                continue;
            }

            var first = result.FirstOrDefault(x => x.Host == spec.Host);
            if (first is not null)
            {
                r.Error(spec.At, ManifestErrorCode.DuplicateRouteHost,
                    $"a second route for host '{spec.Host}' (the first is at line {first.At.Line}); one route per host — put every matches entry in one route");
                continue;
            }

            result.Add(spec);
        }

        return result;
    }

    /// <summary>Parses one route map; <see langword="null"/> when it has no usable host.</summary>
    public static RouteSpec? Parse(SchemaReader r, YamlNode node)
    {
        var map = r.Mapping(node, "route");
        if (map is null)
        {
            return null;
        }

        string? host = null;
        var at = r.At(node);
        RouteSpec? spec = null;
        var fields = new List<Func<RouteSpec, RouteSpec>>();
        YamlScalarNode? authKey = null;
        foreach (var (key, keyNode, value) in r.Entries(map, RouteKeys))
        {
            switch (key)
            {
                case "host":
                    var raw = r.Text(value, "host");
                    if (raw is null)
                    {
                        break;
                    }

                    var reason = HostNames.Validate(raw, out var normalized, out var suggestion);
                    if (reason is not null)
                    {
                        r.Error(value, ManifestErrorCode.InvalidHost, reason, suggestion);
                        break;
                    }

                    host = normalized;
                    at = r.At(value);
                    break;
                case "ports":
                    var ports = ParsePorts(r, value);
                    if (ports is { } pl)
                    {
                        fields.Add(s => s with { Ports = new Located<ImmutableArray<int>>(pl, r.At(keyNode)) });
                    }

                    break;
                case "auth":
                    authKey = keyNode;
                    var auth = ParseAuth(r, keyNode, value);
                    if (auth is { } a)
                    {
                        fields.Add(s => s with { Auth = a });
                    }

                    break;
                case "matches":
                    var matches = ParseMatches(r, value);
                    if (matches is { } m)
                    {
                        fields.Add(s => s with { Matches = new Located<ImmutableArray<RouteMatch>>(m, r.At(keyNode)) });
                    }

                    break;
                case "dlp":
                    ParseDlp(r, value, fields);
                    break;
                case "git":
                    var git = r.Mapping(value, "git");
                    if (git is not null)
                    {
                        foreach (var (_, gk, gv) in r.Entries(git, GitKeys))
                        {
                            if (r.Bool(gv, "git.fetch") is { } fetch)
                            {
                                fields.Add(s => s with { GitFetch = new Located<bool>(fetch, r.At(gk)) });
                            }
                        }
                    }

                    break;
                case "allow_private":
                    if (r.Bool(value, "allow_private") is { } ap)
                    {
                        fields.Add(s => s with { AllowPrivate = new Located<bool>(ap, r.At(keyNode)) });
                    }

                    break;
            }
        }

        if (host is null)
        {
            if (!map.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == "host"))
            {
                r.Error(node, ManifestErrorCode.MissingKey, "a route needs 'host' (the exact host name it allows, or '*.example.com' for every name under a domain)");
            }

            return null;
        }

        if (authKey is not null && host.StartsWith("*.", StringComparison.Ordinal))
        {
            r.Error(authKey, ManifestErrorCode.InvalidValue, WildcardAuthReason);
        }

        spec = new RouteSpec(host, at);
        foreach (var f in fields)
        {
            spec = f(spec);
        }

        return spec;
    }

    /// <summary>Why a wildcard route cannot carry <c>auth</c>.</summary>
    internal const string WildcardAuthReason = "a wildcard route cannot inject a credential: the sidecar would send it to every name under the domain (on shared domains such as *.github.io, to other people's sites); give the credential a route for each exact host";

    private static Located<RouteAuth>? ParseAuth(SchemaReader r, YamlScalarNode keyNode, YamlNode value)
    {
        var map = r.Mapping(value, "auth");
        if (map is null)
        {
            return null;
        }

        if (map.Children.Count == 0)
        {
            r.Error(keyNode, ManifestErrorCode.EmptyAuth, "'auth' is empty; give 'scheme' (Bearer, token, basic or header) and 'token_ref' (the variable holding the token), or remove 'auth'");
            return null;
        }

        AuthScheme? scheme = null;
        string? tokenRef = null, name = null, user = null, password = null;
        YamlNode? nameNode = null, userNode = null, passwordNode = null;
        var bad = false;
        foreach (var (key, _, v) in r.Entries(map, AuthKeys))
        {
            switch (key)
            {
                case "scheme":
                    var s = r.Text(v, "auth.scheme");
                    scheme = s?.ToLowerInvariant() switch
                    {
                        "bearer" => AuthScheme.Bearer,
                        "token" => AuthScheme.Token,
                        "basic" => AuthScheme.Basic,
                        "header" => AuthScheme.Header,
                        _ => null,
                    };
                    if (s is not null && scheme is null)
                    {
                        r.Error(v, ManifestErrorCode.InvalidValue, "'auth.scheme' must be Bearer, token, basic or header", Suggestions.Closest(s, Schemes));
                    }

                    bad |= scheme is null;
                    break;
                case "name":
                    nameNode = v;
                    name = r.Text(v, "auth.name");
                    if (name is not null && !ValidInjectedHeader(r, v, name))
                    {
                        name = null;
                    }

                    bad |= name is null;
                    break;
                case "user":
                    userNode = v;
                    user = r.Text(v, "auth.user");
                    if (user is not null && (user.Length == 0 || user.Contains(':', StringComparison.Ordinal) || user.Any(char.IsControl)))
                    {
                        r.Error(v, ManifestErrorCode.InvalidValue, "'auth.user' is the basic-auth user-id: non-empty, without ':' or control characters (RFC 7617 §2)");
                        user = null;
                    }

                    bad |= user is null;
                    break;
                case "password":
                    passwordNode = v;
                    password = r.Text(v, "auth.password");
                    if (password is not null && password.Any(char.IsControl))
                    {
                        r.Error(v, ManifestErrorCode.InvalidValue, "'auth.password' is the fixed basic-auth password sent after the token (often \"\" or \"X\"): no control characters (RFC 7617 §2)");
                        password = null;
                    }

                    bad |= password is null;
                    break;
                default:
                    tokenRef = r.Text(v, "auth.token_ref");
                    if (tokenRef is not null && !ManifestNames.IsValidEnvName(tokenRef))
                    {
                        r.Error(v, ManifestErrorCode.InvalidEnvName, "'auth.token_ref' names an environment variable (letters, digits and '_', not starting with a digit), not the token itself");
                        tokenRef = null;
                    }

                    bad |= tokenRef is null;
                    break;
            }
        }

        if (scheme is null && !bad && !HasKey(map, "scheme"))
        {
            r.Error(keyNode, ManifestErrorCode.EmptyAuth, "'auth' needs 'scheme' (Bearer, token, basic or header)");
        }

        if (tokenRef is null && !bad && !HasKey(map, "token_ref"))
        {
            r.Error(keyNode, ManifestErrorCode.EmptyAuth, "'auth' needs 'token_ref' (the variable holding the token)");
        }

        // 'name' belongs to scheme header, 'user' and 'password' to scheme basic; each is refused with another scheme.
        // Header needs 'name'; basic needs exactly one of 'user' (the token is the password) and 'password' (the token
        // is the user-id, as Stripe's and Chargebee's APIs take it).
        foreach (var (field, owner, needs, elsewhere) in SchemeFields)
        {
            var node = field switch { "name" => nameNode, "user" => userNode, _ => passwordNode };
            var required = field == "name" || (field == "user" && passwordNode is null);
            if (scheme == owner && node is null && required)
            {
                r.Error(keyNode, ManifestErrorCode.EmptyAuth, $"'auth' with scheme {SchemeName(owner)} needs '{field}': {needs}");
                bad = true;
            }
            else if (scheme is { } other && other != owner && node is not null)
            {
                r.Error(node, ManifestErrorCode.InvalidValue, $"'auth.{field}' applies to scheme {SchemeName(owner)} only; {string.Format(System.Globalization.CultureInfo.InvariantCulture, elsewhere, SchemeName(other))}remove '{field}' or use scheme: {SchemeName(owner)}");
                bad = true;
            }
        }

        if (scheme == AuthScheme.Basic && userNode is not null && passwordNode is not null)
        {
            r.Error(passwordNode, ManifestErrorCode.InvalidValue, "'auth.user' and 'auth.password' are both given; the secret from 'token_ref' fills the other one: keep 'user' (the secret is the password) or 'password' (the secret is the user-id)");
            bad = true;
        }

        return !bad && scheme is { } sc && tokenRef is not null
            ? new Located<RouteAuth>(new RouteAuth(sc, tokenRef) { Name = name?.ToLowerInvariant(), User = user, Password = password }, r.At(keyNode))
            : null;
    }

    /// <summary>
    /// A header the sidecar may inject: an RFC 9110 §5.1 token that is not a field the proxy itself owns — framing
    /// (<c>Content-Length</c>, <c>Transfer-Encoding</c>), routing (<c>Host</c>), connection management (RFC 9110 §7.6.1
    /// hop-by-hop fields, <c>Upgrade</c>, <c>Proxy-*</c>) or <c>Expect</c>.
    /// </summary>
    private static bool ValidInjectedHeader(SchemaReader r, YamlNode at, string name)
    {
        if (!HttpTokens.IsToken(name))
        {
            r.Error(at, ManifestErrorCode.InvalidValue, "'auth.name' is a header name: a token of letters, digits and !#$%&'*+-.^_`|~ (RFC 9110 §5.1), e.g. x-api-key");
            return false;
        }

        if (ProxyOwnedHeaders.Contains(name) || name.StartsWith("proxy-", StringComparison.OrdinalIgnoreCase))
        {
            r.Error(at, ManifestErrorCode.InvalidValue, $"'auth.name' cannot be '{name}': the proxy sets that header itself; name the header the API reads its credential from (e.g. x-api-key)");
            return false;
        }

        return true;
    }

    private static readonly HashSet<string> ProxyOwnedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade", "expect",
    };

    /// <summary><c>ports</c>: a non-empty list of distinct TCP ports (1–65535).</summary>
    private static ImmutableArray<int>? ParsePorts(SchemaReader r, YamlNode value)
    {
        var seq = r.Sequence(value, "ports");
        if (seq is null)
        {
            return null;
        }

        if (seq.Children.Count == 0)
        {
            r.Error(value, ManifestErrorCode.InvalidValue, "'ports' lists the destination ports the route allows; leave it out for the defaults (443 for https, 80 for http)");
            return null;
        }

        var result = ImmutableArray.CreateBuilder<int>();
        var ok = true;
        foreach (var item in seq.Children)
        {
            var port = r.Integer(item, "ports entry");
            if (port is null)
            {
                ok = false;
            }
            else if (port is < 1 or > 65535)
            {
                r.Error(item, ManifestErrorCode.InvalidValue, "a port is a whole number from 1 to 65535");
                ok = false;
            }
            else if (result.Contains(port.Value))
            {
                r.Error(item, ManifestErrorCode.DuplicateValue, $"port {port} is listed twice");
                ok = false;
            }
            else
            {
                result.Add(port.Value);
            }
        }

        return ok ? result.ToImmutable() : null;
    }

    private static bool HasKey(YamlMappingNode map, string key) => map.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == key);

    private static ImmutableArray<RouteMatch>? ParseMatches(SchemaReader r, YamlNode value)
    {
        var seq = r.Sequence(value, "matches");
        if (seq is null)
        {
            return null;
        }

        var result = ImmutableArray.CreateBuilder<RouteMatch>();
        var ok = true;
        foreach (var item in seq.Children)
        {
            var map = r.Mapping(item, "matches entry");
            if (map is null)
            {
                ok = false;
                continue;
            }

            if (map.Children.Count == 0)
            {
                r.Error(item, ManifestErrorCode.InvalidValue, "an empty matches entry would allow every request; give paths, methods or headers, or remove 'matches'");
                ok = false;
                continue;
            }

            var paths = ImmutableArray.CreateBuilder<ValuePattern>();
            var methods = ImmutableArray.CreateBuilder<string>();
            var headers = ImmutableArray.CreateBuilder<HeaderMatch>();
            foreach (var (key, _, v) in r.Entries(map, MatchKeys))
            {
                switch (key)
                {
                    case "paths":
                        foreach (var p in r.Sequence(v, "paths")?.Children ?? [])
                        {
                            var vm = ParseValueMatch(r, p, "paths entry", isPath: true);
                            if (vm is null)
                            {
                                ok = false;
                            }
                            else
                            {
                                paths.Add(vm);
                            }
                        }

                        break;
                    case "methods":
                        foreach (var m in r.Sequence(v, "methods")?.Children ?? [])
                        {
                            var text = r.Text(m, "methods entry");
                            if (text is null)
                            {
                                ok = false;
                            }
                            else if (!HttpTokens.IsToken(text))
                            {
                                r.Error(m, ManifestErrorCode.InvalidMethod, "an HTTP method is a token of letters, digits and !#$%&'*+-.^_`|~ (RFC 9110 §9.1)");
                                ok = false;
                            }
                            else if (methods.Contains(text.ToUpperInvariant()))
                            {
                                r.Error(m, ManifestErrorCode.DuplicateValue, $"method '{text.ToUpperInvariant()}' is listed twice");
                                ok = false;
                            }
                            else
                            {
                                methods.Add(text.ToUpperInvariant());
                            }
                        }

                        break;
                    case "headers":
                        var hmap = r.Mapping(v, "headers");
                        foreach (var (hk, hv) in hmap?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
                        {
                            var name = hk is YamlScalarNode hs && SchemaReader.Classify(hs) != ScalarKind.Null ? hs.Value! : null;
                            if (name is null || !HttpTokens.IsToken(name))
                            {
                                r.Error(hk, ManifestErrorCode.InvalidValue, "a header name is a token of letters, digits and !#$%&'*+-.^_`|~ (RFC 9110 §5.1)");
                                ok = false;
                                continue;
                            }

                            ValuePattern? cond = hv is YamlMappingNode
                                ? ParseValueMatch(r, hv, $"headers.{name}", isPath: false)
                                : r.Text(hv, $"headers.{name}") is { } exact ? ExactHeaderValue(r, hv, name, exact) : null;
                            if (cond is null)
                            {
                                ok = false;
                                continue;
                            }

                            var lower = name.ToLowerInvariant();
                            if (headers.Any(h => h.Name == lower))
                            {
                                r.Error(hk, ManifestErrorCode.DuplicateValue, $"header '{name}' is listed twice (header names are case-insensitive)");
                                ok = false;
                                continue;
                            }

                            headers.Add(new HeaderMatch(lower, cond));
                        }

                        break;
                }
            }

            result.Add(new RouteMatch { Paths = paths.ToImmutable(), Methods = methods.ToImmutable(), Headers = headers.ToImmutable() });
        }

        return ok ? result.ToImmutable() : null;
    }

    private static ValuePattern? ParseValueMatch(SchemaReader r, YamlNode node, string what, bool isPath)
    {
        var map = r.Mapping(node, what);
        if (map is null)
        {
            return null;
        }

        PatternKind? type = null;
        string? value = null;
        YamlNode? valueNode = null;
        var bad = false;
        foreach (var (key, _, v) in r.Entries(map, ValueMatchKeys))
        {
            if (key == "type")
            {
                var t = r.Text(v, $"{what}.type");
                type = t switch
                {
                    "exact" => PatternKind.Exact,
                    "prefix" => PatternKind.Prefix,
                    "regex" => PatternKind.Regex,
                    _ => null,
                };
                if (t is not null && type is null)
                {
                    r.Error(v, ManifestErrorCode.InvalidValue, $"'{what}.type' must be exact, prefix or regex", Suggestions.Closest(t, MatchTypes));
                }

                bad |= type is null;
            }
            else
            {
                value = r.Text(v, $"{what}.value");
                valueNode = v;
                bad |= value is null;
            }
        }

        if (!bad && type is null)
        {
            r.Error(node, ManifestErrorCode.MissingKey, $"'{what}' needs 'type' (exact, prefix or regex)");
            return null;
        }

        if (!bad && value is null)
        {
            r.Error(node, ManifestErrorCode.MissingKey, $"'{what}' needs 'value'");
            return null;
        }

        if (bad || type is null || value is null)
        {
            return null;
        }

        var problem = CheckValue(type.Value, value, isPath);
        if (problem is not null)
        {
            r.Error(valueNode!, type == PatternKind.Regex ? ManifestErrorCode.InvalidRegex : ManifestErrorCode.InvalidValue, problem);
            return null;
        }

        return new ValuePattern(type.Value, value);
    }

    /// <summary>The short form <c>headers: {name: value}</c>: an exact match, checked like the long form's value.</summary>
    private static ValuePattern? ExactHeaderValue(SchemaReader r, YamlNode node, string name, string value)
    {
        if (CheckValue(PatternKind.Exact, value, isPath: false) is { } problem)
        {
            r.Error(node, ManifestErrorCode.InvalidValue, $"'headers.{name}' {problem}");
            return null;
        }

        return new ValuePattern(PatternKind.Exact, value);
    }

    /// <summary>Why a match value is unusable, or <see langword="null"/>. Never echoes the value.</summary>
    internal static string? CheckValue(PatternKind type, string value, bool isPath)
    {
        // A raw control character never matches a request (RFC 3986 §2: a path carries them percent-encoded; RFC 9110
        // §5.5: a field value holds none but HTAB), and on the operator's screen it can rewrite what is shown.
        foreach (var c in value)
        {
            if (char.IsControl(c) && (isPath || c != '\t'))
            {
                return $"contains the control character U+{(int)c:X4}; a request {(isPath ? "path" : "header value")} never carries one raw (RFC 3986 §2, RFC 9110 §5.5): write it percent-encoded, or as a regex escape such as \\x1b";
            }
        }

        if (type == PatternKind.Regex)
        {
            return RegexProblem(value);
        }

        if (isPath && !value.StartsWith('/'))
        {
            return "an exact or prefix path starts with '/' (paths are compared without scheme and host)";
        }

        if (isPath && value.Contains('?', StringComparison.Ordinal))
        {
            return "paths are compared without the query string; remove the '?…' part";
        }

        return null;
    }

    /// <summary>
    /// Compiles <paramref name="pattern"/> the way the egress engine will (<c>RegexOptions.NonBacktracking |
    /// CultureInvariant</c>); returns why it fails, or <see langword="null"/>. Never echoes the pattern.
    /// </summary>
    internal static string? RegexProblem(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            return null;
        }
        catch (RegexParseException ex)
        {
            var marker = $"at offset {ex.Offset}. ";
            var i = ex.Message.IndexOf(marker, StringComparison.Ordinal);
            var why = i >= 0 ? ex.Message[(i + marker.Length)..].TrimEnd('.') : ex.Error.ToString();
            return $"invalid regular expression at offset {ex.Offset}: {why}";
        }
        catch (NotSupportedException ex)
        {
            return "the regular expression uses a construct the linear-time (NonBacktracking) engine refuses — backreferences, lookarounds, atomic groups or conditionals: " + ex.Message.TrimEnd('.', ' ');
        }
        catch (ArgumentException)
        {
            return "invalid regular expression";
        }
    }

    private static void ParseDlp(SchemaReader r, YamlNode value, List<Func<RouteSpec, RouteSpec>> fields)
    {
        var map = r.Mapping(value, "dlp");
        if (map is null)
        {
            return;
        }

        foreach (var (key, kn, v) in r.Entries(map, DlpKeys))
        {
            switch (key)
            {
                case "outbound_detectors":
                    if (Detectors(r, v, "dlp.outbound_detectors", OutboundNames) is { } outbound)
                    {
                        var list = outbound.Select(n => n == "token_patterns" ? OutboundDetector.TokenPatterns : OutboundDetector.KnownSecrets).ToImmutableArray();
                        fields.Add(s => s with { OutboundDetectors = new Located<ImmutableArray<OutboundDetector>>(list, r.At(kn)) });
                    }

                    break;
                case "inbound_detectors":
                    if (Detectors(r, v, "dlp.inbound_detectors", InboundNames) is { } inbound)
                    {
                        var list = inbound.Select(_ => InboundDetector.Injection).Distinct().ToImmutableArray();
                        fields.Add(s => s with { InboundDetectors = new Located<ImmutableArray<InboundDetector>>(list, r.At(kn)) });
                    }

                    break;
                case "outbound_on_match":
                    var t = r.Text(v, "dlp.outbound_on_match");
                    DlpAction? action = t switch
                    {
                        "block" => DlpAction.Block,
                        "redact" => DlpAction.Redact,
                        "supervise" => DlpAction.Supervise,
                        _ => null,
                    };
                    if (t is not null && action is null)
                    {
                        r.Error(v, ManifestErrorCode.InvalidValue, "'dlp.outbound_on_match' must be block, redact or supervise", Suggestions.Closest(t, Actions));
                    }

                    if (action is { } act)
                    {
                        fields.Add(s => s with { OutboundOnMatch = new Located<DlpAction>(act, r.At(kn)) });
                    }

                    break;
            }
        }
    }

    /// <summary>A detector list, or <c>false</c> for none.</summary>
    private static List<string>? Detectors(SchemaReader r, YamlNode node, string what, string[] allowed)
    {
        if (node is YamlScalarNode s && SchemaReader.Classify(s) == ScalarKind.Bool)
        {
            if (s.Value!.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                return [];
            }

            r.Error(node, ManifestErrorCode.WrongType, $"'{what}' is a list of detectors ({string.Join(", ", allowed)}) or false; leave it out for all of them");
            return null;
        }

        if (node is not YamlSequenceNode)
        {
            r.Error(node, ManifestErrorCode.WrongType, $"'{what}' is a list of detectors ({string.Join(", ", allowed)}) or false, not {SchemaReader.Describe(node)}");
            return null;
        }

        var result = new List<string>();
        var ok = true;
        foreach (var item in ((YamlSequenceNode)node).Children)
        {
            var t = r.Text(item, what + " entry");
            if (t is null)
            {
                ok = false;
            }
            else if (!allowed.Contains(t, StringComparer.Ordinal))
            {
                r.Error(item, ManifestErrorCode.InvalidValue, $"unknown detector in '{what}'; valid: {string.Join(", ", allowed)}", Suggestions.Closest(t, allowed));
                ok = false;
            }
            else if (result.Contains(t, StringComparer.Ordinal))
            {
                r.Error(item, ManifestErrorCode.DuplicateValue, $"detector '{t}' is listed twice in '{what}'");
                ok = false;
            }
            else
            {
                result.Add(t);
            }
        }

        return ok ? result : null;
    }
}

/// <summary>RFC 9110 §5.6.2 tokens (method and header names).</summary>
internal static class HttpTokens
{
    /// <summary>Whether <paramref name="s"/> is a non-empty <c>1*tchar</c>.</summary>
    public static bool IsToken(string s) => s.Length is > 0 and <= 256 && s.All(IsTChar);

    private static bool IsTChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
