using System.Collections.Immutable;
using System.Globalization;
using BotBottle.Manifest.Yaml;
using BotBottle.Policy;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using PatternKind = BotBottle.Policy.PatternKind;

namespace BotBottle.Manifest;

/// <summary>
/// A routes file (PRODUCT.md §3.4): YAML with a top-level <c>routes:</c> list in the bottle route schema and an
/// optional <c>log: 0|1|2</c> (default 1). The sidecar, the offline egress check and the supervise plane read and
/// write policy in this form.
/// </summary>
/// <example>
/// <code>
/// log: 1
/// routes:
///   - host: api.github.com
///     auth: { scheme: Bearer, token_ref: GITHUB_TOKEN }
///     matches:
///       - paths: [{ type: prefix, value: /repos/acme/ }]
///         methods: [GET]
/// </code>
/// </example>
public static class RoutesFile
{
    private static readonly KeySchema TopKeys = new("a routes file", ["routes", "log"]);

    /// <summary>Parses a routes file.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="sourceName">Name used in error locations (a path, or e.g. <c>proposal 42</c>).</param>
    /// <returns>The policy: routes in file order, hosts lower-cased, defaults applied.</returns>
    /// <exception cref="ManifestException">The text is not a valid routes file; carries every located error.</exception>
    public static EgressPolicy Parse(string yaml, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        var errors = new List<ManifestError>();
        var policy = Read(yaml, sourceName, errors);
        return errors.Count > 0 || policy is null ? throw new ManifestException(errors) : policy;
    }

    /// <summary>Reads and parses the routes file at <paramref name="path"/> (UTF-8).</summary>
    /// <exception cref="ManifestException">The file is not a valid routes file (not UTF-8 text included).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static EgressPolicy Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = File.ReadAllBytes(path);
        var errors = new List<ManifestError>();
        var text = YamlDocumentLoader.Decode(bytes, path, errors);
        return text is null ? throw new ManifestException(errors) : Parse(text, path);
    }

    /// <summary>
    /// Writes <paramref name="policy"/> as a routes file. Every field is written explicitly (defaults included) and
    /// every text value double-quoted, so <c>Parse(Serialize(p))</c> equals <c>p</c> for any valid policy.
    /// </summary>
    public static string Serialize(EgressPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var routes = new YamlSequenceNode();
        foreach (var route in policy.Routes)
        {
            routes.Add(RouteNode(route));
        }

        var root = new YamlMappingNode
        {
            { "log", Plain(((int)policy.Log).ToString(CultureInfo.InvariantCulture)) },
            { "routes", routes },
        };
        var stream = new YamlStream(new YamlDocument(root));
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // YamlStream.Save ends the document with "...": drop it so the file reads as plain configuration.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    internal static EgressPolicy? Read(string yaml, string sourceName, List<ManifestError> errors)
    {
        var loaded = YamlDocumentLoader.LoadPlain(yaml, sourceName, errors);
        if (loaded is null)
        {
            return null;
        }

        var r = new SchemaReader(sourceName, 0, errors);
        if (loaded.Root is null)
        {
            return EgressPolicy.DenyAll;
        }

        var map = r.Mapping(loaded.Root, "routes file");
        if (map is null)
        {
            return null;
        }

        var log = EgressLogLevel.Blocked;
        var routes = new List<RouteSpec>();
        foreach (var (key, _, value) in r.Entries(map, TopKeys))
        {
            if (key == "log")
            {
                log = ReadLog(r, value) ?? log;
            }
            else
            {
                routes = RouteParser.ParseList(r, value, "routes");
            }
        }

        return new EgressPolicy(routes.Select(s => s.ToRoute()).ToImmutableArray(), log);
    }

    internal static EgressLogLevel? ReadLog(SchemaReader r, YamlNode value)
    {
        var n = r.Integer(value, "log");
        if (n is null)
        {
            return null;
        }

        if (n is < 0 or > 2)
        {
            r.Error(value, ManifestErrorCode.InvalidValue, "'log' is 0 (off), 1 (blocked requests) or 2 (every request and response)");
            return null;
        }

        return (EgressLogLevel)n.Value;
    }

    private static YamlMappingNode RouteNode(EgressRoute route)
    {
        var node = new YamlMappingNode { { "host", Quoted(route.Host) } };
        if (!route.Ports.IsDefaultOrEmpty)
        {
            node.Add("ports", new YamlSequenceNode(route.Ports.Select(p => (YamlNode)Plain(p.ToString(CultureInfo.InvariantCulture)))));
        }
        if (route.Auth is { } auth)
        {
            var authNode = new YamlMappingNode { { "scheme", Quoted(auth.SchemeText) } };
            if (auth.Name is { } headerName)
            {
                authNode.Add("name", Quoted(headerName));
            }

            if (auth.User is { } user)
            {
                authNode.Add("user", Quoted(user));
            }

            if (auth.Password is { } password)
            {
                authNode.Add("password", Quoted(password));
            }

            authNode.Add("token_ref", Quoted(auth.TokenRef));
            node.Add("auth", authNode);
        }

        if (!route.Matches.IsDefaultOrEmpty)
        {
            var matches = new YamlSequenceNode();
            foreach (var m in route.Matches)
            {
                var entry = new YamlMappingNode();
                if (!m.Paths.IsDefaultOrEmpty)
                {
                    entry.Add("paths", new YamlSequenceNode(m.Paths.Select(p => (YamlNode)ValueNode(p))));
                }

                if (!m.Methods.IsDefaultOrEmpty)
                {
                    entry.Add("methods", new YamlSequenceNode(m.Methods.Select(x => (YamlNode)Quoted(x))));
                }

                if (!m.Headers.IsDefaultOrEmpty)
                {
                    var headers = new YamlMappingNode();
                    foreach (var h in m.Headers)
                    {
                        headers.Add(Quoted(h.Name), ValueNode(h.Value));
                    }

                    entry.Add("headers", headers);
                }

                matches.Add(entry);
            }

            node.Add("matches", matches);
        }

        var dlp = new YamlMappingNode
        {
            { "outbound_detectors", route.Dlp.OutboundDetectors.IsDefaultOrEmpty ? Plain("false") : new YamlSequenceNode(route.Dlp.OutboundDetectors.Select(d => (YamlNode)Plain(d == OutboundDetector.TokenPatterns ? "token_patterns" : "known_secrets"))) },
            { "inbound_detectors", route.Dlp.InboundDetectors.IsDefaultOrEmpty ? Plain("false") : new YamlSequenceNode(route.Dlp.InboundDetectors.Select(_ => (YamlNode)Plain("injection"))) },
            { "outbound_on_match", Plain(route.Dlp.OutboundOnMatch.ToString().ToLowerInvariant()) },
        };
        node.Add("dlp", dlp);
        node.Add("git", new YamlMappingNode { { "fetch", Plain(route.Git.Fetch ? "true" : "false") } });
        node.Add("allow_private", Plain(route.AllowPrivate ? "true" : "false"));
        return node;
    }

    private static YamlMappingNode ValueNode(ValuePattern v) => new()
    {
        { "type", Plain(v.Type.ToString().ToLowerInvariant()) },
        { "value", Quoted(v.Value) },
    };

    private static YamlScalarNode Plain(string value) => new(value) { Style = ScalarStyle.Plain };

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };
}

/// <summary>The outcome of <see cref="RouteValidator"/>: the routes that parsed, and every located error.</summary>
/// <param name="Routes">Valid routes (invalid ones are left out).</param>
/// <param name="Errors">Every error found; empty when all routes are valid.</param>
public sealed record RouteValidationResult(ImmutableArray<EgressRoute> Routes, ImmutableArray<ManifestError> Errors)
{
    /// <summary><see langword="true"/> when there are no errors.</summary>
    public bool IsValid => Errors.IsEmpty;
}

/// <summary>
/// Validates routes with exactly the rules bottles and routes files follow, for callers that hold routes in
/// another form: a proposal's YAML fragment, or routes built in code (structured MCP tool arguments).
/// </summary>
public static class RouteValidator
{
    /// <summary>
    /// Validates a YAML node holding one route (a map) or a list of routes, as YamlDotNet's representation model
    /// gives it. Locations are the node's marks plus <paramref name="lineOffset"/>.
    /// </summary>
    /// <param name="node">A route map or a list of route maps.</param>
    /// <param name="sourceName">Name used in error locations.</param>
    /// <param name="lineOffset">Lines to add to the node's marks (when the YAML was cut from a larger file).</param>
    public static RouteValidationResult Validate(YamlNode node, string sourceName, int lineOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        var r = new SchemaReader(sourceName, lineOffset);
        List<RouteSpec> specs;
        if (node is YamlMappingNode)
        {
            var one = RouteParser.Parse(r, node);
            specs = one is null ? [] : [one];
        }
        else
        {
            specs = RouteParser.ParseList(r, node, "routes");
        }

        return new RouteValidationResult(specs.Select(s => s.ToRoute()).ToImmutableArray(), [.. r.Errors]);
    }

    /// <summary>Validates YAML text holding one route or a list of routes (for example a proposal's payload).</summary>
    /// <param name="yaml">The YAML.</param>
    /// <param name="sourceName">Name used in error locations.</param>
    public static RouteValidationResult Validate(string yaml, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        var errors = new List<ManifestError>();
        var loaded = YamlDocumentLoader.LoadPlain(yaml, sourceName, errors);
        if (loaded is null)
        {
            return new RouteValidationResult([], [.. errors]);
        }

        if (loaded.Root is null)
        {
            return new RouteValidationResult([], []);
        }

        var result = Validate(loaded.Root, sourceName);
        return result with { Errors = [.. errors, .. result.Errors] };
    }

    /// <summary>
    /// Validates routes built in code. Errors carry no line (<see cref="ManifestError.Line"/> 0) and name the
    /// route by index and host: host syntax, duplicate hosts, auth token references, methods, header names,
    /// path values and regexes.
    /// </summary>
    /// <param name="routes">The routes.</param>
    /// <param name="sourceName">Name used in error locations.</param>
    public static RouteValidationResult Validate(IEnumerable<EgressRoute> routes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        var at = new SourceLocation(sourceName, 0, 0);
        var errors = new List<ManifestError>();
        var valid = ImmutableArray.CreateBuilder<EgressRoute>();
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var index = -1;
        foreach (var route in routes)
        {
            index++;
            if (route is null)
            {
                errors.Add(new ManifestError(at, ManifestErrorCode.MissingKey, $"routes[{index}] is empty"));
                continue;
            }

            var where = $"routes[{index}] ({route.Host})";
            var before = errors.Count;
            var reason = HostNames.Validate(route.Host ?? string.Empty, out var host, out var suggestion);
            if (reason is not null)
            {
                errors.Add(new ManifestError(at, ManifestErrorCode.InvalidHost, $"{where}: {reason}", suggestion));
            }
            else if (host != route.Host)
            {
                errors.Add(new ManifestError(at, ManifestErrorCode.InvalidHost, $"{where}: a route host is lower-case", host));
            }
            else if (!hosts.Add(host))
            {
                errors.Add(new ManifestError(at, ManifestErrorCode.DuplicateRouteHost, $"{where}: a second route for host '{host}'; one route per host"));
            }

            if (!route.Ports.IsDefault && (route.Ports.Any(p => p is < 1 or > 65535) || route.Ports.Distinct().Count() != route.Ports.Length))
            {
                errors.Add(new ManifestError(at, ManifestErrorCode.InvalidValue, $"{where}: ports are distinct whole numbers from 1 to 65535"));
            }

            if (route.Auth is not null && host.StartsWith("*.", StringComparison.Ordinal))
            {
                errors.Add(new ManifestError(at, ManifestErrorCode.InvalidValue, $"{where}: {RouteParser.WildcardAuthReason}"));
            }

            if (route.Auth is { } auth && !ManifestNames.IsValidEnvName(auth.TokenRef))
            {
                errors.Add(new ManifestError(at, ManifestErrorCode.InvalidEnvName, $"{where}: auth.token_ref must name an environment variable"));
            }

            if (route.Auth is { } a2 && (a2.Scheme == AuthScheme.Header) != (a2.Name is not null))
            {
                errors.Add(new ManifestError(at, ManifestErrorCode.InvalidValue, $"{where}: auth.name is required with scheme header and refused with any other scheme"));
            }
            else if (route.Auth is { Name: { } hn } && !HttpTokens.IsToken(hn))
            {
                errors.Add(new ManifestError(at, ManifestErrorCode.InvalidValue, $"{where}: auth.name must be a header name (RFC 9110 §5.1 token)"));
            }

            if (route.Auth is { } a3 && ((a3.Scheme == AuthScheme.Basic) != (a3.User is not null || a3.Password is not null) || (a3.User is not null && a3.Password is not null) || (a3.User?.Contains(':', StringComparison.Ordinal) ?? false)))
            {
                errors.Add(new ManifestError(at, ManifestErrorCode.InvalidValue, $"{where}: scheme basic needs exactly one of auth.user (no ':', RFC 7617) and auth.password, and both are refused with any other scheme"));
            }

            var mi = -1;
            foreach (var m in route.Matches.IsDefault ? [] : route.Matches)
            {
                mi++;
                if (m.Paths.IsDefaultOrEmpty && m.Methods.IsDefaultOrEmpty && m.Headers.IsDefaultOrEmpty)
                {
                    errors.Add(new ManifestError(at, ManifestErrorCode.InvalidValue, $"{where}: matches[{mi}] is empty and would allow every request"));
                }

                foreach (var p in m.Paths.IsDefault ? [] : m.Paths)
                {
                    if (RouteParser.CheckValue(p.Type, p.Value ?? string.Empty, isPath: true) is { } problem)
                    {
                        errors.Add(new ManifestError(at, p.Type == PatternKind.Regex ? ManifestErrorCode.InvalidRegex : ManifestErrorCode.InvalidValue, $"{where}: matches[{mi}].paths: {problem}"));
                    }
                }

                foreach (var method in m.Methods.IsDefault ? [] : m.Methods)
                {
                    if (method is null || !HttpTokens.IsToken(method) || !string.Equals(method, method.ToUpperInvariant(), StringComparison.Ordinal))
                    {
                        errors.Add(new ManifestError(at, ManifestErrorCode.InvalidMethod, $"{where}: matches[{mi}].methods: an HTTP method is an upper-case RFC 9110 token"));
                    }
                }

                foreach (var h in m.Headers.IsDefault ? [] : m.Headers)
                {
                    if (h.Name is null || !HttpTokens.IsToken(h.Name))
                    {
                        errors.Add(new ManifestError(at, ManifestErrorCode.InvalidValue, $"{where}: matches[{mi}].headers: a header name is an RFC 9110 token"));
                    }
                    else if (RouteParser.CheckValue(h.Value.Type, h.Value.Value ?? string.Empty, isPath: false) is { } problem)
                    {
                        errors.Add(new ManifestError(at, ManifestErrorCode.InvalidRegex, $"{where}: matches[{mi}].headers.{h.Name}: {problem}"));
                    }
                }
            }

            if (errors.Count == before)
            {
                valid.Add(route);
            }
        }

        return new RouteValidationResult(valid.ToImmutable(), [.. errors]);
    }
}
